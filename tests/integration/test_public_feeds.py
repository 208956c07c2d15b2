#!/usr/bin/env python3
"""Integration tests for Vigil's public publishing side: the advisory
pages, the CSAF 2.0 provider directory, security.txt, the Atom feed, the
iCalendar release calendar, the acknowledgements page and the mailing
list (subscribe, confirm, unsubscribe).

Usage: python3 tests/integration/test_public_feeds.py path/to/vigil

Starts the real binary on a free loopback port with a temporary SQLite
database (`vigil demo` first, for products and cases), drives it with the
curl command-line tool, and checks the database with the sqlite3 CLI.

Test setup writes published advisories straight into the database with
the sqlite3 CLI (a release, cases moved to "released", advisories rows
with an advisory ID and their revisions, plus one unpublished draft):
getting a case through the release gate over the API is tested
elsewhere.  The subscription token is read back from subscribers.token,
where it is kept in plain text on purpose (it only manages a
subscription and is needed to build every mail's unsubscribe link).

The downloaded CSAF documents are checked with
`node tests/integration/csaf_validate.mjs` (OASIS strict schema and
mandatory tests).

Output: one line per test ("ok NAME" or "FAIL NAME: reason"), then
exactly "N passed, M failed"; exit status 1 if anything failed.
"""
import calendar
import csv
import hashlib
import io
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import (FORM, Sqlite, TestFailure, check, eq, q,  # noqa: E402
                     run_suite, urlenc)
from vigil_serve import ROOT, Serve  # noqa: E402


P_SCRIPT = "<script>alert(1)</script>"
TEAM = "Équipe sécurité «PSIRT» & Co, avec un nom assez long pour plier"
CONTACT = "mailto:psirt@example.org"
ENCRYPTION = "https://psirt.example.org/key.asc"
NAMESPACE = "https://psirt.example.org"
EXPIRES_DAYS = 200
ATOM = "{http://www.w3.org/2005/Atom}"

NOW = int(time.time())
T1 = NOW - 20 * 86400          # advisory 1 published
T2 = NOW - 10 * 86400          # advisory 2 published
T2B = NOW - 5 * 86400          # advisory 2 revised

ADV = {
    "VIGIL-%d-0001" % time.gmtime(T1).tm_year: {
        "case": 1, "title": "Heap overflow in the chunk parser " + P_SCRIPT,
        "file": None, "credit": "Ada R. of Example Labs", "revisions": 1},
    "VIGIL-%d-0002" % time.gmtime(T2).tm_year: {
        "case": 2, "title": "Portal session leak & \"friends\" <b>",
        "file": None, "credit": None, "revisions": 2},
}
ID1, ID2 = list(ADV)


def csaf_filename(tid):
    return re.sub(r"[^+\-a-z0-9]+", "_", tid.lower()) + ".json"


for _id in ADV:
    ADV[_id]["file"] = csaf_filename(_id)


def rfc3339(t):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))


def parse_rfc3339_utc(s):
    m = re.fullmatch(r"(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)Z", s)
    if not m:
        raise TestFailure("%r is not an RFC 3339 UTC date-time" % s)
    return calendar.timegm(tuple(int(x) for x in m.groups()) + (0, 0, 0))


# ---------------------------------------------------------------------------
# The server under test (as in test_intake.py)


class Server(Serve):
    def __init__(self, binary):
        super().__init__(
            binary, "vigil-feeds-",
            "[security]\nteam_name = %s\ncontact = %s\n"
            "encryption = %s\nexpires_days = %d\n"
            "[advisories]\npublisher_namespace = %s\n"
            "[log]\nlevel = debug\n" % (
                TEAM, CONTACT, ENCRYPTION, EXPIRES_DAYS, NAMESPACE))

    def start(self):
        self.must(["demo"])
        self._serve()


SRV = None

# ---------------------------------------------------------------------------
# curl


def curl(path, args=(), method=None, data=None, ctype=None, timeout=15):
    return harness.curl(SRV, path, args=args, method=method, data=data,
                        ctype=ctype, timeout=timeout, expect=False)


