#!/usr/bin/env python3
"""Integration tests for Vigil's staff console: accounts (vigil user,
vigil token), sign-in and sign-out, session expiry, login throttling,
API tokens, CSRF on every state-changing form, the role x route matrix
generated from `vigil routes` (the routes of independent patch testing
included: a product with a test plan, a case with a patch revision and a
test run are its fixtures; so are the release planner's and the public
side's: planned out-of-band releases, an advisory draft, an advisory
published through the API and a mailing-list subscriber), the
anonymous mailing-list forms' Origin check, the researcher's cookie
against other cases, every lifecycle transition allowed and refused
for every role (verifying -> ready also needs the release gate, refused
here: the way through it is tested in test_testing.py), requests for
information, internal notes, and the audit log (append-only
triggers, `vigil audit verify` catching tampering, no secrets in rows).

Usage: python3 tests/integration/test_staff.py path/to/vigil

Starts the real binary on a free loopback port with a temporary SQLite
database (`vigil serve --listen 127.0.0.1:0`), drives it with the curl
command-line tool only (several requests in one curl process with
--next where there are many), and reads or prepares the database with
the sqlite3 command-line tool (putting a case into a given state, ageing
a session: test setup, never the path under test).  Python 3 standard
library only.

Output: one line per test ("ok NAME" or "FAIL NAME: reason"), then
exactly "N passed, M failed"; exit status 1 if anything failed.
Environment: IT_ONLY=regex runs only matching tests (their setup runs
lazily), IT_KEEP=1 keeps the temporary folder, IT_VERBOSE=1 prints
tracebacks.
"""
import hashlib
import html
import os
import re
import secrets
import statistics
import subprocess
import sys
import time
import urllib.parse
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (FORM, JSON, Resp, Sqlite, check, curl_failed,  # noqa: E402
                     curl_options, eq, jbody, method_of, multipart,
                     note_secrets, q, read_response, run_suite, stem,
                     urlenc)
from vigil_serve import ROOT, Serve  # noqa: E402


YEAR = time.strftime("%Y", time.gmtime())
NO_SUCH_CASE = "VR-%s-999999" % YEAR


# ---------------------------------------------------------------------------
# The server under test


class Server(Serve):
    def __init__(self, binary):
        super().__init__(binary, "vigil-staff-it-")
        with open(self.conf, "w") as f:
            f.write("[server]\nmax_attachment = 64k\n"
                    "max_request_body = 1M\nmax_attachments = 3\n"
                    "[log]\nlevel = debug\n"
                    "[sandbox]\ndir = %s\n" % os.path.join(self.tmp,
                                                           "runs"))

    def start(self):
        self.must(["migrate"])
        self._serve()


SRV = None

# ---------------------------------------------------------------------------
# curl


RESPONSES = []          # every response fetched, for the header audit
SECRETS = set()         # passwords, session ids, tokens, CSRF values seen


def req(path, method=None, data=None, ctype=None, cookie=None, jar=None,
        headers=(), args=(), timing=False):
    """A request description for curl_many()."""
    return dict(path=path, method=method, data=data, ctype=ctype,
                cookie=cookie, jar=jar, headers=list(headers),
                args=list(args), timing=timing)


def curl_many(reqs, timeout=20):
    """Sends the requests in order from one curl process (--next between
    them, one connection reused).  Returns a list of Resp."""
    if not reqs:
        return []
    cmd, stems = ["curl"], []
    for i, rq in enumerate(reqs):
        s = stem(SRV.tmp)
        stems.append(s)
        if i:
            cmd.append("--next")
        url = rq["path"] if rq["path"].startswith("http") else \
            SRV.base + rq["path"]
        cmd += curl_options(
            url, s, timeout, method=rq["method"], data=rq["data"],
            ctype=rq["ctype"], cookie=rq["cookie"], jar=rq["jar"],
            headers=rq["headers"], args=rq["args"],
            write_out="%{time_total}\\n" if rq["timing"] else None)
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=timeout * len(reqs) + 30)
    times = r.stdout.decode().split()
    out, ti = [], 0
    for rq, s in zip(reqs, stems):
        tt = None
        if rq["timing"] and ti < len(times):
            tt = float(times[ti])
            ti += 1
        status, headers, body = read_response(s)
        meth = method_of(rq["method"], rq["data"], rq["args"])
        if status is None:
            raise curl_failed(meth, rq["path"], r)
        resp = Resp(status, headers, body, rq["path"], meth, tt)
        note_secrets(resp, SECRETS)
        RESPONSES.append(resp)
        out.append(resp)
    return out


def curl(path, **kw):
    return curl_many([req(path, **kw)])[0]


# ---------------------------------------------------------------------------
# The database


DB = Sqlite(lambda: SRV.db)
sql, sql_write, case_row = DB.sql, DB.write, DB.case_row
audit_max, audit_since = DB.audit_max, DB.audit_since


def set_states(pairs):
    """pairs: {tracking id: state}; one UPDATE (test setup)."""
    if not pairs:
        return
    whens = " ".join("WHEN %s THEN %s" % (q(t), q(s))
                     for t, s in pairs.items())
    sql_write("UPDATE cases SET state = CASE tracking_id %s END, "
              "duplicate_of = NULL WHERE tracking_id IN (%s)" % (
                  whens, ",".join(q(t) for t in pairs)))


def clear_login_failures():
    sql_write("DELETE FROM login_failures")


def sha256_hex(s):
    return hashlib.sha256(s.encode()).hexdigest().upper()


# ---------------------------------------------------------------------------
# Accounts, sessions, tokens


ROLES = ["analyst", "engineer", "tester", "release_manager", "admin"]
IDENTS = ROLES + ["multi"]          # multi: engineer and tester at once
IDENT_ROLES = {r: {r} for r in ROLES}
IDENT_ROLES["multi"] = {"engineer", "tester"}
EMAIL = {i: "%s@staff.example" % i.replace("_", "-") for i in IDENTS}
EXTRA = {"disabled": "analyst", "victim": "analyst", "throttle": "analyst",
         "expiry": "engineer", "long": "tester", "twelve": "tester"}
for _k in EXTRA:
    EMAIL[_k] = "%s@staff.example" % _k
NAME = {i: "Staff %s" % i.replace("_", " ").title() for i in EMAIL}
PASSWORD = {}
TOKEN = {}
SESS = {}
ACCT = {}


def _pw(n=24):
    p = secrets.token_urlsafe(n)[:n]
    SECRETS.add(p)
    return p


def accounts():
    """Creates every account and token once (through the CLI)."""
    if ACCT:
        return ACCT
    for who in IDENTS + list(EXTRA):
        roles = ",".join(sorted(IDENT_ROLES[who])) if who in IDENT_ROLES \
            else EXTRA[who]
        pw = _pw(128 if who == "long" else 12 if who == "twelve" else 24)
        rc, out, err = SRV.cli(["user", "add", "--email", EMAIL[who],
                                "--name", NAME[who], "--role", roles,
                                "--password-stdin"],
                               stdin=(pw + "\n").encode())
        eq(rc, 0, "vigil user add %s exit status (%s)" % (who, err.strip()))
        check("created" in out, "user add %s printed %r" % (who, out))
        PASSWORD[who] = pw
    for who in IDENTS + ["disabled"]:
        rc, out, err = SRV.cli(["token", "create", "--user", EMAIL[who]])
        eq(rc, 0, "vigil token create %s exit status (%s)" % (who, err))
        tok = out.strip()
        check(re.fullmatch(r"[A-Za-z0-9_-]{43}", tok),
              "token create printed %r, not one 256-bit token" % out)
        TOKEN[who] = tok
        SECRETS.add(tok)
    rc, out, err = SRV.cli(["user", "disable", EMAIL["disabled"]])
    eq(rc, 0, "vigil user disable exit status (%s)" % err)
    ACCT["ids"] = {r["email"]: r["id"] for r in sql(
        "SELECT id, email FROM users")}
    return ACCT


LOGIN_SECRET = {}


def login_form(next_=None):
    """GET /login: returns (vigil_login cookie value, csrf, response)."""
    path = "/login" + ("?next=" + urllib.parse.quote(next_, safe="")
                       if next_ is not None else "")
    r = curl(path)
    eq(r.status, 200, "GET /login status")
    sc = [c for c in r.hall("set-cookie") if c.startswith("vigil_login=")]
    check(sc, "GET /login set no vigil_login cookie: %r" %
          r.hall("set-cookie"))
    val = sc[0].split(";", 1)[0].partition("=")[2]
    m = re.search(r'name="csrf" value="([0-9a-f]{64})"', r.text)
    check(m, "no csrf field on the login page")
    return val, m.group(1), r


def shared_login():
    """One login cookie + csrf reused for many POST /login (the secret
    lives in the cookie until a login succeeds)."""
    if not LOGIN_SECRET:
        v, c, _ = login_form()
        LOGIN_SECRET.update(cookie=v, csrf=c)
    return LOGIN_SECRET


def login_req(email, pw, next_=None, extra_cookie=None, timing=False):
    s = shared_login()
    f = [("email", email), ("password", pw), ("csrf", s["csrf"])]
    if next_ is not None:
        f.append(("next", next_))
    ck = "vigil_login=" + s["cookie"]
    if extra_cookie:
        ck += "; " + extra_cookie
    return req("/login", data=urlenc(f), ctype=FORM, cookie=ck,
               timing=timing)


def session_of(resp):
    for c in resp.hall("set-cookie"):
        if c.startswith("vigil_session="):
            v = c.split(";", 1)[0].partition("=")[2]
            if v:
                return v
    return None


def page_csrf(sid):
    r = curl("/cases", cookie="vigil_session=" + sid)
    eq(r.status, 200, "GET /cases with a fresh session")
    m = re.search(r'name="csrf" value="([0-9a-f]{64})"', r.text)
    check(m, "no csrf hidden field on /cases (the logout form)")
    return m.group(1)


def login(who, next_=None):
    """Signs `who` in; returns a dict sid, cookie, csrf, email."""
    accounts()
    r = curl_many([login_req(EMAIL[who], PASSWORD[who], next_)])[0]
    eq(r.status, 303, "login of %s status (%s)" % (who, r.text[:200]))
    sid = session_of(r)
    check(sid, "login of %s set no vigil_session cookie" % who)
    SECRETS.add(sid)
    return dict(sid=sid, cookie="vigil_session=" + sid, csrf=page_csrf(sid),
                email=EMAIL[who], who=who, resp=r)


def sess(who):
    if who not in SESS:
        SESS[who] = login(who)
    return SESS[who]


def bearer(who):
    accounts()
    return "Authorization: Bearer " + TOKEN[who]


# ---------------------------------------------------------------------------
# Cases


def base_json(**over):
    j = {
        "reporter": {"name": "Bob Researcher", "email": "bob@example.com"},
        "product": "libtinyparse",
        "versions": ["2.0.0", "2.0.1"],
        "cwe": "CWE-125",
        "impact": "info_disclosure",
        "title": "Out-of-bounds read in the tag decoder",
        "description": "Decoding a truncated tag reads two bytes past the "
                       "input buffer.",
        "publicly_known": False,
        "exploited": False,
    }
    j.update(over)
    return j


def new_cases(n, attachment=False, title="Staff console case"):
    """Creates n cases through POST /api/v1/reports (one curl process);
    returns a list of (tracking id, /track/<token> path)."""
    reqs = []
    for i in range(n):
        j = base_json(title="%s %d %s" % (title, i, secrets.token_hex(3)))
        if attachment:
            j["attachments"] = [{
                "filename": "evidence-%d.bin" % i,
                "content_type": "application/octet-stream",
                "data_base64": "ZXZpZGVuY2UgYnl0ZXM="}]
        reqs.append(req("/api/v1/reports", data=jbody(j), ctype=JSON))
    out = []
    for r in curl_many(reqs):
        eq(r.status, 201, "POST /api/v1/reports status (%s)" % r.text[:200])
        o = r.json()
        out.append((o["tracking_id"],
                    urllib.parse.urlsplit(o["track_url"]).path))
    return out


def open_track(track_path):
    """Follows a secret link; returns dict tid, cookie (vt_...=...), csrf."""
    r = curl(track_path)
    eq(r.status, 303, "GET secret link status")
    loc = r.h("location")
    tid = loc.rsplit("/", 1)[1]
    c = [x for x in r.hall("set-cookie") if x.startswith("vt_")]
    check(c, "the secret link set no vt_ cookie")
    cookie = c[0].split(";", 1)[0]
    page = curl(loc, cookie=cookie)
    eq(page.status, 200, "tracking page with its cookie")
    m = re.search(r'name="csrf" value="([0-9a-f]{64})"', page.text)
    check(m, "no csrf field on the tracking page")
    return dict(tid=tid, cookie=cookie, csrf=m.group(1), path=loc)


def attachment_ids(tid):
    return [r["id"] for r in sql(
        "SELECT a.id FROM attachments a JOIN cases c ON c.id = a.case_id "
        "WHERE c.tracking_id = %s ORDER BY a.id" % q(tid))]


FIX = {}


def fixtures():
    """The cases the matrix uses: M (triage, with an attachment and a
    researcher cookie), O (an original for duplicates)."""
    if FIX:
        return FIX
    accounts()
    (m, ml), (o, _) = new_cases(1, attachment=True, title="Matrix case") + \
        new_cases(1, title="Original case")
    set_states({m: "triage"})
    FIX.update(m=m, o=o, m_att=attachment_ids(m)[0], track=open_track(ml))
    return FIX


# A unified diff the upload checks accept (it need not apply anywhere).
MATRIX_DIFF = "--- a/README\n+++ b/README\n@@ -1 +1 @@\n-old\n+new\n"
TFIX = {}


