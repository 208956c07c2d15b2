"""What the integration suites share besides the server process
(vigil_serve.py): the failure of a test and its checks, HTTP requests
with the curl command-line tool, the database through the sqlite3
command-line tool, and the runner.

The runner prints one line per test ("ok   NAME" or "FAIL NAME: reason",
NAME being the function's name without "test_"), a line for each check
made after the server stopped, then exactly "N passed, M failed"; a
suite's main() returns 1 if anything failed.
Environment: IT_ONLY=regex runs only the matching tests, IT_KEEP=1 keeps
the temporary folders, IT_VERBOSE=1 prints tracebacks and timings.

Python 3 standard library only (test_mail.py and test_smtp_send.py run
with /usr/bin/python3)."""
import json
import os
import re
import secrets
import socket
import subprocess
import sys
import time
import traceback
import urllib.parse


class TestFailure(Exception):
    pass


def check(cond, msg):
    if not cond:
        raise TestFailure(msg)


def eq(got, want, what):
    if got != want:
        raise TestFailure("%s: got %r, want %r" % (what, got, want))


def free_port():
    """A loopback TCP port nothing listens on (at the moment)."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


# ---------------------------------------------------------------------------
# Request bodies


JSON = "application/json"
FORM = "application/x-www-form-urlencoded"


def jbody(obj):
    return json.dumps(obj).encode()


def urlenc(fields):
    return urllib.parse.urlencode(fields).encode()


def multipart(fields, files=()):
    """fields: [(name, str)]; files: [(name, filename, ctype, bytes)].
    The file name goes in filename*= (RFC 5987) so any character can be
    sent.  Returns (content type, body)."""
    bnd = "vigilit" + secrets.token_hex(16)
    out = []
    for name, value in fields:
        out.append(("--%s\r\nContent-Disposition: form-data; name=\"%s\""
                    "\r\n\r\n" % (bnd, name)).encode() +
                   value.encode("utf-8") + b"\r\n")
    for name, fname, ctype, data in files:
        out.append(("--%s\r\nContent-Disposition: form-data; name=\"%s\"; "
                    "filename=\"file.bin\"; filename*=UTF-8''%s\r\n"
                    "Content-Type: %s\r\n\r\n" % (
                        bnd, name, urllib.parse.quote(fname, safe=""),
                        ctype)).encode() + data + b"\r\n")
    out.append(("--%s--\r\n" % bnd).encode())
    return "multipart/form-data; boundary=" + bnd, b"".join(out)


# ---------------------------------------------------------------------------
# curl


class Resp:
    def __init__(self, status, headers, body, url, method, time_total=None):
        self.status = status
        self.headers = headers      # list of (lower-case name, value)
        self.body = body            # bytes
        self.url = url
        self.method = method
        self.time_total = time_total    # seconds, when curl measured it

    def h(self, name):
        name = name.lower()
        for k, v in self.headers:
            if k == name:
                return v
        return None

    def hall(self, name):
        name = name.lower()
        return [v for k, v in self.headers if k == name]

    @property
    def text(self):
        return self.body.decode("utf-8", "replace")

    def json(self):
        try:
            return json.loads(self.body)
        except ValueError:
            raise TestFailure("%s %s: body is not JSON: %r" % (
                self.method, self.url, self.body[:300]))

    def main(self):
        """The page's <main> element (what differs between pages)."""
        m = re.search(r"<main\b.*?</main>", self.text, re.S)
        return m.group(0) if m else self.text

    def __repr__(self):
        return "<%s %s -> %s>" % (self.method, self.url, self.status)


_stems = [0]


def stem(tmp):
    """A fresh file name stem in the folder tmp for one request's files:
    STEM.h (the response's headers), STEM.b (its body), STEM.in (the
    request's body)."""
    _stems[0] += 1
    return os.path.join(tmp, "c%d" % _stems[0])