def get_ok(path, ctype_prefix):
    r = curl(path)
    eq(r.status, 200, "GET %s status" % path)
    ct = r.h("content-type") or ""
    check(ct.lower().startswith(ctype_prefix),
          "GET %s: Content-Type %r, want %s" % (path, ct, ctype_prefix))
    return r


form = urlenc


# ---------------------------------------------------------------------------
# The database


DB = Sqlite(lambda: SRV.db)
sql, sql_write = DB.sql, DB.write


def setup_data():
    """Two published advisories (one revised, one credited to an
    anonymous researcher), one unpublished draft, a published release
    and a planned out-of-band one."""
    (i1, a1), (i2, a2) = ADV.items()
    sql_write(
        "BEGIN;"
        "INSERT INTO releases (id, kind, window_at, notice_at, status, "
        " created_by, created_at, published_at) VALUES (901, 'scheduled', "
        " %(t1)d, %(t1)d - 3 * 86400, 'published', 'rm@staff.example', "
        " %(t1)d - 9 * 86400, %(t1)d);"
        "INSERT INTO releases (id, kind, window_at, notice_at, status, "
        " justification, created_by, created_at) VALUES (902, "
        " 'out_of_band', %(fut)d, %(now)d, 'planned', 'SECRET-JUSTIFY', "
        " 'rm@staff.example', %(now)d);"
        "UPDATE cases SET state = 'released', release_id = 901, "
        " staff_cwe = 'CWE-787', staff_cvss = '' WHERE id = 1;"
        "UPDATE cases SET state = 'released', release_id = 901, credit = "
        " 'anonymous', staff_cvss = "
        " 'CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:L/I:N/A:N' WHERE id = 2;"
        "INSERT INTO advisories (id, advisory_id, case_id, release_id, "
        " title, summary, cve, workarounds, mitigations, known_issues, "
        " acknowledgment, affected, fixed, restart_required, published_at,"
        " updated_at) VALUES (801, %(i1)s, 1, 901, %(t1title)s, "
        " 'A crafted **chunk** header <b>overflows</b> the buffer & more' "
        " || char(1) || '.', 'CVE-2026-12345', 'Disable chunked input.', "
        " 'Run it sandboxed.', 'None known.', '', '>=1.0, <1.2.4, 2.0.0', "
        " '1.2.4, 2.0.1', 1, %(t1)d, %(t1)d);"
        "INSERT INTO advisory_revisions VALUES (801, 1, %(t1)d, "
        " 'Initial release');"
        "INSERT INTO advisories (id, advisory_id, case_id, release_id, "
        " title, summary, affected, fixed, restart_required, published_at,"
        " updated_at) VALUES (802, %(i2)s, 2, 901, %(t2title)s, "
        " 'Session tokens leak into logs.', '5.0', '5.1', 0, %(t2)d, "
        " %(t2b)d);"
        "INSERT INTO advisory_revisions VALUES (802, 1, %(t2)d, "
        " 'Initial release');"
        "INSERT INTO advisory_revisions VALUES (802, 2, %(t2b)d, "
        " 'Corrected the fixed version');"
        "INSERT INTO advisories (id, case_id, title, summary, updated_at) "
        " VALUES (803, 3, 'DRAFT-SECRET-TITLE', 'not public', %(now)d);"
        "COMMIT;" % {
            "i1": q(i1), "i2": q(i2), "t1title": q(a1["title"]),
            "t2title": q(a2["title"]), "t1": T1, "t2": T2, "t2b": T2B,
            "now": NOW, "fut": NOW + 4 * 86400})


# ---------------------------------------------------------------------------
# Tests: security.txt