def testing_fixtures():
    """Independent patch testing for the matrix: a product with a test
    plan (`vigil product add`, version 1.0), a case P of that product in
    testing with one patch revision (uploaded by the engineer) and its
    test run.  The run may stay queued or end in any status: the matrix
    only needs it to exist."""
    if TFIX:
        return TFIX
    fixtures()
    src = os.path.join(SRV.tmp, "matrix-src")
    os.makedirs(src, exist_ok=True)
    name = "Matrix Product"
    rc, out, err = SRV.cli(["product", "add", "--name", name, "--vendor",
                            "Matrix Vendor", "--source", src, "--build",
                            "true", "--test", "true", "--poc", "cat {poc}",
                            "--oracle", "nonzero", "--version", "1.0"])
    eq(rc, 0, "vigil product add exit status (%s)" % err.strip())
    mm = re.search(r"\(id (\d+)\)", out)
    check(mm, "vigil product add printed %r" % out)
    r = curl("/api/v1/reports", data=jbody(base_json(
        product=name, title="Matrix testing case " + secrets.token_hex(3))),
        ctype=JSON)
    eq(r.status, 201, "report of the testing case (%s)" % r.text[:200])
    tid = r.json()["tracking_id"]
    set_states({tid: "testing"})
    r = curl("/api/v1/cases/%s/patches" % tid, data=jbody(
        {"kind": "diff", "diff": MATRIX_DIFF, "versions": ["1.0"],
         "note": "matrix revision"}), ctype=JSON, headers=[bearer("engineer")])
    eq(r.status, 201, "the engineer's patch upload (%s)" % r.text[:200])
    runs = r.json().get("runs") or []
    eq(len(runs), 1, "test runs queued for one version")
    TFIX.update(p=tid, product=int(mm.group(1)), run=runs[0]["id"])
    return TFIX


RFIX = {}


def _oob_release(why):
    """A planned out-of-band release made by the release manager through
    the API; returns its id."""
    r = curl("/api/v1/releases", data=jbody({"kind": "out_of_band",
                                             "justification": why}),
             ctype=JSON, headers=[bearer("release_manager")])
    eq(r.status, 201, "POST /api/v1/releases (%s)" % r.text[:200])
    o = r.json()
    eq((o["kind"], o["status"], o["ncases"]), ("out_of_band", "planned", 0),
       "the new out-of-band release")
    return o["id"]


def _into_release(tid, rid):
    """Test setup: case tid put into release rid as the planner would once
    the case passed the release gate (state scheduled, an advisory draft
    pre-filled from the report); getting through the gate is tested in
    test_releases.py."""
    c = case_row(tid)
    sql_write("UPDATE cases SET state = 'scheduled', release_id = %d "
              "WHERE id = %d;" % (rid, c["id"]) +
              "INSERT INTO advisories (case_id, release_id, title, summary, "
              "affected, updated_at) VALUES (%d, %d, %s, %s, '2.0.0, 2.0.1', "
              "strftime('%%s','now'))" % (c["id"], rid, q(c["title"]),
                                          q("Matrix advisory draft.")))


def release_fixtures():
    """The release planner and the public publishing side for the matrix:
    E, an empty planned out-of-band release (adding the triage case M is
    refused by the gate, publishing it by "no case"); D, a planned
    out-of-band release holding case A with its advisory draft; a third
    out-of-band release holding one case, published by the release
    manager through the API (its advisory, CSAF file and acknowledgement
    are public); and S, a mailing-list subscriber (subscribed through
    POST /subscribe; its token read from subscribers.token)."""
    if RFIX:
        return RFIX
    fixtures()
    e = _oob_release("Matrix: an empty release.")
    d = _oob_release("Matrix: a release with an advisory draft.")
    pub = _oob_release("Matrix: exploited in the wild.")
    (a, _), (pc, _) = new_cases(1, title="Matrix advisory case") + \
        new_cases(1, title="Matrix published case")
    _into_release(a, d)
    _into_release(pc, pub)
    r = curl("/api/v1/releases/%d/publish" % pub, data=b"{}", ctype=JSON,
             headers=[bearer("release_manager")])
    eq(r.status, 201, "publishing the matrix release (%s)" % r.text[:300])
    eq(r.json()["status"], "published", "the matrix release after publish")
    aid = sql("SELECT advisory_id FROM advisories WHERE case_id = %d" %
              case_row(pc)["id"])[0]["advisory_id"]
    check(aid, "the published advisory has no advisory ID")
    r = curl("/.well-known/csaf/white/index.txt")
    eq(r.status, 200, "GET /.well-known/csaf/white/index.txt")
    files = r.text.split()
    eq(len(files), 1, "CSAF files listed in index.txt (%r)" % r.text[:200])
    email = "matrix-%s@subscriber.example" % secrets.token_hex(3)
    r = curl("/subscribe", data=urlenc([("email", email)]), ctype=FORM)
    eq(r.status, 200, "POST /subscribe (%s)" % r.text[:200])
    rows = sql("SELECT token FROM subscribers WHERE email = %s" % q(email))
    eq(len(rows), 1, "subscriber rows for %s" % email)
    SECRETS.add(rows[0]["token"])   # must never reach the server's log
    RFIX.update(empty=e, draft=d, a=a, published=pub, pc=pc, aid=aid,
                csaf="/.well-known/csaf/white/" + files[0],
                sub_token=rows[0]["token"])
    return RFIX


# A post-mortem the form and the API accept (src/core/postmortem.c).
PM_FIELDS = [("cwe", "CWE-125"), ("component", "tag decoder"),
             ("introduced_in", "2.0.0"),
             ("how_found", "external researcher report"),
             ("practice", "fuzzing"), ("regression_of", ""),
             ("reissued", "no"),
             ("root_cause", "The decoder trusted the tag length."),
             ("fix", "The length is checked against the input."),
             ("lessons", "Fuzz every decoder."), ("tags", "parsing, bounds")]


def _mark_released(tids):
    """Test setup: cases left as a release leaves them (state released
    and the scheduled -> released transition a post-mortem is dated
    by); releasing is test_releases.py's business."""
    set_states({t: "released" for t in tids})
    sql_write(";".join(
        "INSERT INTO events (case_id, at, actor, kind, from_state, "
        "to_state, reason) VALUES (%d, strftime('%%s','now'), %s, "
        "'transition', 'scheduled', 'released', '')" % (
            case_row(t)["id"], q(EMAIL["release_manager"])) for t in tids))


def _with_postmortem(tids):
    """Test setup: a post-mortem row for each case (closing one needs
    it); writing one is tested through the matrix and the CSRF test."""
    f = dict(PM_FIELDS)
    sql_write(";".join(
        "INSERT INTO post_mortems (case_id, cwe, component, how_found, "
        "practice, reissued, root_cause, fix, lessons, tags, author, "
        "released_at, created_at, updated_at) VALUES (%d, %s, %s, %s, %s, "
        "0, %s, %s, %s, 'parsing', %s, strftime('%%s','now'), "
        "strftime('%%s','now'), strftime('%%s','now'))" % (
            case_row(t)["id"], q(f["cwe"]), q(f["component"]),
            q(f["how_found"]), q(f["practice"]), q(f["root_cause"]),
            q(f["fix"]), q(f["lessons"]), q(NAME["analyst"]))
        for t in tids))


PMFIX = {}


def postmortem_fixtures():
    """R, a released case whose post-mortem the analyst wrote through
    PUT /api/v1/cases/R/postmortem (the matrix reads it and sends it a
    field that is not valid; the CSRF test would rewrite it)."""
    if PMFIX:
        return PMFIX
    fixtures()
    (r_, _), = new_cases(1, title="Matrix post-mortem case")
    _mark_released([r_])
    body = dict(PM_FIELDS)
    body["reissued"] = False
    del body["regression_of"]
    r = curl("/api/v1/cases/%s/postmortem" % r_, data=jbody(body),
             ctype=JSON, method="PUT", headers=[bearer("analyst")])
    eq(r.status, 200, "PUT the matrix post-mortem (%s)" % r.text[:200])
    eq(r.json()["component"], "tag decoder", "the stored post-mortem")
    PMFIX.update(r=r_)
    return PMFIX


