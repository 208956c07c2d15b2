#!/usr/bin/python3
"""Integration tests for mail_send() (libcurl SMTP) against a real SMTP
server on loopback (tests/integration/smtp_sink.py, aiosmtpd).

usage: /usr/bin/python3 tests/integration/test_smtp_send.py [SEND_MAIN]

SEND_MAIN is the driver built from tests/unit/mail/send_main.c; without
it the test builds one with gcc (ASan/UBSan) into a temporary directory.
The sink needs Debian's python3-aiosmtpd, so run this (and it runs the
sink) with /usr/bin/python3.  A self-signed certificate for the STARTTLS
cases comes from the openssl command-line tool.

Output: one line per test ("ok NAME" or "FAIL NAME: reason"), then
exactly "N passed, M failed"; exit status 1 if anything failed.
"""
import email
import email.policy
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import traceback
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import TestFailure, check, eq, free_port  # noqa: E402
from vigil_serve import ROOT, SANITIZER_MARKS, terminate  # noqa: E402

SINK = os.path.join(ROOT, "tests", "integration", "smtp_sink.py")
PYTHON = "/usr/bin/python3"

FROM = "security@vigil.test"
TO = "researcher@example.net"


# ---------------------------------------------------------------------------
# Fixtures

def build_driver(tmp):
    out = os.path.join(tmp, "send_main")
    pc = subprocess.run(
        ["pkg-config", "--cflags", "--libs", "gmime-3.0", "gpgme",
         "libcurl", "libsodium"], capture_output=True, text=True, check=True)
    src = ["src/mail/compose.c", "src/mail/send.c", "src/util/arena.c",
           "src/util/buf.c", "src/util/crypto.c", "src/util/encode.c",
           "src/util/log.c", "tests/unit/mail/send_main.c"]
    cmd = (["gcc", "-std=c11", "-D_GNU_SOURCE", "-Wall", "-Wextra",
            "-Werror", "-g", "-fsanitize=address,undefined", "-Isrc"]
           + src + pc.stdout.split() + ["-lpthread", "-o", out])
    subprocess.run(cmd, cwd=ROOT, check=True)
    return out


def make_cert(tmp):
    cert = os.path.join(tmp, "cert.pem")
    key = os.path.join(tmp, "key.pem")
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
         "-days", "1", "-subj", "/CN=localhost", "-keyout", key,
         "-out", cert], check=True, capture_output=True)
    return cert, key


class Sink:
    """smtp_sink.py in a child process, with its own maildir."""

    def __init__(self, tmp, *args):
        self.maildir = tempfile.mkdtemp(prefix="maildir-", dir=tmp)
        self.proc = subprocess.Popen(
            [PYTHON, SINK, "--port", "0", "--maildir", self.maildir]
            + list(args), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            text=True)
        line = self.proc.stdout.readline()
        if not line.startswith("listening on 127.0.0.1:"):
            self.stop()
            raise TestFailure("sink did not start: %r %s" %
                              (line, self.proc.stderr.read()))
        self.port = int(line.rsplit(":", 1)[1])
        self.url = "smtp://127.0.0.1:%d" % self.port

    def messages(self, want=None, wait=5.0):
        """[(bytes, meta)] in order; waits up to `wait` for `want`."""
        deadline = time.time() + wait
        while True:
            metas = sorted(f for f in os.listdir(self.maildir)
                           if f.endswith(".json"))
            if want is None or len(metas) >= want or time.time() > deadline:
                break
            time.sleep(0.05)
        out = []
        for m in metas:
            base = os.path.join(self.maildir, m[:-5])
            with open(base + ".eml", "rb") as f:
                data = f.read()
            with open(base + ".json") as f:
                out.append((data, json.load(f)))
        return out

    def stop(self):
        terminate(self.proc, 5)
        self.proc.stdout.close()
        self.proc.stderr.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