def test_security_txt():
    r = get_ok("/.well-known/security.txt", "text/plain; charset=utf-8")
    fields = {}
    for ln in r.text.splitlines():
        if ln == "" or ln.startswith("#"):
            continue
        m = re.fullmatch(r"([A-Za-z][A-Za-z0-9-]*): (\S.*)", ln)
        check(m is not None, "not a 'Name: value' line: %r" % ln)
        fields.setdefault(m.group(1).lower(), []).append(m.group(2))
    b = SRV.base
    eq(fields.get("contact"), [CONTACT], "Contact")
    check(len(fields.get("expires", [])) == 1, "Expires must appear once")
    exp = parse_rfc3339_utc(fields["expires"][0])
    now = time.time()
    check(now < exp <= now + 366 * 86400, "Expires %s is not in the coming "
          "year" % fields["expires"][0])
    check(abs(exp - (now + EXPIRES_DAYS * 86400)) < 600,
          "Expires is not now + expires_days")
    eq(fields.get("encryption"), [ENCRYPTION], "Encryption")
    eq(fields.get("policy"), [b + "/"], "Policy")
    eq(fields.get("acknowledgments"), [b + "/acknowledgements"],
       "Acknowledgments")
    eq(fields.get("preferred-languages"), ["en"], "Preferred-Languages")
    eq(fields.get("canonical"), [b + "/.well-known/security.txt"],
       "Canonical")
    eq(fields.get("csaf"), [b + "/.well-known/csaf/provider-metadata.json"],
       "CSAF")


# ---------------------------------------------------------------------------
# Tests: HTML pages


def test_advisories_index():
    r = get_ok("/advisories", "text/html")
    t = r.text
    check(P_SCRIPT not in t, "raw <script> on the index")
    for aid, a in ADV.items():
        check(aid in t, "%s not listed" % aid)
        check('href="/advisories/%s.json"' % aid in t,
              "no JSON link for %s" % aid)
    check("DRAFT-SECRET-TITLE" not in t, "a draft is listed")
    check("&lt;script&gt;" in t, "the title is not shown escaped")
    check('href="/advisories.atom"' in t, "no link to the Atom feed")
    check('href="/releases.ics"' in t, "no link to the calendar")
    check("CVE-2026-12345" in t and "Critical" in t and "Medium" in t,
          "CVE or severities missing")
    check(t.index(ID2) < t.index(ID1), "not newest first")


def test_advisory_page():
    r = get_ok("/advisories/" + ID1, "text/html")
    t = r.main()
    check(P_SCRIPT not in r.text, "raw <script> on the advisory page")
    check("<b>overflows</b>" not in t, "raw HTML of the summary kept")
    for want in (ID1, "CVE-2026-12345", "Critical", "9.8",
                 "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
                 "CWE-787", "Out-of-bounds Write", "<strong>chunk</strong>",
                 "&gt;=1.0, &lt;1.2.4", "2.0.0", "1.2.4", "2.0.1",
                 "Disable chunked input.", "Run it sandboxed.",
                 "None known.", "Restart required", "Ada R. of Example Labs",
                 "Initial release", "libtinyparse", "Example Networks",
                 'href="/advisories/%s.json"' % ID1,
                 'href="/.well-known/csaf/white/%s/%s"' % (
                     rfc3339(T1)[:4], ADV[ID1]["file"])):
        check(want in t, "advisory page lacks %r" % want)
    r2 = get_ok("/advisories/" + ID2, "text/html")
    t2 = r2.main()
    check("Corrected the fixed version" in t2, "revision 2 not listed")
    check("&lt;b&gt;" in t2 and "&quot;friends&quot;" in t2,
          "title not escaped")
    check("thanks" not in t2.lower(), "an anonymous researcher is credited")


def test_unknown_and_draft_404():
    for p in ("/advisories/VIGIL-1999-0001", "/advisories/VIGIL-1999-0001"
              ".json", "/advisories/DRAFT-SECRET-TITLE", "/advisories/803",
              "/advisories/.json"):
        r = curl(p)
        eq(r.status, 404, "GET %s" % p)
        check("DRAFT-SECRET" not in r.text, "draft leaked at %s" % p)


def test_acknowledgements():
    r = get_ok("/acknowledgements", "text/html")
    t = r.main()
    check("Ada R. of Example Labs" in t, "credited researcher missing")
    check(ID1 in t, "advisory of the credit missing")
    check(ID2 not in t, "anonymous advisory listed with a credit")
    check("anonymous" not in t.lower(), "'anonymous' shown as a name")
    check(P_SCRIPT not in r.text, "raw <script>")


# ---------------------------------------------------------------------------
# Tests: CSAF


def csaf_docs():
    docs = {}
    for aid in ADV:
        r = get_ok("/advisories/%s.json" % aid, "application/json")
        docs[aid] = (r.body, r.json())
    return docs