def runs_settled(timeout=30):
    """Waits until the server's worker has no queued or running test run
    (a finishing run writes an event: tests comparing counts wait)."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        if not sql("SELECT 1 FROM test_runs WHERE status IN "
                   "('queued', 'running')"):
            return True
        time.sleep(0.2)
    return False


# ---------------------------------------------------------------------------
# Tests: accounts on the command line


def test_user_cli_refusals():
    accounts()
    listing = SRV.cli(["user", "list"])[1]
    for label, pw, roles in (("11 chars", "a" * 11, "analyst"),
                             ("129 chars", "b" * 129, "analyst"),
                             ("unknown role", "c" * 20, "superuser"),
                             ("one unknown role", "d" * 20, "analyst,root"),
                             ("duplicate role", "e" * 20, "tester,tester"),
                             ("empty role", "f" * 20, "")):
        email = "refused-%s@staff.example" % secrets.token_hex(3)
        rc, out, err = SRV.cli(["user", "add", "--email", email, "--name",
                                "Refused", "--role", roles,
                                "--password-stdin"],
                               stdin=(pw + "\n").encode())
        eq(rc, 2, "user add with %s: exit status" % label)
        check(email not in SRV.cli(["user", "list"])[1],
              "user add with %s created the account anyway" % label)
    rc, out, err = SRV.cli(["user", "add", "--email", EMAIL["analyst"],
                            "--name", "Again", "--role", "analyst",
                            "--password-stdin"], stdin=b"x" * 20 + b"\n")
    eq(rc, 1, "user add of an existing e-mail: exit status")
    eq(SRV.cli(["user", "list"])[1], listing, "user list after refusals")


def test_user_list_and_hashes():
    accounts()
    rc, out, err = SRV.cli(["user", "list"])
    eq(rc, 0, "user list exit status")
    lines = out.splitlines()
    check(lines and lines[0].split()[0] == "EMAIL", "user list header %r" %
          (lines[:1],))
    for who in IDENTS + list(EXTRA):
        ln = [x for x in lines if x.split() and x.split()[0] == EMAIL[who]]
        eq(len(ln), 1, "user list lines for %s" % who)
        roles = ",".join(r for r in ROLES if r in (
            IDENT_ROLES.get(who) or {EXTRA.get(who)}))
        check(roles in ln[0].split(), "user list roles of %s: %r (want %s)"
              % (who, ln[0], roles))
        want = "disabled" if who == "disabled" else "active"
        eq(ln[0].split()[-1], want, "user list status of %s" % who)
    rows = sql("SELECT email, password_hash FROM users")
    for r in rows:
        check(r["password_hash"].startswith("$argon2id$"),
              "password of %s not an argon2id hash" % r["email"])
        for who, pw in PASSWORD.items():
            check(pw not in r["password_hash"], "a password is stored raw")
    toks = sql("SELECT hex(hash) AS h FROM api_tokens")
    hashes = {t["h"] for t in toks}
    for who, tok in TOKEN.items():
        check(sha256_hex(tok) in hashes, "token of %s not stored as its "
              "SHA-256" % who)
        check(tok.encode().hex().upper() not in hashes, "raw token stored")
    rc, out, err = SRV.cli(["token", "create", "--user", EMAIL["disabled"]])
    check(rc != 0 and not out.strip(), "token create for a disabled account:"
          " exit %d, printed %r" % (rc, out))
    rc, out, err = SRV.cli(["token", "create", "--user", "nobody@x.example"])
    check(rc != 0 and not out.strip(), "token create for an unknown account")


# ---------------------------------------------------------------------------
# Tests: sign-in


def test_login_page_and_cookie():
    accounts()
    val, csrf, r = login_form()
    sc = [c for c in r.hall("set-cookie") if c.startswith("vigil_login=")][0]
    low = [a.strip().lower() for a in sc.split(";")]
    check("httponly" in low and "samesite=strict" in low and
          "path=/login" in low, "vigil_login cookie attributes: %s" % sc)
    check(re.search(r'name="next" value="/cases"', r.text),
          "login form has no next=/cases hidden field")
    mark = audit_max()
    s = login("analyst")
    r = s["resp"]
    eq(r.h("location"), "/cases", "Location after login")
    c = [x for x in r.hall("set-cookie") if x.startswith("vigil_session=")][0]
    attrs = [a.strip() for a in c.split(";")]
    low = [a.lower() for a in attrs]
    check(re.fullmatch(r"vigil_session=[A-Za-z0-9_-]{43}", attrs[0]),
          "session cookie %r is not a 256-bit token" % attrs[0])
    check("path=/" in low, "session cookie not Path=/: %s" % c)
    check("httponly" in low, "session cookie not HttpOnly: %s" % c)
    check("samesite=strict" in low, "session cookie not SameSite=Strict: %s"
          % c)
    check("max-age=43200" in low, "session cookie Max-Age is not 12 h: %s" %
          c)
    check(any(x.startswith("vigil_login=;") for x in r.hall("set-cookie")),
          "the login cookie is not cleared at login")
    page = curl("/cases", cookie=s["cookie"])
    eq(page.status, 200, "GET /cases signed in")
    check(NAME["analyst"] in page.text, "the queue does not name the user")
    # Stored hashed only.
    rows = sql("SELECT hex(hash) AS h FROM sessions")
    check(sha256_hex(s["sid"]) in {x["h"] for x in rows},
          "session not stored as the SHA-256 of its id")
    check(not sql("SELECT 1 FROM sessions WHERE hash = %s OR hex(hash) = %s"
                  % (q(s["sid"]), q(s["sid"].encode().hex().upper()))),
          "session id stored raw")
    rows = audit_since(mark, "login")
    check(any(x["actor"] == EMAIL["analyst"] for x in rows),
          "no 'login' audit row for the analyst")
    # Rotation: every login gets a new id, also when the browser brings
    # one (fixation): the offered id never becomes a session.
    fixed = secrets.token_urlsafe(32)[:43]
    r2 = curl_many([login_req(EMAIL["analyst"], PASSWORD["analyst"],
                              extra_cookie="vigil_session=" + fixed)])[0]
    eq(r2.status, 303, "second login status")
    sid2 = session_of(r2)
    SECRETS.add(sid2)
    check(sid2 and sid2 != s["sid"] and sid2 != fixed,
          "the second login did not get a new session id")
    check(sha256_hex(fixed) not in {x["h"] for x in sql(
        "SELECT hex(hash) AS h FROM sessions")}, "a fixated id was stored")
    eq(curl("/cases", cookie="vigil_session=" + fixed).status, 303,
       "/cases with the fixated id")


def test_login_post_csrf():
    accounts()
    s = shared_login()
    mark = audit_max()
    n = sql("SELECT count(*) AS n FROM sessions")[0]["n"]
    f = [("email", EMAIL["analyst"]), ("password", PASSWORD["analyst"])]
    rs = curl_many([
        req("/login", data=urlenc(f), ctype=FORM,
            cookie="vigil_login=" + s["cookie"]),
        req("/login", data=urlenc(f + [("csrf", "0" * 64)]), ctype=FORM,
            cookie="vigil_login=" + s["cookie"]),
        req("/login", data=urlenc(f + [("csrf", s["csrf"])]), ctype=FORM),
        req("/login", data=urlenc(f + [("csrf", s["csrf"])]), ctype=FORM,
            cookie="vigil_login=" + secrets.token_urlsafe(32)[:43]),
    ])
    for r, what in zip(rs, ("without csrf", "with a wrong csrf",
                            "without the login cookie",
                            "with another login cookie")):
        eq(r.status, 403, "POST /login %s" % what)
        check(session_of(r) is None, "POST /login %s set a session" % what)
    eq(sql("SELECT count(*) AS n FROM sessions")[0]["n"], n,
       "sessions after refused logins")
    eq(audit_since(mark, "login"), [], "login audit rows of refused posts")
    r = curl("/login", data=urlenc(f + [("csrf", s["csrf"])]),
             ctype="text/plain", cookie="vigil_login=" + s["cookie"])
    eq(r.status, 415, "POST /login as text/plain")


def _normalize_login_page(text, email):
    text = re.sub(r'name="csrf" value="[0-9a-f]{64}"', 'name="csrf"', text)
    return text.replace(html.escape(email, quote=True), "EMAIL")


def test_login_failures_look_the_same():
    accounts()
    clear_login_failures()
    mark = audit_max()
    attempts = [("wrong password", EMAIL["victim"], "wrong-" + _pw()),
                ("unknown account", "nobody-%s@staff.example" %
                 secrets.token_hex(3), _pw()),
                ("disabled account (right password)", EMAIL["disabled"],
                 PASSWORD["disabled"])]
    rs = curl_many([login_req(e, p) for _, e, p in attempts])
    bodies = []
    for (what, email, _), r in zip(attempts, rs):
        eq(r.status, 401, "login with a %s" % what)
        check(session_of(r) is None, "login with a %s set a session" % what)
        check("Wrong e-mail address or password." in r.text,
              "login with a %s: no generic message" % what)
        bodies.append(_normalize_login_page(r.text, email))
    check(bodies[0] == bodies[1] == bodies[2],
          "the 401 pages differ between wrong password, unknown account and "
          "disabled account")
    rows = audit_since(mark, "login.failed")
    eq(len(rows), 3, "login.failed audit rows")
    clear_login_failures()


TIMING = {}


def test_login_timing_medians():
    """Reports the median time of 20 failed logins of each kind (no
    assertion: shown in the final output)."""
    accounts()
    kinds = [("wrong_password", lambda i: (EMAIL["victim"], "wrong-%d-" % i +
                                           "x" * 16)),
             ("unknown_user", lambda i: ("ghost%d-%s@staff.example" % (
                 i, secrets.token_hex(2)), "x" * 24)),
             ("disabled_user", lambda i: (EMAIL["disabled"],
                                          PASSWORD["disabled"]))]
    times = {k: [] for k, _ in kinds}
    for i in range(20):
        for k, f in kinds:
            clear_login_failures()      # keep the throttle out of it
            email, pw = f(i)
            r = curl_many([login_req(email, pw, timing=True)])[0]
            eq(r.status, 401, "%s attempt %d" % (k, i))
            times[k].append(r.time_total)
    clear_login_failures()
    for k in times:
        TIMING[k] = statistics.median(times[k]) * 1000.0


def test_login_next_is_local_only():
    accounts()
    cases = [("//evil.example", "/cases"), ("https://evil.example/x",
                                            "/cases"),
             ("/\\evil.example", "/cases"), ("http:/evil", "/cases"),
             ("/cases?state=triage", "/cases?state=triage"),
             ("javascript:alert(1)", "/cases")]
    rs = curl_many([login_req(EMAIL["engineer"], PASSWORD["engineer"], n)
                    for n, _ in cases])
    for (n, want), r in zip(cases, rs):
        eq(r.status, 303, "login with next=%r" % n)
        eq(r.h("location"), want, "Location for next=%r" % n)
        SECRETS.add(session_of(r))
    _, _, r = login_form("//evil.example")
    check('name="next" value="/cases"' in r.text,
          "GET /login?next=//evil.example keeps the off-site target")


def test_throttle_per_account():
    accounts()
    clear_login_failures()
    mark = audit_max()
    rs = curl_many([login_req(EMAIL["throttle"], "wrong-password-%d" % i)
                    for i in range(10)] +
                   [login_req(EMAIL["throttle"], PASSWORD["throttle"]),
                    login_req(EMAIL["THROTTLE".lower()].upper(),
                              PASSWORD["throttle"])])
    for i, r in enumerate(rs[:10]):
        eq(r.status, 401, "failed login %d" % (i + 1))
    eq(rs[10].status, 429, "11th login (right password) after 10 failures")
    check(session_of(rs[10]) is None, "a throttled login set a session")
    eq(rs[11].status, 429, "the same account in upper case after 10 "
       "failures")
    check(audit_since(mark, "login.throttled"), "no login.throttled audit")
    r = curl_many([login_req(EMAIL["engineer"], PASSWORD["engineer"])])[0]
    eq(r.status, 303, "another account from the same IP still signs in")
    clear_login_failures()
    r = curl_many([login_req(EMAIL["throttle"], PASSWORD["throttle"])])[0]
    eq(r.status, 303, "login once the failures are gone")


def test_throttle_per_ip():
    accounts()
    clear_login_failures()
    rs = curl_many([login_req("nobody-%d-%s@ip.example" % (
        i, secrets.token_hex(2)), "wrong-password-%d" % i)
        for i in range(100)])
    bad = [i for i, r in enumerate(rs) if r.status != 401]
    check(not bad, "failed logins 1..100 not all 401: %r" % [
        (i, rs[i].status) for i in bad[:5]])
    rs = curl_many([login_req(EMAIL["admin"], PASSWORD["admin"]),
                    login_req("another-%s@ip.example" % secrets.token_hex(2),
                              "whatever-whatever")])
    eq(rs[0].status, 429, "right password after 100 failures from the IP")
    check(session_of(rs[0]) is None, "an IP-throttled login set a session")
    eq(rs[1].status, 429, "a new account after 100 failures from the IP")
    clear_login_failures()
    r = curl_many([login_req(EMAIL["admin"], PASSWORD["admin"])])[0]
    eq(r.status, 303, "login once the failures are gone")


def test_login_with_128_and_12_char_passwords():
    accounts()
    eq(len(PASSWORD["long"]), 128, "long password length")
    for who in ("long", "twelve"):
        r = curl_many([login_req(EMAIL[who], PASSWORD[who])])[0]
        eq(r.status, 303, "login with a %d-character password" %
           len(PASSWORD[who]))
        SECRETS.add(session_of(r))
    # Not truncated: the first 127 characters are not the password.
    r = curl_many([login_req(EMAIL["long"], PASSWORD["long"][:127])])[0]
    eq(r.status, 401, "login with the 128-character password cut to 127")
    r = curl_many([login_req(EMAIL["long"], PASSWORD["long"] + "x")])[0]
    eq(r.status, 401, "login with the 128-character password plus one")
    clear_login_failures()


# ---------------------------------------------------------------------------
# Tests: sign-out and expiry


def test_logout():
    s = login("tester")
    other = sess("analyst")
    mark = audit_max()
    rs = curl_many([
        req("/logout", data=b"", ctype=FORM, cookie=s["cookie"]),
        req("/logout", data=urlenc([("csrf", "0" * 64)]), ctype=FORM,
            cookie=s["cookie"]),
        req("/logout", data=urlenc([("csrf", other["csrf"])]), ctype=FORM,
            cookie=s["cookie"]),
        req("/cases", cookie=s["cookie"])])
    eq(rs[0].status, 403, "POST /logout without csrf")
    eq(rs[1].status, 403, "POST /logout with a wrong csrf")
    eq(rs[2].status, 403, "POST /logout with another session's csrf")
    eq(rs[3].status, 200, "the session after refused logouts")
    eq(audit_since(mark, "logout"), [], "logout audit of refused posts")
    r = curl("/logout", data=urlenc([("csrf", s["csrf"])]), ctype=FORM,
             cookie=s["cookie"])
    eq(r.status, 303, "POST /logout with csrf")
    eq(r.h("location"), "/login", "Location after logout")
    check(any(c.startswith("vigil_session=;") and "max-age=0" in c.lower()
              for c in r.hall("set-cookie")),
          "logout does not clear the cookie: %r" % r.hall("set-cookie"))
    check(sha256_hex(s["sid"]) not in {x["h"] for x in sql(
        "SELECT hex(hash) AS h FROM sessions")},
        "the session row survives logout")
    rs = curl_many([req("/cases", cookie=s["cookie"]),
                    req("/api/v1/cases", cookie=s["cookie"]),
                    req("/logout", data=urlenc([("csrf", s["csrf"])]),
                        ctype=FORM, cookie=s["cookie"])])
    eq(rs[0].status, 303, "GET /cases with the old cookie")
    check((rs[0].h("location") or "").startswith("/login"),
          "GET /cases with the old cookie goes to %r" % rs[0].h("location"))
    eq(rs[1].status, 401, "GET /api/v1/cases with the old cookie")
    eq(rs[2].status, 401, "POST /logout with the old cookie")
    rows = audit_since(mark, "logout")
    eq([x["actor"] for x in rows], [EMAIL["tester"]], "logout audit rows")
    eq(curl("/cases", cookie=other["cookie"]).status, 200,
       "another user's session after the logout")


def _alive(s):
    r = curl("/cases", cookie=s["cookie"])
    return r.status == 200, r


def test_session_idle_expiry():
    s = login("expiry")
    h = q(sha256_hex(s["sid"]))
    sql_write("UPDATE sessions SET last_seen = strftime('%%s','now') - "
              "29 * 60 WHERE hex(hash) = %s" % h)
    ok, r = _alive(s)
    check(ok, "a session idle for 29 minutes no longer works (%d)" %
          r.status)
    sql_write("UPDATE sessions SET last_seen = strftime('%%s','now') - "
              "31 * 60 WHERE hex(hash) = %s" % h)
    ok, r = _alive(s)
    eq(r.status, 303, "GET /cases after 31 idle minutes")
    check((r.h("location") or "").startswith("/login"),
          "after idle expiry GET /cases goes to %r" % r.h("location"))
    eq(curl("/api/v1/cases", cookie=s["cookie"]).status, 401,
       "GET /api/v1/cases after 31 idle minutes")


def test_session_absolute_expiry():
    s = login("expiry")
    h = q(sha256_hex(s["sid"]))
    sql_write("UPDATE sessions SET created_at = strftime('%%s','now') - "
              "(11 * 3600 + 59 * 60) WHERE hex(hash) = %s" % h)
    ok, r = _alive(s)
    check(ok, "a session 11 h 59 min old no longer works (%d)" % r.status)
    sql_write("UPDATE sessions SET created_at = strftime('%%s','now') - "
              "(12 * 3600 + 60), last_seen = strftime('%%s','now') "
              "WHERE hex(hash) = %s" % h)
    ok, r = _alive(s)
    eq(r.status, 303, "GET /cases 12 h 1 min after login")
    eq(curl("/api/v1/cases", cookie=s["cookie"]).status, 401,
       "GET /api/v1/cases 12 h 1 min after login")


def test_disabled_account_loses_its_session():
    accounts()
    email = "late-%s@staff.example" % secrets.token_hex(3)
    pw = _pw()
    rc, _, err = SRV.cli(["user", "add", "--email", email, "--name", "Late",
                          "--role", "analyst", "--password-stdin"],
                         stdin=(pw + "\n").encode())
    eq(rc, 0, "user add (%s)" % err)
    rc, tok, _ = SRV.cli(["token", "create", "--user", email])
    tok = tok.strip()
    SECRETS.add(tok)
    r = curl_many([login_req(email, pw)])[0]
    eq(r.status, 303, "login")
    sid = session_of(r)
    SECRETS.add(sid)
    eq(curl("/cases", cookie="vigil_session=" + sid).status, 200, "before")
    eq(curl("/api/v1/cases", headers=["Authorization: Bearer " + tok])
       .status, 200, "token before")
    eq(SRV.cli(["user", "disable", email])[0], 0, "user disable")
    eq(curl("/cases", cookie="vigil_session=" + sid).status, 303,
       "session of a disabled account")
    eq(curl("/api/v1/cases", headers=["Authorization: Bearer " + tok])
       .status, 401, "token of an account disabled after its creation")


# ---------------------------------------------------------------------------
# Tests: API tokens and the API's CSRF header


def test_api_bearer_tokens():
    fx = fixtures()
    (tid, _), = new_cases(1, title="Bearer case")
    r = curl("/api/v1/cases", headers=[bearer("analyst")])
    eq(r.status, 200, "GET /api/v1/cases with a Bearer token")
    check(isinstance(r.json().get("cases"), list), "no cases list")
    check(not r.hall("set-cookie"), "the API set a cookie for a token")
    r = curl("/api/v1/cases/%s/transitions" % tid, data=jbody(
        {"to": "triage", "reason": "x"}), ctype=JSON,
        headers=[bearer("analyst")])
    eq(r.status, 201, "POST transition with a Bearer token, no CSRF header")
    eq(r.json()["state"], "triage", "state after the transition")
    garbage = ["Authorization: Bearer AAAA",
               "Authorization: Bearer " + secrets.token_urlsafe(32)[:43],
               "Authorization: Bearer " + TOKEN["analyst"][:-1] + (
                   "A" if TOKEN["analyst"][-1] != "A" else "B"),
               "Authorization: Bearer " + TOKEN["disabled"],
               "Authorization: Bearer " + TOKEN["analyst"] + "x",
               "Authorization: Basic " + TOKEN["analyst"]]
    rs = curl_many([req("/api/v1/cases", headers=[g]) for g in garbage] + [
        req("/api/v1/cases/%s/transitions" % tid, data=jbody(
            {"to": "confirmed"}), ctype=JSON, headers=[g]) for g in garbage])
    for g, r in zip(garbage + garbage, rs):
        eq(r.status, 401, "%s... on the API" % g[:36])
        eq(r.json()["error"]["code"], "unauthorized", "401 error code")
    eq(case_row(tid)["state"], "triage", "state after refused tokens")
    # A Bearer header wins over a valid session cookie: a bad token with a
    # good cookie is still refused.
    r = curl("/api/v1/cases", headers=[garbage[1]],
             cookie=sess("analyst")["cookie"])
    eq(r.status, 401, "bad Bearer token next to a good session cookie")
    del fx


def test_api_session_needs_csrf_header():
    s = sess("analyst")
    (tid, _), = new_cases(1, title="Session API case")
    p = "/api/v1/cases/%s/transitions" % tid
    body = jbody({"to": "triage", "reason": "x"})
    other = sess("admin")
    rs = curl_many([
        req("/api/v1/cases", cookie=s["cookie"]),
        req(p, data=body, ctype=JSON, cookie=s["cookie"]),
        req(p, data=body, ctype=JSON, cookie=s["cookie"],
            headers=["X-CSRF-Token: " + "0" * 64]),
        req(p, data=body, ctype=JSON, cookie=s["cookie"],
            headers=["X-CSRF-Token: " + other["csrf"]]),
        req(p, data=body, ctype=JSON, cookie=s["cookie"],
            headers=["X-CSRF-Token: " + s["csrf"][:-2]]),
        req("/api/v1/cases/%s/scoring" % tid, method="PUT", data=jbody(
            {"cvss_vector": ""}), ctype=JSON, cookie=s["cookie"]),
        req("/api/v1/cases/%s/messages" % tid, data=jbody(
            {"body": "x", "internal": True}), ctype=JSON, cookie=s["cookie"]),
        req("/api/v1/cases/%s/assign" % tid, data=jbody({"assignee": ""}),
            ctype=JSON, cookie=s["cookie"]),
        req("/api/v1/cases/%s/duplicate" % tid, data=jbody({"of": tid}),
            ctype=JSON, cookie=s["cookie"]),
    ])
    eq(rs[0].status, 200, "GET /api/v1/cases with a session cookie")
    for r, what in zip(rs[1:], ("no X-CSRF-Token", "a wrong X-CSRF-Token",
                                "another session's token",
                                "a truncated token", "PUT scoring, no token",
                                "POST messages, no token",
                                "POST assign, no token",
                                "POST duplicate, no token")):
        eq(r.status, 403, "session + %s" % what)
        eq(r.json()["error"]["code"], "csrf_failed", "code for %s" % what)
    eq(case_row(tid)["state"], "new", "state after refused posts")
    eq(sql("SELECT count(*) AS n FROM messages m JOIN cases c ON "
           "c.id = m.case_id WHERE c.tracking_id = %s" % q(tid))[0]["n"], 0,
       "messages after refused posts")
    r = curl(p, data=body, ctype=JSON, cookie=s["cookie"],
             headers=["X-CSRF-Token: " + s["csrf"]])
    eq(r.status, 201, "session + the right X-CSRF-Token")
    eq(case_row(tid)["state"], "triage", "state after the accepted post")


# ---------------------------------------------------------------------------
# Tests: the role x route matrix, generated from `vigil routes`


def route_table():
    rc, out, err = SRV.cli(["routes"])
    eq(rc, 0, "vigil routes exit status")
    lines = out.rstrip("\n").split("\n")
    eq(lines[0], "METHOD\tPATH\tACTION\tROLES", "vigil routes header")
    table = []
    for ln in lines[1:]:
        parts = ln.split("\t")
        eq(len(parts), 4, "vigil routes line %r" % ln)
        m, p, a, roles = parts
        table.append(dict(method=m, path=p, action=a, public=roles ==
                          "public", roles=set() if roles == "public" else
                          set(roles.split(","))))
    check(len(table) >= 20, "vigil routes lists only %d routes" % len(table))
    return table


CVSS = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"


def _form(who, fields):
    """An urlencoded staff form of `who` with its csrf."""
    if who is None:
        return urlenc(fields)
    return urlenc(fields + [("csrf", sess(who)["csrf"])])


def _logout_session(who):
    return login(who) if who is not None else None


# One entry per route: (path, method, body, content type, extra cookie,
# expected status for a caller the route admits).  `who` is an identity
# of IDENTS or None (anonymous).  A route in `vigil routes` without an
# entry here, or an entry for a route that is gone, fails the matrix.
def _flagged_mail():
    """The id of a mail kept for a person (a message with no sender)."""
    global _FLAGGED
    if _FLAGGED is None:
        rc, out, err = SRV.cli(["ingest-mail"], stdin=b"Subject: no sender"
                               b"\r\n\r\nbody\r\n")
        eq(rc, 0, "ingest-mail exit status")
        if isinstance(out, bytes):
            out = out.decode("utf-8", "replace")
        mm = re.search(r"mail (\d+): flagged", out)
        check(mm, "ingest-mail output: %r" % out)
        _FLAGGED = int(mm.group(1))
    return _FLAGGED


_FLAGGED = None


def _route_builders(fx):
    m, att, tr = fx["m"], fx["m_att"], fx["track"]
    tf = testing_fixtures()
    p, prod, run = tf["p"], tf["product"], tf["run"]
    mail = _flagged_mail()
    rf = release_fixtures()
    rel_e, rel_d, adv_case = rf["empty"], rf["draft"], rf["a"]
    sub_form = urlenc([("email", "matrix-again@subscriber.example")])
    verify_ct, verify_body = multipart([("csrf", tr["csrf"]),
                                        ("answer", "fixed"),
                                        ("notes", "matrix")])
    complete_ct, complete_body = multipart([("csrf", tr["csrf"])])
    pub_json = jbody(base_json(title="Matrix intake " + secrets.token_hex(3)))
    report_form = urlenc([("action", "check"), ("title", "x")])
    track_ct, track_body = multipart([("csrf", tr["csrf"]),
                                      ("body", "A researcher reply")])
    pm_case = postmortem_fixtures()["r"]
    return {
        ("GET", "/"): lambda w: ("/", None, None, None, 200),
        ("GET", "/healthz"): lambda w: ("/healthz", None, None, None, 200),
        ("GET", "/static/*"): lambda w: ("/static/vigil.css", None, None,
                                         None, 200),
        ("GET", "/report"): lambda w: ("/report", None, None, None, 200),
        ("POST", "/report"): lambda w: ("/report", report_form, FORM, None,
                                        200),
        ("POST", "/api/v1/reports"): lambda w: ("/api/v1/reports", pub_json,
                                                JSON, None, 201),
        ("POST", "/api/v1/reports/assess"): lambda w: (
            "/api/v1/reports/assess", pub_json, JSON, None, 200),
        ("GET", "/track/*"): lambda w: ("/track/" + m, None, None,
                                        tr["cookie"], 200),
        ("POST", "/track/*/messages"): lambda w: (
            "/track/%s/messages" % m, track_body, track_ct, tr["cookie"],
            303),
        ("GET", "/track/*/complete"): lambda w: (
            "/track/%s/complete" % m, None, None, tr["cookie"], 200),
        ("POST", "/track/*/complete"): lambda w: (
            "/track/%s/complete" % m, complete_body, complete_ct,
            tr["cookie"], 422),             # no field filled in
        ("GET", "/track/*/attachments/*"): lambda w: (
            "/track/%s/attachments/%d" % (m, att), None, None, tr["cookie"],
            200),
        ("GET", "/login"): lambda w: ("/login", None, None, None, 200),
        ("POST", "/login"): lambda w: (
            "/login", urlenc([("email", EMAIL[w or "analyst"]),
                              ("password", PASSWORD[w or "analyst"]),
                              ("csrf", shared_login()["csrf"])]), FORM,
            "vigil_login=" + shared_login()["cookie"], 303),
        ("POST", "/logout"): "logout",      # special: a throwaway session
        ("GET", "/cases"): lambda w: ("/cases", None, None, None, 200),
        ("GET", "/cases/*"): lambda w: ("/cases/" + m, None, None, None,
                                        200),
        ("POST", "/cases/*/transition"): lambda w: (
            "/cases/%s/transition" % m, _form(w, [("to", "bogus"),
                                                   ("reason", "x")]),
            FORM, None, 422),
        ("POST", "/cases/*/assign"): lambda w: (
            "/cases/%s/assign" % m, _form(w, [("assignee", "")]), FORM,
            None, 303),
        ("POST", "/cases/*/scoring"): lambda w: (
            "/cases/%s/scoring" % m, _form(w, [("vector", CVSS),
                                                ("cwe", "CWE-787")]),
            FORM, None, 303),
        ("POST", "/cases/*/duplicate"): lambda w: (
            "/cases/%s/duplicate" % m, _form(w, [("of", m)]), FORM, None,
            422),
        ("POST", "/cases/*/messages"): lambda w: (
            "/cases/%s/messages" % m, _form(w, [("kind", "note"),
                                                 ("body", "matrix note")]),
            FORM, None, 303),
        ("GET", "/cases/*/attachments/*"): lambda w: (
            "/cases/%s/attachments/%d" % (m, att), None, None, None, 200),
        ("GET", "/account/password"): lambda w: ("/account/password", None,
                                                 None, None, 200),
        ("POST", "/account/password"): lambda w: (
            "/account/password", _form(w, [("current", "not it at all"),
                                            ("password", "x" * 12),
                                            ("confirm", "x" * 12)]),
            FORM, None, 422),
        ("GET", "/mail"): lambda w: ("/mail", None, None, None, 200),
        ("GET", "/mail/*/raw"): lambda w: ("/mail/%d/raw" % mail, None, None,
                                           None, 200),
        ("GET", "/api/v1/cases"): lambda w: ("/api/v1/cases", None, None,
                                             None, 200),
        ("GET", "/api/v1/cases/*"): lambda w: ("/api/v1/cases/" + m, None,
                                               None, None, 200),
        ("POST", "/api/v1/cases/*/transitions"): lambda w: (
            "/api/v1/cases/%s/transitions" % m, jbody(
                {"to": "bogus", "reason": "x"}), JSON, None, 409),
        ("POST", "/api/v1/cases/*/messages"): lambda w: (
            "/api/v1/cases/%s/messages" % m, jbody(
                {"body": "matrix note", "internal": True}), JSON, None, 201),
        ("POST", "/api/v1/cases/*/assign"): lambda w: (
            "/api/v1/cases/%s/assign" % m, jbody({"assignee": ""}), JSON,
            None, 201),
        ("PUT", "/api/v1/cases/*/scoring"): lambda w: (
            "/api/v1/cases/%s/scoring" % m, jbody(
                {"cvss_vector": CVSS, "cwe": "CWE-787"}), JSON, None, 200),
        ("POST", "/api/v1/cases/*/duplicate"): lambda w: (
            "/api/v1/cases/%s/duplicate" % m, jbody({"of": m}), JSON, None,
            409),
        # Independent patch testing.  The changes are refused by a
        # validation rule for an admitted role (nothing is stored): the
        # matrix is about denial vs. admission.
        ("GET", "/products"): lambda w: ("/products", None, None, None,
                                         200),
        ("POST", "/products"): lambda w: (
            "/products", _form(w, [("name", "Matrix form product"),
                                   ("source", "/nonexistent"),
                                   ("poc", "cat {poc}"),
                                   ("oracle", "crash")]),     # no test
            FORM, None, 422),
        ("GET", "/products/*"): lambda w: ("/products/%d" % prod, None, None,
                                           None, 200),
        ("POST", "/products/*/versions"): lambda w: (
            "/products/%d/versions" % prod, _form(w, [("name", "")]), FORM,
            None, 422),
        ("POST", "/cases/*/patches"): lambda w: (
            "/cases/%s/patches" % p, _form(w, [("kind", "diff"),
                                                ("diff", "not a diff"),
                                                ("versions", "1.0")]),
            FORM, None, 422),
        ("POST", "/cases/*/pocs"): lambda w: (
            "/cases/%s/pocs" % p, _form(w, [("attachment", "")]), FORM,
            None, 422),
        ("GET", "/runs/*"): lambda w: ("/runs/%d" % run, None, None, None,
                                       200),
        ("POST", "/runs/*/signoff"): lambda w: (
            "/runs/%d/signoff" % run, _form(w, [("verdict", "bogus"),
                                                 ("comment", "matrix")]),
            FORM, None, 422),
        ("POST", "/cases/*/verification"): lambda w: (
            "/cases/%s/verification" % p, _form(w, [("deadline_days", "7")]),
            FORM, None, 409),
        ("POST", "/cases/*/verification/waive"): lambda w: (
            "/cases/%s/verification/waive" % p, _form(w, [("reason", " ")]),
            FORM, None, 422),
        ("POST", "/track/*/verification"): lambda w: (
            "/track/%s/verification" % m, verify_body, verify_ct,
            tr["cookie"], 422),             # nothing sent to verify
        ("POST", "/api/v1/cases/*/patches"): lambda w: (
            "/api/v1/cases/%s/patches" % p, jbody(
                {"kind": "diff", "diff": MATRIX_DIFF,
                 "versions": ["9.9.9"]}), JSON, None, 422),
        ("GET", "/api/v1/cases/*/patches"): lambda w: (
            "/api/v1/cases/%s/patches" % p, None, None, None, 200),
        ("POST", "/api/v1/cases/*/pocs"): lambda w: (
            "/api/v1/cases/%s/pocs" % p, jbody({"attachment_id": 999999}),
            JSON, None, 422),
        ("GET", "/api/v1/test-runs/*"): lambda w: (
            "/api/v1/test-runs/%d" % run, None, None, None, 200),
        ("POST", "/api/v1/test-runs/*/signoff"): lambda w: (
            "/api/v1/test-runs/%d/signoff" % run, jbody(
                {"verdict": "bogus", "comment": "matrix"}), JSON, None, 422),
        ("POST", "/api/v1/cases/*/verification"): lambda w: (
            "/api/v1/cases/%s/verification" % p, jbody({}), JSON, None,
            409),
        ("POST", "/api/v1/cases/*/verification/waive"): lambda w: (
            "/api/v1/cases/%s/verification/waive" % p, jbody(
                {"reason": ""}), JSON, None, 422),
        ("GET", "/api/v1/cases/*/gate"): lambda w: (
            "/api/v1/cases/%s/gate" % p, None, None, None, 200),
        ("GET", "/api/v1/products"): lambda w: (
            "/api/v1/products", None, None, None, 200),
        ("POST", "/api/v1/products"): lambda w: (
            "/api/v1/products", jbody({"name": "Matrix API product",
                                       "source": "/nonexistent",
                                       "poc": "cat {poc}",
                                       "oracle": "crash"}),  # no test
            JSON, None, 422),
        # The release planner and advisories (release.view to read,
        # release.manage to change).  E is an empty planned out-of-band
        # release: adding the triage case M is refused by the gate (409),
        # publishing E by "no case" (409); case A's advisory draft gets a
        # CVE ID that is not one (422).  Nothing is stored.
        ("GET", "/releases"): lambda w: ("/releases", None, None, None,
                                         200),
        ("POST", "/releases"): lambda w: (
            "/releases", _form(w, [("kind", "bogus")]), FORM, None, 422),
        ("GET", "/releases/*"): lambda w: ("/releases/%d" % rel_e, None,
                                           None, None, 200),
        ("POST", "/releases/*/cases"): lambda w: (
            "/releases/%d/cases" % rel_e, _form(w, [("case", m)]), FORM,
            None, 409),
        ("POST", "/releases/*/publish"): lambda w: (
            "/releases/%d/publish" % rel_e, _form(w, []), FORM, None, 409),
        ("POST", "/cases/*/advisory"): lambda w: (
            "/cases/%s/advisory" % adv_case, _form(w, [("cve", "CVE-1")]),
            FORM, None, 422),
        ("GET", "/api/v1/releases"): lambda w: (
            "/api/v1/releases", None, None, None, 200),
        ("POST", "/api/v1/releases"): lambda w: (
            "/api/v1/releases", jbody({"kind": "bogus"}), JSON, None, 422),
        ("GET", "/api/v1/releases/*"): lambda w: (
            "/api/v1/releases/%d" % rel_e, None, None, None, 200),
        ("POST", "/api/v1/releases/*/cases"): lambda w: (
            "/api/v1/releases/%d/cases" % rel_e, jbody({"case": m}), JSON,
            None, 409),
        ("POST", "/api/v1/releases/*/publish"): lambda w: (
            "/api/v1/releases/%d/publish" % rel_e, jbody({}), JSON, None,
            409),
        ("GET", "/api/v1/cases/*/advisory"): lambda w: (
            "/api/v1/cases/%s/advisory" % adv_case, None, None, None, 200),
        ("PUT", "/api/v1/cases/*/advisory"): lambda w: (
            "/api/v1/cases/%s/advisory" % adv_case, jbody({"cve": "CVE-1"}),
            JSON, None, 422),
        # The public publishing side (published advisories only) and the
        # mailing list (double opt-in; S is a subscriber of the fixtures,
        # its unsubscribe answers the same page every time).
        ("GET", "/advisories"): lambda w: ("/advisories", None, None, None,
                                           200),
        ("GET", "/advisories/*"): lambda w: ("/advisories/" + rf["aid"],
                                             None, None, None, 200),
        ("GET", "/advisories.atom"): lambda w: ("/advisories.atom", None,
                                                None, None, 200),
        ("GET", "/releases.ics"): lambda w: ("/releases.ics", None, None,
                                             None, 200),
        ("GET", "/acknowledgements"): lambda w: ("/acknowledgements", None,
                                                 None, None, 200),
        ("GET", "/.well-known/security.txt"): lambda w: (
            "/.well-known/security.txt", None, None, None, 200),
        ("GET", "/.well-known/csaf/provider-metadata.json"): lambda w: (
            "/.well-known/csaf/provider-metadata.json", None, None, None,
            200),
        ("GET", "/.well-known/csaf/white/index.txt"): lambda w: (
            "/.well-known/csaf/white/index.txt", None, None, None, 200),
        ("GET", "/.well-known/csaf/white/changes.csv"): lambda w: (
            "/.well-known/csaf/white/changes.csv", None, None, None, 200),
        ("GET", "/.well-known/csaf/white/"): lambda w: (
            "/.well-known/csaf/white/", None, None, None, 200),
        ("GET", "/.well-known/csaf/white/*/"): lambda w: (
            rf["csaf"].rsplit("/", 1)[0] + "/", None, None, None, 200),
        ("GET", "/.well-known/csaf/white/*/*"): lambda w: (
            rf["csaf"], None, None, None, 200),
        ("GET", "/subscribe"): lambda w: ("/subscribe", None, None, None,
                                          200),
        ("POST", "/subscribe"): lambda w: ("/subscribe", sub_form, FORM,
                                           None, 200),
        ("GET", "/subscribe/confirm/*"): lambda w: (
            "/subscribe/confirm/" + rf["sub_token"], None, None, None, 200),
        ("GET", "/unsubscribe/*"): lambda w: (
            "/unsubscribe/" + rf["sub_token"], None, None, None, 200),
        ("POST", "/unsubscribe/*"): lambda w: (
            "/unsubscribe/" + rf["sub_token"], urlenc([]), FORM, None, 200),
        # Post-mortems (postmortem.write to write, case.view to read).
        # A post-mortem is written once a case is released: for the
        # triage case M the form is refused with the state conflict
        # (409); R's is read (200) and sent a practice that is not one
        # (422).  Nothing is stored.
        ("POST", "/cases/*/postmortem"): lambda w: (
            "/cases/%s/postmortem" % m, _form(w, PM_FIELDS), FORM, None,
            409),
        ("GET", "/api/v1/cases/*/postmortem"): lambda w: (
            "/api/v1/cases/%s/postmortem" % pm_case, None, None, None, 200),
        ("PUT", "/api/v1/cases/*/postmortem"): lambda w: (
            "/api/v1/cases/%s/postmortem" % pm_case, jbody(
                {"practice": "luck"}), JSON, None, 422),
        # Turnaround, the training report and the Prometheus text
        # (metrics.view: every staff role).
        ("GET", "/metrics"): lambda w: ("/metrics", None, None, None, 200),
        ("GET", "/metrics/dashboard"): lambda w: (
            "/metrics/dashboard", None, None, None, 200),
        ("GET", "/metrics/turnaround.csv"): lambda w: (
            "/metrics/turnaround.csv", None, None, None, 200),
        ("GET", "/api/v1/metrics/turnaround"): lambda w: (
            "/api/v1/metrics/turnaround", None, None, None, 200),
        ("GET", "/training"): lambda w: ("/training", None, None, None,
                                         200),
        ("GET", "/api/v1/training"): lambda w: (
            "/api/v1/training", None, None, None, 200),
    }


def _matrix_request(rt, who, builders):
    """(request, expected-if-admitted) for route rt and identity who."""
    b = builders[(rt["method"], rt["path"])]
    if b == "logout":
        s = _logout_session(who)
        path, body, ct, extra, want = ("/logout", urlenc(
            [("csrf", s["csrf"])] if s else []), FORM, None, 303)
    else:
        path, body, ct, extra, want = b(who)
        s = sess(who) if who is not None else None
    cookies, headers = [], []
    if extra:
        cookies.append(extra)
    if who is not None:
        if path.startswith("/api/") and who != "multi":
            headers.append(bearer(who))
        else:
            cookies.append(s["cookie"])
            if path.startswith("/api/"):
                headers.append("X-CSRF-Token: " + s["csrf"])
    return req(path, method=rt["method"] if rt["method"] != "POST" or
               body is None else None, data=body if body is not None else (
                   b"" if rt["method"] != "GET" else None), ctype=ct,
               cookie="; ".join(cookies) or None, headers=headers), want


def test_role_route_matrix():
    fx = fixtures()
    table = route_table()
    builders = _route_builders(fx)
    keys = {(r["method"], r["path"]) for r in table}
    missing = sorted(keys - set(builders))
    stale = sorted(set(builders) - keys)
    check(not missing, "routes in `vigil routes` without a matrix entry "
          "(add one to _route_builders): %s" % missing)
    check(not stale, "matrix entries for routes that are gone: %s" % stale)
    for who in IDENTS:
        sess(who)
    reqs, meta = [], []
    for rt in table:
        for who in [None] + IDENTS:
            rq, want = _matrix_request(rt, who, builders)
            reqs.append(rq)
            meta.append((rt, who, want))
    mark = audit_max()
    rs = curl_many(reqs)
    errors, denials = [], []
    for (rt, who, want), r in zip(meta, rs):
        cell = "%s %s as %s" % (rt["method"], rt["path"], who or "anonymous")
        is_api = r.url.startswith("/api/")
        if r.status >= 500:
            errors.append("%s: %d" % (cell, r.status))
            continue
        if rt["public"]:
            if r.status != want:
                errors.append("%s: %d, want %d (%s)" % (
                    cell, r.status, want, r.text[:120]))
            continue
        if who is None:
            if rt["method"] == "GET" and not is_api:
                loc = r.h("location") or ""
                if r.status != 303 or not loc.startswith(
                        "/login?next=" + urllib.parse.quote(r.url, safe="/")):
                    errors.append("%s: %d Location %r, want 303 to /login?"
                                  "next=..." % (cell, r.status, loc))
            elif r.status != 401:
                errors.append("%s: %d, want 401" % (cell, r.status))
            elif "bearer" not in (r.h("www-authenticate") or "").lower():
                errors.append("%s: 401 without WWW-Authenticate: Bearer" %
                              cell)
            continue
        admitted = bool(IDENT_ROLES[who] & rt["roles"])
        if not admitted:
            if r.status != 404:
                errors.append("%s: %d, want 404 (denied)" % (cell, r.status))
            elif is_api and r.json()["error"]["code"] != "not_found":
                errors.append("%s: API denial code %r" % (
                    cell, r.json()["error"]["code"]))
            denials.append((EMAIL[who], "%s %s (%s)" % (
                rt["method"], r.url, rt["action"]), cell, r))
            continue
        # Admitted: anything but a denial; a read must succeed, a change
        # may answer with a validation error (the wanted status is what
        # the minimal body gets today).
        if r.status in (401, 403, 404, 405):
            errors.append("%s: %d, a denial for an admitted role (%s)" % (
                cell, r.status, r.text[:150]))
        elif rt["method"] == "GET" and r.status != want:
            errors.append("%s: %d, want %d (%s)" % (cell, r.status, want,
                                                    r.text[:150]))
    check(denials, "the matrix has no denied cell at all")
    rows = audit_since(mark, "permission.denied")
    got = sorted((x["actor"], x["details"]) for x in rows)
    want = sorted((a, d) for a, d, _, _ in denials)
    if got != want:
        errors.append("permission.denied audit rows differ: missing %r, "
                      "extra %r" % (sorted(set(want) - set(got))[:5],
                                    sorted(set(got) - set(want))[:5]))
    # A denial looks like a case that does not exist (no oracle).
    nf = {}
    for actor, _, cell, r in denials:
        who = [w for w in IDENTS if EMAIL[w] == actor][0]
        api = r.url.startswith("/api/")
        if (who, api) not in nf:
            if api:
                nf[(who, api)] = curl_many([req(
                    "/api/v1/cases/" + NO_SUCH_CASE, headers=[bearer(who)] if
                    who != "multi" else [], cookie=sess(who)["cookie"] if
                    who == "multi" else None)])[0].body
            else:
                nf[(who, api)] = curl("/cases/" + NO_SUCH_CASE,
                                      cookie=sess(who)["cookie"]).body
        if r.body != nf[(who, api)]:
            errors.append("%s: the denial's body differs from the 404 of a "
                          "missing case" % cell)
    check(not errors, "%d matrix cells wrong:\n    %s" % (
        len(errors), "\n    ".join(errors[:40])))


def test_every_route_wrong_method_405():
    fx = fixtures()
    table = route_table()
    builders = _route_builders(fx)
    paths = {}
    for rt in table:
        b = builders.get((rt["method"], rt["path"]))
        check(b is not None, "no entry for %s %s" % (rt["method"],
                                                     rt["path"]))
        path = "/logout" if b == "logout" else b(None)[0]
        paths.setdefault(path, set())
    # The methods each concrete path allows, from the table's patterns.
    for path in paths:
        for rt in table:
            pat = "^" + re.escape(rt["path"]).replace(r"\*", "[^/]+") + "$"
            if re.match(pat, path):
                paths[path].add(rt["method"])
    reqs, meta = [], []
    for path, allowed in sorted(paths.items()):
        for meth in ("GET", "POST", "PUT", "DELETE", "PATCH"):
            if meth in allowed:
                continue
            reqs.append(req(path, method=meth, data=b"" if meth != "GET"
                            else None, ctype=FORM if meth != "GET" else None))
            meta.append((path, meth, allowed))
    errors = []
    for (path, meth, allowed), r in zip(meta, curl_many(reqs)):
        if r.status != 405:
            errors.append("%s %s: %d, want 405" % (meth, path, r.status))
            continue
        a = r.h("allow")
        got = {x.strip() for x in a.split(",")} if a else None
        if got != allowed:
            errors.append("%s %s: Allow %r, want %s" % (meth, path, a,
                                                        sorted(allowed)))
    check(len(reqs) > 80, "too few wrong-method requests (%d)" % len(reqs))
    check(not errors, "%d wrong-method cells wrong:\n    %s" % (
        len(errors), "\n    ".join(errors[:30])))


# ---------------------------------------------------------------------------
# Tests: the researcher's cookie


def test_researcher_cookie_cannot_reach_other_case():
    accounts()
    (ta, la), = new_cases(1, title="Researcher A")
    (tb, lb), = new_cases(1, attachment=True, title="Researcher B")
    a, b = open_track(la), open_track(lb)
    secret_a = a["cookie"].partition("=")[2]
    bid = attachment_ids(tb)[0]
    nmsg = sql("SELECT count(*) AS n FROM messages")[0]["n"]
    ct, body = multipart([("csrf", a["csrf"]), ("body", "cross post")])
    ct2, body2 = multipart([("csrf", b["csrf"]), ("body", "cross post")])
    rs = curl_many([
        req("/track/" + tb, cookie=a["cookie"]),
        req("/track/" + tb, cookie="vt_%s=%s" % (tb, secret_a)),
        req("/track/%s/attachments/%d" % (tb, bid), cookie=a["cookie"]),
        req("/track/%s/attachments/%d" % (tb, bid),
            cookie="vt_%s=%s" % (tb, secret_a)),
        req("/track/%s/attachments/%d" % (ta, bid), cookie=a["cookie"]),
        req("/track/%s/messages" % tb, data=body, ctype=ct,
            cookie=a["cookie"]),
        req("/track/%s/messages" % tb, data=body, ctype=ct,
            cookie="vt_%s=%s" % (tb, secret_a)),
        req("/track/%s/messages" % tb, data=body2, ctype=ct2,
            cookie="vt_%s=%s" % (tb, secret_a)),
    ])
    nf = curl("/no/such/page").body
    for r in rs:
        eq(r.status, 404, "researcher A's cookie on %s %s" % (r.method,
                                                              r.url))
        eq(r.body, nf, "404 body of %s %s" % (r.method, r.url))
    eq(sql("SELECT count(*) AS n FROM messages")[0]["n"], nmsg,
       "messages stored by refused posts")
    eq(curl("/track/%s/attachments/%d" % (tb, bid), cookie=b["cookie"])
       .status, 200, "B's attachment with B's cookie")
    # On staff routes a researcher is anonymous, whatever the cookie name.
    ck = [a["cookie"], "vigil_session=" + secret_a]
    rs = curl_many(
        [req("/cases", cookie=c) for c in ck] +
        [req("/cases/" + ta, cookie=c) for c in ck] +
        [req("/cases/%s/attachments/1" % ta, cookie=c) for c in ck] +
        [req("/api/v1/cases/" + ta, cookie=c) for c in ck] +
        [req("/cases/%s/transition" % ta, data=urlenc(
            [("to", "triage"), ("csrf", a["csrf"])]), ctype=FORM, cookie=c)
         for c in ck] +
        [req("/api/v1/cases/%s/transitions" % ta, data=jbody(
            {"to": "triage"}), ctype=JSON, cookie=c,
            headers=["X-CSRF-Token: " + a["csrf"]]) for c in ck] +
        [req("/logout", data=urlenc([("csrf", a["csrf"])]), ctype=FORM,
             cookie=c) for c in ck])
    for r in rs:
        if r.method == "GET" and not r.url.startswith("/api/"):
            eq(r.status, 303, "researcher cookie on GET %s" % r.url)
            check(r.h("location").startswith("/login"), "Location %r" %
                  r.h("location"))
        else:
            eq(r.status, 401, "researcher cookie on %s %s" % (r.method,
                                                              r.url))
    eq(case_row(ta)["state"], "new", "A's state after the researcher's posts")


# ---------------------------------------------------------------------------
# Tests: every transition, allowed and refused


STATES = ["new", "triage", "needs_info", "confirmed", "fixing", "testing",
          "verifying", "ready", "scheduled", "released", "closed",
          "rejected", "duplicate", "not_reproducible"]

# Who may move a case from -> to, written out from DESIGN.md section 1
# (the lifecycle) and the segregation of duties: triage decisions are the
# analyst's; the engineer builds the fix and sends it to testing but
# cannot pass it; the tester (or the analyst) passes it to the
# researcher's verification; only the release manager opens the release
# gate and runs the release; admin may take every staff transition.
# "duplicate" is never taken through /transitions (it needs the original
# case: POST .../duplicate).
AN, EN, TE, RM, AD = ("analyst", "engineer", "tester", "release_manager",
                      "admin")
ALLOWED = {
    ("new", "triage"): {AN, AD},
    ("new", "rejected"): {AN, AD},
    ("new", "duplicate"): {AN, AD},
    ("triage", "needs_info"): {AN, AD},
    ("triage", "confirmed"): {AN, AD},
    ("triage", "rejected"): {AN, AD},
    ("triage", "duplicate"): {AN, AD},
    ("triage", "not_reproducible"): {AN, AD},
    ("needs_info", "triage"): {AN, AD},
    ("needs_info", "rejected"): {AN, AD},
    ("needs_info", "not_reproducible"): {AN, AD},
    ("confirmed", "fixing"): {EN, AN, AD},
    ("fixing", "testing"): {EN, AD},
    ("testing", "fixing"): {TE, EN, AD},
    ("testing", "verifying"): {AN, RM, AD},
    ("verifying", "fixing"): {AN, AD},
    ("verifying", "ready"): {RM, AD},
    ("ready", "scheduled"): {RM, AD},
    ("ready", "fixing"): {RM, AD},
    ("scheduled", "fixing"): {RM, AD},
    ("scheduled", "released"): {RM, AD},
    ("released", "closed"): {RM, AD},
    ("rejected", "triage"): {AN, AD},
    ("duplicate", "triage"): {AN, AD},
    ("not_reproducible", "triage"): {AN, AD},
}
# Transitions whose reason is required (checked with an empty reason).
NEEDS_REASON = {("new", "rejected"), ("triage", "needs_info"),
                ("triage", "rejected"), ("triage", "not_reproducible"),
                ("needs_info", "rejected"),
                ("needs_info", "not_reproducible"), ("testing", "fixing"),
                ("verifying", "fixing"), ("ready", "fixing"),
                ("scheduled", "fixing"), ("rejected", "triage"),
                ("not_reproducible", "triage")}


def _allowed(who, f, t):
    return t != "duplicate" and bool(IDENT_ROLES[who] & ALLOWED.get(
        (f, t), set()))


def _events(tid):
    return sql("SELECT e.actor, e.kind, e.from_state, e.to_state, e.reason "
               "FROM events e JOIN cases c ON c.id = e.case_id WHERE "
               "c.tracking_id = %s ORDER BY e.id" % q(tid))


# The release gate (src/core/gate.c): the roles of verifying -> ready may
# take it only with a tested patch the researcher verified (or a waiver).
# A case put into verifying by hand has no patch at all: refused with 409
# and a message naming the release gate.  The way through the gate is
# tested in test_testing.py.
GATED = {("verifying", "ready")}


def test_every_transition_allowed():
    accounts()
    combos = [(w, f, t) for w in IDENTS for f in STATES for t in STATES
              if _allowed(w, f, t)]
    check(len([c for c in combos if c[0] == "admin"]) == 23,
          "admin should have the 23 staff transitions (duplicate aside)")
    cases = new_cases(len(combos), title="Allowed transition")
    set_states({tid: f for (tid, _), (_, f, _) in zip(cases, combos)})
    # A released case closes only with its post-mortem written.
    _with_postmortem([tid for (tid, _), (_, f, t) in zip(cases, combos)
                      if (f, t) == ("released", "closed")])
    mark = audit_max()
    reqs = [req("/api/v1/cases/%s/transitions" % tid, data=jbody(
        {"to": t, "reason": "x"}), ctype=JSON, headers=[bearer(w)])
        for (tid, _), (w, f, t) in zip(cases, combos)]
    errors = []
    gated = [(w, f, t) for w, f, t in combos if (f, t) in GATED]
    check(len(gated) >= 2, "no gated transition among the allowed ones")
    for (tid, _), (w, f, t), r in zip(cases, combos, curl_many(reqs)):
        cell = "%s: %s -> %s" % (w, f, t)
        if (f, t) in GATED:
            if r.status != 409:
                errors.append("%s without a tested, verified patch: %d, "
                              "want 409 (%s)" % (cell, r.status, r.text[:150]))
                continue
            e = r.json()["error"]
            if e["code"] != "conflict" or "release gate" not in \
                    e["message"].lower():
                errors.append("%s: refusal %r does not name the release "
                              "gate" % (cell, e))
            if "There is no patch yet." not in e["message"]:
                errors.append("%s: refusal %r does not say what is missing"
                              % (cell, e["message"]))
            continue
        if r.status != 201:
            errors.append("%s: %d (%s)" % (cell, r.status, r.text[:150]))
            continue
        if r.json().get("state") != t:
            errors.append("%s: answered state %r" % (cell,
                                                    r.json().get("state")))
    rows = sql("SELECT tracking_id, state FROM cases WHERE tracking_id IN "
               "(%s)" % ",".join(q(tid) for tid, _ in cases))
    st = {x["tracking_id"]: x["state"] for x in rows}
    for (tid, _), (w, f, t) in zip(cases, combos):
        want = f if (f, t) in GATED else t
        if st.get(tid) != want:
            errors.append("%s: %s -> %s: stored state %r, want %r" % (
                w, f, t, st.get(tid), want))
    audit = audit_since(mark, "transition")
    if len(audit) != len(combos) - len(gated):
        errors.append("%d transition audit rows for %d transitions" % (
            len(audit), len(combos) - len(gated)))
    for (tid, _), (w, f, t) in list(zip(cases, combos))[:6]:
        ev = [e for e in _events(tid) if e["kind"] == "transition"]
        if not ev or (ev[-1]["from_state"], ev[-1]["to_state"],
                      ev[-1]["actor"]) != (f, t, EMAIL[w]):
            errors.append("%s: %s -> %s: event %r" % (w, f, t, ev[-1:]))
    check(not errors, "%d of %d allowed transitions wrong:\n    %s" % (
        len(errors), len(combos), "\n    ".join(errors[:40])))


def test_every_transition_refused():
    """Every (from, to) pair each identity may not take answers 409 and
    changes nothing (one case per state; the analyst covers every refused
    pair, and so does every other identity)."""
    accounts()
    cases = new_cases(len(STATES), title="Refused transition")
    byfrom = {f: tid for f, (tid, _) in zip(STATES, cases)}
    set_states({tid: f for f, tid in byfrom.items()})
    before = {f: len(_events(tid)) for f, tid in byfrom.items()}
    reqs, meta = [], []
    for f in STATES:
        for w in IDENTS:
            for t in STATES + ["bogus"]:
                if _allowed(w, f, t):
                    continue
                reqs.append(req("/api/v1/cases/%s/transitions" % byfrom[f],
                                data=jbody({"to": t, "reason": "x"}),
                                ctype=JSON, headers=[bearer(w)]))
                meta.append((w, f, t))
    check(len([m for m in meta if m[0] == "analyst"]) > 150,
          "too few refused pairs for the analyst")
    errors = []
    nroles = 0
    for (w, f, t), r in zip(meta, curl_many(reqs)):
        if r.status != 409:
            errors.append("%s: %s -> %s: %d, want 409 (%s)" % (
                w, f, t, r.status, r.text[:120]))
        elif r.json()["error"]["code"] != "conflict":
            errors.append("%s: %s -> %s: code %r" % (
                w, f, t, r.json()["error"]["code"]))
        elif (f, t) in ALLOWED and t != "duplicate":
            # The transition exists, just not for these roles: the
            # refusal says so (before any other rule, the release gate
            # of verifying -> ready included).
            nroles += 1
            msg = r.json()["error"]["message"]
            if "roles" not in msg or "release gate" in msg.lower():
                errors.append("%s: %s -> %s: message %r, want the roles "
                              "refusal" % (w, f, t, msg))
    check(nroles > 50, "too few refusals by roles (%d)" % nroles)
    check(any(m[1:] == ("verifying", "ready") for m in meta),
          "verifying -> ready is not among the refused pairs")
    rows = sql("SELECT tracking_id, state FROM cases WHERE tracking_id IN "
               "(%s)" % ",".join(q(t) for t in byfrom.values()))
    st = {x["tracking_id"]: x["state"] for x in rows}
    for f, tid in byfrom.items():
        if st[tid] != f:
            errors.append("the %s case moved to %s" % (f, st[tid]))
        if len(_events(tid)) != before[f]:
            errors.append("the %s case got events from refused requests" % f)
    check(not errors, "%d of %d refused transitions wrong:\n    %s" % (
        len(errors), len(meta), "\n    ".join(errors[:40])))


def test_transition_reason_required():
    accounts()
    pairs = sorted(NEEDS_REASON)
    cases = new_cases(len(pairs), title="Reason required")
    set_states({tid: f for (tid, _), (f, _) in zip(cases, pairs)})
    reqs = [req("/api/v1/cases/%s/transitions" % tid, data=jbody(
        {"to": t, "reason": " \n\t"}), ctype=JSON, headers=[bearer("admin")])
        for (tid, _), (f, t) in zip(cases, pairs)]
    errors = []
    for (tid, _), (f, t), r in zip(cases, pairs, curl_many(reqs)):
        if r.status != 409 or case_row(tid)["state"] != f:
            errors.append("%s -> %s with a blank reason: %d" % (f, t,
                                                                r.status))
    check(not errors, "\n    ".join(errors))


def test_duplicate_endpoint():
    accounts()
    orig = fixtures()["o"]
    dup_ok = [(w, f) for w in ("analyst", "admin") for f in ("new", "triage")]
    cases = new_cases(len(dup_ok) + len(STATES), title="Duplicate")
    ok_cases, ref_cases = cases[:len(dup_ok)], cases[len(dup_ok):]
    set_states(dict([(tid, f) for (tid, _), (_, f) in zip(ok_cases, dup_ok)] +
                    [(tid, f) for (tid, _), f in zip(ref_cases, STATES)]))
    reqs, meta = [], []
    for (tid, _), (w, f) in zip(ok_cases, dup_ok):
        reqs.append(req("/api/v1/cases/%s/duplicate" % tid, data=jbody(
            {"of": orig}), ctype=JSON, headers=[bearer(w)]))
        meta.append((w, f, tid, 201))
    for (tid, _), f in zip(ref_cases, STATES):
        for w in IDENTS:
            allowed = bool(IDENT_ROLES[w] & {AN, AD})
            if allowed and f in ("new", "triage"):
                continue
            reqs.append(req("/api/v1/cases/%s/duplicate" % tid, data=jbody(
                {"of": orig}), ctype=JSON, headers=[bearer(w)]))
            meta.append((w, f, tid, 409 if allowed else 404))
    mark = audit_max()
    errors = []
    for (w, f, tid, want), r in zip(meta, curl_many(reqs)):
        if r.status != want:
            errors.append("%s: duplicate from %s: %d, want %d (%s)" % (
                w, f, r.status, want, r.text[:120]))
        elif want == 201 and r.json().get("duplicate_of") != orig:
            errors.append("%s: duplicate_of %r" % (
                w, r.json().get("duplicate_of")))
    for (tid, _), (w, f) in zip(ok_cases, dup_ok):
        row = case_row(tid)
        if row["state"] != "duplicate" or row["duplicate_of"] is None:
            errors.append("%s: %s case after duplicate: %s / %r" % (
                w, f, row["state"], row["duplicate_of"]))
    for (tid, _), f in zip(ref_cases, STATES):
        if case_row(tid)["state"] != f:
            errors.append("refused duplicate moved the %s case" % f)
    n404 = len([m for m in meta if m[3] == 404])
    n_aud = len(audit_since(mark, "permission.denied"))
    if n_aud != n404:
        errors.append("%d permission.denied rows for %d denied duplicates"
                      % (n_aud, n404))
    check(not errors, "\n    ".join(errors[:30]))


def test_transitions_through_html_forms():
    s = sess("analyst")
    cases = new_cases(3, title="HTML transition")
    (t1, _), (t2, _), (t3, _) = cases
    set_states({t2: "triage", t3: "triage"})
    rs = curl_many([
        req("/cases/%s/transition" % t1, data=urlenc(
            [("to", "triage"), ("csrf", s["csrf"])]), ctype=FORM,
            cookie=s["cookie"]),
        req("/cases/%s/transition" % t2, data=urlenc(
            [("to", "released"), ("reason", "x"), ("csrf", s["csrf"])]),
            ctype=FORM, cookie=s["cookie"]),
        req("/cases/%s/transition" % t3, data=urlenc(
            [("to", "rejected"), ("reason", " "), ("csrf", s["csrf"])]),
            ctype=FORM, cookie=s["cookie"]),
        req("/cases/%s/transition" % t3, data=urlenc(
            [("to", "duplicate"), ("reason", "x"), ("csrf", s["csrf"])]),
            ctype=FORM, cookie=s["cookie"]),
    ])
    eq(rs[0].status, 303, "HTML new -> triage")
    eq(rs[0].h("location"), "/cases/%s#actions" % t1, "Location")
    eq(case_row(t1)["state"], "triage", "state after the form")
    eq(rs[1].status, 409, "HTML triage -> released")
    eq(case_row(t2)["state"], "triage", "state after a refused form")
    eq(rs[2].status, 422, "HTML triage -> rejected without a reason")
    eq(rs[3].status, 409, "HTML triage -> duplicate through /transition")
    eq(case_row(t3)["state"], "triage", "state after refused forms")
    # The page offers only the transitions the user may take.
    page = curl("/cases/" + t2, cookie=sess("engineer")["cookie"])
    eq(page.status, 200, "engineer opens a triage case")
    check('action="/cases/%s/transition"' % t2 not in page.text,
          "the engineer is offered a transition from triage")
    page = curl("/cases/" + t2, cookie=s["cookie"])
    offered = set(re.findall(r'<form[^>]* id="t-([a-z_]+)"', page.text))
    # triage -> needs_info is offered as the request-for-information form
    # (a message to the researcher), not as a bare button.
    if 'href="#request-info"' in page.text and \
            'id="request-info"' in page.text:
        offered.add("needs_info")
    eq(offered, {"needs_info", "confirmed", "rejected", "not_reproducible"},
       "transitions offered to the analyst from triage")


# ---------------------------------------------------------------------------
# Tests: request for information, notes, denied messages


def test_request_info_and_reply():
    accounts()
    (tid, link), = new_cases(1, title="Needs info case")
    tr = open_track(link)
    set_states({tid: "triage"})
    marker = "NOTE-" + secrets.token_hex(8)
    html_marker = "HTMLNOTE-" + secrets.token_hex(8)
    question = "Which build flags did you use " + secrets.token_hex(4) + "?"
    r = curl("/api/v1/cases/%s/messages" % tid, data=jbody(
        {"body": "Internal: looks real. " + marker, "internal": True}),
        ctype=JSON, headers=[bearer("tester")])
    eq(r.status, 201, "tester's internal note")
    s = sess("engineer")
    r = curl("/cases/%s/messages" % tid, data=urlenc(
        [("kind", "note"), ("body", "Engineer note " + html_marker),
         ("csrf", s["csrf"])]), ctype=FORM, cookie=s["cookie"])
    eq(r.status, 303, "engineer's internal note through the form")
    r = curl("/api/v1/cases/%s/messages" % tid, data=jbody(
        {"body": question, "request_info": True}), ctype=JSON,
        headers=[bearer("analyst")])
    eq(r.status, 201, "analyst's request for information")
    eq(r.json()["state"], "needs_info", "answered state")
    eq(case_row(tid)["state"], "needs_info", "stored state")
    page = curl(tr["path"], cookie=tr["cookie"])
    eq(page.status, 200, "tracking page")
    check(html.escape(question) in page.text or question in page.text,
          "the question does not reach the researcher")
    for mk in (marker, html_marker):
        check(mk not in page.text, "an internal note shows on the "
              "researcher's tracking page")
    m = re.search(r'name="csrf" value="([0-9a-f]{64})"', page.text)
    ct, body = multipart([("csrf", m.group(1)),
                          ("body", "Plain -O2 with ASan.")])
    r = curl(tr["path"] + "/messages", data=body, ctype=ct,
             cookie=tr["cookie"])
    eq(r.status, 303, "researcher's reply")
    eq(case_row(tid)["state"], "triage", "state after the reply")
    ev = [e for e in _events(tid) if e["kind"] == "transition"]
    check(ev and (ev[-1]["from_state"], ev[-1]["to_state"]) ==
          ("needs_info", "triage"), "no needs_info -> triage event: %r" %
          ev[-1:])
    page = curl(tr["path"], cookie=tr["cookie"])
    for mk in (marker, html_marker):
        check(mk not in page.text, "an internal note shows on the tracking "
              "page after the reply")
    j = curl("/api/v1/cases/" + tid, headers=[bearer("analyst")]).json()
    notes = [x for x in j["messages"] if x["internal"]]
    eq(len(notes), 2, "internal notes in the staff API")
    # A request for information only from triage, and only by those who
    # may write to the researcher.
    r = curl("/api/v1/cases/%s/messages" % NO_SUCH_CASE, data=jbody(
        {"body": "x", "request_info": True}), ctype=JSON,
        headers=[bearer("analyst")])
    eq(r.status, 404, "request for information on a missing case")
    set_states({tid: "confirmed"})
    r = curl("/api/v1/cases/%s/messages" % tid, data=jbody(
        {"body": "Anything else?", "request_info": True}), ctype=JSON,
        headers=[bearer("analyst")])
    eq(r.status, 409, "request for information from confirmed")
    eq(case_row(tid)["state"], "confirmed", "state after a refused request")
    # A reply outside needs_info does not move the case.
    page = curl(tr["path"], cookie=tr["cookie"])
    m = re.search(r'name="csrf" value="([0-9a-f]{64})"', page.text)
    ct, body = multipart([("csrf", m.group(1)), ("body", "One more thing")])
    r = curl(tr["path"] + "/messages", data=body, ctype=ct,
             cookie=tr["cookie"])
    eq(r.status, 303, "researcher's reply in confirmed")
    eq(case_row(tid)["state"], "confirmed", "state after a reply while "
       "confirmed")


def _timeline(page):
    m = re.search(r'<ol class="timeline" id="timeline">(.*?)</ol>',
                  page.text, re.S)
    check(m, "no timeline on the tracking page")
    return [html.unescape(x).strip() for x in re.findall(
        r"<br>([^<]*)</li>", m.group(1))]


def test_internal_notes_leave_no_trace_for_the_researcher():
    """An internal note is for the team only: the researcher's page must
    not change at all, not even by a timeline entry "The team sent a
    message" for a message they cannot see."""
    accounts()
    (tid, link), = new_cases(1, title="Quiet notes case")
    tr = open_track(link)
    set_states({tid: "triage"})
    before = curl(tr["path"], cookie=tr["cookie"])
    eq(before.status, 200, "tracking page")
    tl_before = _timeline(before)
    s = sess("engineer")
    rs = curl_many([
        req("/api/v1/cases/%s/messages" % tid, data=jbody(
            {"body": "internal one", "internal": True}), ctype=JSON,
            headers=[bearer("analyst")]),
        req("/cases/%s/messages" % tid, data=urlenc(
            [("kind", "note"), ("body", "internal two"),
             ("csrf", s["csrf"])]), ctype=FORM, cookie=s["cookie"])])
    eq([r.status for r in rs], [201, 303], "internal notes")
    after = curl(tr["path"], cookie=tr["cookie"])
    tl_after = _timeline(after)
    eq(tl_after, tl_before, "the researcher's timeline after two internal "
       "notes (a note shows up as a message the researcher cannot read)")
    r = curl("/api/v1/cases/%s/messages" % tid, data=jbody(
        {"body": "A real message to you"}), ctype=JSON,
        headers=[bearer("analyst")])
    eq(r.status, 201, "message to the researcher")
    tl = _timeline(curl(tr["path"], cookie=tr["cookie"]))
    eq(tl.count("The team sent a message"), 1,
       "timeline entries for one message to the researcher")


