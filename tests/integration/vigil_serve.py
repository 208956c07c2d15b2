"""The `vigil serve` process under test, shared by the integration
suites: started on a free loopback port (the port read from its
"listening on" line), stopped with SIGTERM, its exit status and stderr
checked (sanitizer reports are problems).

A suite's Server class inherits Serve and sets binary, conf, dburl, tmp
and env before calling _serve(); stop() returns the problems found."""
import os
import re
import signal
import subprocess
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
SANITIZER_MARKS = ("ERROR: AddressSanitizer", "runtime error:",
                   "LeakSanitizer")


class Serve:
    proc = None
    port = None
    base = None

    def _serve(self, extra=()):
        """Starts `vigil serve --listen 127.0.0.1:0` + extra; sets port
        and base, or raises RuntimeError."""
        self.problems = getattr(self, "problems", [])
        self.out_path = os.path.join(self.tmp, "serve.stdout")
        self.err_path = os.path.join(self.tmp, "serve.stderr")
        self.out_f = open(self.out_path, "wb")
        self.err_f = open(self.err_path, "wb")
        self.proc = subprocess.Popen(
            [self.binary, "--config", self.conf, "--db", self.dburl,
             "serve", "--listen", "127.0.0.1:0"] + list(extra),
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
        text = open(path, errors="replace").read()
        for mark in SANITIZER_MARKS:
            i = text.find(mark)
            if i != -1:
                self.problems.append("%s printed a sanitizer report: %s" % (
                    who, text[max(0, i - 200):i + 1500]))
                return

    def stop(self):
        """Stops the server; returns a list of problems (empty if clean)."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                self.problems.append("vigil serve did not stop within 20 s "
                                     "of SIGTERM (killed)")
        if self.proc is not None:
            rc = self.proc.returncode
            if rc != 0 and not any("did not stop" in p
                                   for p in self.problems):
                self.problems.append("vigil serve exited with status %d" % rc)
            self.out_f.close()
            self.err_f.close()
            self._scan(self.err_path, "vigil serve")
        return self.problems