def test_csaf_json_valid():
    d = tempfile.mkdtemp(dir=SRV.tmp)
    for aid, (raw, doc) in csaf_docs().items():
        eq(doc["document"]["tracking"]["id"], aid, "tracking.id")
        eq(doc["document"]["category"], "csaf_security_advisory", "category")
        check(all(ref["url"].startswith("https://")
                  for ref in doc["document"].get("references", [])),
              "a non-https reference in %s" % aid)
        with open(os.path.join(d, ADV[aid]["file"]), "wb") as f:
            f.write(raw)
    r = subprocess.run(["node", os.path.join(ROOT, "tests", "integration",
                                             "csaf_validate.mjs"), d],
                       cwd=os.path.join(ROOT, "tests"),
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       timeout=120)
    out = r.stdout.decode(errors="replace")
    check(r.returncode == 0, "csaf_validate.mjs failed:\n" + out[-3000:])
    check("%d passed, 0 failed" % len(ADV) in out, "validator: " + out[-500:])


def test_csaf_content():
    docs = csaf_docs()
    doc1 = docs[ID1][1]
    v = doc1["vulnerabilities"][0]
    eq(v.get("cve"), "CVE-2026-12345", "cve")
    eq(v.get("cwe"), {"id": "CWE-787", "name": "Out-of-bounds Write"}, "cwe")
    eq(doc1["document"]["title"], ADV[ID1]["title"], "title kept verbatim")
    eq(doc1["document"]["tracking"]["current_release_date"], rfc3339(T1),
       "current_release_date")
    check(any(a.get("names") == ["Ada R. of Example Labs"]
              for a in v.get("acknowledgments", [])), "acknowledgment")
    doc2 = docs[ID2][1]
    eq(doc2["document"]["tracking"]["version"], "2", "version of revised")
    eq(len(doc2["document"]["tracking"]["revision_history"]), 2,
       "revision_history")
    check(all("names" not in a for a in
              doc2["vulnerabilities"][0].get("acknowledgments", [])),
          "an anonymous researcher is named")
    eq(doc2["document"]["publisher"]["namespace"], NAMESPACE, "namespace")


def test_provider_metadata():
    r = get_ok("/.well-known/csaf/provider-metadata.json", "application/json")
    m = r.json()
    for k in ("canonical_url", "distributions", "last_updated",
              "list_on_CSAF_aggregators", "metadata_version",
              "mirror_on_CSAF_aggregators", "publisher", "role"):
        check(k in m, "provider-metadata lacks %s" % k)
    eq(m["canonical_url"], SRV.base +
       "/.well-known/csaf/provider-metadata.json", "canonical_url")
    eq(m["metadata_version"], "2.0", "metadata_version")
    eq(m["role"], "csaf_provider", "role")
    eq(m["list_on_CSAF_aggregators"], False, "list_on_CSAF_aggregators")
    eq(m["mirror_on_CSAF_aggregators"], False, "mirror_on_CSAF_aggregators")
    eq(m["publisher"]["category"], "vendor", "publisher.category")
    eq(m["publisher"]["namespace"], NAMESPACE, "publisher.namespace")
    check(m["publisher"].get("name"), "publisher.name empty")
    eq(m["distributions"], [{"directory_url": SRV.base +
                             "/.well-known/csaf/white/"}], "distributions")
    eq(m["last_updated"], rfc3339(T2B), "last_updated")


def provider_path(aid, initial):
    return "%s/%s" % (rfc3339(initial)[:4], ADV[aid]["file"])


def test_index_and_changes():
    r = get_ok("/.well-known/csaf/white/index.txt", "text/plain")
    lines = r.text.splitlines()
    want = {provider_path(ID1, T1), provider_path(ID2, T2)}
    eq(set(lines), want, "index.txt lines")
    eq(len(lines), 2, "index.txt line count")
    r = get_ok("/.well-known/csaf/white/changes.csv", "text/csv")
    check(r.body.endswith(b"\n"), "changes.csv does not end in a newline")
    for ln in r.text.splitlines():
        check(re.fullmatch(r'"[0-9]{4}/[+\-a-z0-9_]+\.json",'
                           r'"[0-9T:Z-]+"', ln), "bad changes.csv line %r" % ln)
    rows = list(csv.reader(io.StringIO(r.text)))
    eq(rows, [[provider_path(ID2, T2), rfc3339(T2B)],
              [provider_path(ID1, T1), rfc3339(T1)]],
       "changes.csv (newest first)")