def curl_options(url, stem, timeout, method=None, data=None, ctype=None,
                 cookie=None, jar=None, headers=(), args=(), expect=True,
                 write_out=None):
    """curl's options for one request (a section between --next ones).
    expect: with data, send an empty "Expect:" (no 100-continue round);
    args: further options, just before the URL."""
    cmd = ["-s", "-S", "-g", "--max-time", str(timeout), "-D", stem + ".h",
           "-o", stem + ".b", "--path-as-is"]
    if write_out is not None:
        cmd += ["-w", write_out]
    if method:
        cmd += ["-X", method]
    if ctype is not None:
        cmd += ["-H", "Content-Type: " + ctype]
    if data is not None:
        with open(stem + ".in", "wb") as f:
            f.write(data)
        cmd += ["--data-binary", "@" + stem + ".in"]
        if expect:
            cmd += ["-H", "Expect:"]
    if cookie is not None:
        cmd += ["-H", "Cookie: " + cookie]
    if jar is not None:
        cmd += ["-b", jar, "-c", jar]
    for h in headers:
        cmd += ["-H", h]
    return cmd + list(args) + [url]


def read_response(stem):
    """The final response curl wrote to STEM.h and STEM.b (an interim
    100 skipped): (status, headers, body), status None when there was
    none.  Removes the request's files."""
    raw = open(stem + ".h", "rb").read() if os.path.exists(stem + ".h") \
        else b""
    status, headers = None, []
    for blk in [b for b in raw.split(b"\r\n\r\n") if b.strip()]:
        lines = blk.split(b"\r\n")
        m = re.match(rb"HTTP/\S+ (\d{3})", lines[0])
        if not m or int(m.group(1)) == 100:
            continue
        status, headers = int(m.group(1)), []
        for ln in lines[1:]:
            if b":" in ln:
                k, v = ln.split(b":", 1)
                headers.append((k.decode().strip().lower(),
                                v.decode("utf-8", "replace").strip()))
    body = open(stem + ".b", "rb").read() if os.path.exists(stem + ".b") \
        else b""
    for p in (stem + ".h", stem + ".b", stem + ".in"):
        if os.path.exists(p):
            os.unlink(p)
    return status, headers, body


def method_of(method, data, args=()):
    """The method curl uses."""
    return method or ("POST" if data is not None or any(
        a in ("-F", "--form-string") for a in args) else "GET")


def curl_failed(method, path, r):
    """The TestFailure for a request that got no response; r is curl's
    CompletedProcess."""
    return TestFailure("curl %s %s failed (exit %d): %s" % (
        method, path, r.returncode,
        r.stderr.decode(errors="replace").strip()[:300]))


def curl(srv, path, timeout=15, **opts):
    """One request with the curl tool to srv (its base URL and temporary
    folder); path may be a whole URL.  opts: those of curl_options.
    Returns a Resp; TestFailure when there is no response."""
    s = stem(srv.tmp)
    url = path if path.startswith("http") else srv.base + path
    r = subprocess.run(["curl"] + curl_options(url, s, timeout, **opts),
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=timeout + 30)
    status, headers, body = read_response(s)
    meth = method_of(opts.get("method"), opts.get("data"),
                     opts.get("args", ()))
    if status is None:
        raise curl_failed(meth, path, r)
    return Resp(status, headers, body, path, meth)


def note_secrets(resp, seen):
    """Adds to the set seen the secrets resp shows: tracking-link
    tokens, CSRF tokens, cookie values of 16 characters or more."""
    t = resp.text
    seen.update(re.findall(r"/track/([A-Za-z0-9_-]{43})\b", t))
    seen.update(re.findall(r'name="csrf" value="([0-9a-f]{64})"', t))
    for c in resp.hall("set-cookie"):
        v = c.split(";", 1)[0].partition("=")[2]
        if len(v) >= 16:
            seen.add(v)


# ---------------------------------------------------------------------------
# The database


def q(s):
    """s as an SQL string literal."""
    return "'" + str(s).replace("'", "''") + "'"


class Sqlite:
    """The sqlite3 command-line tool on a suite's database: path() gives
    its file (a function, as the suite's server is made in main())."""

    def __init__(self, path):
        self.path = path

    def sql(self, query, db=None):
        """Runs query read-only; returns a list of dicts."""
        r = subprocess.run(["sqlite3", "-readonly", "-json", "-cmd",
                            ".timeout 5000", db or self.path(), query],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=30)
        if r.returncode != 0:
            raise TestFailure("sqlite3 failed: %s" %
                              r.stderr.decode().strip())
        out = r.stdout.decode().strip()
        return json.loads(out) if out else []

    def write(self, query, must_succeed=True):
        """Runs query read-write (test setup); returns (rc, stderr)."""
        r = subprocess.run(["sqlite3", "-cmd", ".timeout 5000", self.path(),
                            query], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=30)
        err = r.stderr.decode().strip()
        if must_succeed and r.returncode != 0:
            raise TestFailure("sqlite3 write failed: %s" % err)
        return r.returncode, err

    def case_row(self, tid, db=None):
        rows = self.sql("SELECT * FROM cases WHERE tracking_id = %s" % q(tid),
                        db)
        check(len(rows) == 1, "case %s not in the database" % tid)
        return rows[0]

    def audit_max(self):
        return self.sql("SELECT coalesce(max(id), 0) AS m FROM audit")[0]["m"]

    def audit_since(self, mark, action=None):
        w = "" if action is None else " AND action = %s" % q(action)
        return self.sql("SELECT id, actor, action, case_id, details FROM "
                        "audit WHERE id > %d%s ORDER BY id" % (mark, w))


