"""The `vigil serve` process under test, shared by the integration
suites: its temporary folder, database and configuration, the CLI run
against them, the server started on a loopback port (by default a free
one, read from its "listening on" line), stopped with SIGTERM, its exit
status and stderr checked (sanitizer reports are problems).

A suite's Server class inherits Serve, calls Serve.__init__ with the
binary, a prefix for the temporary folder and the configuration, and
starts the server in start() with _serve(); stop() returns the problems
found, cleanup() removes folders()."""
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
SANITIZER_MARKS = ("ERROR: AddressSanitizer", "runtime error:",
                   "LeakSanitizer")


def scan_sanitizer(path, who, problems):
    """Appends to problems the first sanitizer report in the file path."""
    text = open(path, errors="replace").read()
    for mark in SANITIZER_MARKS:
        i = text.find(mark)
        if i != -1:
            problems.append("%s printed a sanitizer report: %s" % (
                who, text[max(0, i - 200):i + 1500]))
            return


def terminate(proc, timeout):
    """Sends SIGTERM to proc if it runs and waits up to timeout seconds
    for it, then kills it; returns False if it had to be killed."""
    if proc.poll() is not None:
        return True
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=timeout)
        return True
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        return False


class Serve:
    proc = None
    port = None
    base = None
    cli_timeout = 60        # seconds a `vigil` CLI command may take

    def __init__(self, binary, prefix, conf=None):
        """A temporary folder (prefix) holding the database it.db and
        vigil.conf (with the text conf, if given); the environment asks
        the sanitizers for leak checks and stack traces."""
        self.binary = os.path.abspath(binary)
        self.tmp = tempfile.mkdtemp(prefix=prefix)
        self.db = os.path.join(self.tmp, "it.db")
        self.dburl = "sqlite:" + self.db
        self.conf = os.path.join(self.tmp, "vigil.conf")
        if conf is not None:
            with open(self.conf, "w", encoding="utf-8") as f:
                f.write(conf)
        self.env = dict(os.environ)
        self.env["ASAN_OPTIONS"] = "detect_leaks=1:abort_on_error=0"
        self.env["UBSAN_OPTIONS"] = "print_stacktrace=1"
        self.problems = []
        self.cli_n = 0
        self.serve_n = 0

    def cli(self, args, stdin=None, timeout=None, conf=None, dburl=None):
        """Runs `vigil --config C --db D ARGS` in the repository's top
        folder (C and D: this server's unless given); returns (rc, out,
        err) and scans stderr for sanitizer reports."""
        self.cli_n += 1
        errp = os.path.join(self.tmp, "cli%d.stderr" % self.cli_n)
        with open(errp, "wb") as ef:
            r = subprocess.run([self.binary, "--config", conf or self.conf,
                                "--db", dburl or self.dburl] + list(args),
                               cwd=ROOT, env=self.env, input=stdin,
                               stdout=subprocess.PIPE, stderr=ef,
                               timeout=timeout or self.cli_timeout)
        self._scan(errp, "vigil " + " ".join(args[:2]))
        err = open(errp, errors="replace").read()
        return r.returncode, r.stdout.decode("utf-8", "replace"), err

    def must(self, args, stdin=None):
        """cli(args) that must succeed (set-up); returns its stdout or
        raises RuntimeError."""
        rc, out, err = self.cli(args, stdin=stdin)
        if rc != 0:
            raise RuntimeError("vigil %s exited %d: %s" % (
                " ".join(args[:2]), rc, err))
        return out

    def _serve(self, extra=(), listen="127.0.0.1:0"):
        """Starts `vigil serve --listen LISTEN` + extra; sets port and
        base, or raises RuntimeError."""
        name = "serve" if not self.serve_n else "serve%d" % self.serve_n
        self.serve_n += 1
        self.port = None
        self.out_path = os.path.join(self.tmp, name + ".stdout")
        self.err_path = os.path.join(self.tmp, name + ".stderr")
        self.out_f = open(self.out_path, "wb")
        self.err_f = open(self.err_path, "wb")
        self.proc = subprocess.Popen(
            [self.binary, "--config", self.conf, "--db", self.dburl,
             "serve", "--listen", listen] + list(extra),
            cwd=ROOT, env=self.env, stdin=subprocess.DEVNULL,
            stdout=self.out_f, stderr=self.err_f)
        deadline = time.time() + 30
        while time.time() < deadline:
            with open(self.out_path, "rb") as f:
                m = re.search(rb"listening on 127\.0\.0\.1:(\d+)\n", f.read())
            if m:
                self.port = int(m.group(1))
                break
            if self.proc.poll() is not None:
                raise RuntimeError("vigil serve exited %d before listening:"
                                   " %s" % (self.proc.returncode, open(
                                       self.err_path, errors="replace")
                                       .read()[-2000:]))
            time.sleep(0.05)
        if self.port is None:
            self.stop()
            raise RuntimeError("vigil serve did not print its port")
        self.base = "http://127.0.0.1:%d" % self.port

    def _scan(self, path, who):
        scan_sanitizer(path, who, self.problems)

    def stop(self):
        """Stops the server; returns a list of problems (empty if clean)."""
        if self.proc is not None and not terminate(self.proc, 20):
            self.problems.append("vigil serve did not stop within 20 s of "
                                 "SIGTERM (killed)")
        if self.proc is not None:
            rc = self.proc.returncode
            if rc != 0 and not any("did not stop" in p
                                   for p in self.problems):
                self.problems.append("vigil serve exited with status %d" % rc)
            self.out_f.close()
            self.err_f.close()
            self._scan(self.err_path, "vigil serve")
        return self.problems

    def log(self):
        """What the server wrote to stderr (its log)."""
        return open(self.err_path, errors="replace").read()

    def folders(self):
        """The temporary folders, which cleanup() removes."""
        return [self.tmp]

    def cleanup(self):
        for d in self.folders():
            shutil.rmtree(d, ignore_errors=True)