def test_provider_files_and_hashes():
    docs = csaf_docs()
    for aid, t0 in ((ID1, T1), (ID2, T2)):
        path = "/.well-known/csaf/white/" + provider_path(aid, t0)
        r = get_ok(path, "application/json")
        eq(r.body, docs[aid][0], "%s bytes vs /advisories/%s.json" % (
            path, aid))
        h = get_ok(path + ".sha256", "text/plain")
        eq(h.text, "%s  %s\n" % (hashlib.sha256(r.body).hexdigest(),
                                 ADV[aid]["file"]), path + ".sha256")
    y = rfc3339(T1)[:4]
    for p in ("/.well-known/csaf/white/1999/%s" % ADV[ID1]["file"],
              "/.well-known/csaf/white/%s/nope.json" % y,
              "/.well-known/csaf/white/%s/%s.sha512" % (y, ADV[ID1]["file"]),
              "/.well-known/csaf/white/%s/%s" % (y, ADV[ID1]["file"][:-5])):
        eq(curl(p).status, 404, "GET " + p)


# ---------------------------------------------------------------------------
# Tests: Atom


def test_atom():
    r = get_ok("/advisories.atom", "application/atom+xml")
    check(P_SCRIPT.encode() not in r.body, "raw <script> in the feed")
    root = ET.fromstring(r.body)
    eq(root.tag, ATOM + "feed", "root element")
    for k in ("id", "title", "updated"):
        eq(len(root.findall(ATOM + k)), 1, "feed/%s count" % k)
    eq(root.find(ATOM + "id").text, SRV.base + "/advisories", "feed id")
    eq(root.find(ATOM + "updated").text, rfc3339(T2B), "feed updated")
    check(TEAM in root.find(ATOM + "title").text, "feed title")
    selfs = [ln.get("href") for ln in root.findall(ATOM + "link")
             if ln.get("rel") == "self"]
    eq(selfs, [SRV.base + "/advisories.atom"], "link rel=self")
    check(root.find(ATOM + "author/" + ATOM + "name") is not None,
          "no feed author")
    entries = root.findall(ATOM + "entry")
    eq(len(entries), len(ADV), "entries")
    byid = {}
    for e in entries:
        for k in ("id", "title", "updated"):
            eq(len(e.findall(ATOM + k)), 1, "entry/%s count" % k)
        byid[e.find(ATOM + "id").text] = e
    for aid, upd in ((ID1, T1), (ID2, T2B)):
        url = SRV.base + "/advisories/" + aid
        check(url in byid, "no entry with id %s" % url)
        e = byid[url]
        eq(e.find(ATOM + "title").text, "%s: %s" % (aid, ADV[aid]["title"]),
           "entry title (parsed back)")
        eq(e.find(ATOM + "updated").text, rfc3339(upd), "entry updated")
        alt = [ln.get("href") for ln in e.findall(ATOM + "link")
               if ln.get("rel") == "alternate"]
        eq(alt, [url], "entry alternate link")
        check(e.find(ATOM + "summary") is not None, "entry summary")
    s1 = byid[SRV.base + "/advisories/" + ID1].find(ATOM + "summary").text
    check("<b>overflows</b>" in s1 and "& more" in s1,
          "summary text not carried as text: %r" % s1)


# ---------------------------------------------------------------------------
# Tests: iCalendar


def unfold(text):
    return re.sub(r"\r\n[ \t]", "", text)