def test_message_permission_denial_is_audited():
    """Testers may write internal notes (case.note) but not to the
    researcher (case.message): that refusal is a permission denial, so
    it must answer 404 *and* leave a permission.denied audit row."""
    accounts()
    (tid, _), = new_cases(1, title="Tester message case")
    set_states({tid: "triage"})
    s = sess("tester")
    n = sql("SELECT count(*) AS n FROM messages")[0]["n"]
    mark = audit_max()
    rs = curl_many([
        req("/api/v1/cases/%s/messages" % tid, data=jbody(
            {"body": "Hello researcher"}), ctype=JSON,
            headers=[bearer("tester")]),
        req("/api/v1/cases/%s/messages" % tid, data=jbody(
            {"body": "Need more", "request_info": True}), ctype=JSON,
            headers=[bearer("tester")]),
        req("/cases/%s/messages" % tid, data=urlenc(
            [("kind", "message"), ("body", "Hello"), ("csrf", s["csrf"])]),
            ctype=FORM, cookie=s["cookie"]),
    ])
    for r in rs:
        eq(r.status, 404, "tester writing to the researcher (%s)" % r.url)
    eq(sql("SELECT count(*) AS n FROM messages")[0]["n"], n,
       "messages stored by refused posts")
    eq(case_row(tid)["state"], "triage", "state after refused posts")
    rows = [x for x in audit_since(mark, "permission.denied")
            if x["actor"] == EMAIL["tester"]]
    eq(len(rows), 3, "permission.denied audit rows for the tester's three "
       "refused messages (rows: %r)" % rows)


