#!/usr/bin/env python3
"""Integration tests for Vigil's public intake: the report form, the JSON
API, the researcher's tracking page and the security headers.

Usage: python3 tests/integration/test_intake.py path/to/vigil

Starts the real binary on a free loopback port with a temporary SQLite
database (`vigil demo` first, then `vigil serve --listen 127.0.0.1:0`),
drives it with the curl command-line tool only, and checks the database
with the sqlite3 command-line tool.  The server runs with small limits
(max_attachment 64k, max_request_body 1M, max_attachments 3) so the size
tests stay fast.  Python 3 standard library only.

Output: one line per test ("ok NAME" or "FAIL NAME: reason"), then
exactly "N passed, M failed"; exit status 1 if anything failed.
"""
import base64
import hashlib
import html
import html.parser
import json
import os
import re
import secrets
import sys
import time
import urllib.parse
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import (Sqlite, TestFailure, check, eq, multipart,  # noqa: E402
                     note_secrets, q, run_suite)
from vigil_serve import ROOT, Serve  # noqa: E402

MAX_ATTACHMENT = 64 * 1024
MAX_BODY = 1024 * 1024
MAX_ATTACHMENTS = 3


# The payloads that must never come back unescaped.
P_SCRIPT = "<script>alert(1)</script>"
P_IMG = '"><img src=x onerror=alert(1)>'
P_ATTR = "' onmouseover='x"
P_JSLINK = "[x](javascript:alert(1))"
P_IFRAME = '<iframe src="https://evil.example/"></iframe>'
# Substrings that must never appear.  P_ATTR is not among them: a bare
# apostrophe in text is harmless (cmark leaves it as is) and every
# attribute is double-quoted; _ActiveContent catches a broken attribute.
RAW_NEEDLES = (P_SCRIPT, "<img src=x", "<iframe", "<svg")
JS_HREF = re.compile(r"""(href|src|action)\s*=\s*["']?\s*javascript:""", re.I)