def test_ics():
    r = get_ok("/releases.ics", "text/calendar")
    raw = r.body
    check(raw.endswith(b"\r\n"), "does not end in CRLF")
    check(b"\n" not in raw.replace(b"\r\n", b""), "a bare LF")
    check(b"\r" not in raw.replace(b"\r\n", b""), "a bare CR")
    phys = raw.split(b"\r\n")[:-1]
    for ln in phys:
        check(len(ln) <= 75, "line of %d octets: %r" % (len(ln), ln))
        ln.decode("utf-8")      # folding never splits a UTF-8 sequence
    check(any(ln.startswith(b" ") for ln in phys), "no folded line at all "
          "(the long calendar name should fold)")
    lines = unfold(raw.decode("utf-8")).split("\r\n")[:-1]
    eq(lines[0], "BEGIN:VCALENDAR", "first line")
    eq(lines[-1], "END:VCALENDAR", "last line")
    check("VERSION:2.0" in lines, "VERSION:2.0")
    check(any(ln.startswith("PRODID:") for ln in lines), "PRODID")
    name = [ln for ln in lines if ln.startswith("X-WR-CALNAME:")]
    check(name and name[0] == "X-WR-CALNAME:" + TEAM.replace(",", "\\,") +
          ": security releases", "calendar name: %r" % name)
    events, cur = [], None
    for ln in lines:
        if ln == "BEGIN:VEVENT":
            cur = {}
        elif ln == "END:VEVENT":
            events.append(cur)
            cur = None
        elif cur is not None:
            k, _, v = ln.partition(":")
            check(k not in cur, "property %s twice in a VEVENT" % k)
            cur[k] = v
    check(len(events) >= 12, "only %d VEVENTs" % len(events))
    uids = [e.get("UID") for e in events]
    check(all(uids) and len(set(uids)) == len(uids), "UIDs missing or "
          "repeated")
    now = time.time()
    for e in events:
        for k in ("DTSTAMP", "DTSTART"):
            check(re.fullmatch(r"\d{8}T\d{6}Z", e.get(k, "")),
                  "%s not in UTC form: %r" % (k, e.get(k)))
        eq(e.get("SUMMARY"), "Security release", "SUMMARY")
        start = calendar.timegm(time.strptime(e["DTSTART"],
                                              "%Y%m%dT%H%M%SZ"))
        check(start >= now - 60, "an event in the past: %s" % e["DTSTART"])
    planned = [e for e in events if e["UID"].startswith("release-902@")]
    eq(len(planned), 1, "the planned release")
    eq(planned[0]["DTSTART"], time.strftime(
        "%Y%m%dT%H%M%SZ", time.gmtime(NOW + 4 * 86400)), "its DTSTART")
    text = raw.decode("utf-8")
    for secret in ("SECRET-JUSTIFY", "Heap overflow", "CVE-", "Portal"):
        check(secret not in unfold(text), "the calendar reveals %r" % secret)


# ---------------------------------------------------------------------------
# Tests: subscriptions


def sub_row(email):
    rows = sql("SELECT * FROM subscribers WHERE email = %s" % q(email))
    check(len(rows) == 1, "no subscriber row for %s" % email)
    return rows[0]


def test_subscribe_form():
    r = get_ok("/subscribe", "text/html")
    t = r.main()
    check('name="email"' in t, "no e-mail field")
    check('name="product"' in t and "libtinyparse" in t,
          "no product checkboxes")