# ---------------------------------------------------------------------------
# Tests: CSRF on every state-changing HTML form


def _snapshot(tid):
    row = case_row(tid)
    counts = sql("SELECT (SELECT count(*) FROM messages) AS m, "
                 "(SELECT count(*) FROM events) AS e, "
                 "(SELECT count(*) FROM sessions) AS s, "
                 "(SELECT count(*) FROM cases) AS c, "
                 "(SELECT count(*) FROM products) AS pr, "
                 "(SELECT group_concat(name || '|' || source || '|' || "
                 "test_cmd, ';') FROM products) AS plans, "
                 "(SELECT count(*) FROM product_versions) AS pv, "
                 "(SELECT count(*) FROM patches) AS pa, "
                 "(SELECT count(*) FROM pocs) AS po, "
                 "(SELECT count(*) FROM test_runs) AS tr, "
                 "(SELECT count(*) FROM signoffs) AS so, "
                 "(SELECT count(*) FROM verifications) AS ve, "
                 "(SELECT group_concat(coalesce(answer, '') || '|' || "
                 "coalesce(waive_reason, ''), ';') FROM verifications) "
                 "AS va, "
                 "(SELECT count(*) FROM releases) AS rl, "
                 "(SELECT group_concat(id || '|' || status || '|' || "
                 "coalesce(published_at, ''), ';') FROM releases) AS rs, "
                 "(SELECT group_concat(id || '|' || coalesce(release_id, '') "
                 "|| '|' || state, ';') FROM cases WHERE release_id IS NOT "
                 "NULL) AS rcs, "
                 "(SELECT count(*) FROM advisories) AS ad, "
                 "(SELECT group_concat(coalesce(advisory_id, '') || '|' || "
                 "title || '|' || summary || '|' || cve || '|' || "
                 "updated_at, ';') FROM advisories) AS adv, "
                 "(SELECT count(*) FROM advisory_revisions) AS ar, "
                 "(SELECT count(*) FROM subscribers) AS sb, "
                 "(SELECT group_concat(email || '|' || token || '|' || "
                 "coalesce(confirmed_at, '') || '|' || "
                 "coalesce(unsubscribed_at, ''), ';') FROM subscribers) "
                 "AS sbs, "
                 "(SELECT count(*) FROM post_mortems) AS pm, "
                 "(SELECT group_concat(case_id || '|' || component || '|' "
                 "|| updated_at, ';') FROM post_mortems) AS pms")[0]
    return row, counts