def esc(s):
    """The server's HTML escaping (util_buf_html_escape)."""
    return (s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;").replace("'", "&#39;"))


# ---------------------------------------------------------------------------
# The server under test


class Server(Serve):
    def __init__(self, binary):
        super().__init__(binary, "vigil-it-",
                         "[server]\nmax_attachment = 64k\n"
                         "max_request_body = 1M\nmax_attachments = 3\n"
                         "[log]\nlevel = debug\n")
        self.demo_links = {}

    def start(self):
        out = self.must(["demo"])
        for m in re.finditer(r"demo case (\S+): (/track/\S+)", out):
            self.demo_links[m.group(1)] = m.group(2)
        self._serve()


SRV = None

# ---------------------------------------------------------------------------
# curl


RESPONSES = []          # every response fetched, for the header audit
SECRETS = set()         # link tokens, cookie secrets, CSRF tokens seen


def curl(path, args=(), method=None, data=None, ctype=None, cookie=None,
         jar=None, timeout=15, record=True):
    """Runs curl against the server.  data (bytes) is sent from a file
    with --data-binary (no "Expect:" added: args says).  Returns a Resp
    for the final response."""
    resp = harness.curl(SRV, path, args=args, method=method, data=data,
                        ctype=ctype, cookie=cookie, jar=jar, timeout=timeout,
                        expect=False)
    note_secrets(resp, SECRETS)
    if record:
        RESPONSES.append(resp)
    return resp


def post_form(fields, files=(), path="/report", **kw):
    ct, body = multipart(fields, files)
    return curl(path, data=body, ctype=ct, args=["-H", "Expect:"], **kw)


def post_json(obj, path="/api/v1/reports", **kw):
    data = obj if isinstance(obj, bytes) else json.dumps(obj).encode()
    return curl(path, data=data, ctype="application/json", **kw)


# ---------------------------------------------------------------------------
# The database


DB = Sqlite(lambda: SRV.db)
sql, case_row = DB.sql, DB.case_row


def counts():
    row = sql("SELECT (SELECT count(*) FROM cases) AS c, "
              "(SELECT count(*) FROM attachments) AS a, "
              "(SELECT count(*) FROM case_tokens) AS t")[0]
    return (row["c"], row["a"], row["t"])


def attachments_of(tracking_id):
    return sql("SELECT a.id, a.filename, a.content_type, a.size, a.sha256, "
               "a.message_id, hex(a.data) AS hex FROM attachments a JOIN "
               "cases c ON c.id = a.case_id WHERE c.tracking_id = %s "
               "ORDER BY a.id" % q(tracking_id))


# ---------------------------------------------------------------------------
# Report data


def base_fields(**over):
    """A valid report, as the form's field names (see templates/report)."""
    f = {
        "reporter_name": "Alice Researcher",
        "reporter_email": "alice@example.com",
        "product": "libtinyparse",
        "versions": "1.2.3 and 1.3.0-rc1",
        "cwe": "CWE-787",
        "impact": "rce",
        "title": "Heap overflow in the chunk parser",
        "description": "A crafted chunk header makes the parser write past "
                       "the end of its buffer.",
        "steps": "1. Build with ASan.\n2. Run tinyparse on crash.bin.",
        "poc": "printf 'CHNK\\xff\\xff' > crash.bin",
        "root_cause": "parse_chunk() trusts the 16-bit length field.",
        "publicly_known": "no",
        "exploited": "no",
        "disclosure_plans": "A blog post after the fix ships.",
        "disclosure_date": "2026-12-31",
        "cvss_vector": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
    }
    for k, v in over.items():
        if v is None:
            f.pop(k, None)
        else:
            f[k] = v
    return f


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
    for k, v in over.items():
        if k.startswith("reporter_"):
            if v is None:
                j["reporter"].pop(k[9:], None)
            else:
                j["reporter"][k[9:]] = v
        elif v is None:
            j.pop(k, None)
        else:
            j[k] = v
    return j


TRACK_RE = re.compile(r"/track/([A-Za-z0-9_-]{43})\b")
ID_RE = re.compile(r"\bVR-(\d{4})-(\d{4,})\b")


def confirmation(resp):
    """(tracking id, /track/<token> path) from a confirmation page."""
    t = resp.text
    m = re.search(r'id="tracking-id">(VR-\d{4}-\d{4,})<', t)
    check(m, "confirmation page shows no tracking id VR-YYYY-NNNN")
    tid = m.group(1)
    check(tid[3:7] == time.strftime("%Y", time.gmtime()),
          "tracking id %s is not of this year" % tid)
    links = set(TRACK_RE.findall(t))
    check(len(links) == 1, "confirmation page should show exactly one "
          "/track/<43-char token> link, found %r" % links)
    return tid, "/track/" + links.pop()


def open_case(track_path):
    """Follows a secret link with a fresh cookie jar; returns (jar, page
    path, 303 response)."""
    jar = os.path.join(SRV.tmp, "jar-" + secrets.token_hex(6))
    r = curl(track_path, jar=jar)
    eq(r.status, 303, "GET secret link status")
    return jar, r.h("location"), r


def form_ok_submission(tag):
    f = base_fields(title="Heap overflow in parser %s" % tag)
    r = post_form(list(f.items()))
    eq(r.status, 201, "form post status (%s)" % r.text[:200])
    return confirmation(r)


def api_case_with_attachment(data, name="evidence.bin"):
    r = post_json(base_json(attachments=[{
        "filename": name, "content_type": "application/octet-stream",
        "data_base64": base64.b64encode(data).decode()}]))
    eq(r.status, 201, "JSON post status (%s)" % r.text[:300])
    j = r.json()
    return j["tracking_id"], urllib.parse.urlsplit(j["track_url"]).path


_not_found_body = []


def not_found_body():
    if not _not_found_body:
        r = curl("/no/such/page")
        eq(r.status, 404, "status of an unknown path")
        _not_found_body.append(r.body)
    return _not_found_body[0]


class _ActiveContent(html.parser.HTMLParser):
    """Collects what a browser would execute or load from a page: script
    elements other than our own, embedding elements, event-handler
    attributes and javascript:/data:/vbscript: URLs."""
    OK_SCRIPTS = ("/static/report.js",)
    EMBED = ("iframe", "frame", "object", "embed", "img", "svg", "math",
             "base", "applet", "video", "audio", "source", "style")
    URL_ATTRS = ("href", "src", "action", "formaction", "xlink:href",
                 "poster", "data", "srcset")

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "script" and a.get("src") not in self.OK_SCRIPTS:
            self.found.append("<script %r>" % attrs)
        if tag in self.EMBED:
            self.found.append("<%s %r>" % (tag, attrs))
        if tag == "meta" and "http-equiv" in a:
            self.found.append("<meta http-equiv %r>" % attrs)
        for k, v in attrs:
            if k.startswith("on"):
                self.found.append("<%s %s=%r>" % (tag, k, v))
            if k in self.URL_ATTRS and v and re.match(
                    r"\s*(javascript|vbscript|data):", v, re.I):
                self.found.append("<%s %s=%r>" % (tag, k, v))

    handle_startendtag = handle_starttag


def assert_no_raw_payload(text, where):
    for needle in RAW_NEEDLES:
        i = text.find(needle)
        check(i == -1, "%s contains the raw payload %r: ...%s..." % (
            where, needle, text[max(0, i - 80):i + 80]))
    m = JS_HREF.search(text)
    check(m is None, "%s contains a javascript: URL: ...%s..." % (
        where, text[max(0, m.start() - 80):m.end() + 40] if m else ""))
    p = _ActiveContent()
    p.feed(text)
    p.close()
    check(not p.found, "%s has active content: %s" % (where, p.found[:5]))


# ---------------------------------------------------------------------------
# Tests: basics


def test_healthz():
    r = curl("/healthz")
    eq(r.status, 200, "GET /healthz status")
    eq(r.body, b"ok\n", "GET /healthz body")
    check(r.h("content-type", ).startswith("text/plain"),
          "healthz content type %r" % r.h("content-type"))
    r = curl("/healthz", args=["-I"])
    eq(r.status, 200, "HEAD /healthz status")
    r = curl("/healthz", method="POST", data=b"")
    eq(r.status, 405, "POST /healthz status")


def test_home_and_form_pages():
    r = curl("/")
    eq(r.status, 200, "GET / status")
    r = curl("/report")
    eq(r.status, 200, "GET /report status")
    check(r.h("content-type") == "text/html; charset=utf-8",
          "form content type %r" % r.h("content-type"))
    check('<option value="libtinyparse">' in r.text,
          "the form does not offer the demo product libtinyparse")
    check('action="/report"' in r.text and
          'enctype="multipart/form-data"' in r.text,
          "the form does not post multipart/form-data to /report")


def test_unknown_path_404():
    for p in ("/nope", "/report/x", "/static/", "/static/nope.css",
              "/track/", "/%2e%2e/etc/passwd"):
        r = curl(p)
        eq(r.status, 404, "GET %s status" % p)
    body = not_found_body()
    check(b"Not found" in body, "404 page has no 'Not found' title")
    r = curl("/api/v1/nope")
    eq(r.status, 404, "GET /api/v1/nope status")
    eq(r.json()["error"]["code"], "not_found", "API 404 error code")


def test_unknown_method_405():
    cases = [("DELETE", "/report", {"GET", "POST"}),
             ("PUT", "/report", {"GET", "POST"}),
             ("GET", "/api/v1/reports", {"POST"}),
             ("PATCH", "/api/v1/reports", {"POST"}),
             ("DELETE", "/", {"GET"}),
             ("POST", "/static/vigil.css", {"GET"}),
             ("GET", "/track/VR-2026-0001/messages", {"POST"})]
    for method, path, allow in cases:
        r = curl(path, method=method)
        eq(r.status, 405, "%s %s status" % (method, path))
        a = r.h("allow")
        check(a is not None, "%s %s: 405 without Allow" % (method, path))
        eq({x.strip() for x in a.split(",")}, allow,
           "%s %s Allow header" % (method, path))
    r = curl("/api/v1/reports", method="PUT", data=b"{}",
             ctype="application/json")
    eq(r.json()["error"]["code"], "method_not_allowed", "API 405 code")


# ---------------------------------------------------------------------------
# Tests: intake that succeeds


def test_form_post_with_attachment():
    before = counts()
    att = os.path.join(SRV.tmp, "crash.bin")
    data = secrets.token_bytes(5000) + b"\x00\xff" * 100
    with open(att, "wb") as f:
        f.write(data)
    f = base_fields()
    args = []
    for k, v in f.items():
        args += ["--form-string", "%s=%s" % (k, v)]
    args += ["-F", "attachments=@%s;filename=crash.bin;"
             "type=application/octet-stream" % att, "-H", "Expect:"]
    r = curl("/report", args=args)
    eq(r.status, 201, "form post status (%s)" % r.text[:300])
    check(r.h("content-type") == "text/html; charset=utf-8",
          "confirmation content type %r" % r.h("content-type"))
    tid, link = confirmation(r)
    after = counts()
    eq(after[0] - before[0], 1, "new cases")
    eq(after[1] - before[1], 1, "new attachments")
    row = case_row(tid)
    eq(row["state"], "new", "stored state")
    eq(row["channel"], "web", "stored channel")
    for k in ("reporter_name", "reporter_email", "product", "versions",
              "cwe", "impact", "title", "description", "steps", "poc",
              "root_cause", "publicly_known", "exploited",
              "disclosure_plans", "disclosure_date", "cvss_vector"):
        eq(row[k], f[k], "stored " + k)
    atts = attachments_of(tid)
    eq(len(atts), 1, "stored attachments")
    a = atts[0]
    eq(a["filename"], "crash.bin", "stored file name")
    eq(a["size"], len(data), "stored size")
    eq(a["sha256"], hashlib.sha256(data).hexdigest(), "stored SHA-256")
    eq(bytes.fromhex(a["hex"]), data, "stored attachment bytes")
    check(a["message_id"] is None, "report attachment has a message id")
    toks = sql("SELECT count(*) AS n FROM case_tokens t JOIN cases c ON "
               "c.id = t.case_id WHERE c.tracking_id = %s" % q(tid))
    eq(toks[0]["n"], 1, "tracking tokens stored for the new case")
    # The token is stored hashed only.
    tok = link.rsplit("/", 1)[1]
    raw = sql("SELECT count(*) AS n FROM case_tokens WHERE hex(hash) = %s "
              "OR hash = %s" % (q(tok.encode().hex().upper()), q(tok)))
    eq(raw[0]["n"], 0, "the raw token is stored in case_tokens")
    events = sql("SELECT kind FROM events e JOIN cases c ON c.id = "
                 "e.case_id WHERE c.tracking_id = %s" % q(tid))
    check(any(e["kind"] == "created" for e in events),
          "no 'created' event for the new case")


def test_confirmation_link_points_at_this_server():
    """Without base_url, the link must use the address actually served
    (here 127.0.0.1:<port from --listen>), not the config default."""
    f = base_fields(title="Link origin check for the confirmation")
    r = post_form(list(f.items()))
    eq(r.status, 201, "form post status")
    m = re.search(r'id="track-link" href="([^"]+)"', r.text)
    check(m, "no #track-link on the confirmation page")
    u = urllib.parse.urlsplit(html.unescape(m.group(1)))
    eq("%s://%s" % (u.scheme, u.netloc), SRV.base,
       "origin of the tracking link on the confirmation page")


def test_urlencoded_form_post():
    before = counts()
    f = base_fields(title="Use after free in urlencoded path",
                    description="Freed node is used again when & and = "
                                "appear in a 100% weird+order.")
    r = curl("/report", data=urllib.parse.urlencode(f).encode(),
             ctype="application/x-www-form-urlencoded")
    eq(r.status, 201, "urlencoded post status (%s)" % r.text[:300])
    tid, _ = confirmation(r)
    after = counts()
    eq(after[0] - before[0], 1, "new cases")
    eq(after[1] - before[1], 0, "new attachments")
    row = case_row(tid)
    eq(row["state"], "new", "stored state")
    eq(row["channel"], "web", "stored channel")
    eq(row["title"], f["title"], "stored title")
    eq(row["description"], f["description"], "stored description")


def test_json_post():
    before = counts()
    a1 = secrets.token_bytes(3000)
    a2 = b"GIF89a" + b"\x00" * 50
    j = base_json(attachments=[
        {"filename": "poc.py", "content_type": "text/x-python",
         "data_base64": base64.b64encode(a1).decode()},
        {"filename": "../../etc/shot.gif", "content_type": "image/gif",
         "data_base64": base64.b64encode(a2).decode()}],
        reporter_credit="Team Rocket", steps="Run the decoder on tag.bin.")
    r = post_json(j)
    eq(r.status, 201, "JSON post status (%s)" % r.text[:300])
    check(r.h("content-type", ).startswith("application/json"),
          "JSON response content type %r" % r.h("content-type"))
    o = r.json()
    eq(set(o), {"id", "tracking_id", "track_url", "state"}, "response keys")
    eq(o["state"], "new", "response state")
    check(isinstance(o["id"], int) and o["id"] > 0, "response id %r" % o["id"])
    check(re.fullmatch(r"VR-\d{4}-\d{4,}", o["tracking_id"]),
          "tracking id %r" % o["tracking_id"])
    check(TRACK_RE.search(o["track_url"]) and re.search(
        r"/track/[A-Za-z0-9_-]{43}$", o["track_url"]),
        "track_url %r" % o["track_url"])
    after = counts()
    eq(after[0] - before[0], 1, "new cases")
    eq(after[1] - before[1], 2, "new attachments")
    row = case_row(o["tracking_id"])
    eq(row["id"], o["id"], "stored id")
    eq(row["state"], "new", "stored state")
    eq(row["channel"], "api", "stored channel")
    eq(row["versions"], "2.0.0, 2.0.1", "versions array joined")
    eq(row["reporter_email"], "bob@example.com", "stored e-mail")
    eq(row["credit"], "Team Rocket", "stored credit")
    eq(row["publicly_known"], "no", "stored publicly_known")
    eq(row["product"], "libtinyparse", "stored product")
    atts = attachments_of(o["tracking_id"])
    eq(len(atts), 2, "stored attachments")
    for a, data in zip(atts, (a1, a2)):
        eq(a["size"], len(data), "stored size of %s" % a["filename"])
        eq(a["sha256"], hashlib.sha256(data).hexdigest(),
           "stored SHA-256 of %s" % a["filename"])
        eq(bytes.fromhex(a["hex"]), data, "stored bytes of %s" % a["filename"])
    eq(atts[0]["filename"], "poc.py", "first file name")
    check("/" not in atts[1]["filename"] and ".." not in atts[1]["filename"],
          "path components kept in file name %r" % atts[1]["filename"])


def test_json_unknown_product_becomes_other():
    r = post_json(base_json(product="SomeOtherThing 3000"))
    eq(r.status, 201, "JSON post status (%s)" % r.text[:300])
    row = case_row(r.json()["tracking_id"])
    eq(row["product"], "other", "stored product")
    eq(row["product_other"], "SomeOtherThing 3000", "stored product_other")


def test_assess_stores_nothing():
    before = counts()
    r = post_json(base_json(title="Bug"), path="/api/v1/reports/assess")
    eq(r.status, 200, "assess status")
    o = r.json()
    check("title" in [e.get("field") for e in o.get("errors", [])],
          "assess does not report the short title: %r" % o)
    check(o.get("name") in ("incomplete", "basic", "reproducible", "poc",
                            "root_cause"), "assess tier %r" % o.get("name"))
    r = post_json(base_json(), path="/api/v1/reports/assess")
    eq(r.status, 200, "assess status")
    eq(r.json().get("errors"), [], "errors of a valid report")
    eq(counts(), before, "counts after assess")


def test_form_check_only_stores_nothing():
    before = counts()
    f = base_fields(title="Only checking this report")
    r = post_form(list(f.items()) + [("action", "check")])
    eq(r.status, 200, "check-only status")
    check('id="check-ok"' in r.text, "check-only page has no #check-ok")
    eq(counts(), before, "counts after a check-only post")


# ---------------------------------------------------------------------------
# Tests: validation


def _file(n, fill=b"A"):
    return fill * n


# (name, form fields (None = drop), form files, JSON overrides,
#  expected field, JSON expected field)
VALIDATION = [
    ("missing e-mail", {"reporter_email": None}, (),
     {"reporter_email": None}, "reporter_email", None),
    ("bad e-mail", {"reporter_email": "alice at example"}, (),
     {"reporter_email": "alice@@example..com"}, "reporter_email", None),
    ("missing product", {"product": None}, (), {"product": None},
     "product", None),
    ("product other without product_other", {"product": "other"}, (),
     {"product": "other"}, "product_other", None),
    ("missing versions", {"versions": None}, (), {"versions": None},
     "versions", None),
    ("bad impact", {"impact": "world_domination"}, (),
     {"impact": "world_domination"}, "impact", None),
    ("short title", {"title": "Bug"}, (), {"title": "Bug"}, "title", None),
    ("title with newline", {"title": "Heap overflow\nin parser"}, (),
     {"title": "Heap overflow\nin parser"}, "title", None),
    ("short description", {"description": "Too short."}, (),
     {"description": "Too short."}, "description", None),
    ("missing publicly_known", {"publicly_known": None}, (),
     {"publicly_known": None}, "publicly_known", None),
    ("missing exploited", {"exploited": None}, (), {"exploited": None},
     "exploited", None),
    ("bad cwe", {"cwe": "CWE-999999"}, (), {"cwe": "XSS"}, "cwe", None),
    ("bad disclosure_date", {"disclosure_date": "2026-02-30"}, (),
     {"disclosure_date": "2026-02-30"}, "disclosure_date", None),
    ("bad cvss vector", {"cvss_vector": "CVSS:3.1/AV:N/AC:X"}, (),
     {"cvss_vector": "CVSS:3.1/AV:N/AC:X"}, "cvss_vector", None),
    ("pgp key garbage", {"reporter_pgp_key": "this is not a key <b>at all</b>"},
     (), {"reporter_pgp_key": "this is not a key"}, "reporter_pgp_key",
     None),
    ("bidi override in title",
     {"title": "Heap overflow \u202eflesrap ni"}, (),
     {"title": "Heap overflow \u202eflesrap ni"}, "title", None),
    ("too many attachments", {},
     [("attachments", "f%d.txt" % i, "text/plain", _file(10))
      for i in range(MAX_ATTACHMENTS + 1)],
     {"attachments": [{"filename": "f%d.txt" % i,
                       "data_base64": base64.b64encode(b"x" * 10).decode()}
                      for i in range(MAX_ATTACHMENTS + 1)]},
     "attachments", None),
    ("oversize attachment", {},
     [("attachments", "big.bin", "application/octet-stream",
       _file(MAX_ATTACHMENT + 1))],
     {"attachments": [{"filename": "big.bin", "data_base64":
                       base64.b64encode(b"B" * (MAX_ATTACHMENT + 1))
                       .decode()}]},
     "attachments", None),
    ("empty attachment", {},
     [("attachments", "empty.txt", "text/plain", b"")],
     {"attachments": [{"filename": "empty.txt", "data_base64": ""}]},
     "attachments", None),
]

TEXT_INPUTS = ("reporter_name", "reporter_email", "reporter_credit",
               "product_other",
               "versions", "title", "cvss_vector", "disclosure_date")
TEXTAREAS = ("reporter_pgp_key", "description", "steps", "poc", "root_cause",
             "disclosure_plans")


def display_name(fname):
    """core_filename_sanitize() for plain ASCII names: last path
    component, Windows-reserved characters and the quote become '_',
    leading and trailing dots and spaces go."""
    base = re.split(r"[/\\]", fname)[-1]
    base = re.sub(r'["*:<>?|]', "_", base.lstrip(". "))
    return base.rstrip(". ") or "attachment"


def assert_values_kept(page, fields, files, where, skip=()):
    """Every typed value is in the re-shown form."""
    for k, v in fields.items():
        if k in skip:
            continue
        if k in TEXT_INPUTS:
            check('name="%s"' % k in page and 'value="%s"' % esc(v) in page,
                  "%s: value of %s not kept (%r)" % (where, k, v))
        elif k in TEXTAREAS:
            check(re.search(r'name="%s"[^>]*>%s</textarea>' % (
                k, re.escape(esc(v))), page),
                "%s: text of %s not kept (%r)" % (where, k, v))
        elif k in ("product", "cwe", "impact"):
            if k == "impact" and v == "world_domination":
                continue        # not in the list, cannot be selected
            if k == "cwe" and v == "CWE-999999":
                continue
            check('<option value="%s" selected>' % esc(v) in page,
                  "%s: choice %s=%r not kept" % (where, k, v))
        elif k in ("publicly_known", "exploited"):
            check(re.search(r'name="%s" value="%s" checked' % (k, v), page),
                  "%s: answer %s=%r not kept" % (where, k, v))
    for _, fname, _, data in files:
        if not data:
            continue
        check(re.search(r'<input type="hidden" name="kept" value="[^"]+">'
                        r'📎 %s \(%d bytes\)' % (re.escape(esc(display_name(
                            fname))),
                                                 len(data)), page),
              "%s: attached file %s not kept" % (where, fname))


def _form_case(name, fdrop, files, field):
    f = base_fields(**fdrop)
    before = counts()
    r = post_form(list(f.items()), files)
    eq(r.status, 422, "form '%s' status" % name)
    eq(counts(), before, "counts after the rejected form '%s' "
       "(something was stored)" % name)
    page = r.text
    check('id="error-summary"' in page,
          "form '%s': no error summary" % name)
    m = re.search(r'<p class="field-error" id="e-%s">([^<]+)</p>' % field,
                  page)
    check(m, "form '%s': no message beside field %s" % (name, field))
    check('href="#f-%s"' % field in page,
          "form '%s': summary does not link to #f-%s" % (name, field))
    # "Beside the field": the message sits in the same <div class="field
    # invalid"> as the field's input, after it.
    check(re.search(r'<div class="field invalid"[^>]*>(?:(?!<div class='
                    r'"field).)*?name="%s"(?:(?!<div class="field).)*?'
                    r'id="e-%s"' % (field, field), page, re.S),
          "form '%s': the message is not inside the %s field's block" % (
              name, field))
    assert_values_kept(page, f, files, "form '%s'" % name)
    return r


def _json_case(name, jover, field, alt):
    before = counts()
    r = post_json(base_json(**jover))
    eq(r.status, 422, "JSON '%s' status (%s)" % (name, r.text[:200]))
    eq(counts(), before, "counts after the rejected JSON '%s'" % name)
    check(r.h("content-type").startswith("application/json"),
          "JSON '%s' content type" % name)
    e = r.json().get("error")
    check(isinstance(e, dict), "JSON '%s': no error object" % name)
    eq(e.get("code"), "validation_failed", "JSON '%s' code" % name)
    names = alt or (field,)
    check(e.get("field") in names, "JSON '%s' field: got %r, want %r" % (
        name, e.get("field"), names))
    check(isinstance(e.get("message"), str) and e["message"],
          "JSON '%s': no message" % name)
    errs = e.get("errors")
    check(isinstance(errs, list) and errs, "JSON '%s': no errors list" % name)
    ent = [x for x in errs if x.get("field") in names]
    check(ent and isinstance(ent[0].get("message"), str) and
          ent[0]["message"], "JSON '%s': errors list lacks %s" % (name, names))
    check(e["message"] in [x.get("message") for x in errs],
          "JSON '%s': message not in errors" % name)


def _make_validation_test(idx, kind):
    name, fdrop, files, jover, field, alt = VALIDATION[idx]

    def t():
        if kind == "form":
            _form_case(name, fdrop, files, field)
        else:
            _json_case(name, jover, field, alt)
    t.__name__ = "test_%s_validation_%s" % (
        kind, re.sub(r"\W+", "_", name))
    return t


def test_form_many_errors_at_once():
    before = counts()
    f = base_fields(reporter_email="nope", title="x", versions=None,
                    exploited=None)
    r = post_form(list(f.items()))
    eq(r.status, 422, "status")
    eq(counts(), before, "counts")
    for fld in ("reporter_email", "title", "versions", "exploited"):
        check('id="e-%s"' % fld in r.text, "no message beside %s" % fld)
    check('id="e-description"' not in r.text, "a valid field is flagged")


def test_form_kept_files_survive_resubmission():
    """A file attached to a rejected form comes back as a hidden 'kept'
    field; sending the corrected form stores it intact."""
    data = secrets.token_bytes(2000)
    f = base_fields(title="Bug")
    r = post_form(list(f.items()),
                  [("attachments", "kept.bin", "application/octet-stream",
                    data)])
    eq(r.status, 422, "first post status")
    kept = re.findall(r'name="kept" value="([^"]+)"', r.text)
    eq(len(kept), 1, "kept hidden fields")
    before = counts()
    f["title"] = "A proper title for the kept test"
    r = post_form(list(f.items()) + [("kept", html.unescape(kept[0]))])
    eq(r.status, 201, "second post status (%s)" % r.text[:200])
    tid, _ = confirmation(r)
    eq(counts()[1] - before[1], 1, "new attachments")
    a = attachments_of(tid)
    eq(len(a), 1, "stored attachments")
    eq((a[0]["filename"], a[0]["size"], a[0]["sha256"]),
       ("kept.bin", len(data), hashlib.sha256(data).hexdigest()),
       "stored kept file")


def test_form_field_names_match_server():
    """Every field the form offers must be one the server reads: a
    typed value must be stored (and kept when the form is re-shown)."""
    r = curl("/report")
    names = set(re.findall(r'<(?:input|textarea|select)[^>]*\sname="'
                           r'([a-z_]+)"', r.text))
    check({"reporter_name", "reporter_email", "title"} <= names,
          "form field names not found: %r" % sorted(names))
    key = ("-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nmQENBF0000000\n"
           "-----END PGP PUBLIC KEY BLOCK-----\n")
    f = base_fields(title="Field names round trip check")
    # Regression: the form once posted "pgp_key" and "credit", which the
    # server does not read, so both were silently dropped.
    form_name = {"pgp_key": "reporter_pgp_key", "credit": "reporter_credit"}
    for k in form_name.values():
        check(k in names, "the form has no %s field (has %r)" % (
            k, sorted(names)))
    f[form_name["pgp_key"]] = key
    f[form_name["credit"]] = "Credit Line Ltd"
    r = post_form(list(f.items()))
    eq(r.status, 201, "post status (%s)" % r.text[:200])
    tid, _ = confirmation(r)
    row = case_row(tid)
    problems = []
    if row["pgp_key"] != key:
        problems.append("pgp_key typed in the form was stored as %r" %
                        row["pgp_key"])
    if row["credit"] != "Credit Line Ltd":
        problems.append("credit typed in the form was stored as %r" %
                        row["credit"])
    check(not problems, "; ".join(problems))


# ---------------------------------------------------------------------------
# Tests: transport errors


def test_oversize_content_length_413():
    before = counts()
    big = b"x" * (MAX_BODY + 1)
    for path, ct in (("/api/v1/reports", "application/json"),
                     ("/report", "application/x-www-form-urlencoded")):
        for expect in ("Expect: 100-continue", "Expect:"):
            r = curl(path, data=big, ctype=ct, args=["-H", expect])
            eq(r.status, 413, "POST %s (%s) status" % (path, expect))
    r = curl("/api/v1/reports", data=big, ctype="application/json")
    eq(r.json()["error"]["code"], "too_large", "API 413 code")
    # A declared length over the limit is refused before any byte is read.
    r = curl("/report", data=b"a=b", ctype="application/x-www-form-urlencoded",
             args=["-H", "Content-Length: %d" % (50 * MAX_BODY)], timeout=5)
    eq(r.status, 413, "declared Content-Length over the limit")
    # A JSON attachment far over max_attachment is refused cleanly
    # (413 by the size pre-check, or 422) and points at "attachments".
    r = post_json(base_json(attachments=[{
        "filename": "huge.bin", "data_base64": base64.b64encode(
            b"H" * (2 * MAX_ATTACHMENT)).decode()}]))
    check(r.status in (413, 422), "JSON huge attachment status %d" %
          r.status)
    eq(r.json()["error"]["field"], "attachments", "JSON huge attachment field")
    eq(counts(), before, "counts after 413s")


def test_oversize_chunked_413():
    before = counts()
    # A valid-looking multipart whose one file makes it too large.
    f = base_fields(title="Chunked oversize body")
    ct, body = multipart(list(f.items()), [
        ("attachments", "huge.bin", "application/octet-stream",
         b"Z" * (MAX_BODY + 10))])
    r = curl("/report", data=body, ctype=ct,
             args=["-H", "Transfer-Encoding: chunked", "-H", "Expect:"])
    eq(r.status, 413, "chunked form status")
    j = json.dumps(base_json(description="D" * (MAX_BODY + 10))).encode()
    r = curl("/api/v1/reports", data=j, ctype="application/json",
             args=["-H", "Transfer-Encoding: chunked"])
    eq(r.status, 413, "chunked JSON status")
    eq(r.json()["error"]["code"], "too_large", "chunked JSON code")
    eq(counts(), before, "counts after chunked 413s")


def test_just_under_limit_is_accepted():
    """A request just under max_request_body is read (not 413)."""
    data = b"Q" * (MAX_ATTACHMENT - 100)
    f = base_fields(title="Just under the body limit")
    r = post_form(list(f.items()), [
        ("attachments", "a%d.bin" % i, "application/octet-stream", data)
        for i in range(MAX_ATTACHMENTS)])
    eq(r.status, 201, "status")


def test_wrong_content_type_415():
    before = counts()
    r = curl("/api/v1/reports", data=json.dumps(base_json()).encode(),
             ctype="text/plain")
    eq(r.status, 415, "JSON API with text/plain")
    eq(r.json()["error"]["code"], "unsupported_media_type", "API 415 code")
    r = curl("/api/v1/reports", data=json.dumps(base_json()).encode(),
             ctype="application/x-www-form-urlencoded")
    eq(r.status, 415, "JSON API with a form content type")
    r = curl("/api/v1/reports", data=json.dumps(base_json()).encode(),
             args=["-H", "Content-Type:"])
    eq(r.status, 415, "JSON API without a content type")
    r = curl("/report", data=json.dumps(base_fields()).encode(),
             ctype="application/json")
    eq(r.status, 415, "form with application/json")
    check("text/html" in r.h("content-type"), "form 415 is not HTML")
    r = curl("/report", data=b"title=x", ctype="text/plain")
    eq(r.status, 415, "form with text/plain")
    eq(counts(), before, "counts after 415s")


def test_malformed_json_400():
    before = counts()
    for body in (b'{"title": "x",', b"not json", b"\xff\xfe{}",
                 b"[1, 2, 3]", b'"a string"',
                 b'{"title": "a", "title": "b"}'):
        r = post_json(body)
        eq(r.status, 400, "status for %r" % body)
        check(r.h("content-type").startswith("application/json"),
              "content type for %r" % body)
        e = r.json().get("error", {})
        eq(e.get("code"), "bad_json", "code for %r" % body)
        check(isinstance(e.get("message"), str) and e["message"],
              "no message for %r" % body)
    for bad in ({"title": 5}, {"versions": [1, 2]}, {"publicly_known": "no"},
                {"reporter": "me"}, {"attachments": {}},
                {"attachments": [{"filename": "a"}]},
                {"attachments": [{"filename": "a", "data_base64": "!!!"}]}):
        r = post_json(base_json(**bad))
        eq(r.status, 400, "status for %r" % bad)
        eq(r.json()["error"]["code"], "bad_json", "code for %r" % bad)
    eq(counts(), before, "counts after malformed JSON")


def test_duplicate_form_field_400():
    before = counts()
    f = list(base_fields().items()) + [("title", "A second title here")]
    r = post_form(f)
    eq(r.status, 400, "multipart duplicate status")
    check("text/html" in r.h("content-type"), "not HTML")
    r = curl("/report", data=urllib.parse.urlencode(f).encode(),
             ctype="application/x-www-form-urlencoded")
    eq(r.status, 400, "urlencoded duplicate status")
    eq(counts(), before, "counts after duplicate fields")


def test_malformed_multipart_400():
    before = counts()
    f = base_fields()
    ct, body = multipart(list(f.items()))
    r = curl("/report", data=body[:-30], ctype=ct)
    eq(r.status, 400, "truncated multipart status")
    r = curl("/report", data=body, ctype="multipart/form-data")
    eq(r.status, 400, "multipart without boundary status")
    r = curl("/report", data=body.replace(b"\r\n", b"\n"), ctype=ct)
    eq(r.status, 400, "LF-only multipart status")
    eq(counts(), before, "counts after malformed multipart")


# ---------------------------------------------------------------------------
# Tests: stored XSS


def payload_fields():
    md = "%s\n\n%s\n\n%s %s %s\n" % (P_JSLINK, P_IFRAME, P_SCRIPT, P_IMG,
                                      P_ATTR)
    return base_fields(
        reporter_name="%s %s" % (P_SCRIPT, P_ATTR),
        reporter_credit="%s %s" % (P_IMG, P_ATTR),
        product="other",
        product_other="%s %s" % (P_ATTR, P_SCRIPT),
        versions="javascript:alert(1) %s" % P_IMG,
        title="%s %s" % (P_SCRIPT, P_IMG),
        description="Description with payloads.\n\n" + md,
        steps="1. Open the page\n\n" + md,
        poc="%s\n%s\n%s\n%s" % (P_SCRIPT, P_IMG, P_ATTR, P_JSLINK),
        root_cause="Root cause.\n\n" + md,
        disclosure_plans="%s %s %s" % (P_SCRIPT, P_JSLINK, P_ATTR),
        cvss_vector=None, cwe="CWE-79")


PAYLOAD_FILES = [
    ("attachments", P_IMG + ".txt", "text/html", b"<script>alert(1)</script>"),
    ("attachments", P_ATTR + ".svg", "image/svg+xml",
     b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'),
]

XSS_STATE = {}


def test_xss_payloads_escaped_in_reshown_form():
    f = payload_fields()
    f.pop("exploited")          # one error, so the form comes back
    r = post_form(list(f.items()), PAYLOAD_FILES)
    eq(r.status, 422, "status (%s)" % r.text[:200])
    assert_no_raw_payload(r.text, "re-shown form")
    assert_values_kept(r.text, f, PAYLOAD_FILES, "re-shown form")
    check(esc(P_SCRIPT) in r.text, "escaped payload not in re-shown form")


def test_xss_payloads_escaped_on_confirmation_and_tracking_page():
    f = payload_fields()
    r = post_form(list(f.items()), PAYLOAD_FILES)
    eq(r.status, 201, "status (%s)" % r.text[:300])
    assert_no_raw_payload(r.text, "confirmation page")
    tid, link = confirmation(r)
    row = case_row(tid)
    eq(row["title"], f["title"], "the title is stored verbatim")
    eq(row["description"], f["description"], "description stored verbatim")
    jar, loc, _ = open_case(link)
    page = curl(loc, jar=jar)
    eq(page.status, 200, "tracking page status")
    t = page.text
    assert_no_raw_payload(t, "tracking page")
    for label, v in (("title", f["title"]), ("versions", f["versions"]),
                     ("product_other", f["product_other"]),
                     ("disclosure_plans", f["disclosure_plans"])):
        check(esc(v) in t, "tracking page does not show the escaped %s" %
              label)
    check(esc(f["poc"]) in t, "tracking page does not show the escaped PoC")
    # Markdown: the link text survives, the script/iframe don't run.
    check("&lt;script&gt;alert(1)&lt;/script&gt;" in t,
          "escaped script text missing from the tracking page")
    stored = [a["filename"] for a in attachments_of(tid)]
    eq(stored, [display_name(x[1]) for x in PAYLOAD_FILES],
       "stored (sanitized) file names")
    for fname in stored:
        check(esc(fname) in t, "file name %r not shown escaped" % fname)
    XSS_STATE.update(tid=tid, jar=jar, loc=loc)


def test_xss_payloads_via_json_escaped_on_tracking_page():
    f = payload_fields()
    j = base_json(
        reporter_name=f["reporter_name"], reporter_credit=f["reporter_credit"],
        product=f["product_other"], versions=[P_SCRIPT, P_IMG, P_ATTR],
        title=f["title"], description=f["description"], steps=f["steps"],
        poc=f["poc"], root_cause=f["root_cause"],
        disclosure_plans=f["disclosure_plans"],
        attachments=[{"filename": fn, "content_type": ct,
                      "data_base64": base64.b64encode(d).decode()}
                     for _, fn, ct, d in PAYLOAD_FILES])
    r = post_json(j)
    eq(r.status, 201, "status (%s)" % r.text[:300])
    o = r.json()
    row = case_row(o["tracking_id"])
    eq(row["product"], "other", "stored product")
    eq(row["product_other"], f["product_other"], "stored product_other")
    jar, loc, _ = open_case(urllib.parse.urlsplit(o["track_url"]).path)
    page = curl(loc, jar=jar)
    eq(page.status, 200, "tracking page status")
    assert_no_raw_payload(page.text, "tracking page of a JSON report")
    check(esc(row["versions"]) in page.text, "versions not shown escaped")
    check(esc(f["title"]) in page.text, "title not shown escaped")


def test_xss_in_message_escaped():
    check(XSS_STATE, "previous test did not leave a case")
    jar, loc = XSS_STATE["jar"], XSS_STATE["loc"]
    page = curl(loc, jar=jar)
    csrf = re.search(r'name="csrf" value="([0-9a-f]{64})"', page.text)
    check(csrf, "no csrf field on the tracking page")
    body = "Reply: %s %s %s %s %s" % (P_SCRIPT, P_IMG, P_ATTR, P_JSLINK,
                                       P_IFRAME)
    r = post_form([("csrf", csrf.group(1)), ("body", body)],
                  [("attachments", P_SCRIPT + P_IMG + ".html", "text/html",
                    b"<b>hi</b>")],
                  path=loc + "/messages", jar=jar)
    eq(r.status, 303, "message post status")
    page = curl(loc, jar=jar)
    eq(page.status, 200, "tracking page status")
    assert_no_raw_payload(page.text, "tracking page with a message")
    check("Reply: " in page.text, "the message is not shown")


# ---------------------------------------------------------------------------
# Tests: tracking links


TRACK = {}


def _track_setup():
    if TRACK:
        return TRACK
    da = b"case A evidence " + secrets.token_bytes(100)
    db = b"case B evidence " + secrets.token_bytes(100)
    ta, la = api_case_with_attachment(da, "a.bin")
    tb, lb = api_case_with_attachment(db, "b.bin")
    TRACK.update(ta=ta, la=la, da=da, tb=tb, lb=lb, db=db)
    return TRACK


def _cookie_from_jar(jar, tid):
    for line in open(jar):
        parts = line.rstrip("\n").split("\t")
        if len(parts) == 7 and parts[5] == "vt_" + tid:
            return parts[6]
    raise TestFailure("no vt_%s cookie in the jar" % tid)


def test_track_token_swap():
    s = _track_setup()
    jar, loc, r = open_case(s["la"])
    eq(loc, "/track/" + s["ta"], "Location after the swap")
    token = s["la"].rsplit("/", 1)[1]
    check(token not in (r.h("location") or ""), "token in Location")
    sc = r.hall("set-cookie")
    eq(len(sc), 1, "Set-Cookie headers")
    c = sc[0]
    attrs = [a.strip() for a in c.split(";")]
    name, _, value = attrs[0].partition("=")
    eq(name, "vt_" + s["ta"], "cookie name")
    check(re.fullmatch(r"[A-Za-z0-9_-]{43,}", value),
          "cookie value %r is not a 256-bit token" % value)
    check(value != token, "the cookie holds the link token itself")
    low = [a.lower() for a in attrs[1:]]
    check("httponly" in low, "cookie not HttpOnly: %s" % c)
    check("samesite=strict" in low, "cookie not SameSite=Strict: %s" % c)
    check("path=/track/%s" % s["ta"].lower() in low,
          "cookie not scoped to /track/%s: %s" % (s["ta"], c))
    check(any(a.startswith("max-age=") and int(a[8:]) > 0 for a in low),
          "cookie has no positive Max-Age: %s" % c)
    check(not r.body, "redirect has a body")
    page = curl(loc, jar=jar)
    eq(page.status, 200, "tracking page with the cookie")
    check(s["ta"] in page.text, "tracking page does not show its id")
    check("Out-of-bounds read in the tag decoder" in page.text,
          "tracking page does not show the title")
    check(token not in page.text, "the secret token is on the page")
    sess = sql("SELECT count(*) AS n FROM track_sessions s JOIN cases c ON "
               "c.id = s.case_id WHERE c.tracking_id = %s" % q(s["ta"]))
    check(sess[0]["n"] >= 1, "no track session stored")
    s["jar_a"] = jar
    s["secret_a"] = _cookie_from_jar(jar, s["ta"])
    jar_b, loc_b, _ = open_case(s["lb"])
    eq(loc_b, "/track/" + s["tb"], "Location for case B")
    s["jar_b"] = jar_b
    s["secret_b"] = _cookie_from_jar(jar_b, s["tb"])


def _needs_cookies():
    s = _track_setup()
    if "secret_a" not in s:
        test_track_token_swap()
    return s


def test_track_page_needs_cookie():
    s = _needs_cookies()
    nf = not_found_body()
    r = curl("/track/" + s["ta"])
    eq(r.status, 404, "tracking page without a cookie")
    eq(r.body, nf, "404 body without a cookie (must equal any 404)")
    r = curl("/track/" + s["ta"], cookie="vt_%s=%s" % (
        s["ta"], secrets.token_urlsafe(32)))
    eq(r.status, 404, "tracking page with a forged cookie")
    eq(r.body, nf, "404 body with a forged cookie")
    for p in ("/track/VR-2026-99999", "/track/XX-2026-0001",
              "/track/VR-2026-0001x"):
        r = curl(p, cookie="vt_%s=%s" % (s["ta"], s["secret_a"]))
        eq(r.status, 404, "GET %s" % p)
        eq(r.body, nf, "404 body of %s" % p)


def test_cookie_of_one_case_cannot_open_another():
    s = _needs_cookies()
    nf = not_found_body()
    # A's cookie, under A's name, sent to B's page.
    r = curl("/track/" + s["tb"], cookie="vt_%s=%s" % (s["ta"],
                                                         s["secret_a"]))
    eq(r.status, 404, "B's page with A's cookie")
    eq(r.body, nf, "404 body for B with A's cookie")
    # A's secret under B's cookie name.
    r = curl("/track/" + s["tb"], cookie="vt_%s=%s" % (s["tb"],
                                                         s["secret_a"]))
    eq(r.status, 404, "B's page with A's secret renamed")
    eq(r.body, nf, "404 body for B with A's secret renamed")
    # The jar of A (cookie path-scoped to A) does not open B either.
    r = curl("/track/" + s["tb"], jar=s["jar_a"])
    eq(r.status, 404, "B's page with A's cookie jar")
    # ...and it still opens A, and B's still opens B.
    eq(curl("/track/" + s["ta"], jar=s["jar_a"]).status, 200, "A with A")
    eq(curl("/track/" + s["tb"], jar=s["jar_b"]).status, 200, "B with B")
    # A demo case is not reachable with A's secret.
    for tid in SRV.demo_links:
        r = curl("/track/" + tid, cookie="vt_%s=%s" % (tid, s["secret_a"]))
        eq(r.status, 404, "demo case %s with A's secret" % tid)


def test_random_token_404():
    nf = not_found_body()
    for _ in range(3):
        r = curl("/track/" + secrets.token_urlsafe(32))
        eq(r.status, 404, "random token status")
        eq(r.body, nf, "random token 404 body")
        check(not r.hall("set-cookie"), "random token set a cookie")
    for bad in ("A" * 43, "-" * 43, "%41" * 10, "A" * 42, "A" * 44):
        r = curl("/track/" + bad)
        eq(r.status, 404, "token %r status" % bad)
        eq(r.body, nf, "token %r 404 body" % bad)


def test_demo_links_open_their_cases():
    check(SRV.demo_links, "vigil demo printed no /track/ links")
    tid, link = sorted(SRV.demo_links.items())[0]
    jar, loc, _ = open_case(link)
    eq(loc, "/track/" + tid, "demo link Location")
    eq(curl(loc, jar=jar).status, 200, "demo case page")


def _attachment_ids(page, tid):
    return [int(x) for x in re.findall(
        r'href="/track/%s/attachments/(\d+)"' % re.escape(tid), page)]


def test_attachment_download():
    s = _needs_cookies()
    page = curl("/track/" + s["ta"], jar=s["jar_a"])
    ids = _attachment_ids(page.text, s["ta"])
    eq(len(ids), 1, "attachment links on A's page")
    r = curl("/track/%s/attachments/%d" % (s["ta"], ids[0]), jar=s["jar_a"])
    eq(r.status, 200, "download status")
    eq(r.body, s["da"], "downloaded bytes")
    eq(r.h("content-type"), "application/octet-stream", "content type")
    cd = r.h("content-disposition") or ""
    check(cd.startswith("attachment"), "Content-Disposition %r" % cd)
    check('filename="a.bin"' in cd, "Content-Disposition file name %r" % cd)
    check("sandbox" in [c.strip() for c in r.hall("content-security-policy")],
          "no Content-Security-Policy: sandbox (got %r)" %
          r.hall("content-security-policy"))
    eq(r.h("x-content-type-options"), "nosniff", "nosniff")
    # Without the cookie: the same 404 as anything else.
    r = curl("/track/%s/attachments/%d" % (s["ta"], ids[0]))
    eq(r.status, 404, "download without a cookie")
    eq(r.body, not_found_body(), "download 404 body")
    for bad in ("0", "-1", "abc", "1e3", str(2 ** 63), "99999999"):
        r = curl("/track/%s/attachments/%s" % (s["ta"], bad),
                 jar=s["jar_a"])
        eq(r.status, 404, "attachment id %r" % bad)


def test_attachment_download_names_are_safe():
    check(XSS_STATE, "the XSS case is missing")
    page = curl(XSS_STATE["loc"], jar=XSS_STATE["jar"])
    ids = _attachment_ids(page.text, XSS_STATE["tid"])
    check(ids, "no attachment links on the XSS case page")
    for i in ids:
        r = curl("%s/attachments/%d" % (XSS_STATE["loc"], i),
                 jar=XSS_STATE["jar"])
        eq(r.status, 200, "download %d" % i)
        cd = r.h("content-disposition") or ""
        check(cd.startswith("attachment; filename=\""), "CD %r" % cd)
        m = re.match(r'attachment; filename="([^"\\]*)"; '
                     r"filename\*=UTF-8''([A-Za-z0-9._%-]*)$", cd)
        check(m, "Content-Disposition not well formed: %r" % cd)
        eq(r.h("content-type"), "application/octet-stream", "content type")


def test_attachment_of_other_case_404():
    s = _needs_cookies()
    rows = attachments_of(s["tb"])
    eq(len(rows), 1, "B's attachments in the database")
    bid = rows[0]["id"]
    r = curl("/track/%s/attachments/%d" % (s["ta"], bid), jar=s["jar_a"])
    eq(r.status, 404, "B's attachment through A's URL")
    eq(r.body, not_found_body(), "404 body")
    r = curl("/track/%s/attachments/%d" % (s["tb"], bid),
             cookie="vt_%s=%s" % (s["tb"], s["secret_a"]))
    eq(r.status, 404, "B's attachment with A's secret")
    r = curl("/track/%s/attachments/%d" % (s["tb"], bid), jar=s["jar_b"])
    eq(r.status, 200, "B's attachment with B's cookie")
    eq(r.body, s["db"], "B's bytes")


def test_track_message_csrf():
    s = _needs_cookies()
    loc = "/track/" + s["ta"]
    page = curl(loc, jar=s["jar_a"])
    m = re.search(r'name="csrf" value="([0-9a-f]{64})"', page.text)
    check(m, "no csrf field on the tracking page")
    csrf = m.group(1)

    def nmsg():
        return sql("SELECT count(*) AS n FROM messages m JOIN cases c ON "
                   "c.id = m.case_id WHERE c.tracking_id = %s" %
                   q(s["ta"]))[0]["n"]
    before = nmsg()
    r = post_form([("body", "no csrf here")], path=loc + "/messages",
                  jar=s["jar_a"])
    eq(r.status, 403, "message without csrf")
    r = post_form([("csrf", "0" * 64), ("body", "bad csrf")],
                  path=loc + "/messages", jar=s["jar_a"])
    eq(r.status, 403, "message with a bad csrf")
    r = post_form([("csrf", csrf[:-1] + ("0" if csrf[-1] != "0" else "1")),
                   ("body", "almost csrf")], path=loc + "/messages",
                  jar=s["jar_a"])
    eq(r.status, 403, "message with a one-digit-off csrf")
    # B's csrf with B's cookie is fine for B but not for A.
    pb = curl("/track/" + s["tb"], jar=s["jar_b"])
    csrf_b = re.search(r'name="csrf" value="([0-9a-f]{64})"', pb.text).group(1)
    r = post_form([("csrf", csrf_b), ("body", "cross csrf")],
                  path=loc + "/messages", jar=s["jar_a"])
    eq(r.status, 403, "A's message form with B's csrf")
    # No cookie at all: the case does not exist.
    r = post_form([("csrf", csrf), ("body", "no cookie")],
                  path=loc + "/messages")
    eq(r.status, 404, "message without a cookie")
    eq(nmsg(), before, "messages stored by refused posts")
    text = "Thanks! Here is a **second** crash " + secrets.token_hex(4)
    r = post_form([("csrf", csrf), ("body", text)], path=loc + "/messages",
                  jar=s["jar_a"])
    eq(r.status, 303, "message with csrf")
    eq(r.h("location"), loc + "#messages", "Location after the message")
    eq(nmsg(), before + 1, "messages stored")
    page = curl(loc, jar=s["jar_a"])
    eq(page.status, 200, "page after the message")
    check(text.split("**")[2] in page.text and "<strong>second</strong>" in
          page.text, "the message does not show up")
    check("You sent a message" in page.text, "no timeline entry")
    # Not on B's page.
    pb = curl("/track/" + s["tb"], jar=s["jar_b"])
    check(text.split("**")[2] not in pb.text, "A's message shows up on B")


# ---------------------------------------------------------------------------
# Tests: headers


def test_static_assets_cache_and_etag():
    for name in ("vigil.css", "report.js", "favicon.svg"):
        r = curl("/static/" + name)
        eq(r.status, 200, "GET /static/%s" % name)
        want = open(os.path.join(ROOT, "static", name), "rb").read()
        eq(r.body, want, "bytes of /static/%s" % name)
        etag = r.h("etag")
        check(etag and re.fullmatch(r'"[^"]+"', etag), "ETag %r" % etag)
        cc = ", ".join(r.hall("cache-control"))
        check("max-age=" in cc and "no-store" not in cc,
              "Cache-Control of /static/%s: %r" % (name, cc))
        r2 = curl("/static/" + name, args=["-H", "If-None-Match: " + etag])
        eq(r2.status, 304, "conditional GET /static/%s" % name)
        eq(r2.body, b"", "304 body")
        eq(r2.h("etag"), etag, "ETag on the 304")
        cc2 = r2.hall("cache-control")
        check(cc2 and all("no-store" not in c for c in cc2) and
              any("max-age=" in c for c in cc2),
              "the 304 for /static/%s must carry the same caching headers "
              "as the 200 (no no-store), got Cache-Control %r" % (name, cc2))
        r3 = curl("/static/" + name, args=["-H", 'If-None-Match: "nope"'])
        eq(r3.status, 200, "GET with a stale ETag")
    r = curl("/static/vigil.css")
    check(r.h("content-type").startswith("text/css"), "css content type")
    r = curl("/static/report.js")
    check(r.h("content-type").startswith("text/javascript"), "js type")


def test_log_injection_request():
    """Control characters in the path reach the log encoded (checked in
    server_log_clean after the server stops)."""
    r = curl("/%1b[31mINJECTED%0d%0aFAKE-LOG-LINE%0a")
    eq(r.status, 404, "status")
    r = curl("/track/%1b[2J%0aFAKE-LOG-LINE")
    eq(r.status, 404, "status under /track/")


def log_problems(text):
    """Problems in the server's log (stderr at level debug)."""
    p = []
    leaked = sorted(x for x in SECRETS if x in text)
    if leaked:
        p.append("%d secret(s) (tracking tokens, cookie secrets or CSRF "
                 "tokens) appear in the log, e.g. %s..." % (
                     len(leaked), leaked[0][:12]))
    if "\x1b" in text:
        p.append("a raw ESC character reached the log")
    if re.search(r"^FAKE-LOG-LINE", text, re.M):
        p.append("a CR/LF from the request path started a new log line")
    if not re.search(r"vigil\[debug\] GET ", text):
        p.append("no access-log lines at level debug (the check is void)")
    return p


def _header_problems(r):
    p = []
    csps = r.hall("content-security-policy")
    main = [c for c in csps if c.strip() != "sandbox"]
    if not main:
        p.append("no Content-Security-Policy")
    for c in csps:
        if "unsafe-inline" in c or "unsafe-eval" in c:
            p.append("CSP allows unsafe-inline/eval: %r" % c)
    if main and not any("frame-ancestors 'none'" in c for c in main):
        p.append("CSP without frame-ancestors 'none'")
    if r.h("x-content-type-options") != "nosniff":
        p.append("X-Content-Type-Options %r" % r.h("x-content-type-options"))
    if r.h("referrer-policy") != "no-referrer":
        p.append("Referrer-Policy %r" % r.h("referrer-policy"))
    is_static = (r.url.startswith("/static/") and r.status in (200, 304))
    cc = ", ".join(r.hall("cache-control"))
    if not is_static and "no-store" not in cc:
        p.append("Cache-Control %r (want no-store)" % cc)
    if r.h("server") and re.search(r"\d", r.h("server")):
        p.append("version banner in Server: %r" % r.h("server"))
    if r.status >= 200 and r.status not in (204, 304) and \
            r.method != "HEAD" and r.body and not r.h("content-type"):
        p.append("no Content-Type")
    ct = r.h("content-type") or ""
    if ct.startswith("text/") and "charset=utf-8" not in ct:
        p.append("text type without charset: %r" % ct)
    return p


def test_security_headers_on_every_response():
    """Audits every response the tests above fetched (runs last)."""
    check(len(RESPONSES) > 50, "too few responses recorded (%d)" %
          len(RESPONSES))
    bad = []
    for r in RESPONSES:
        pr = _header_problems(r)
        if pr:
            bad.append("%s %s -> %d: %s" % (r.method, r.url[:60], r.status,
                                              "; ".join(pr)))
    # Group identical problems so the report stays short.
    uniq = []
    for b in bad:
        if b not in uniq:
            uniq.append(b)
    check(not uniq, "%d of %d responses lack security headers:\n    %s" % (
        len(bad), len(RESPONSES), "\n    ".join(uniq[:12])))


# ---------------------------------------------------------------------------
# The runner


def all_tests():
    g = globals()
    tests = [g[n] for n in (
        "test_healthz", "test_home_and_form_pages", "test_unknown_path_404",
        "test_unknown_method_405", "test_form_post_with_attachment",
        "test_confirmation_link_points_at_this_server",
        "test_urlencoded_form_post", "test_json_post",
        "test_json_unknown_product_becomes_other",
        "test_form_check_only_stores_nothing", "test_assess_stores_nothing")]
    for i in range(len(VALIDATION)):
        tests.append(_make_validation_test(i, "form"))
    for i in range(len(VALIDATION)):
        tests.append(_make_validation_test(i, "json"))
    tests += [g[n] for n in (
        "test_form_many_errors_at_once",
        "test_form_kept_files_survive_resubmission",
        "test_form_field_names_match_server",
        "test_oversize_content_length_413", "test_oversize_chunked_413",
        "test_just_under_limit_is_accepted", "test_wrong_content_type_415",
        "test_malformed_json_400", "test_duplicate_form_field_400",
        "test_malformed_multipart_400",
        "test_xss_payloads_escaped_in_reshown_form",
        "test_xss_payloads_escaped_on_confirmation_and_tracking_page",
        "test_xss_payloads_via_json_escaped_on_tracking_page",
        "test_xss_in_message_escaped",
        "test_track_token_swap", "test_track_page_needs_cookie",
        "test_cookie_of_one_case_cannot_open_another",
        "test_random_token_404", "test_demo_links_open_their_cases",
        "test_attachment_download", "test_attachment_download_names_are_safe",
        "test_attachment_of_other_case_404", "test_track_message_csrf",
        "test_static_assets_cache_and_etag", "test_log_injection_request",
        "test_security_headers_on_every_response")]
    return tests


def serve(binary):
    global SRV
    SRV = Server(binary)
    return SRV


def main(argv):
    return run_suite(argv, serve, all_tests(),
                     checks=[("server_log_clean",
                              lambda srv: log_problems(srv.log()))])


if __name__ == "__main__":
    sys.exit(main(sys.argv))