def test_subscribe_confirm_unsubscribe():
    email = "sub1@example.com"
    r = curl("/subscribe", data=form([("email", email),
                                      ("product", "libtinyparse"),
                                      ("product", "No Such Product")]),
             ctype=FORM)
    eq(r.status, 200, "POST /subscribe")
    sent_page = r.main()
    row = sub_row(email)
    eq(row["confirmed_at"], None, "confirmed_at before confirming")
    eq(row["products"], "libtinyparse", "products (unknown names dropped)")
    tok = row["token"]
    check(re.fullmatch(r"[A-Za-z0-9_-]{43}", tok), "token shape %r" % tok)
    mails = sql("SELECT body FROM outbox WHERE to_addr = %s" % q(email))
    check(mails and any("/subscribe/confirm/" + tok in m["body"] and
                        "/unsubscribe/" + tok in m["body"] for m in mails),
          "no confirmation mail with both links in the outbox")

    # A second, different address gets the very same page.
    r2 = curl("/subscribe", data=form([("email", "sub2@example.com")]),
              ctype=FORM)
    eq(r2.status, 200, "POST /subscribe (2)")
    eq(r2.main(), sent_page, "page for a second address")

    unknown = "A" * 43
    rc = curl("/subscribe/confirm/" + tok)
    eq(rc.status, 200, "confirm")
    check(sub_row(email)["confirmed_at"], "confirmed_at not set")
    ru = curl("/subscribe/confirm/" + unknown)
    eq(ru.status, 200, "confirm (unknown token)")
    eq(ru.main(), rc.main(), "confirm page of an unknown token")
    eq(curl("/subscribe/confirm/bad..token").main(), rc.main(),
       "confirm page of a malformed token")

    # Already confirmed: the same answer again (no oracle), still confirmed.
    r3 = curl("/subscribe", data=form([("email", email)]), ctype=FORM)
    eq(r3.status, 200, "POST /subscribe again")
    eq(r3.main(), sent_page, "page for an already confirmed address")
    check(sub_row(email)["confirmed_at"], "re-subscribing unconfirmed")

    # GET shows a button and changes nothing.
    g = get_ok("/unsubscribe/" + tok, "text/html")
    check('method="post"' in g.text and "/unsubscribe/" + tok in g.text,
          "no unsubscribe button")
    eq(sub_row(email)["unsubscribed_at"], None, "GET unsubscribed")
    # One-click POST (RFC 8058).
    p = curl("/unsubscribe/" + tok, data=b"List-Unsubscribe=One-Click",
             ctype=FORM)
    eq(p.status, 200, "POST /unsubscribe")
    check(sub_row(email)["unsubscribed_at"], "unsubscribed_at not set")
    pu = curl("/unsubscribe/" + unknown, data=b"List-Unsubscribe=One-Click",
              ctype=FORM)
    eq(pu.status, 200, "POST /unsubscribe (unknown token)")
    eq(pu.main(), p.main(), "unsubscribe page of an unknown token")
    eq(curl("/unsubscribe/" + unknown).status, 200, "GET unknown")

    # Signing up again after unsubscribing needs a fresh confirmation:
    # anyone may post the form, so it must not re-activate the address.
    r4 = curl("/subscribe", data=form([("email", email)]), ctype=FORM)
    eq(r4.status, 200, "POST /subscribe after unsubscribing")
    eq(r4.main(), sent_page, "page after unsubscribing")
    row = sub_row(email)
    eq(row["confirmed_at"], None, "re-subscribing kept the old confirmation")
    eq(row["unsubscribed_at"], None, "unsubscribed_at after signing up again")
    check(row["token"] != tok, "the old token still works")
    eq(curl("/unsubscribe/" + tok, data=b"List-Unsubscribe=One-Click",
            ctype=FORM).status, 200, "old token")
    eq(sub_row(email)["unsubscribed_at"], None, "the old token unsubscribed")


def test_subscribe_refusals():
    n0 = sql("SELECT count(*) AS n FROM subscribers")[0]["n"]
    r = curl("/subscribe", data=b'{"email":"j@example.com"}',
             ctype="application/json")
    eq(r.status, 415, "JSON body")
    r = curl("/subscribe", data=form([("email", "x@example.com")]),
             ctype=FORM, args=["-H", "Origin: https://evil.example"])
    eq(r.status, 403, "cross-origin POST")
    r = curl("/subscribe", data=form([("email", "x@example.com")]),
             ctype=FORM, args=["-H", "Origin: null"])
    eq(r.status, 403, "Origin: null")
    for bad in ("not-an-address", "", "a b@example.com",
                "<script>@x.example"):
        r = curl("/subscribe", data=form([("email", bad)]), ctype=FORM)
        eq(r.status, 422, "bad address %r" % bad)
        check(P_SCRIPT not in r.text and "<script>@" not in r.text,
              "address not escaped")
    eq(sql("SELECT count(*) AS n FROM subscribers")[0]["n"], n0,
       "a refused request stored a subscriber")
    r = curl("/subscribe", data=form([("email", "same@example.com")]),
             ctype=FORM, args=["-H", "Origin: " + SRV.base])
    eq(r.status, 200, "same-origin POST")
    sub_row("same@example.com")


# ---------------------------------------------------------------------------
# The runner