def test_csrf_on_every_html_form():
    fx = fixtures()
    tf = testing_fixtures()
    rf = release_fixtures()
    pf = postmortem_fixtures()
    table = route_table()
    (tid, link), = new_cases(1, title="CSRF case")
    tr = open_track(link)
    set_states({tid: "triage"})
    s = sess("admin")
    other = sess("analyst")
    login_s = shared_login()
    forms = {
        "/cases/*/transition": ("/cases/%s/transition" % tid,
                                [("to", "confirmed"), ("reason", "x")]),
        "/cases/*/assign": ("/cases/%s/assign" % tid,
                            [("assignee", EMAIL["admin"])]),
        "/cases/*/scoring": ("/cases/%s/scoring" % tid,
                             [("vector", CVSS), ("cwe", "CWE-787")]),
        "/cases/*/duplicate": ("/cases/%s/duplicate" % tid,
                               [("of", fx["o"])]),
        "/cases/*/messages": ("/cases/%s/messages" % tid,
                              [("kind", "message"), ("body", "csrf?")]),
        "/logout": ("/logout", []),
        "/account/password": ("/account/password",
                              [("current", PASSWORD["admin"]),
                               ("password", "csrf would change me"),
                               ("confirm", "csrf would change me")]),
        # Independent patch testing: each would change something with
        # the right token (the admin holds every permission).
        "/products": ("/products", [("name", "CSRF product"),
                                    ("source", "/srv/csrf"),
                                    ("build", "make"), ("test", "make check"),
                                    ("poc", "./run {poc}"),
                                    ("oracle", "crash")]),
        "/products/*/versions": ("/products/%d/versions" % tf["product"],
                                 [("name", "9.9-csrf"), ("ref", "")]),
        "/cases/*/patches": ("/cases/%s/patches" % tf["p"],
                             [("kind", "diff"), ("diff", MATRIX_DIFF),
                              ("versions", "1.0"), ("note", "csrf?")]),
        "/cases/*/pocs": ("/cases/%s/pocs" % fx["m"],
                          [("attachment", str(fx["m_att"]))]),
        "/runs/*/signoff": ("/runs/%d/signoff" % tf["run"],
                            [("verdict", "pass"), ("comment", "csrf?")]),
        "/cases/*/verification": ("/cases/%s/verification" % tf["p"],
                                  [("deadline_days", "7")]),
        "/cases/*/verification/waive": ("/cases/%s/verification/waive" %
                                        tf["p"], [("reason", "csrf?")]),
        # The release planner: a new out-of-band release, publishing the
        # release that holds case A (its advisory would get an ID), an
        # edit of A's advisory draft.  Adding a case: the triage case M
        # would be refused by the release gate even with the token (a
        # case through the gate is test_releases.py's business); the
        # token is checked first all the same (no release change).
        "/releases": ("/releases", [("kind", "out_of_band"),
                                    ("justification", "csrf?")]),
        "/releases/*/cases": ("/releases/%d/cases" % rf["empty"],
                              [("case", fx["m"])]),
        "/releases/*/publish": ("/releases/%d/publish" % rf["draft"], []),
        "/cases/*/advisory": ("/cases/%s/advisory" % rf["a"],
                              [("title", "CSRF title?"),
                               ("cve", "CVE-2026-99999")]),
        # R's post-mortem would be rewritten.
        "/cases/*/postmortem": ("/cases/%s/postmortem" % pf["r"],
                                [(k, "csrf?" if k == "component" else v)
                                 for k, v in PM_FIELDS]),
    }
    # Public forms: the login form has its own CSRF token (tied to the
    # vigil_login cookie); the tracking page's to the case cookie.  The
    # anonymous report form carries no session and no CSRF token: there
    # is nothing to ride (exempt, on purpose).  The mailing list's forms
    # (/subscribe, /unsubscribe/<token>) are anonymous too and carry no
    # token (a mail provider's RFC 8058 one-click unsubscribe could not
    # send one): they refuse a browser's cross-site post by its Origin
    # header instead (tested below: 403, nothing changed); a post
    # without Origin is let through.
    exempt = {"/report"}
    origin_checked = {"/subscribe": ("/subscribe", [(
                          "email", "csrf-%s@subscriber.example" %
                          secrets.token_hex(3))]),
                      "/unsubscribe/*": None}     # S's link, below
    posts = [r["path"] for r in table if r["method"] == "POST" and
             not r["path"].startswith("/api/")]
    track_forms = {"/track/*/messages": [("body", "csrf?")],
                   "/track/*/verification": [("answer", "not_fixed"),
                                             ("notes", "csrf?")],
                   "/track/*/complete": [("title", "CSRF title?")]}
    missing = [p for p in posts if p not in forms and p not in exempt and
               p != "/login" and p not in track_forms and
               p not in origin_checked]
    check(not missing, "HTML POST routes without a CSRF test: %s" % missing)
    # The tracking page's verification form needs a fix to verify: the
    # CSRF case gets a verification waiting for the researcher (test
    # setup: a patch row and a verification row).
    cid = case_row(tid)["id"]
    uid = accounts()["ids"][EMAIL["engineer"]]
    sql_write("INSERT INTO patches (case_id, revision, author_id, kind, "
              "content, note, created_at) VALUES (%d, 1, %d, 'diff', %s, "
              "'', strftime('%%s','now'));" % (cid, uid, q(MATRIX_DIFF)) +
              "INSERT INTO verifications (case_id, patch_id, sent_at, "
              "deadline) VALUES (%d, last_insert_rowid(), "
              "strftime('%%s','now'), strftime('%%s','now') + 86400)" % cid)
    page = curl(tr["path"], cookie=tr["cookie"])
    check('action="/track/%s/verification"' % tid in page.text,
          "the tracking page shows no verification form")
    # A live subscriber for the cross-site unsubscribe (the matrix's S has
    # unsubscribed by now).
    email = "csrf-live-%s@subscriber.example" % secrets.token_hex(3)
    r = curl("/subscribe", data=urlenc([("email", email)]), ctype=FORM)
    eq(r.status, 200, "POST /subscribe of a live subscriber")
    token = sql("SELECT token FROM subscribers WHERE email = %s" %
                q(email))[0]["token"]
    SECRETS.add(token)
    origin_checked["/unsubscribe/*"] = ("/unsubscribe/" + token, [])
    check(runs_settled(), "test runs still queued or running after 30 s")
    before = _snapshot(tid)
    reqs, what = [], []
    for p in posts:
        if p in forms:
            path, fields = forms[p]
            for label, extra in (("no csrf", []),
                                 ("a wrong csrf", [("csrf", "0" * 64)]),
                                 ("another session's csrf",
                                  [("csrf", other["csrf"])]),
                                 ("an empty csrf", [("csrf", "")])):
                reqs.append(req(path, data=urlenc(fields + extra), ctype=FORM,
                                cookie=s["cookie"]))
                what.append("%s with %s" % (p, label))
        elif p == "/login":
            f = [("email", EMAIL["admin"]), ("password", PASSWORD["admin"])]
            for label, extra in (("no csrf", []),
                                 ("a wrong csrf", [("csrf", "0" * 64)])):
                reqs.append(req("/login", data=urlenc(f + extra), ctype=FORM,
                                cookie="vigil_login=" + login_s["cookie"]))
                what.append("/login with %s" % label)
        elif p in track_forms:
            for label, extra in (("no csrf", []),
                                 ("a wrong csrf", [("csrf", "0" * 64)]),
                                 ("another case's csrf",
                                  [("csrf", fx["track"]["csrf"])])):
                ct, body = multipart(extra + track_forms[p])
                reqs.append(req(tr["path"] + p[len("/track/*"):], data=body,
                                ctype=ct, cookie=tr["cookie"]))
                what.append("%s with %s" % (p, label))
        elif p in origin_checked:
            path, fields = origin_checked[p]
            for label, origin in (("another site's Origin",
                                   "https://evil.example"),
                                  ("Origin null", "null"),
                                  ("another port's Origin",
                                   "http://127.0.0.1:%d" % (
                                       SRV.port + 1 if SRV.port < 65535
                                       else SRV.port - 1))):
                reqs.append(req(path, data=urlenc(fields), ctype=FORM,
                                cookie=s["cookie"],
                                headers=["Origin: " + origin]))
                what.append("%s with %s" % (p, label))
    rs = curl_many(reqs)
    errors = ["%s: %d" % (w, r.status) for w, r in zip(what, rs)
              if r.status != 403]
    after = _snapshot(tid)
    if after != before:
        errors.append("the database changed: %r -> %r" % (
            {k: v for k, v in before[0].items() if after[0].get(k) != v},
            (before[1], after[1])))
    eq(curl("/cases", cookie=s["cookie"]).status, 200,
       "the session after refused logouts")
    check(not errors, "\n    ".join(errors))