# ---------------------------------------------------------------------------
# The runner


def verbose():
    return bool(os.environ.get("IT_VERBOSE"))


def run_one(test):
    """Runs the test function; prints its line; returns True if it
    passed."""
    short = test.__name__[5:]
    t1 = time.time()
    ok = False
    try:
        test()
        print("ok   %s" % short)
        ok = True
    except TestFailure as e:
        print("FAIL %s: %s" % (short, e))
    except Exception as e:  # noqa: BLE001
        print("FAIL %s: %s: %s" % (short, type(e).__name__, e))
        if verbose():
            traceback.print_exc()
    if verbose():
        print("# %s took %.1f s" % (short, time.time() - t1),
              file=sys.stderr)
    sys.stdout.flush()
    return ok


def verdict(name, problems, sep="; "):
    """Prints "ok   name" or "FAIL name: problems"; returns 1 if there
    were problems, else 0."""
    if problems:
        print("FAIL %s: %s" % (name, sep.join(problems)))
        return 1
    print("ok   %s" % name)
    return 0


def selected(tests):
    """The tests IT_ONLY selects (all without it)."""
    only = os.environ.get("IT_ONLY")
    return [t for t in tests if not only or re.search(only, t.__name__[5:])]


def run_server(new_server, tests, setup=None, checks=(), prefix="",
               started="server_start", clean="server_exit_clean"):
    """Makes a server with new_server() and starts it (then setup(), if
    given), runs the selected tests against it, stops it; its problems
    are the line `clean`; then a line for each check (name, fn(server)
    -> a list of problems).  Nothing when no test is selected.  Line
    names start with prefix.  Returns (passed, failed)."""
    tests = selected(tests)
    if not tests:
        return 0, 0
    srv = new_server()
    try:
        srv.start()
        if setup is not None:
            setup()
    except Exception as e:      # noqa: BLE001
        print("FAIL %s%s: %s" % (prefix, started, e))
        if verbose():
            traceback.print_exc()
        srv.stop()
        return 0, 1
    passed = failed = 0
    try:
        for t in tests:
            if run_one(t):
                passed += 1
            else:
                failed += 1
    finally:
        problems = srv.stop()
    bad = [verdict(prefix + clean, problems, " | ")]
    bad += [verdict(prefix + name, fn(srv)) for name, fn in checks]
    passed += bad.count(0)
    failed += bad.count(1)
    if os.environ.get("IT_KEEP"):
        print("# kept %s" % " and ".join(srv.folders()), file=sys.stderr)
    else:
        srv.cleanup()
    sys.stdout.flush()
    return passed, failed


def vigil_arg(argv):
    """The path of vigil, the one argument; None (after saying why) when
    it is missing or not executable."""
    if len(argv) != 2:
        print("usage: %s path/to/vigil" % argv[0], file=sys.stderr)
        return None
    if not os.access(argv[1], os.X_OK):
        print("%s is not executable" % argv[1], file=sys.stderr)
        return None
    return argv[1]


def summary(t0, passed, failed):
    """The last line; returns the exit status."""
    print("# %.1f s" % (time.time() - t0), file=sys.stderr)
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


def run_suite(argv, new_server, tests, notes=None, **kw):
    """main() of a suite with one server: new_server(vigil) makes it,
    run_server() runs the tests (kw: its options); notes(), if given,
    prints lines of its own before the summary.  Returns the exit
    status (2: bad usage)."""
    binary = vigil_arg(argv)
    if binary is None:
        return 2
    t0 = time.time()
    passed, failed = run_server(lambda: new_server(binary), tests, **kw)
    if notes is not None:
        notes()
    return summary(t0, passed, failed)
