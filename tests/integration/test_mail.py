#!/usr/bin/python3
"""End-to-end tests of Vigil's e-mail: intake by pipe (`vigil
ingest-mail`), threading of replies, outbound mail through a real SMTP
server on loopback (tests/integration/smtp_sink.py, aiosmtpd), the retry
path when the relay is down or refuses, PGP in and out, mail loops
(RFC 3834), and the mbox import.

Usage: /usr/bin/python3 tests/integration/test_mail.py path/to/vigil

Run it with /usr/bin/python3: the sink needs Debian's python3-aiosmtpd.
Starts `vigil serve --no-worker` on a fixed free loopback port (so that
[server] base_url, which goes into the acknowledgment's private link, is
right), with a temporary SQLite database; drives HTTP with the curl
command-line tool, prepares or reads the database with the sqlite3
command-line tool (test setup only), and makes PGP keys with gpg --batch
in temporary GnuPG homes (their agents are killed at the end).

Output: one line per test ("ok NAME" or "FAIL NAME: reason"), then
exactly "N passed, M failed"; exit status 1 if anything failed.
Environment: IT_ONLY=regex runs only matching tests (their setup runs
lazily), IT_KEEP=1 keeps the temporary folder, IT_VERBOSE=1 prints
tracebacks and timings.
"""
import base64
import email
import email.policy
import email.utils
import hashlib
import json
import os
import re
import secrets
import subprocess
import sys
import time
import urllib.parse
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import (Sqlite, check, eq, free_port, q,  # noqa: E402
                     run_suite)
from vigil_serve import (ROOT, Serve, scan_sanitizer,  # noqa: E402
                         terminate)

SINK_PY = os.path.join(ROOT, "tests", "integration", "smtp_sink.py")
PYTHON = "/usr/bin/python3"

TEAM = "security@vigil.test"
DOMAIN = "vigil.test"
TID_RE = re.compile(r"\bVR-\d{4}-\d{4,}\b")
TRACK_RE = re.compile(r"/track/([A-Za-z0-9_-]{43})\b")


# ---------------------------------------------------------------------------
# The SMTP sink


class Sink:
    def __init__(self, tmp, name, port=0, extra=()):
        self.dir = os.path.join(tmp, "sink-" + name)
        os.makedirs(self.dir, exist_ok=True)
        self.log = open(os.path.join(tmp, "sink-%s.log" % name), "wb")
        self.proc = subprocess.Popen(
            [PYTHON, SINK_PY, "--maildir", self.dir, "--port", str(port)] +
            list(extra), stdout=subprocess.PIPE, stderr=self.log,
            stdin=subprocess.DEVNULL)
        line = self.proc.stdout.readline().decode()
        m = re.match(r"listening on 127\.0\.0\.1:(\d+)", line)
        if not m:
            self.stop()
            raise RuntimeError("smtp sink did not start: %r (%s)" % (
                line, open(self.log.name, errors="replace").read()[-500:]))
        self.port = int(m.group(1))
        self.seen = 0

    def all(self):
        out, n = [], 1
        while os.path.exists(os.path.join(self.dir, "%d.json" % n)):
            raw = open(os.path.join(self.dir, "%d.eml" % n), "rb").read()
            meta = json.load(open(os.path.join(self.dir, "%d.json" % n)))
            out.append(Mail(raw, meta))
            n += 1
        return out

    def new(self):
        a = self.all()
        n, self.seen = self.seen, len(a)
        return a[n:]

    def stop(self):
        if self.proc:
            terminate(self.proc, 10)
        self.log.close()


class Mail:
    def __init__(self, raw, meta):
        self.raw = raw
        self.meta = meta
        self.rcpt = [r.lower() for r in meta["rcpt_tos"]]
        self.msg = email.message_from_bytes(raw, policy=email.policy.default)

    def h(self, name):
        v = self.msg.get(name)
        return None if v is None else str(v)

    def raw_header(self, name):
        """The header's raw (unfolded, undecoded) value."""
        head = self.raw.split(b"\r\n\r\n", 1)[0].decode("utf-8", "replace")
        head = re.sub(r"\r\n[ \t]", " ", head)
        for ln in head.split("\r\n"):
            k, _, v = ln.partition(":")
            if k.strip().lower() == name.lower():
                return v.strip()
        return None

    def body(self):
        part = self.msg.get_body(preferencelist=("plain",))
        return part.get_content() if part is not None else ""

    def __repr__(self):
        return "<mail to %s: %s>" % (self.rcpt, self.h("Subject"))


# ---------------------------------------------------------------------------
# Vigil