# ---------------------------------------------------------------------------
# Tests: the audit log


def test_case_reads_are_audited():
    fx = fixtures()
    mark = audit_max()
    cid = case_row(fx["m"])["id"]
    curl("/cases/" + fx["m"], cookie=sess("engineer")["cookie"])
    curl("/api/v1/cases/" + fx["m"], headers=[bearer("tester")])
    curl("/cases/%s/attachments/%d" % (fx["m"], fx["m_att"]),
         cookie=sess("release_manager")["cookie"])
    # An attachment id of case M under another case's URL: 404.
    r = curl("/cases/%s/attachments/%d" % (fx["o"], fx["m_att"]),
             cookie=sess("release_manager")["cookie"])
    eq(r.status, 404, "M's attachment through O's URL")
    rows = audit_since(mark)
    got = {(x["actor"], x["action"], x["case_id"]) for x in rows}
    for want in ((EMAIL["engineer"], "case.view", cid),
                 (EMAIL["tester"], "case.view", cid),
                 (EMAIL["release_manager"], "attachment.view", cid)):
        check(want in got, "no audit row %r (got %r)" % (want, got))


def test_audit_table_is_append_only():
    accounts()
    n = audit_max()
    check(n > 0, "the audit log is empty")
    cols = "id, at, actor, action, case_id, details, hex(prev_hash) AS p, " \
        "hex(hash) AS h"
    row = sql("SELECT %s FROM audit WHERE id = 1" % cols)
    rc, err = sql_write("UPDATE audit SET details = 'edited' WHERE id = 1",
                        must_succeed=False)
    check(rc != 0 and "append-only" in err,
          "UPDATE on audit was not refused (rc %d, %r)" % (rc, err))
    rc, err = sql_write("DELETE FROM audit WHERE id = %d" % n,
                        must_succeed=False)
    check(rc != 0 and "append-only" in err,
          "DELETE on audit was not refused (rc %d, %r)" % (rc, err))
    eq(sql("SELECT %s FROM audit WHERE id = 1" % cols), row,
       "row 1 after UPDATE")
    eq(audit_max(), n, "rows after DELETE")