class Env:
    def __init__(self, driver, tmp):
        self.driver = driver
        self.tmp = tmp
        self.cert, self.key = make_cert(tmp)
        self.n = 0

    def msgfile(self, data):
        self.n += 1
        path = os.path.join(self.tmp, "msg-%d" % self.n)
        with open(path, "wb") as f:
            f.write(data)
        return path

    def send(self, url, data, *opts, frm=FROM, to=TO):
        """Runs the driver; returns (result, why, seconds)."""
        path = self.msgfile(data)
        t0 = time.time()
        p = subprocess.run([self.driver] + list(opts) + [url, frm, to, path],
                           capture_output=True, text=True, timeout=60)
        dt = time.time() - t0
        for mark in SANITIZER_MARKS:
            check(mark not in p.stderr, "sanitizer: " + p.stderr[-2000:])
        check(p.returncode in (0, 1, 2),
              "driver exit %d: %s" % (p.returncode, p.stderr[-500:]))
        out = p.stdout.strip()
        check(out.startswith("result "), "driver said %r" % out)
        res, _, why = out[len("result "):].partition(": ")
        res = int(res)
        eq({0: 0, -1: 1, -2: 2}[res], p.returncode, "exit status")
        return res, why, dt


def crlf(*lines):
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


SIMPLE = crlf("From: Security <%s>" % FROM, "To: <%s>" % TO,
              "Subject: [VIGIL-1] test", "Message-ID: <1@vigil.test>",
              "", "Hello.")


# ---------------------------------------------------------------------------
# Tests

def t_plain_delivery(env):
    with Sink(env.tmp) as s:
        res, why, _ = env.send(s.url, SIMPLE)
        eq(res, 0, "result (%s)" % why)
        check("250" in why, "why has the server's reply: %r" % why)
        msgs = s.messages(1)
        eq(len(msgs), 1, "messages")
        data, meta = msgs[0]
        eq(data, SIMPLE, "bytes")
        eq(meta["mail_from"], FROM, "MAIL FROM")
        eq(meta["rcpt_tos"], [TO], "RCPT TO")
        eq(meta["tls"], False, "tls")


def t_dot_stuffing(env):
    # A lone "." would end DATA early and what follows would be read as
    # SMTP commands (smuggling) if libcurl did not dot-stuff.
    data = crlf("From: %s" % FROM, "To: %s" % TO, "Subject: dots", "",
                "first", ".", "MAIL FROM:<evil@evil.example>",
                "RCPT TO:<victim@evil.example>", "DATA", "..two dots",
                ".leading", ". space", "last", ".")
    with Sink(env.tmp) as s:
        res, why, _ = env.send(s.url, data)
        eq(res, 0, "result (%s)" % why)
        time.sleep(0.3)
        msgs = s.messages(1)
        eq(len(msgs), 1, "messages (a smuggled second one?)")
        eq(msgs[0][0], data, "bytes")
        eq(msgs[0][1]["rcpt_tos"], [TO], "RCPT TO")


def t_8bit_body(env):
    data = crlf("From: %s" % FROM, "To: %s" % TO, "Subject: 8bit",
                "MIME-Version: 1.0",
                "Content-Type: text/plain; charset=utf-8",
                "Content-Transfer-Encoding: 8bit", "",
                "Grüße aus Köln — 脆弱性の報告 ✓", "\u00ff\u0100 end")
    with Sink(env.tmp) as s:
        res, why, _ = env.send(s.url, data)
        eq(res, 0, "result (%s)" % why)
        eq(s.messages(1)[0][0], data, "bytes")


def t_compose_utf8(env):
    body = "Grüße,\n\n.\n..\n脆弱性 ✓\nFrom the team\n"
    subject = "[VIGIL-7] Über die Meldung"
    with Sink(env.tmp) as s:
        res, why, _ = env.send(s.url, body.encode(), "--compose",
                               "--subject", subject)
        eq(res, 0, "result (%s)" % why)
        data, meta = s.messages(1)[0]
        check(all(b < 0x80 for b in data), "composed message is 7-bit")
        msg = email.message_from_bytes(data, policy=email.policy.default)
        eq(str(msg["Subject"]), subject, "Subject")
        eq(msg["X-Vigil-Loop"], "vigil-test", "X-Vigil-Loop")
        eq(msg.get_content_type(), "text/plain", "type")
        eq(msg.get_content_charset(), "utf-8", "charset")
        eq(msg.get_content().replace("\r\n", "\n"), body, "body")