class Env(Serve):
    """The server (restarted with its worker by one test), its SMTP
    sinks and the GnuPG homes."""

    def __init__(self, binary):
        super().__init__(binary, "vigil-mail-it-")
        self.gpg_homes = []
        self.sinks = []
        self.sink = None
        self.mails = []     # every mail the main sinks received, in order

    # -- GnuPG
    def gpg_home(self, name):
        h = os.path.join(self.tmp, "g-" + name)
        os.makedirs(h, mode=0o700)
        self.gpg_homes.append(h)
        return h

    def gpg(self, home, args, stdin=None, check_rc=True):
        r = subprocess.run(["gpg", "--homedir", home, "--batch", "--yes",
                            "--no-tty", "--pinentry-mode", "loopback",
                            "--passphrase", ""] + args, input=stdin,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=60)
        if check_rc and r.returncode != 0:
            raise RuntimeError("gpg %s: %s" % (" ".join(args[:3]),
                                                r.stderr.decode()[-800:]))
        return r

    def gpg_key(self, home, uid):
        self.gpg(home, ["--quick-generate-key", uid, "future-default",
                        "default", "never"])
        return self.gpg(home, ["--armor", "--export", uid]).stdout

    # -- configuration and processes
    def write_conf(self, path, smtp_port, **over):
        kv = {
            ("server", "base_url"): "http://127.0.0.1:%d" % self.web_port,
            ("server", "max_attachment"): "64k",
            ("mail", "from"): "Product Security <%s>" % TEAM,
            ("mail", "address"): TEAM,
            ("mail", "domain"): DOMAIN,
            ("mail", "smtp_url"): "smtp://127.0.0.1:%d" % smtp_port,
            ("mail", "gnupg_home"): self.team_home,
            ("mail", "max_message"): "100k",
            ("mail", "worker_interval"): "1",
            ("mail", "max_attempts"): "12",
            ("log", "level"): "debug",
        }
        for k, v in over.items():
            sec, _, key = k.partition("__")
            kv[(sec, key)] = v
        secs = {}
        for (s, k), v in kv.items():
            secs.setdefault(s, []).append("%s = %s" % (k, v))
        with open(path, "w") as f:
            for s, lines in secs.items():
                f.write("[%s]\n%s\n" % (s, "\n".join(lines)))

    def start(self):
        self.web_port = free_port()
        self.team_home = self.gpg_home("team")
        self.team_pub = self.gpg_key(self.team_home,
                                     "Product Security <%s>" % TEAM)
        self.sink = Sink(self.tmp, "main")
        self.sinks.append(self.sink)
        self.write_conf(self.conf, self.sink.port)
        # Nothing listens here: the relay is down.
        self.conf_down = os.path.join(self.tmp, "vigil-down.conf")
        self.write_conf(self.conf_down, free_port())
        self.must(["demo"])
        self.password = secrets.token_urlsafe(18)
        self.analyst = "analyst@staff.test"
        self.must(["user", "add", "--email", self.analyst, "--name",
                   "Ann Analyst", "--role", "analyst", "--password-stdin"],
                  stdin=(self.password + "\n").encode())
        self.token = self.must(["token", "create", "--user",
                                self.analyst]).strip()
        self.start_server(worker=False)

    def start_server(self, worker):
        self._serve([] if worker else ["--no-worker"],
                    listen="127.0.0.1:%d" % self.web_port)

    def stop_server(self):
        Serve.stop(self)        # the server only; stop() stops it all
        self.proc = None

    def restart_sink(self, name, extra=()):
        """Replaces the main sink by a new one on the same port."""
        port = self.sink.port
        self.collect()
        self.sink.stop()
        self.sink = Sink(self.tmp, name, port=port, extra=extra)
        self.sinks.append(self.sink)

    def collect(self):
        if self.sink is not None and self.sink.proc.poll() is None:
            new = self.sink.new()
            self.mails.extend(new)
            return new
        return []

    def stop(self):
        """Stops the server, the sinks and the GnuPG agents; returns the
        problems found."""
        self.stop_server()
        for s in self.sinks:
            s.stop()
        for h in self.gpg_homes:
            subprocess.run(["gpgconf", "--homedir", h, "--kill", "all"],
                           stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
        return self.problems


E = None

# ---------------------------------------------------------------------------
# curl


def curl(path, data=None, ctype=None, cookie=None, jar=None, headers=(),
         method=None):
    return harness.curl(E, path, timeout=20, data=data, ctype=ctype,
                        cookie=cookie, jar=jar, headers=headers,
                        method=method)


def bearer():
    return "Authorization: Bearer " + E.token


def api_get(tid):
    r = curl("/api/v1/cases/" + tid, headers=[bearer()])
    eq(r.status, 200, "GET /api/v1/cases/%s status" % tid)
    return r.json()


def api_post(path, obj, want=201):
    r = curl(path, data=json.dumps(obj).encode(), ctype="application/json",
             headers=[bearer()])
    eq(r.status, want, "POST %s status (%s)" % (path, r.text[:300]))
    return r.json()


def api_message(tid, body, **kw):
    obj = {"body": body}
    obj.update(kw)
    return api_post("/api/v1/cases/%s/messages" % tid, obj)


def api_transition(tid, to, reason=None):
    obj = {"to": to}
    if reason:
        obj["reason"] = reason
    return api_post("/api/v1/cases/%s/transitions" % tid, obj)


def api_report(name, addr, title, pgp_key=None, want=201):
    rep = {"name": name, "email": addr}
    if pgp_key:
        rep["pgp_key"] = pgp_key
    obj = {"reporter": rep, "product": "libtinyparse",
           "versions": ["2.0.0"], "cwe": "CWE-125",
           "impact": "info_disclosure", "title": title,
           "description": "Decoding a truncated tag reads two bytes past "
           "the input buffer.", "publicly_known": False, "exploited": False}
    r = curl("/api/v1/reports", data=json.dumps(obj).encode(),
             ctype="application/json")
    eq(r.status, want, "POST /api/v1/reports status (%s)" % r.text[:300])
    return r.json()


_session = {}


def session():
    """Signs the analyst in once; returns the Cookie header value."""
    if _session:
        return _session["cookie"]
    r = curl("/login")
    eq(r.status, 200, "GET /login")
    lc = [c for c in r.hall("set-cookie") if c.startswith("vigil_login=")]
    check(lc, "no vigil_login cookie")
    lval = lc[0].split(";", 1)[0]
    m = re.search(r'name="csrf" value="([0-9a-f]{64})"', r.text)
    check(m, "no csrf on /login")
    r = curl("/login", data=urllib.parse.urlencode(
        [("email", E.analyst), ("password", E.password),
         ("csrf", m.group(1))]).encode(),
        ctype="application/x-www-form-urlencoded", cookie=lval)
    check(r.status in (302, 303), "POST /login status %d" % r.status)
    sc = [c for c in r.hall("set-cookie") if c.startswith("vigil_session=")]
    check(sc, "no session cookie after login")
    _session["cookie"] = sc[0].split(";", 1)[0]
    return _session["cookie"]


# ---------------------------------------------------------------------------
# The database


DB = Sqlite(lambda: E.db)
sql, sql_write, case_row = DB.sql, DB.write, DB.case_row


def count(table, where="1", db=None):
    return sql("SELECT count(*) AS n FROM %s WHERE %s" % (table, where),
               db)[0]["n"]


def outbox_for(addr, db=None):
    return sql("SELECT * FROM outbox WHERE lower(to_addr) = %s ORDER BY id"
               % q(addr.lower()), db)


# ---------------------------------------------------------------------------
# Mail helpers


def msgid(tag="m"):
    return "%s.%s@researcher.example" % (tag, secrets.token_hex(8))


def mk_mail(frm, subject, body="", to=TEAM, headers=(), ctype=None,
            mid=None, raw_body=None):
    """A plain RFC 5322 message (CRLF).  raw_body: bytes after the
    header block (then ctype is the full Content-Type)."""
    h = []
    if frm is not None:
        h.append("From: %s" % frm)
    h += ["To: %s" % to, "Subject: %s" % subject,
          "Date: %s" % email.utils.formatdate(),
          "Message-ID: <%s>" % (mid or msgid()), "MIME-Version: 1.0"]
    h.append("Content-Type: %s" % (ctype or "text/plain; charset=utf-8"))
    if raw_body is None:
        h.append("Content-Transfer-Encoding: 8bit")
    h += list(headers)
    head = "\r\n".join(h).encode() + b"\r\n\r\n"
    if raw_body is not None:
        return head + raw_body
    return head + body.replace("\r\n", "\n").replace("\n", "\r\n").encode()


INGEST_RE = re.compile(r"mail (\d+): (\w+)(?: (VR-\S+)|: (.*))?")


def ingest(raw, conf=None, dburl=None, want_rc=0):
    rc, out, err = E.cli(["ingest-mail"], stdin=raw, conf=conf, dburl=dburl)
    eq(rc, want_rc, "ingest-mail exit status (%s %s)" % (out.strip(),
                                                        err.strip()[-300:]))
    if want_rc != 0:
        return None
    m = INGEST_RE.search(out)
    check(m, "ingest-mail printed %r" % out)
    return dict(mail_id=int(m.group(1)), outcome=m.group(2),
                tid=m.group(3), why=m.group(4) or "")


def new_case(raw, **kw):
    r = ingest(raw, **kw)
    eq(r["outcome"], "new_case", "outcome (%s)" % r["why"])
    check(r["tid"] and TID_RE.fullmatch(r["tid"]), "tracking id %r" %
          r["tid"])
    return r


def worker(conf=None, dburl=None):
    rc, out, err = E.cli(["worker", "--once"], conf=conf, dburl=dburl)
    eq(rc, 0, "worker --once exit status (%s)" % err.strip()[-300:])
    return out


def deliver():
    """worker --once with the main relay; returns the new mails."""
    worker()
    return E.collect()


def mails_to(addr, mails=None):
    addr = addr.lower()
    return [m for m in (E.mails if mails is None else mails)
            if addr in m.rcpt]


def one_mail_to(addr, mails):
    ms = mails_to(addr, mails)
    eq(len(ms), 1, "mails to %s in this delivery (%r)" % (addr, mails))
    return ms[0]


def bare_ids(v):
    return re.findall(r"<([^<>]+)>", v or "")


# ---------------------------------------------------------------------------
# Shared fixtures (made lazily)

FX = {}


def alice():
    """An e-mailed report with an attachment, delivered acknowledgment."""
    if "alice" in FX:
        return FX["alice"]
    att = os.urandom(3000) + b"\x00PoC"
    bnd = "b" + secrets.token_hex(8)
    mid = msgid("alice-report")
    text = ("Hello,\n\nI found a heap overflow in libtinyparse 1.4.2 "
            "(tp_parse_header).  It looks like CVE-2024-12345 again.\n"
            "Details: https://poc.example.net/tp/overflow.html\n"
            "Score: CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H\n\n"
            "Alice\n")
    body = ("--%s\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n%s\r\n"
            "--%s\r\nContent-Type: application/octet-stream\r\n"
            "Content-Disposition: attachment; filename=\"poc.bin\"\r\n"
            "Content-Transfer-Encoding: base64\r\n\r\n%s\r\n--%s--\r\n") % (
        bnd, text.replace("\n", "\r\n"), bnd,
        base64.encodebytes(att).decode().replace("\n", "\r\n"), bnd)
    title = "Heap overflow in tp_parse_header"
    raw = mk_mail('"Alice Example" <alice@researcher.example>', title,
                  ctype='multipart/mixed; boundary="%s"' % bnd,
                  raw_body=body.encode(), mid=mid)
    r = new_case(raw)
    mails = deliver()
    ack = one_mail_to("alice@researcher.example", mails)
    FX["alice"] = dict(tid=r["tid"], mail_id=r["mail_id"], att=att,
                       title=title, report_mid=mid, ack=ack, text=text)
    return FX["alice"]


# ---------------------------------------------------------------------------
# Tests: intake


def test_plain_report_by_pipe():
    a = alice()
    c = case_row(a["tid"])
    eq(c["channel"], "email", "channel")
    eq(c["state"], "new", "state")
    eq(c["reporter_email"], "alice@researcher.example", "reporter e-mail")
    eq(c["reporter_name"], "Alice Example", "reporter name")
    eq(c["title"], a["title"], "title")
    check("CVE-2024-12345" in c["description"], "description: %r" %
          c["description"][:200])
    atts = sql("SELECT filename, size, sha256 FROM attachments WHERE "
               "case_id = %d" % c["id"])
    eq(len(atts), 1, "attachments (%r)" % atts)
    eq(atts[0]["size"], len(a["att"]), "attachment size")
    eq(atts[0]["sha256"].lower(), hashlib.sha256(a["att"]).hexdigest(),
       "attachment SHA-256")
    data = sql("SELECT hex(data) AS d FROM attachments WHERE case_id = %d" %
               c["id"])[0]["d"]
    eq(bytes.fromhex(data), a["att"], "attachment bytes")
    notes = [m["body"] for m in sql(
        "SELECT body FROM messages WHERE case_id = %d AND internal = 1" %
        c["id"])]
    note = "\n".join(notes)
    for want in ("CVE-2024-12345", "https://poc.example.net/tp/overflow.html",
                 "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"):
        check(want in note, "internal note lacks %s: %r" % (want, note))
    mrow = sql("SELECT status, case_id FROM inbound_mail WHERE id = %d" %
               a["mail_id"])[0]
    eq((mrow["status"], mrow["case_id"]), ("new_case", c["id"]),
       "inbound_mail row")
    # The API shows the same case.
    j = api_get(a["tid"])
    eq(j["channel"], "email", "API channel")
    eq(j["report"]["reporter_email"], "alice@researcher.example",
       "API reporter e-mail")


def test_product_recognised():
    a = alice()
    eq(case_row(a["tid"])["product"], "libtinyparse", "product of a mail "
       "naming libtinyparse")
    r = new_case(mk_mail("pat@researcher.example", "A crash somewhere",
                         "Something crashes, no product named here.\n"))
    eq(case_row(r["tid"])["product"], "other", "product of a mail naming "
       "none")


def test_html_only_mail():
    html = ("<html><head><style>p { color: red }</style></head><body>"
            "<p>Hello <b>team</b>, the <i>libtinyparse</i> decoder "
            "overflows.</p><script>alert('xss-marker-42')</script>"
            "</body></html>")
    r = new_case(mk_mail("hank@researcher.example", "HTML only report",
                         html, ctype="text/html; charset=utf-8"))
    d = case_row(r["tid"])["description"]
    check("Hello" in d and "team" in d and "overflows" in d,
          "the text of the HTML is not in the description: %r" % d)
    check("<" not in d and ">" not in d, "HTML tags stored: %r" % d)
    check("xss-marker-42" not in d and "alert" not in d,
          "script content stored: %r" % d)
    check("color: red" not in d, "style content stored: %r" % d)


def test_garbage_kept_raw_and_flagged():
    raw = b"\x00\xff\xfe garbage \x01\x02" + os.urandom(200) + b"\r\n\r\n\x00"
    before = count("cases")
    r = ingest(raw)
    eq(r["outcome"], "flagged", "outcome of garbage")
    eq(count("cases"), before, "cases after garbage")
    row = sql("SELECT status, hex(raw) AS raw, flag FROM inbound_mail "
              "WHERE id = %d" % r["mail_id"])[0]
    eq(row["status"], "flagged", "status")
    eq(bytes.fromhex(row["raw"]), raw, "raw kept")
    check(row["flag"], "no reason given")
    ck = session()
    page = curl("/mail", cookie=ck)
    eq(page.status, 200, "GET /mail status")
    check('href="/mail/%d/raw"' % r["mail_id"] in page.text,
          "GET /mail does not list mail %d" % r["mail_id"])
    dl = curl("/mail/%d/raw" % r["mail_id"], cookie=ck)
    eq(dl.status, 200, "GET raw status")
    check((dl.h("content-disposition") or "").startswith("attachment"),
          "raw download Content-Disposition: %r" %
          dl.h("content-disposition"))
    eq(dl.body, raw, "raw download bytes")
    # Not for the anonymous.
    anon = curl("/mail/%d/raw" % r["mail_id"])
    check(anon.status in (302, 303, 401, 403, 404), "anonymous raw: %d" %
          anon.status)
    check(anon.body != raw, "anonymous got the raw mail")


def test_oversize_is_refused_with_65():
    before = (count("inbound_mail"), count("cases"))
    big = mk_mail("big@researcher.example", "Large report",
                  "A" * 76 + "\n") + (b"B" * 76 + b"\r\n") * 1500
    check(len(big) > 100 * 1024, "fixture too small")
    ingest(big, want_rc=65)
    eq((count("inbound_mail"), count("cases")), before,
       "rows after an over-size message")
    eq(outbox_for("big@researcher.example"), [], "outbox after over-size")


def test_database_unavailable_is_75():
    f = os.path.join(E.tmp, "a-file")
    with open(f, "w") as fh:
        fh.write("not a folder\n")
    ingest(mk_mail("t@researcher.example", "x", "y\n"),
           dburl="sqlite:" + os.path.join(f, "db.sqlite"), want_rc=75)
    # A folder where the database file should be.
    d = os.path.join(E.tmp, "db-is-a-folder")
    os.makedirs(d, exist_ok=True)
    ingest(mk_mail("t@researcher.example", "x", "y\n"), dburl="sqlite:" + d,
           want_rc=75)


# ---------------------------------------------------------------------------
# Tests: threading


def _needs_info(tid):
    sql_write("UPDATE cases SET state = 'needs_info' WHERE tracking_id = %s"
              % q(tid))


def _researcher_msgs(tid):
    return [m for m in api_get(tid)["messages"]
            if m["author_kind"] == "researcher"]


def _reply_joins(raw, tid, marker):
    before = len(_researcher_msgs(tid))
    _needs_info(tid)
    r = ingest(raw)
    eq((r["outcome"], r["tid"]), ("threaded", tid), "outcome (%s)" % r["why"])
    msgs = _researcher_msgs(tid)
    eq(len(msgs), before + 1, "researcher messages on %s" % tid)
    check(marker in msgs[-1]["body"], "the message body %r lacks %s" % (
        msgs[-1]["body"][:200], marker))
    eq(api_get(tid)["state"], "triage", "state after the reply")
    row = sql("SELECT status, case_id FROM inbound_mail WHERE id = %d" %
              r["mail_id"])[0]
    eq(row["status"], "threaded", "inbound_mail status")


def test_reply_by_subject_joins():
    a = alice()
    _reply_joins(mk_mail("Alice Example <alice@researcher.example>",
                         "Re: [%s] Your report has been received" % a["tid"],
                         "marker-subject-reply: more details.\n"),
                 a["tid"], "marker-subject-reply")


def test_reply_by_in_reply_to_joins():
    a = alice()
    ack_id = bare_ids(a["ack"].h("Message-ID"))
    check(len(ack_id) == 1, "ack Message-ID %r" % a["ack"].h("Message-ID"))
    _reply_joins(mk_mail("alice@researcher.example", "Re: your mail",
                         "marker-irt-reply: even more.\n",
                         headers=["In-Reply-To: <%s>" % ack_id[0],
                                  "References: <%s>" % ack_id[0]]),
                 a["tid"], "marker-irt-reply")


def test_reply_by_references_only_joins_with_attachment():
    a = alice()
    ack_id = bare_ids(a["ack"].h("Message-ID"))[0]
    data = os.urandom(777)
    bnd = "r" + secrets.token_hex(6)
    body = ("--%s\r\nContent-Type: text/plain\r\n\r\nmarker-refs-reply\r\n"
            "--%s\r\nContent-Type: application/octet-stream\r\n"
            "Content-Disposition: attachment; filename=\"crash.bin\"\r\n"
            "Content-Transfer-Encoding: base64\r\n\r\n%s\r\n--%s--\r\n") % (
        bnd, bnd, base64.b64encode(data).decode(), bnd)
    _reply_joins(mk_mail("alice@researcher.example", "Re: re: re",
                         ctype='multipart/mixed; boundary="%s"' % bnd,
                         raw_body=body.encode(),
                         headers=["References: <unknown.1@x.example> <%s>"
                                  % ack_id]),
                 a["tid"], "marker-refs-reply")
    atts = [x for x in api_get(a["tid"])["attachments"]
            if x["filename"] == "crash.bin"]
    eq(len(atts), 1, "the reply's attachment")
    eq(atts[0]["sha256"].lower(), hashlib.sha256(data).hexdigest(),
       "the reply's attachment SHA-256")
    check(atts[0]["message_id"], "the attachment is not tied to the message")


def test_reply_to_plus_address_joins():
    a = alice()
    plus = "security+%s@vigil.test" % a["tid"]
    _reply_joins(mk_mail("alice@researcher.example", "one more thing",
                         "marker-plus-reply\n", to=plus,
                         headers=["Delivered-To: %s" % plus]),
                 a["tid"], "marker-plus-reply")


def test_stranger_opens_new_case_with_link():
    a = alice()
    ack_id = bare_ids(a["ack"].h("Message-ID"))[0]
    plus = "security+%s@vigil.test" % a["tid"]
    variants = [
        mk_mail("mallory@evil.example", "Re: [%s] hello" % a["tid"],
                "stranger by subject\n"),
        mk_mail("mallory@evil.example", "Re: hello", "stranger by irt\n",
                headers=["In-Reply-To: <%s>" % ack_id]),
        mk_mail("mallory@evil.example", "hello", "stranger by plus\n",
                to=plus, headers=["Delivered-To: %s" % plus]),
    ]
    before = len(api_get(a["tid"])["messages"])
    for i, raw in enumerate(variants):
        r = new_case(raw)
        check(r["tid"] != a["tid"], "variant %d joined the case" % i)
        notes = "\n".join(m["body"] for m in api_get(r["tid"])["messages"]
                          if m["internal"])
        check(a["tid"] in notes and "Possibly" in notes,
              "variant %d: the new case's note does not name %s: %r" % (
                  i, a["tid"], notes))
    eq(len(api_get(a["tid"])["messages"]), before,
       "messages on the reporter's case after the stranger's mail")


def test_tracking_page_shows_emailed_message():
    a = alice()
    body = a["ack"].body()
    # one private link (twice when the report lacks fields: plain, and
    # with ?next=complete)
    links = sorted(set(TRACK_RE.findall(body)))
    check(len(links) == 1, "the ack should carry one private link: %r" %
          body)
    check(E.base + "/track/" + links[0] in body,
          "the link does not use base_url %s: %r" % (E.base, body))
    jar = os.path.join(E.tmp, "jar-alice")
    r = curl("/track/" + links[0], jar=jar)
    eq(r.status, 303, "secret link status")
    page = curl(r.h("location"), jar=jar)
    eq(page.status, 200, "tracking page status")
    check(a["tid"] in page.text, "tracking page lacks the tracking id")
    check("heap overflow in libtinyparse" in page.text.lower(),
          "tracking page lacks the e-mailed report text")
    # The e-mailed replies (if those tests ran) are there too.
    for mk in ("marker-subject-reply", "marker-irt-reply",
               "marker-plus-reply"):
        if any(mk in m["body"] for m in _researcher_msgs(a["tid"])):
            check(mk in page.text, "tracking page lacks the e-mailed "
                  "reply %s" % mk)


# ---------------------------------------------------------------------------
# Tests: outbound


def _form_multipart(fields):
    bnd = "frm" + secrets.token_hex(8)
    out = b""
    for k, v in fields:
        out += ("--%s\r\nContent-Disposition: form-data; name=\"%s\"\r\n"
                "\r\n%s\r\n" % (bnd, k, v)).encode()
    out += ("--%s--\r\n" % bnd).encode()
    return "multipart/form-data; boundary=" + bnd, out


def test_incomplete_mailed_report_is_completed_from_the_ack():
    """A mailed report lacking fields: the acknowledgment lists them and
    links to the report form filled in with what the mail said; the
    researcher completes it there in one step."""
    raw = mk_mail("nora@researcher.example", "Crash in libtinyparse 1.4.2 "
                  "header parser", "The header parser of libtinyparse "
                  "1.4.2 crashes on a long header name; see attached.")
    r = new_case(raw)
    tid = r["tid"]
    m = one_mail_to("nora@researcher.example", deliver())
    body = m.body()
    for label in ("Impact", "Publicly known?", "Exploited in the wild?"):
        check(label in body, "the ack does not list %r: %r" % (label, body))
    links = TRACK_RE.findall(body)
    check(links, "no private link in %r" % body)
    check("?next=complete" in body, "no completion link in %r" % body)
    jar = os.path.join(E.tmp, "jar-nora")
    r1 = curl("/track/%s?next=complete" % links[0], jar=jar)
    eq(r1.status, 303, "secret link")
    eq(r1.h("location"), "/track/%s/complete" % tid, "redirect target")
    form = curl(r1.h("location"), jar=jar)
    eq(form.status, 200, "completion form")
    check("header parser" in form.text, "the form is not pre-filled")
    mm = re.search(r'name="csrf" value="([0-9a-f]{64})"', form.text)
    check(mm, "no csrf in the completion form")
    fields = [("csrf", mm.group(1)), ("action", "submit"),
              ("reporter_name", "Nora"),
              ("reporter_email", "nora@researcher.example"),
              ("product", "libtinyparse"), ("versions", "1.4.2"),
              ("impact", "dos"), ("title", "Crash in the header parser"),
              ("description", "The header parser of libtinyparse 1.4.2 "
               "crashes on a long header name."),
              ("steps", "1. Run tp_cat on a file with a 200-byte header "
               "name."), ("publicly_known", "no"), ("exploited", "no")]
    ct, data = _form_multipart(fields)
    bad = curl("/track/%s/complete" % tid, data=data, ctype=ct, jar=jar)
    check(bad.status in (303,), "complete status %d %s" % (
        bad.status, bad.text[:300]))
    row = case_row(tid)
    eq(row["impact"], "dos", "impact after completion")
    eq(row["title"], "Crash in the header parser", "title after completion")
    check(row["tier"] >= 2, "tier after completion %r" % row["tier"])
    # without the CSRF token nothing changes
    ct, data = _form_multipart(fields[1:])
    eq(curl("/track/%s/complete" % tid, data=data, ctype=ct,
            jar=jar).status, 403, "completion without csrf")


def test_ack_headers():
    a = alice()
    m = a["ack"]
    eq(m.meta["mail_from"], TEAM, "envelope sender")
    eq(m.rcpt, ["alice@researcher.example"], "envelope recipients")
    eq((m.h("Auto-Submitted") or "").strip(), "auto-replied",
       "Auto-Submitted")
    check(m.h("X-Vigil-Loop"), "no X-Vigil-Loop header")
    eq(email.utils.parseaddr(m.h("Reply-To") or "")[1],
       "security+%s@vigil.test" % a["tid"], "Reply-To")
    subj = m.h("Subject") or ""
    check(a["tid"] in subj, "subject %r lacks the tracking id" % subj)
    check("overflow" not in subj.lower() and a["title"] not in subj,
          "subject %r carries the report's title" % subj)
    ids = bare_ids(m.h("Message-ID"))
    check(len(ids) == 1 and ids[0].endswith("@" + DOMAIN),
          "Message-ID %r" % m.h("Message-ID"))
    check(a["report_mid"] in bare_ids(m.h("In-Reply-To")) +
          bare_ids(m.h("References")),
          "the ack does not refer to the report (In-Reply-To %r, "
          "References %r)" % (m.h("In-Reply-To"), m.h("References")))
    check(a["tid"] in m.body(), "the ack's body lacks the tracking id")
    row = outbox_for("alice@researcher.example")[0]
    eq((row["kind"], row["status"], row["attempts"]), ("ack", "sent", 1),
       "outbox row of the ack")


def _thread_case(tag):
    r = new_case(mk_mail("%s@researcher.example" % tag,
                         "Report %s" % tag, "An issue in libtinyparse.\n",
                         mid=msgid(tag)))
    deliver()
    api_transition(r["tid"], "triage")
    return r["tid"]


def test_staff_message_is_mailed_in_thread():
    a = alice()
    row = case_row(a["tid"])
    if row["state"] not in ("triage",):
        sql_write("UPDATE cases SET state = 'triage' WHERE id = %d" %
                  row["id"])
    api_message(a["tid"], "marker-staff-msg: which build flags did you "
                "use?")
    mails = deliver()
    m = one_mail_to("alice@researcher.example", mails)
    check("marker-staff-msg" in m.body(), "body %r" % m.body()[:300])
    check(a["tid"] in (m.h("Subject") or ""), "subject %r" % m.h("Subject"))
    check(m.h("Auto-Submitted") in (None, "no"),
          "a person's message marked Auto-Submitted: %r" %
          m.h("Auto-Submitted"))
    irt, refs = bare_ids(m.h("In-Reply-To")), bare_ids(m.h("References"))
    check(len(irt) == 1, "In-Reply-To %r" % m.h("In-Reply-To"))
    eq(refs[:1], [a["report_mid"]], "References start with the report's "
       "Message-ID (%r)" % m.h("References"))
    thread = {r["message_id"] for r in sql(
        "SELECT message_id FROM inbound_mail WHERE case_id = %d UNION "
        "SELECT message_id FROM outbox WHERE case_id = %d" % (
            row["id"], row["id"]))}
    check(irt[0] in thread and irt[-1] in refs,
          "In-Reply-To %r is not a message of the thread" % irt)
    eq(email.utils.parseaddr(m.h("Reply-To") or "")[1],
       "security+%s@vigil.test" % a["tid"], "Reply-To")
    # Header-looking lines in a staff message stay in the body.
    api_message(a["tid"], "marker-hdr-body\r\nBcc: victim@evil.example\r\n"
                "\r\nSubject: injected")
    mails = deliver()
    m = one_mail_to("alice@researcher.example", mails)
    eq(m.rcpt, ["alice@researcher.example"], "envelope recipients")
    check(m.h("Bcc") is None and "injected" not in (m.h("Subject") or ""),
          "header injected from a staff message")
    check("Bcc: victim@evil.example" in m.body(), "body %r" % m.body())


def test_request_info_mail_and_internal_note_not_mailed():
    tid = _thread_case("rina")
    n0 = len(outbox_for("rina@researcher.example"))
    api_message(tid, "marker-internal: this one stays inside",
                internal=True)
    eq(len(outbox_for("rina@researcher.example")), n0,
       "outbox rows after an internal note")
    j = api_message(tid, "marker-question: which version?",
                    request_info=True)
    eq(j["state"], "needs_info", "state after request_info")
    mails = deliver()
    m = one_mail_to("rina@researcher.example", mails)
    check("marker-question" in m.body(), "request_info body %r" %
          m.body()[:300])
    check("question" in (m.h("Subject") or "").lower(),
          "request_info subject %r" % m.h("Subject"))
    for x in mails_to("rina@researcher.example"):
        check("marker-internal" not in x.raw.decode("utf-8", "replace"),
              "the internal note was mailed")
    # The researcher answers by mail: back to triage.
    r = ingest(mk_mail("rina@researcher.example", "Re: [%s] question" % tid,
                       "version 1.4.2\n"))
    eq(r["outcome"], "threaded", "answer outcome")
    eq(api_get(tid)["state"], "triage", "state after the answer")


def test_status_mails_on_confirm_and_reject():
    tid = _thread_case("conny")
    api_transition(tid, "confirmed")
    mails = deliver()
    m = one_mail_to("conny@researcher.example", mails)
    check("status" in (m.h("Subject") or "").lower() and tid in
          m.h("Subject"), "confirm subject %r" % m.h("Subject"))
    check("reproduced" in m.body(), "confirm body %r" % m.body()[:300])
    eq((m.h("Auto-Submitted") or "").strip(), "auto-generated",
       "status mail Auto-Submitted")
    tid2 = _thread_case("rejo")
    api_transition(tid2, "rejected", "not a security issue, by design")
    mails = deliver()
    m = one_mail_to("rejo@researcher.example", mails)
    check("does not describe a security vulnerability" in m.body(),
          "reject body %r" % m.body()[:300])
    # A transition the researcher does not hear about: no mail.
    n = len(outbox_for("conny@researcher.example"))
    api_transition(tid, "fixing")
    eq(len(outbox_for("conny@researcher.example")), n,
       "outbox after confirmed -> fixing")


def test_encoded_word_in_name_still_mailed():
    # CR/LF in a reporter name is refused at intake.
    r = curl("/api/v1/reports", data=json.dumps({
        "reporter": {"name": "Eve\r\nBcc: victim@evil.example",
                     "email": "eve2@researcher.example"},
        "product": "libtinyparse", "title": "x", "description": "y",
        "impact": "info_disclosure"}).encode(), ctype="application/json")
    check(400 <= r.status < 500, "a name with CR/LF: status %d" % r.status)
    eq(outbox_for("eve2@researcher.example"), [], "outbox for CR/LF name")
    j = api_report("Eve =?utf-8?q?x?= Hacker", "eve@researcher.example",
                   "Encoded word name")
    tid = j["tracking_id"]
    rows = outbox_for("eve@researcher.example")
    eq(len(rows), 1, "ack queued")
    mails = deliver()
    m = one_mail_to("eve@researcher.example", mails)
    to = m.raw_header("To") or ""
    check("=?utf-8?q?x?=" not in to.lower(), "To: %r" % to)
    eq(email.utils.parseaddr(to)[1], "eve@researcher.example", "To address")
    check("Hacker" not in to, "To kept the refused name: %r" % to)
    check(tid in (m.h("Subject") or ""), "subject")
    eq(outbox_for("eve@researcher.example")[0]["status"], "sent",
       "outbox status")


def test_crlf_in_encoded_from_name_cannot_inject():
    """A From display name whose encoded-word decodes to CR/LF and a
    header: the ack goes to the sender alone, with no injected header."""
    frm = ("=?utf-8?q?Eve=0D=0ABcc=3A_victim=40evil=2Eexample=0D=0AX-Inj"
           "=3A_1?= <eve3@researcher.example>")
    r = new_case(mk_mail(frm, "Encoded CRLF", "libtinyparse\n"))
    name = case_row(r["tid"])["reporter_name"]
    check("\r" not in name and "\n" not in name, "name stored with CR/LF: "
          "%r" % name)
    mails = deliver()
    m = one_mail_to("eve3@researcher.example", mails)
    eq(m.rcpt, ["eve3@researcher.example"], "envelope recipients")
    check(m.h("Bcc") is None and m.h("X-Inj") is None,
          "an injected header in the ack:\n%s" % m.raw[:600])
    check(not mails_to("victim@evil.example", mails), "mail to the victim")


def test_concurrent_workers_send_each_message_once():
    tid = _thread_case("multi")
    deliver()
    n = 20
    for i in range(n):
        api_message(tid, "marker-multi-%02d" % i)
    procs = []
    for i in range(4):
        errp = os.path.join(E.tmp, "multiworker%d.stderr" % i)
        procs.append((subprocess.Popen(
            [E.binary, "--config", E.conf, "--db", E.dburl, "worker",
             "--once"], cwd=ROOT, env=E.env, stdout=subprocess.DEVNULL,
            stderr=open(errp, "wb")), errp))
    for p, errp in procs:
        p.wait(timeout=60)
        scan_sanitizer(errp, "vigil worker --once (concurrent)", E.problems)
        eq(p.returncode, 0, "a concurrent worker's exit status")
    mails = mails_to("multi@researcher.example", E.collect())
    got = sorted(re.search(r"marker-multi-\d+", m.body()).group(0)
                 for m in mails)
    eq(got, ["marker-multi-%02d" % i for i in range(n)],
       "messages received from 4 concurrent workers")
    rows = [r for r in outbox_for("multi@researcher.example")
            if r["kind"] == "message"]
    eq({(r["status"], r["attempts"]) for r in rows}, {("sent", 1)},
       "outbox rows")


# ---------------------------------------------------------------------------
# Tests: retry


def _fresh_pending(tag):
    """A case whose staff message is the only pending mail."""
    tid = _thread_case(tag)
    deliver()
    api_message(tid, "marker-retry-%s" % tag)
    rows = [r for r in outbox_for("%s@researcher.example" % tag)
            if r["kind"] == "message"]
    eq(len(rows), 1, "queued message")
    eq(count("outbox", "status = 'pending' AND next_attempt_at <= %d" %
             int(time.time())), 1, "due messages in the outbox")
    return tid, rows[0]["id"]


def _check_waiting(tid, oid, t0):
    row = sql("SELECT * FROM outbox WHERE id = %d" % oid)[0]
    eq(row["status"], "pending", "status after a temporary failure")
    eq(row["attempts"], 1, "attempts")
    check(row["next_attempt_at"] > t0 + 30, "next_attempt_at %d is not in "
          "the future (now %d)" % (row["next_attempt_at"], t0))
    check(row["last_error"], "no last_error")
    page = curl("/cases/" + tid, cookie=session())
    eq(page.status, 200, "case page")
    check("waiting (attempt 1)" in page.text, "the case page does not show "
          "the message waiting")
    return row


def _due_now_and_deliver(tid, oid, tag):
    sql_write("UPDATE outbox SET next_attempt_at = %d WHERE id = %d" % (
        int(time.time()), oid))
    mails = deliver()
    m = one_mail_to("%s@researcher.example" % tag, mails)
    check("marker-retry-%s" % tag in m.body(), "delivered body")
    row = sql("SELECT status, attempts FROM outbox WHERE id = %d" % oid)[0]
    eq((row["status"], row["attempts"]), ("sent", 2), "after the retry")


def test_retry_when_relay_down():
    tid, oid = _fresh_pending("downy")
    t0 = int(time.time())
    # The relay is stopped.
    port = E.sink.port
    E.collect()
    E.sink.stop()
    try:
        worker()
        _check_waiting(tid, oid, t0)
        # Nothing listens at the other config's port either.
        worker(conf=E.conf_down)
        eq(sql("SELECT attempts FROM outbox WHERE id = %d" % oid)[0]
           ["attempts"], 1, "a message not due was retried")
    finally:
        E.sink = Sink(E.tmp, "main2", port=port)
        E.sinks.append(E.sink)
    _due_now_and_deliver(tid, oid, "downy")


def test_retry_on_451():
    tid, oid = _fresh_pending("tempo")
    t0 = int(time.time())
    try:
        E.restart_sink("451", ["--fail-code", "451"])
        worker()
        row = _check_waiting(tid, oid, t0)
        check("451" in row["last_error"] or "try" in
              row["last_error"].lower(), "last_error %r" % row["last_error"])
        eq(E.collect(), [], "the 451 sink accepted mail")
    finally:
        E.restart_sink("main3")
    _due_now_and_deliver(tid, oid, "tempo")


def test_reject_550_fails_permanently():
    tid, oid = _fresh_pending("rejecta")
    try:
        E.restart_sink("550", ["--reject-code", "550"])
        worker()
    finally:
        E.restart_sink("main4")
    row = sql("SELECT * FROM outbox WHERE id = %d" % oid)[0]
    eq((row["status"], row["attempts"]), ("failed", 1), "after a 550")
    check(row["last_error"], "no last_error")
    page = curl("/cases/" + tid, cookie=session())
    check(re.search(r'mbadge bad">failed', page.text), "the case page "
          "does not show the failed message")
    worker()
    eq(sql("SELECT attempts FROM outbox WHERE id = %d" % oid)[0]["attempts"],
       1, "a failed message was retried")


# ---------------------------------------------------------------------------
# Tests: PGP

def researcher_key():
    if "rkey" not in FX:
        h = E.gpg_home("researcher")
        FX["rkey"] = (h, E.gpg_key(h, "Rita PGP <rita@researcher.example>"))
        # The team knows the researcher's key (for the signature check).
        E.gpg(E.team_home, ["--import"], stdin=FX["rkey"][1])
    return FX["rkey"]


def _encrypted_part(mail):
    for p in mail.msg.walk():
        if p.get_content_type() == "application/octet-stream":
            return p.get_payload(decode=True)
    return None


def test_outgoing_mail_encrypted_to_researcher_key():
    home, pub = researcher_key()
    j = api_report("Rita", "rita@researcher.example", "Secret title here",
                   pgp_key=pub.decode())
    tid = j["tracking_id"]
    mails = deliver()
    m = one_mail_to("rita@researcher.example", mails)
    eq(m.msg.get_content_type(), "multipart/encrypted", "Content-Type")
    check(b"Secret title" not in m.raw and b"truncated tag" not in m.raw,
          "report content in the clear")
    check(tid in (m.h("Subject") or ""), "subject %r" % m.h("Subject"))
    ct = _encrypted_part(m)
    check(ct and b"BEGIN PGP MESSAGE" in ct, "no armored part")
    r = E.gpg(home, ["--decrypt"], stdin=ct, check_rc=False)
    eq(r.returncode, 0, "gpg --decrypt exit (%s)" % r.stderr.decode()[-300:])
    check(tid.encode() in r.stdout, "the plaintext lacks %s: %r" % (
        tid, r.stdout[:300]))


def _pgp_mime(frm, subject, armored):
    bnd = "enc" + secrets.token_hex(8)
    body = ("This is an OpenPGP/MIME encrypted message (RFC 4880 and "
            "3156)\r\n--%s\r\nContent-Type: application/pgp-encrypted\r\n"
            "Content-Description: PGP/MIME version identification\r\n\r\n"
            "Version: 1\r\n\r\n--%s\r\nContent-Type: application/"
            "octet-stream; name=\"encrypted.asc\"\r\nContent-Disposition: "
            "inline; filename=\"encrypted.asc\"\r\n\r\n") % (bnd, bnd)
    body = body.encode() + armored.replace(b"\r\n", b"\n").replace(
        b"\n", b"\r\n") + ("\r\n--%s--\r\n" % bnd).encode()
    return mk_mail(frm, subject, ctype='multipart/encrypted; protocol='
                   '"application/pgp-encrypted"; boundary="%s"' % bnd,
                   raw_body=body)


INNER = (b"Content-Type: text/plain; charset=utf-8\r\n\r\n"
         b"marker-pgp-plaintext: the libtinyparse decoder overflows.\r\n")


def test_incoming_encrypted_report():
    ct = E.gpg(E.team_home, ["--armor", "--trust-model", "always",
                             "--encrypt", "-r", TEAM], stdin=INNER).stdout
    r = new_case(_pgp_mime("pgpin@researcher.example", "Encrypted", ct))
    c = case_row(r["tid"])
    check("marker-pgp-plaintext" in c["description"],
          "description %r" % c["description"][:300])
    check("BEGIN PGP" not in c["description"], "ciphertext stored as text")
    row = sql("SELECT pgp, sig FROM inbound_mail WHERE id = %d" %
              r["mail_id"])[0]
    eq(row["pgp"], "decrypted", "inbound_mail.pgp")
    # Inline PGP: the armored message is the text/plain body.
    ct = E.gpg(E.team_home, ["--armor", "--trust-model", "always",
                             "--encrypt", "-r", TEAM],
               stdin=b"marker-inline-pgp: tp_parse_header overflows\n").stdout
    r = new_case(mk_mail("inline@researcher.example", "Inline PGP",
                         ct.decode()))
    c = case_row(r["tid"])
    check("marker-inline-pgp" in c["description"] and "BEGIN PGP" not in
          c["description"], "inline PGP description %r" %
          c["description"][:300])
    eq(sql("SELECT pgp FROM inbound_mail WHERE id = %d" % r["mail_id"])[0]
       ["pgp"], "decrypted", "inline PGP inbound_mail.pgp")


def test_incoming_signed_and_encrypted_shows_badges():
    home, _ = researcher_key()
    team_asc = os.path.join(E.tmp, "team.asc")
    with open(team_asc, "wb") as f:
        f.write(E.team_pub)
    ct = E.gpg(home, ["--armor", "--trust-model", "always",
                      "--recipient-file", team_asc, "--sign", "--encrypt"],
               stdin=INNER).stdout
    r = new_case(_pgp_mime("rita@researcher.example", "Signed and encrypted",
                           ct))
    row = sql("SELECT pgp, sig, sig_whole FROM inbound_mail WHERE id = %d" %
              r["mail_id"])[0]
    eq((row["pgp"], row["sig"], row["sig_whole"]), ("decrypted", "valid", 1),
       "inbound_mail pgp/sig")
    page = curl("/cases/" + r["tid"], cookie=session())
    eq(page.status, 200, "case page")
    check(re.search(r'id="mail"', page.text), "no e-mail panel")
    check(re.search(r'mbadge ok">encrypted<', page.text),
          "no 'encrypted' badge")
    check(re.search(r'mbadge ok"[^>]*>signed<', page.text),
          "no 'signed' badge")
    check("marker-pgp-plaintext" in case_row(r["tid"])["description"],
          "description")


def test_reply_signed_by_reporters_key_joins_from_another_address():
    """A reply from another address joins the case when it is signed,
    over the whole body, by the PGP key the reporter gave."""
    home, pub = researcher_key()
    j = api_report("Rita", "rita@researcher.example", "Signed reply case",
                   pgp_key=pub.decode())
    tid = j["tracking_id"]
    team_asc = os.path.join(E.tmp, "team2.asc")
    with open(team_asc, "wb") as f:
        f.write(E.team_pub)
    ct = E.gpg(home, ["--armor", "--trust-model", "always",
                      "--recipient-file", team_asc, "--sign", "--encrypt"],
               stdin=INNER).stdout
    r = ingest(_pgp_mime("rita.other@elsewhere.example",
                         "[%s] from my other address" % tid, ct))
    eq(r["outcome"], "threaded", "signed reply outcome (%s)" % r["why"])
    eq(r["tid"], tid, "joined case")
    # the same unsigned from that address opens a new case
    r2 = ingest(mk_mail("rita.other@elsewhere.example",
                        "[%s] unsigned" % tid, "hello"))
    eq(r2["outcome"], "new_case", "unsigned from another address")


def test_signature_by_unknown_key_is_not_signed():
    h = E.gpg_home("unknown-signer")
    E.gpg_key(h, "Unknown Signer <usig@researcher.example>")
    team_asc = os.path.join(E.tmp, "team2.asc")
    with open(team_asc, "wb") as f:
        f.write(E.team_pub)
    ct = E.gpg(h, ["--armor", "--trust-model", "always", "--recipient-file",
                   team_asc, "--sign", "--encrypt"], stdin=INNER).stdout
    r = new_case(_pgp_mime("usig@researcher.example", "Signed by a stranger",
                           ct))
    row = sql("SELECT pgp, sig FROM inbound_mail WHERE id = %d" %
              r["mail_id"])[0]
    eq((row["pgp"], row["sig"]), ("decrypted", "unknown_key"),
       "inbound_mail pgp/sig")
    page = curl("/cases/" + r["tid"], cookie=session())
    check(re.search(r'mbadge ok">encrypted<', page.text),
          "no 'encrypted' badge")
    check(not re.search(r'>signed<', page.text),
          "a signature by an unknown key shown as 'signed'")


def test_incoming_encrypted_to_unknown_key_flagged():
    other = E.gpg_home("other")
    E.gpg_key(other, "Someone Else <else@elsewhere.example>")
    ct = E.gpg(other, ["--armor", "--trust-model", "always", "--encrypt",
                       "-r", "else@elsewhere.example"], stdin=INNER).stdout
    before = count("cases")
    r = ingest(_pgp_mime("pgpbad@researcher.example", "Undecryptable", ct))
    eq(r["outcome"], "flagged", "outcome")
    eq(count("cases"), before, "cases")
    row = sql("SELECT status, flag, pgp FROM inbound_mail WHERE id = %d" %
              r["mail_id"])[0]
    check("decrypt" in row["flag"].lower(), "flag %r" % row["flag"])
    page = curl("/mail", cookie=session())
    check('href="/mail/%d/raw"' % r["mail_id"] in page.text,
          "not listed on /mail")
    eq(outbox_for("pgpbad@researcher.example"), [], "outbox")


def test_incoming_without_mdc_is_refused():
    """Ciphertext without integrity protection (no MDC, EFAIL): gpg
    itself still prints the plaintext before failing; Vigil must keep the
    mail raw and flagged, and store no plaintext anywhere."""
    ct = E.gpg(E.team_home, ["--armor", "--trust-model", "always",
                             "--rfc2440", "--cipher-algo", "CAST5",
                             "--encrypt", "-r", TEAM], stdin=INNER).stdout
    before = (count("cases"), count("messages"))
    r = ingest(_pgp_mime("nomdc@researcher.example", "No MDC", ct))
    eq(r["outcome"], "flagged", "outcome of a message without MDC")
    eq((count("cases"), count("messages")), before, "cases and messages")
    check(not sql("SELECT id FROM messages WHERE body LIKE "
                  "'%marker-pgp-plaintext%' AND case_id NOT IN (SELECT "
                  "case_id FROM inbound_mail WHERE pgp = 'decrypted' AND "
                  "case_id IS NOT NULL)"), "plaintext stored")
    row = sql("SELECT flag, pgp FROM inbound_mail WHERE id = %d" %
              r["mail_id"])[0]
    eq(row["pgp"], "failed", "inbound_mail.pgp")
    eq(outbox_for("nomdc@researcher.example"), [], "outbox")


# ---------------------------------------------------------------------------
# Tests: loops


def _no_ack_for(addr, headers, tag):
    r = ingest(mk_mail(addr, "Report %s" % tag, "libtinyparse issue\n",
                       headers=headers))
    eq(r["outcome"], "new_case", "%s outcome" % tag)
    eq(outbox_for(addr), [], "outbox for %s" % tag)


def test_auto_submitted_gets_no_ack():
    _no_ack_for("auto@researcher.example", ["Auto-Submitted: auto-replied"],
                "auto-replied")
    _no_ack_for("auto2@researcher.example",
                ["Auto-Submitted: Auto-Generated (bot)"], "auto-generated")
    _no_ack_for("auto3@researcher.example",
                ["Auto-Submitted: auto-notified; owner-email=x@y.example"],
                "auto-notified")


def test_bulk_and_list_mail_get_no_ack():
    _no_ack_for("bulk@researcher.example", ["Precedence: bulk"], "bulk")
    _no_ack_for("bulk2@researcher.example", ["Precedence:  LIST"], "LIST")
    _no_ack_for("junk@researcher.example", ["Precedence: junk"], "junk")
    _no_ack_for("list@researcher.example",
                ["List-Id: Some list <some.list.example>"], "list-id")
    _no_ack_for("unsub@researcher.example",
                ["List-Unsubscribe: <mailto:u@list.example>"], "list-unsub")
    # Auto-Submitted: no is a person.
    r = ingest(mk_mail("person@researcher.example", "Report", "x\n",
                       headers=["Auto-Submitted: no"]))
    eq(r["outcome"], "new_case", "outcome")
    eq(len(outbox_for("person@researcher.example")), 1,
       "Auto-Submitted: no gets its ack")


def test_our_own_mail_coming_back_is_flagged():
    a = alice()
    before = (count("cases"), count("outbox"))
    # Our ack bounced back verbatim (as a mailer-daemon would quote it)
    r = ingest(a["ack"].raw)
    eq(r["outcome"], "flagged", "outcome of our ack coming back")
    # A bounce from another address quoting our loop header.
    r2 = ingest(mk_mail("MAILER-DAEMON@mx.example", "Undelivered Mail",
                        "bounce\n", headers=["X-Vigil-Loop: %s" % DOMAIN]))
    eq(r2["outcome"], "flagged", "outcome of a bounce with our header")
    eq((count("cases"), count("outbox")), before, "cases and outbox")
    row = sql("SELECT status, flag FROM inbound_mail WHERE id = %d" %
              r2["mail_id"])[0]
    check("own mail" in row["flag"], "flag %r" % row["flag"])


def test_empty_sender_is_flagged():
    before = (count("cases"), count("outbox"))
    for frm in ("<>", None, ""):
        r = ingest(mk_mail(frm, "No sender", "who am I\n"))
        eq(r["outcome"], "flagged", "outcome for From %r" % frm)
    eq((count("cases"), count("outbox")), before, "cases and outbox")


def test_one_ack_per_sender_per_day():
    addr = "twice@researcher.example"
    r1 = new_case(mk_mail(addr, "First report", "one\n"))
    r2 = new_case(mk_mail("Twice <twice@Researcher.Example>",
                          "Second report", "two\n"))
    check(r1["tid"] != r2["tid"], "two reports, one case")
    rows = [r for r in outbox_for(addr) if r["kind"] == "ack"]
    eq(len(rows), 1, "acks for two reports within 24 h")
    mails = deliver()
    eq(len(mails_to(addr, mails)), 1, "ack mails delivered")
    # A day later, the sender gets an ack again.
    sql_write("UPDATE outbox SET created_at = created_at - 86401 WHERE "
              "lower(to_addr) = %s" % q(addr))
    new_case(mk_mail(addr, "Third report", "three\n"))
    eq(len([r for r in outbox_for(addr) if r["kind"] == "ack"]), 2,
       "acks after 24 h")
    deliver()


def test_one_ack_per_sender_whatever_the_case():
    """The same mailbox written with other capitals in its local part
    (Alice@, ALICE@: one mailbox at every real mail provider, and the
    reporter match in ingest.c already compares case-insensitively) must
    not get a second automatic answer within 24 h."""
    addr = "casey@researcher.example"
    new_case(mk_mail(addr, "First report", "one\n"))
    for v in ("Casey@researcher.example", "CASEY@researcher.example",
              "cAsEy@researcher.example"):
        new_case(mk_mail(v, "Another report", "again\n"))
    rows = [r for r in outbox_for(addr) if r["kind"] == "ack"]
    mails = deliver()
    eq(len(rows), 1, "acks queued for 4 reports from one mailbox in 24 h "
       "(to %s)" % [r["to_addr"] for r in rows])
    eq(len(mails_to(addr, mails)), 1, "ack mails delivered")


def test_two_instances_wired_together():
    bdb = os.path.join(E.tmp, "b.db")
    bconf = os.path.join(E.tmp, "b.conf")
    bhome = E.gpg_home("b")
    E.write_conf(bconf, E.sink.port, mail__from="B <security@b.test>",
                 mail__address="security@b.test", mail__domain="b.test",
                 mail__gnupg_home=bhome)
    bdburl = "sqlite:" + bdb
    a_addr, b_addr = TEAM, "security@b.test"
    deliver()
    seen = set(id(m) for m in E.mails)
    # The loop starts with a person (say, a forged or misdirected report)
    # at each side.
    new_case(mk_mail(b_addr, "Report to A", "libtinyparse bug\n"))
    new_case(mk_mail(a_addr, "Report to B", "libtinyparse bug\n"),
             conf=bconf, dburl=bdburl)
    for _ in range(3):
        worker()
        worker(conf=bconf, dburl=bdburl)
        E.collect()
        for m in [m for m in E.mails if id(m) not in seen]:
            seen.add(id(m))
            if b_addr in m.rcpt:
                E.cli(["ingest-mail"], stdin=m.raw, conf=bconf,
                      dburl=bdburl)
            elif a_addr in m.rcpt:
                E.cli(["ingest-mail"], stdin=m.raw)
    to_b = mails_to(b_addr)
    to_a = mails_to(a_addr)
    eq(len(to_b), 1, "messages from A to B")
    eq(len(to_a), 1, "messages from B to A")
    for m in to_a + to_b:
        check(m.h("Auto-Submitted") and m.h("X-Vigil-Loop"),
              "an ack without Auto-Submitted/X-Vigil-Loop")
    eq(count("outbox", "to_addr = %s" % q(a_addr), db=bdb), 1,
       "B's outbox to A")
    eq(count("outbox", "to_addr = %s" % q(b_addr)), 1, "A's outbox to B")


# ---------------------------------------------------------------------------
# Tests: mbox


def test_mbox_import():
    path = os.path.join(E.tmp, "old.mbox")
    r1, r2, r3, u = (msgid("mbox-r1"), msgid("mbox-r2"), msgid("mbox-r3"),
                     msgid("mbox-u"))
    date = "Mon, 3 Mar 2025 10:00:00 +0000"

    def one(frm, subj, mid, body, extra=""):
        return ("From %s Mon Mar  3 10:00:00 2025\n"
                "From: %s\nTo: %s\nSubject: %s\nDate: %s\n"
                "Message-ID: <%s>\n%s\n%s\n") % (
                    frm, frm, TEAM, subj, date, mid, extra, body)
    text = (one("olga@researcher.example", "Old report: overflow", r1,
                "The first report, about libtinyparse.\n") +
            one("olga@researcher.example", "Re: Old report: overflow", r2,
                "marker-mbox-reply-1\n", "In-Reply-To: <%s>\n" % r1) +
            one("olga@researcher.example", "Re: Re: Old report", r3,
                "marker-mbox-reply-2\n", "In-Reply-To: <%s>\n"
                "References: <%s> <%s>\n" % (r2, r1, r2)) +
            one("ursula@researcher.example", "Unrelated report", u,
                "Before the quote.\n>From the mbox writer, escaped.\n"
                ">>From twice escaped.\nAfter.\n"))
    with open(path, "w") as f:
        f.write(text)
    n0 = count("cases")
    rc, out, err = E.cli(["ingest-mail", "--mbox", path])
    eq(rc, 0, "ingest-mail --mbox exit (%s)" % err.strip()[-300:])
    eq(count("cases") - n0, 2, "new cases (%s)" % out.strip())
    tids = TID_RE.findall(out)
    outcomes = re.findall(r"mail \d+: (\w+)", out)
    eq(outcomes, ["new_case", "threaded", "threaded", "new_case"],
       "outcomes (%s)" % out.strip())
    c1, c2 = tids[0], tids[-1]
    eq(tids[1:3], [c1, c1], "the replies' case")
    bodies = [m["body"] for m in _researcher_msgs(c1)]
    check(any("marker-mbox-reply-1" in b for b in bodies) and
          any("marker-mbox-reply-2" in b for b in bodies),
          "the replies are not on %s: %r" % (c1, bodies))
    d = case_row(c2)["description"]
    check(re.search(r"(^|\n)From the mbox writer, escaped\.", d),
          "'>From ' not unescaped: %r" % d)
    check(re.search(r"(^|\n)>From twice escaped\.", d),
          "'>>From ' not unescaped exactly once: %r" % d)
    eq(case_row(c2)["reporter_email"], "ursula@researcher.example",
       "second case's reporter")


def test_mbox_import_crlf():
    """The same kind of mbox with CRLF line ends (as some Windows mail
    clients export it): still one case per conversation."""
    path = os.path.join(E.tmp, "crlf.mbox")
    r1 = msgid("crlf-r1")
    text = ("From nina@researcher.example Mon Mar  3 10:00:00 2025\n"
            "From: nina@researcher.example\nTo: %s\nSubject: CRLF one\n"
            "Message-ID: <%s>\n\nmarker-crlf-first\n\n"
            "From nina@researcher.example Mon Mar  3 11:00:00 2025\n"
            "From: nina@researcher.example\nTo: %s\nSubject: Re: CRLF one"
            "\nMessage-ID: <%s>\nIn-Reply-To: <%s>\n\n"
            "marker-crlf-reply\n\n"
            "From olaf@researcher.example Mon Mar  3 12:00:00 2025\n"
            "From: olaf@researcher.example\nTo: %s\nSubject: CRLF two\n"
            "Message-ID: <%s>\n\nmarker-crlf-other\n") % (
                TEAM, r1, TEAM, msgid("crlf-r2"), r1, TEAM, msgid("crlf-u"))
    with open(path, "wb") as f:
        f.write(text.replace("\n", "\r\n").encode())
    n0 = count("cases")
    rc, out, err = E.cli(["ingest-mail", "--mbox", path])
    eq(rc, 0, "ingest-mail --mbox exit (%s)" % err.strip()[-300:])
    outcomes = re.findall(r"mail \d+: (\w+)", out)
    eq(outcomes, ["new_case", "threaded", "new_case"],
       "outcomes of a CRLF mbox (%s)" % out.strip())
    eq(count("cases") - n0, 2, "new cases")


def test_odd_message_id_does_not_stop_the_ack():
    addr = "oddid@researcher.example"
    raw = mk_mail(addr, "Odd Message-ID", "libtinyparse\n",
                  mid='odd "id" here@x')
    r = new_case(raw)
    mails = deliver()
    m = one_mail_to(addr, mails)
    check(r["tid"] in (m.h("Subject") or ""), "subject")
    eq(outbox_for(addr)[0]["status"], "sent", "outbox status")


def test_attempts_exhausted_fail():
    tid, oid = _fresh_pending("maxy")
    sql_write("UPDATE outbox SET attempts = 11 WHERE id = %d" % oid)
    worker(conf=E.conf_down)
    row = sql("SELECT * FROM outbox WHERE id = %d" % oid)[0]
    eq((row["status"], row["attempts"]), ("failed", 12),
       "after the 12th temporary failure (max_attempts = 12)")
    check(row["last_error"], "no last_error")


# ---------------------------------------------------------------------------
# Tests: the server's own worker


def test_server_worker_thread_delivers():
    E.stop_server()
    E.start_server(worker=True)
    tid = None
    r = new_case(mk_mail("wendy@researcher.example", "Worker test",
                         "libtinyparse\n"))
    tid = r["tid"]
    deadline = time.time() + 8
    got = []
    while time.time() < deadline and not got:
        time.sleep(0.25)
        got = mails_to("wendy@researcher.example", E.collect())
    check(got, "the server's worker did not deliver the ack within 8 s")
    check(tid in (got[0].h("Subject") or ""), "subject")
    api_transition(tid, "triage")
    api_message(tid, "marker-worker-thread")
    deadline = time.time() + 8
    got = []
    while time.time() < deadline and not got:
        time.sleep(0.25)
        got = [m for m in mails_to("wendy@researcher.example", E.collect())
               if "marker-worker-thread" in m.body()]
    check(got, "the server's worker did not deliver the staff message "
          "within 8 s")
    # The relay said 250 before the worker records it: wait a moment.
    deadline = time.time() + 5
    while True:
        st = sql("SELECT status FROM outbox WHERE to_addr = %s ORDER BY id "
                 "DESC LIMIT 1" % q("wendy@researcher.example"))[0]["status"]
        if st == "sent" or time.time() > deadline:
            break
        time.sleep(0.1)
    eq(st, "sent", "outbox status")


# ---------------------------------------------------------------------------
# The runner

def test_subscriber_mail_has_list_unsubscribe():
    """A mail to a subscriber (here the confirmation) carries
    List-Unsubscribe with its own link and the RFC 8058 one-click header;
    the POST a mail client sends for it unsubscribes; the token leaves the
    outbox once sent."""
    addr = "it-admin-%s@corp.example" % secrets.token_hex(3)
    r = curl("/subscribe", data=("email=" + addr).encode(),
             ctype="application/x-www-form-urlencoded")
    eq(r.status, 200, "POST /subscribe")
    tok = sql("SELECT token FROM subscribers WHERE email = %s" %
              q(addr))[0]["token"]
    m = one_mail_to(addr, deliver())
    base = "http://127.0.0.1:%d" % E.web_port
    eq((m.h("List-Unsubscribe") or "").strip(),
       "<%s/unsubscribe/%s>" % (base, tok), "List-Unsubscribe")
    eq((m.h("List-Unsubscribe-Post") or "").strip(),
       "List-Unsubscribe=One-Click", "List-Unsubscribe-Post")
    eq((m.h("Auto-Submitted") or "").strip(), "auto-generated",
       "Auto-Submitted")
    check("/subscribe/confirm/" + tok in m.body(), "no confirm link")
    row = outbox_for(addr)[0]
    eq((row["kind"], row["status"], row["secret"]),
       ("subscribe_confirm", "sent", ""), "the outbox row after sending")
    r = curl("/unsubscribe/" + tok, data=b"List-Unsubscribe=One-Click",
             ctype="application/x-www-form-urlencoded")
    eq(r.status, 200, "one-click POST")
    check(sql("SELECT unsubscribed_at FROM subscribers WHERE token = %s" %
              q(tok))[0]["unsubscribed_at"], "not unsubscribed")


TESTS = [
    "test_plain_report_by_pipe", "test_product_recognised",
    "test_html_only_mail", "test_garbage_kept_raw_and_flagged",
    "test_oversize_is_refused_with_65", "test_database_unavailable_is_75",
    "test_ack_headers",
    "test_reply_by_subject_joins", "test_reply_by_in_reply_to_joins",
    "test_reply_by_references_only_joins_with_attachment",
    "test_reply_to_plus_address_joins",
    "test_stranger_opens_new_case_with_link",
    "test_tracking_page_shows_emailed_message",
    "test_staff_message_is_mailed_in_thread",
    "test_request_info_mail_and_internal_note_not_mailed",
    "test_status_mails_on_confirm_and_reject",
    "test_encoded_word_in_name_still_mailed",
    "test_crlf_in_encoded_from_name_cannot_inject",
    "test_concurrent_workers_send_each_message_once",
    "test_retry_when_relay_down", "test_retry_on_451",
    "test_reject_550_fails_permanently", "test_attempts_exhausted_fail",
    "test_outgoing_mail_encrypted_to_researcher_key",
    "test_incoming_encrypted_report",
    "test_incoming_signed_and_encrypted_shows_badges",
    "test_reply_signed_by_reporters_key_joins_from_another_address",
    "test_signature_by_unknown_key_is_not_signed",
    "test_incomplete_mailed_report_is_completed_from_the_ack",
    "test_incoming_encrypted_to_unknown_key_flagged",
    "test_incoming_without_mdc_is_refused",
    "test_auto_submitted_gets_no_ack", "test_bulk_and_list_mail_get_no_ack",
    "test_our_own_mail_coming_back_is_flagged",
    "test_empty_sender_is_flagged", "test_one_ack_per_sender_per_day",
    "test_one_ack_per_sender_whatever_the_case",
    "test_odd_message_id_does_not_stop_the_ack",
    "test_two_instances_wired_together", "test_mbox_import",
    "test_mbox_import_crlf", "test_server_worker_thread_delivers",
    "test_subscriber_mail_has_list_unsubscribe",
]


def env(binary):
    global E
    E = Env(binary)
    return E


def main(argv):
    return run_suite(argv, env, [globals()[n] for n in TESTS],
                     started="setup", clean="processes_clean")


if __name__ == "__main__":
    sys.exit(main(sys.argv))