def test_audit_rows_present_and_clean():
    accounts()
    actions = {x["action"] for x in sql("SELECT DISTINCT action FROM audit")}
    want = {"login", "login.failed", "login.throttled", "logout",
            "case.view", "attachment.view", "transition", "message",
            "assign", "score", "permission.denied", "user.add",
            "user.disable", "token.create"}
    check(want <= actions, "audit actions missing: %s (have %s)" % (
        sorted(want - actions), sorted(actions)))
    rows = sql("SELECT id, actor, action, details FROM audit")
    secrets_ = set(PASSWORD.values()) | set(TOKEN.values()) | {
        s for s in SECRETS if s and len(s) >= 12}
    bad = []
    for r in rows:
        text = " ".join(str(r[k]) for k in ("actor", "action", "details"))
        for sct in secrets_:
            if sct in text:
                bad.append("row %d (%s) contains a secret %s..." % (
                    r["id"], r["action"], sct[:8]))
        if re.search(r"\$argon2", text):
            bad.append("row %d contains a password hash" % r["id"])
    check(not bad, "\n    ".join(bad[:10]))


def test_audit_verify_catches_tampering():
    """Runs last: verify OK, then drop the triggers and edit a row (and,
    on a copy, delete one) and expect BROKEN at that row."""
    accounts()
    rc, out, err = SRV.cli(["audit", "verify"])
    eq(rc, 0, "audit verify exit status on the intact log (%s)" % err)
    check(out.startswith("OK"), "audit verify printed %r" % out)
    n = int(re.search(r"OK: (\d+)", out).group(1))
    eq(n, sql("SELECT count(*) AS n FROM audit")[0]["n"], "rows verified")
    # A copy for the deletion case.
    copy = os.path.join(SRV.tmp, "tamper-copy.db")
    sql_write("VACUUM INTO %s" % q(copy))
    target = sql("SELECT id FROM audit ORDER BY id LIMIT 1 OFFSET %d" %
                 (n // 2))[0]["id"]
    sql_write("DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete; "
              "UPDATE audit SET details = details || ' (edited)' "
              "WHERE id = %d" % target)
    rc, out, err = SRV.cli(["audit", "verify"])
    eq(rc, 1, "audit verify exit status after an edit")
    check(out.startswith("BROKEN at row %d" % target),
          "audit verify after editing row %d printed %r" % (target, out))
    r = subprocess.run(["sqlite3", copy, "DROP TRIGGER audit_no_delete; "
                        "DELETE FROM audit WHERE id = %d" % target],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    eq(r.returncode, 0, "deleting a row in the copy")
    rr = subprocess.run([SRV.binary, "--config", SRV.conf, "--db",
                         "sqlite:" + copy, "audit", "verify"], cwd=ROOT,
                        env=SRV.env, stdout=subprocess.PIPE,
                        stderr=subprocess.PIPE, timeout=60)
    out = rr.stdout.decode()
    eq(rr.returncode, 1, "audit verify exit status after a deletion")
    check(out.startswith("BROKEN at row "), "audit verify after deleting "
          "row %d printed %r" % (target, out))


# ---------------------------------------------------------------------------
# Tests: headers


def _header_problems(r):
    p = []
    csp = " ".join(r.hall("content-security-policy"))
    if "default-src 'none'" not in csp and "sandbox" not in csp:
        p.append("no CSP")
    if r.h("x-content-type-options") != "nosniff":
        p.append("no nosniff")
    is_static = r.url.startswith("/static/") and r.status in (200, 304)
    if not is_static and "no-store" not in ", ".join(
            r.hall("cache-control")):
        p.append("no Cache-Control: no-store")
    return p


def test_security_headers_on_every_response():
    check(len(RESPONSES) > 500, "too few responses recorded (%d)" %
          len(RESPONSES))
    bad = []
    for r in RESPONSES:
        pr = _header_problems(r)
        if pr:
            b = "%s %s -> %d: %s" % (r.method, r.url[:60], r.status,
                                     "; ".join(pr))
            if b not in bad:
                bad.append(b)
    check(not bad, "responses lack security headers:\n    %s" %
          "\n    ".join(bad[:12]))


# ---------------------------------------------------------------------------
# The runner


def log_problems(text):
    p = []
    leaked = sorted(x for x in SECRETS if x and len(x) >= 12 and x in text)
    if leaked:
        p.append("%d secret(s) (passwords, session ids, API tokens, CSRF "
                 "tokens, tracking tokens) appear in the log, e.g. %s..." % (
                     len(leaked), leaked[0][:8]))
    if not re.search(r"vigil\[debug\] (GET|POST) ", text):
        p.append("no access-log lines at level debug (the check is void)")
    return p


TESTS = [
    "test_user_cli_refusals", "test_user_list_and_hashes",
    "test_login_page_and_cookie", "test_login_post_csrf",
    "test_login_failures_look_the_same", "test_login_timing_medians",
    "test_login_next_is_local_only", "test_throttle_per_account",
    "test_throttle_per_ip", "test_login_with_128_and_12_char_passwords",
    "test_logout", "test_session_idle_expiry", "test_session_absolute_expiry",
    "test_disabled_account_loses_its_session", "test_api_bearer_tokens",
    "test_api_session_needs_csrf_header", "test_role_route_matrix",
    "test_every_route_wrong_method_405",
    "test_researcher_cookie_cannot_reach_other_case",
    "test_every_transition_allowed", "test_every_transition_refused",
    "test_transition_reason_required", "test_duplicate_endpoint",
    "test_transitions_through_html_forms", "test_request_info_and_reply",
    "test_internal_notes_leave_no_trace_for_the_researcher",
    "test_message_permission_denial_is_audited",
    "test_csrf_on_every_html_form", "test_case_reads_are_audited",
    "test_audit_table_is_append_only", "test_audit_rows_present_and_clean",
    "test_security_headers_on_every_response",
    "test_audit_verify_catches_tampering",
]


def serve(binary):
    global SRV
    SRV = Server(binary)
    return SRV


def timing_notes():
    if TIMING:
        print("# failed-login medians over 20 attempts: " + ", ".join(
            "%s %.1f ms" % (k, v) for k, v in TIMING.items()))


def main(argv):
    return run_suite(argv, serve, [globals()[n] for n in TESTS],
                     checks=[("server_log_clean",
                              lambda srv: log_problems(srv.log()))],
                     notes=timing_notes)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