def t_starttls_insecure(env):
    with Sink(env.tmp, "--starttls", env.cert, env.key) as s:
        res, why, _ = env.send(s.url, SIMPLE, "--starttls", "--insecure")
        eq(res, 0, "result (%s)" % why)
        data, meta = s.messages(1)[0]
        eq(meta["tls"], True, "tls")
        eq(data, SIMPLE, "bytes")


def t_starttls_verify_fails(env):
    # Self-signed certificate, verification on: temporary failure.
    with Sink(env.tmp, "--starttls", env.cert, env.key) as s:
        res, why, _ = env.send(s.url, SIMPLE, "--starttls")
        eq(res, -1, "result (%s)" % why)
        check("certificate" in why.lower() or "ssl" in why.lower(),
              "why: %r" % why)
        eq(s.messages(), [], "messages")


def t_starttls_required_not_used(env):
    # The server insists on STARTTLS (530): our configuration, so retry.
    with Sink(env.tmp, "--starttls", env.cert, env.key) as s:
        res, why, _ = env.send(s.url, SIMPLE)
        eq(res, -1, "result (%s)" % why)
        check("530" in why, "why: %r" % why)
        eq(s.messages(), [], "messages")


def t_auth(env):
    with Sink(env.tmp, "--starttls", env.cert, env.key,
              "--auth", "vigil:s3cret pass") as s:
        res, why, _ = env.send(s.url, SIMPLE, "--starttls", "--insecure",
                               "--user", "vigil", "--password", "s3cret pass")
        eq(res, 0, "result (%s)" % why)
        data, meta = s.messages(1)[0]
        eq(meta["auth"], "vigil", "auth login")
        eq(meta["tls"], True, "tls")


def t_auth_bad_password(env):
    with Sink(env.tmp, "--starttls", env.cert, env.key,
              "--auth", "vigil:right") as s:
        res, why, _ = env.send(s.url, SIMPLE, "--starttls", "--insecure",
                               "--user", "vigil", "--password", "wrong")
        eq(res, -1, "result (%s)" % why)
        check("535" in why, "why: %r" % why)
        eq(s.messages(), [], "messages")


def t_auth_missing(env):
    with Sink(env.tmp, "--starttls", env.cert, env.key,
              "--auth", "vigil:right") as s:
        res, why, _ = env.send(s.url, SIMPLE, "--starttls", "--insecure")
        eq(res, -1, "result (%s)" % why)
        check("530" in why, "why: %r" % why)
        eq(s.messages(), [], "messages")


def t_auth_without_tls_refused(env):
    with Sink(env.tmp) as s:
        res, why, _ = env.send(s.url, SIMPLE, "--user", "vigil",
                               "--password", "secret")
        eq(res, -1, "result (%s)" % why)
        check("TLS" in why, "why: %r" % why)
        eq(s.messages(), [], "messages")


def t_helo(env):
    with Sink(env.tmp) as s:
        res, why, _ = env.send(s.url, SIMPLE, "--helo", "mx.vigil.test")
        eq(res, 0, "result (%s)" % why)
        eq(s.messages(1)[0][1]["helo"], "mx.vigil.test", "EHLO name")
        res, why, _ = env.send(s.url, SIMPLE, "--helo", "bad name;x")
        eq(res, -1, "bad helo (%s)" % why)


def t_fail_451(env):
    with Sink(env.tmp, "--fail-code", "451") as s:
        res, why, _ = env.send(s.url, SIMPLE)
        eq(res, -1, "result (%s)" % why)
        check("451" in why, "why: %r" % why)
        eq(s.messages(), [], "messages")