def test_subscribe_throttled():
    """No mail bombing through the form: at most 3 confirmation mails a
    day to one address, whatever the case of its letters; the page
    stays the same."""
    pages = set()
    for addr in ("bomb@example.com", "Bomb@example.com",
                 "BOMB@example.com", "bomb@example.com",
                 "bOmB@example.com"):
        r = curl("/subscribe", data=form([("email", addr)]), ctype=FORM)
        eq(r.status, 200, "POST /subscribe %s" % addr)
        pages.add(r.main())
    eq(len(pages), 1, "the answers differ")
    n = sql("SELECT count(*) AS n FROM outbox WHERE kind = "
            "'subscribe_confirm' AND lower(to_addr) = 'bomb@example.com'")
    eq(n[0]["n"], 3, "confirmation mails queued")


def test_directory_listings():
    """CSAF requirement 14: the distribution folders can be listed."""
    idx = curl("/.well-known/csaf/white/index.txt").text.split()
    check(idx, "index.txt is empty")
    year, name = idx[0].split("/", 1)
    top = curl("/.well-known/csaf/white/")
    eq(top.status, 200, "white/ listing")
    check('href="%s/"' % year in top.text, "no %s/ in %r" % (year,
                                                                top.text))
    yr = curl("/.well-known/csaf/white/%s/" % year)
    eq(yr.status, 200, "year listing")
    check('href="%s"' % name in yr.text and
          'href="%s.sha256"' % name in yr.text, "files not listed")
    eq(curl("/.well-known/csaf/white/20x6/").status, 404, "bad year")


def vigil_cli(*args):
    return subprocess.run([SRV.binary, "--config", SRV.conf, "--db",
                           SRV.dburl] + list(args), cwd=ROOT, env=SRV.env,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          timeout=60)


def test_export():
    """`vigil export`: the CSAF document is the one served; the CVE record
    passes the CVE JSON 5 schema; an advisory without a CVE ID or an
    unknown one is a clear error, exit 1."""
    r = vigil_cli("export", "csaf", "--advisory", ID1)
    eq(r.returncode, 0, "export csaf: " + r.stderr.decode(errors="replace"))
    eq(json.loads(r.stdout), csaf_docs()[ID1][1], "exported CSAF document")
    r = vigil_cli("export", "cve", "--advisory", ID1)
    eq(r.returncode, 0, "export cve: " + r.stderr.decode(errors="replace"))
    rec = json.loads(r.stdout)
    eq(rec["cveMetadata"]["cveId"], "CVE-2026-12345", "cveId")
    d = tempfile.mkdtemp(dir=SRV.tmp)
    with open(os.path.join(d, "CVE-2026-12345.json"), "wb") as f:
        f.write(r.stdout)
    v = subprocess.run(["node", os.path.join(ROOT, "tests", "integration",
                                             "cve_validate.mjs"), d],
                       cwd=os.path.join(ROOT, "tests"),
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       timeout=120)
    out = v.stdout.decode(errors="replace")
    check(v.returncode == 0 and "1 passed, 0 failed" in out,
          "cve_validate.mjs:\n" + out[-3000:])
    r = vigil_cli("export", "cve", "--advisory", ID2)
    eq(r.returncode, 1, "export cve of an advisory without a CVE ID")
    check(r.stderr.strip() and not r.stdout.strip(),
          "no message / partial output: %r" % r.stderr)
    r = vigil_cli("export", "csaf", "--advisory", "VIGIL-1999-0001")
    eq(r.returncode, 1, "export of an unknown advisory")
    check(b"no published advisory" in r.stderr, "message %r" % r.stderr)
    eq(vigil_cli("export", "pdf", "--advisory", ID1).returncode, 2,
       "unknown format: usage")


TESTS = [
    test_security_txt, test_advisories_index, test_advisory_page,
    test_unknown_and_draft_404, test_acknowledgements, test_csaf_json_valid,
    test_csaf_content, test_provider_metadata, test_index_and_changes,
    test_provider_files_and_hashes, test_atom, test_ics,
    test_subscribe_form, test_subscribe_confirm_unsubscribe,
    test_subscribe_refusals, test_subscribe_throttled,
    test_directory_listings, test_export,
]


def serve(binary):
    global SRV
    SRV = Server(binary)
    return SRV


def main(argv):
    return run_suite(argv, serve, TESTS, setup=setup_data)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