def t_reject_550(env):
    with Sink(env.tmp, "--reject-code", "550") as s:
        res, why, _ = env.send(s.url, SIMPLE)
        eq(res, -2, "result (%s)" % why)
        check("550" in why, "why: %r" % why)
        check("No such user" in why, "server text in why: %r" % why)
        eq(s.messages(), [], "messages")


def t_server_down(env):
    res, why, _ = env.send("smtp://127.0.0.1:%d" % free_port(), SIMPLE)
    eq(res, -1, "result (%s)" % why)


def t_timeout(env):
    # Accepts the TCP connection (backlog) but never greets.
    ls = socket.socket()
    ls.bind(("127.0.0.1", 0))
    ls.listen(4)
    try:
        url = "smtp://127.0.0.1:%d" % ls.getsockname()[1]
        res, why, dt = env.send(url, SIMPLE, "--timeout", "2")
        eq(res, -1, "result (%s)" % why)
        check(dt < 10, "took %.1f s" % dt)
    finally:
        ls.close()


def t_bad_addresses(env):
    bad = [("$USER@example.org", TO), (FROM, "a`id`@example.org"),
           (FROM, "a;b@example.org"), (FROM, "$(reboot)@example.org"),
           (FROM, TO + ">\r\nRCPT TO:<victim@evil.example"),
           (FROM + "\r\nRCPT TO:<victim@evil.example>", TO),
           (FROM, "Name <%s>" % TO), (FROM, "a b@example.org"), ("", TO)]
    with Sink(env.tmp) as s:
        for frm, to in bad:
            res, why, _ = env.send(s.url, SIMPLE, frm=frm, to=to)
            eq(res, -2, "result for %r -> %r (%s)" % (frm, to, why))
        eq(s.messages(), [], "messages")


def t_bare_lf_refused(env):
    with Sink(env.tmp) as s:
        for data in (b"Subject: x\n\nbody\n", b"Subject: x\r\n\r\nbo\rdy\r\n",
                     b"Subject: x\r\n\r\na\n.\r\nMAIL FROM:<e@evil.example>\r\n",
                     b"Subject: x\r\n\r\nnul\x00\r\n", b""):
            res, why, _ = env.send(s.url, data)
            eq(res, -2, "result for %r (%s)" % (data, why))
        eq(s.messages(), [], "messages")


TESTS = [
    ("plain_delivery", t_plain_delivery),
    ("dot_stuffing", t_dot_stuffing),
    ("8bit_body", t_8bit_body),
    ("compose_utf8", t_compose_utf8),
    ("starttls_insecure", t_starttls_insecure),
    ("starttls_verify_fails", t_starttls_verify_fails),
    ("starttls_required_not_used", t_starttls_required_not_used),
    ("auth", t_auth),
    ("auth_bad_password", t_auth_bad_password),
    ("auth_missing", t_auth_missing),
    ("auth_without_tls_refused", t_auth_without_tls_refused),
    ("helo", t_helo),
    ("fail_451", t_fail_451),
    ("reject_550", t_reject_550),
    ("server_down", t_server_down),
    ("timeout", t_timeout),
    ("bad_addresses", t_bad_addresses),
    ("bare_lf_refused", t_bare_lf_refused),
]


def main():
    tmp = tempfile.mkdtemp(prefix="vigil-smtp-test-")
    passed = failed = 0
    try:
        driver = sys.argv[1] if len(sys.argv) > 1 else build_driver(tmp)
        env = Env(os.path.abspath(driver), tmp)
        for name, fn in TESTS:
            try:
                fn(env)
                print("ok", name, flush=True)
                passed += 1
            except TestFailure as e:
                print("FAIL %s: %s" % (name, e), flush=True)
                failed += 1
            except Exception:
                print("FAIL %s: %s" % (name, traceback.format_exc()),
                      flush=True)
                failed += 1
    except Exception:
        print("FAIL setup: %s" % traceback.format_exc(), flush=True)
        failed += 1
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
