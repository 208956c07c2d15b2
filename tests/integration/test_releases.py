#!/usr/bin/env python3
"""Integration tests for Vigil's release planner and advisories: the
release windows of the calendar (GET /api/v1/releases), out-of-band
releases and their justification, the release gate when a case is added
(a case that has not passed it is refused with the gate's reasons, on
the page too), the advisory draft pre-filled from the report and edited
(PUT, CVE ID checked), publication (advisory ID, revision 1, the case
released, the researcher's mail in the outbox), a correction (a new
revision, the first kept), a scheduled release published by `vigil
worker --once` once its window has come, and the permission table
(release.manage) with its audit row.

Usage: python3 tests/integration/test_releases.py path/to/vigil

Reuses the harness of test_testing.py (the server, curl, the sqlite3
tool, `vigil demo`, accounts and tokens, the patch-testing steps that
bring a case to "ready"), with `[mail] notify = yes` (delivery goes to a
closed port: messages stay in the outbox) so that publication queues
the researchers' mail.  The sqlite3 tool does test setup only: a
verification deadline and a release window moved into the past.

Output: one line per test ("ok NAME" or "FAIL NAME: reason"), then
exactly "N passed, M failed"; exit status 1 if anything failed.
Environment: IT_ONLY=regex, IT_KEEP=1, IT_VERBOSE=1 as in test_testing.py.
"""
import json
import os
import re
import secrets
import subprocess
import sys
import tempfile
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import test_testing as tt  # noqa: E402
from harness import check, eq, run_suite  # noqa: E402

ADV_ID = re.compile(r"^VIGIL-\d{4}-\d{4,}$")
NO_PATCH = "There is no patch yet."
STATE = {}


class Server(tt.Server):
    """test_testing's server with mail turned on (to nowhere)."""

    def __init__(self, binary):
        super().__init__(binary)
        with open(self.conf, "w") as f:
            f.write("[log]\nlevel = debug\n"
                    "[mail]\nnotify = yes\nsmtp_url = smtp://127.0.0.1:9\n"
                    "max_attempts = 1\n"
                    "[sandbox]\ndir = %s\n" % os.path.join(self.runs, "r"))


def api(who, path, body=None, method=None):
    return tt.api(who, path, body, method)


def api_ok(who, path, body=None, want=None, method=None):
    r = api(who, path, body, method)
    want = want or (200 if body is None or method == "PUT" else 201)
    eq(r.status, want, "%s %s as %s (%s)" % (
        method or ("POST" if body is not None else "GET"), path, who,
        r.text[:400]))
    return r.json()


def worker():
    """`vigil worker --once`: test runs, the release timers, the outbox."""
    rc, out, err = tt.SRV.cli(["worker", "--once"], timeout=600)
    eq(rc, 0, "vigil worker --once exit status (%s)" % err.strip()[-500:])
    return out


def ready_cases(n, title="Release case"):
    """n new cases of libtinyparse driven to "ready" as test_testing does:
    PoC, the correct patch tested and signed off, sent to the researcher,
    the deadline passed (test setup) and verification waived by the
    release manager, then verifying -> ready."""
    tt.setup()
    tids, runs = [], []
    for i in range(n):
        tid, _ = tt.new_report("%s %d" % (title, i))
        tt.add_poc(tid)
        tt.move(tid, tt.TO_FIXING)
        o = tt.upload(tid, "correct.diff", note="Reject long names.")
        tids.append(tid)
        runs.append(o["runs"][0]["id"])
    worker()
    for tid, run_id in zip(tids, runs):
        eq(tt.run_json(run_id)["status"], "passed", "the run of %s" % tid)
        tt.signoff(run_id)
        tt.move(tid, [("engineer", "testing")])
        tt.send(tid)
        cid = tt.case_row(tid)["id"]
        tt.sql_write("UPDATE verifications SET deadline = "
                     "strftime('%%s','now') - 3600 WHERE case_id = %d" % cid)
        api_ok("release_manager", "/api/v1/cases/%s/verification/waive" %
               tid, {"reason": "Our own PoC run is conclusive."})
        o = api_ok("release_manager", "/api/v1/cases/%s/transitions" % tid,
                   {"to": "ready"})
        eq(o["state"], "ready", "%s after verifying -> ready" % tid)
    return tids


def ready_case(key):
    """A ready case, made once per key."""
    if key not in STATE:
        STATE[key] = ready_cases(1, "Release case %s" % key)[0]
    return STATE[key]


def oob_release(who="release_manager"):
    o = api_ok(who, "/api/v1/releases", {
        "kind": "out_of_band",
        "justification": "Exploited in the wild: seen in attacks on "
                         "customers since Monday."})
    eq((o["kind"], o["status"], o["ncases"]),
       ("out_of_band", "planned", 0), "the new out-of-band release")
    return o


def form(who, path, fields):
    """A page form posted with a Bearer token (no CSRF needed)."""
    ct, body = tt.multipart(fields)
    return tt.curl(path, data=body, ctype=ct,
                   headers=["Authorization: Bearer " + tt.TOKEN[who]])


def page(who, path):
    r = tt.curl(path, headers=["Authorization: Bearer " + tt.TOKEN[who]])
    eq(r.status, 200, "GET %s as %s" % (path, who))
    return r.text


# ---------------------------------------------------------------------------
# Tests


def test_windows():
    tt.setup()
    o = api_ok("analyst", "/api/v1/releases")
    eq(o["calendar_error"], None, "calendar_error")
    w = o["windows"]
    eq(len(w), 12, "windows listed")
    now = time.time()
    prev = 0
    for x in w:
        check(isinstance(x["at"], int) and x["at"] > now and x["at"] > prev,
              "window %r is not a future time in order" % x)
        prev = x["at"]
        check(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:00:00[-+]\d\d:\d\d",
                           x["iso"]), "iso %r" % x["iso"])
        check(re.fullmatch(r"\d{4}-\d\d-\d\d", x["notice"]),
              "notice %r" % x["notice"])
        check(x["notice"] < x["iso"][:10], "notice %s is not before the "
              "window %s" % (x["notice"], x["iso"]))
        check(x["notice_at"] < x["at"], "notice_at after the window")
        # the default policy: second Tuesday (or moved within tue-thu)
        check(time.strftime("%a", time.gmtime(x["at"])) in
              ("Tue", "Wed", "Thu"), "window on %s" % x["iso"])
    STATE["windows"] = w
    # `vigil calendar` agrees
    rc, out, err = tt.SRV.cli(["calendar", "--count", "13"])
    eq(rc, 0, "vigil calendar (%s)" % err)
    cli = [ln.split()[0] for ln in out.splitlines()]
    check(all(x["iso"] in cli for x in w),
          "windows %r are not those of vigil calendar %r" % (
              [x["iso"] for x in w], cli))
    # the page shows them with their notice dates
    text = page("analyst", "/releases")
    check('id="window-list"' in text and w[0]["notice"] in text and
          w[0]["iso"] in text, "the planner does not show the windows")
    check('id="oob-form"' not in text, "an analyst sees the forms")


def test_out_of_band_needs_justification():
    tt.setup()
    n = tt.sql("SELECT count(*) AS n FROM releases")[0]["n"]
    for body, field in (({"kind": "out_of_band"}, "justification"),
                        ({"kind": "out_of_band", "justification": " \n"},
                         "justification"),
                        ({"kind": "out_of_band",
                          "justification": "x" * (8 * 1024 + 1)},
                         "justification"),
                        ({"kind": "urgent", "justification": "now"},
                         "kind"),
                        ({"justification": "now"}, "kind")):
        r = api("release_manager", "/api/v1/releases", body)
        eq(r.status, 422, "POST %r" % {k: v[:20] for k, v in body.items()})
        eq(r.json()["error"]["field"], field, "field of %r" % body.get(
            "kind"))
    eq(tt.sql("SELECT count(*) AS n FROM releases")[0]["n"], n,
       "releases after refusals")
    mark = tt.audit_max()
    o = oob_release()
    check(o["justification"].startswith("Exploited in the wild"),
          "justification %r" % o["justification"])
    check(abs(o["window_at"] - time.time()) < 120 and
          o["notice_at"] == o["window_at"], "times of the out-of-band "
          "release: %r" % o)
    rows = tt.audit_since(mark, "release.create")
    check(any(x["actor"] == tt.EMAIL["release_manager"] for x in rows),
          "no release.create audit row: %r" % rows)
    # the page form says why
    r = form("release_manager", "/releases", [("kind", "out_of_band"),
                                              ("justification", "")])
    eq(r.status, 422, "the out-of-band form without a justification")
    check('id="oob-error"' in r.text and "justification" in r.text,
          "the page does not say why")
    r = form("release_manager", "/releases", [
        ("kind", "out_of_band"), ("justification", "Public exploit.")])
    eq(r.status, 303, "the out-of-band form (%s)" % r.text[:200])
    check(re.fullmatch(r"/releases/\d+", r.h("location") or ""),
          "Location %r" % r.h("location"))


def test_not_ready_case_refused():
    tt.setup()
    rel = oob_release()
    tid, _ = tt.new_report("Not ready case")
    path = "/api/v1/releases/%d/cases" % rel["id"]
    r = api("release_manager", path, {"case": tid})
    eq(r.status, 409, "adding a case in state new (%s)" % r.text[:300])
    e = r.json()["error"]
    eq(e["code"], "conflict", "error code")
    check(NO_PATCH in e["unmet"], "unmet %r" % e.get("unmet"))
    check(any("not \"Ready for release\"" in u for u in e["unmet"]),
          "unmet does not mention the state: %r" % e["unmet"])
    check(NO_PATCH in e["message"] and tid in e["message"],
          "message %r" % e["message"])
    eq(tt.case_row(tid)["state"], "new", "state after the refusal")
    eq(tt.case_row(tid)["release_id"], None, "release_id after the refusal")
    # unknown case, bad body
    r = api("release_manager", path, {"case": "VR-1999-9999"})
    eq(r.status, 404, "an unknown case")
    r = api("release_manager", path, {})
    eq((r.status, r.json()["error"]["field"]), (422, "case"), "no case")
    r = api("release_manager", "/api/v1/releases/999999/cases",
            {"case": tid})
    eq(r.status, 404, "an unknown release")
    # a case on its way: listed with why not
    tt.move(tid, [("analyst", "triage"), ("analyst", "confirmed")])
    o = api_ok("analyst", "/api/v1/releases/%d" % rel["id"])
    nr = [x for x in o["not_ready"] if x["tracking_id"] == tid]
    eq(len(nr), 1, "the confirmed case in not_ready")
    check(NO_PATCH in nr[0]["unmet"], "why not: %r" % nr[0]["unmet"])
    check(tid not in [x["tracking_id"] for x in o["ready"]],
          "the case is listed as ready")
    # the page says why, beside the form and in the list
    text = page("analyst", "/releases/%d" % rel["id"])
    check('id="nr-%s"' % tid in text and NO_PATCH in text,
          "the release page does not say why %s is not ready" % tid)
    r = form("release_manager", "/releases/%d/cases" % rel["id"],
             [("case", tid)])
    eq(r.status, 409, "the add form with a confirmed case")
    check('id="add-unmet"' in r.text and NO_PATCH in r.text,
          "the page does not list the gate's reasons")


def test_publish_flow():
    tid = ready_case("oob")
    cid = tt.case_row(tid)["id"]
    rel = oob_release()
    rid = rel["id"]
    o = api_ok("release_manager", "/api/v1/releases/%d" % rid)
    check(tid in [x["tracking_id"] for x in o["ready"]],
          "%s not offered as ready: %r" % (tid, o["ready"]))
    # publishing an empty release
    r = api("release_manager", "/api/v1/releases/%d/publish" % rid, {})
    eq(r.status, 409, "publishing an empty release")
    mark = tt.audit_max()
    o = api_ok("release_manager", "/api/v1/releases/%d/cases" % rid,
               {"case": tid})
    eq([x["tracking_id"] for x in o["cases"]], [tid], "cases of the release")
    eq(o["cases"][0]["state"], "scheduled", "state in the answer")
    eq(tt.case_row(tid)["state"], "scheduled", "the case's state")
    eq(tt.case_row(tid)["release_id"], rid, "the case's release_id")
    check(tt.audit_since(mark), "no audit row for adding the case")
    # twice: it is not ready any more
    r = api("release_manager", "/api/v1/releases/%d/cases" % rid,
            {"case": tid})
    eq(r.status, 409, "adding the case twice")
    # the draft, pre-filled from the report
    a = api_ok("analyst", "/api/v1/cases/%s/advisory" % tid)
    report = tt.case_row(tid)
    eq((a["status"], a["advisory_id"], a["revision"], a["release_id"]),
       ("draft", None, 0, rid), "the draft")
    eq(a["title"], report["title"], "the draft's title")
    check(report["description"].startswith(a["summary"]) and a["summary"],
          "summary %r" % a["summary"])
    eq(a["affected"], "1.4.2", "affected versions")
    eq(a["acknowledgment"], "Rita Researcher", "acknowledgment (no credit "
       "given: the reporter's name)")
    eq((a["cve"], a["fixed"], a["restart_required"]), (None, "", "none"),
       "cve, fixed, restart")
    # edits: a bad CVE ID and other bad values are refused
    path = "/api/v1/cases/%s/advisory" % tid
    bad = [({"cve": "CVE-26-1"}, "cve"), ({"cve": "cve-2026-12345"}, "cve"),
           ({"cve": "CVE-2026-123"}, "cve"), ({"title": " "}, "title"),
           ({"title": "a\nb"}, "title"), ({"summary": ""}, "summary"),
           ({"restart_required": "reboot"}, "restart_required"),
           ({"fixed": "1.4.2"}, "fixed"), ({"affected": "1.4.1,,1.4.2"},
                                           "affected")]
    for body, fld in bad:
        r = api("release_manager", path, body, method="PUT")
        eq(r.status, 422, "PUT %r (%s)" % (body, r.text[:200]))
        eq(r.json()["error"]["field"], fld, "field of %r" % body)
    eq(api_ok("analyst", path)["cve"], None, "cve after refusals")
    a = api_ok("release_manager", path, {
        "cve": "CVE-2026-12345", "fixed": "1.4.3",
        "title": "Stack overflow in tp_parse_header()",
        "workarounds": "Reject header names longer than 63 bytes.",
        "restart_required": "service"}, method="PUT")
    eq((a["cve"], a["fixed"], a["title"], a["restart_required"],
        a["status"], a["revision"]),
       ("CVE-2026-12345", "1.4.3", "Stack overflow in tp_parse_header()",
        "service", "draft", 0), "the edited draft")
    eq(a["affected"], "1.4.2", "a field left out is kept")
    # publish
    mark = tt.audit_max()
    o = api_ok("release_manager", "/api/v1/releases/%d/publish" % rid, {})
    eq(o["status"], "published", "the release's status")
    check(o["published_at"], "published_at")
    eq(tt.case_row(tid)["state"], "released", "the case after publishing")
    a = api_ok("analyst", path)
    check(a["advisory_id"] and ADV_ID.match(a["advisory_id"]),
          "advisory ID %r" % a["advisory_id"])
    eq(a["advisory_id"][6:10], time.strftime("%Y", time.gmtime()),
       "the advisory ID's year")
    eq((a["status"], a["revision"], len(a["revisions"])),
       ("published", 1, 1), "the published advisory")
    eq(a["revisions"][0]["number"], 1, "revision 1")
    eq(a["url"], "/advisories/" + a["advisory_id"], "url")
    rows = tt.audit_since(mark, "release.publish")
    check(rows and rows[0]["actor"] == tt.EMAIL["release_manager"],
          "no release.publish audit row: %r" % rows)
    mail = tt.sql("SELECT kind, to_addr, body FROM outbox WHERE case_id = %d "
                  "AND kind = 'advisory_published'" % cid)
    eq(len(mail), 1, "advisory_published mails to the researcher")
    eq(mail[0]["to_addr"], "rita@research.example", "the mail's recipient")
    STATE["published"] = (tid, a["advisory_id"], rid)
    # a published release takes nothing more, and publishes once
    r = api("release_manager", "/api/v1/releases/%d/publish" % rid, {})
    eq(r.status, 409, "publishing twice")
    other, _ = tt.new_report("Late case")
    r = api("release_manager", "/api/v1/releases/%d/cases" % rid,
            {"case": other})
    eq(r.status, 409, "adding to a published release")
    # a correction: a new revision with what changed, the first kept
    r = api("release_manager", path, {"fixed": "1.4.3, 1.5.0"},
            method="PUT")
    eq(r.status, 422, "a correction without saying what changed")
    eq(r.json()["error"]["field"], "change", "field")
    r = api("release_manager", path, {"fixed": "1.4.3, 1.5.0",
                                      "change": "x" * 2049}, method="PUT")
    eq(r.status, 422, "a change text of more than 2 KiB")
    eq(api_ok("analyst", path)["fixed"], "1.4.3", "fixed after refusals")
    a = api_ok("release_manager", path, {
        "fixed": "1.4.3, 1.5.0", "change": "Version 1.5.0 is fixed too."},
        method="PUT")
    eq((a["revision"], [x["number"] for x in a["revisions"]],
        a["revisions"][1]["summary"], a["fixed"], a["advisory_id"]),
       (2, [1, 2], "Version 1.5.0 is fixed too.", "1.4.3, 1.5.0",
        STATE["published"][1]), "the corrected advisory")
    eq(a["revisions"][0]["summary"],
       api_ok("analyst", path)["revisions"][0]["summary"], "revision 1 kept")
    eq(tt.sql("SELECT count(*) AS n FROM advisory_revisions")[0]["n"] >= 2,
       True, "revision rows")
    # the release page shows the advisory; the case page links it
    text = page("analyst", "/releases/%d" % rid)
    check(a["advisory_id"] in text and "Version 1.5.0 is fixed too." in text,
          "the release page does not show the advisory and its revisions")
    text = page("analyst", "/cases/%s" % tid)
    check('id="advisory-id"' in text and a["advisory_id"] in text and
          "/releases/%d" % rid in text, "the case page has no advisory box")
    conformance(a["advisory_id"], 2)


def node_check(script, path):
    here = os.path.dirname(os.path.abspath(__file__))
    r = subprocess.run(["node", os.path.join(here, script), path],
                       cwd=os.path.dirname(here), stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, timeout=120)
    out = r.stdout.decode(errors="replace")
    check(r.returncode == 0 and "1 passed, 0 failed" in out,
          "%s:\n%s" % (script, out[-3000:]))


def conformance(aid, revisions):
    """The published CSAF document passes the OASIS validator (strict
    schema, mandatory tests) with one revision_history entry per
    revision; the CVE record of `vigil export cve` passes the CVE JSON 5
    schema."""
    r = tt.curl("/advisories/%s.json" % aid)
    eq(r.status, 200, "GET /advisories/%s.json" % aid)
    doc = r.json()
    tr = doc["document"]["tracking"]
    eq((tr["id"], tr["version"], [x["number"] for x in
                                  tr["revision_history"]]),
       (aid, str(revisions), [str(i + 1) for i in range(revisions)]),
       "tracking of %s" % aid)
    d = tempfile.mkdtemp(dir=tt.SRV.tmp)
    with open(os.path.join(d, aid.lower() + ".json"), "wb") as f:
        f.write(r.body)
    node_check("csaf_validate.mjs", d)
    rc, out, err = tt.SRV.cli(["export", "cve", "--advisory", aid])
    eq(rc, 0, "vigil export cve: %s" % err)
    rec = json.loads(out)
    d = tempfile.mkdtemp(dir=tt.SRV.tmp)
    with open(os.path.join(d, rec["cveMetadata"]["cveId"] + ".json"),
              "w") as f:
        f.write(out)
    node_check("cve_validate.mjs", d)


def test_scheduled_release():
    tt.setup()
    w = STATE.get("windows") or api_ok(
        "release_manager", "/api/v1/releases")["windows"]
    for win in (w[0]["at"] + 1, w[0]["at"] - 86400 * 7, int(time.time()) -
                3600, "soon", -5):
        r = api("release_manager", "/api/v1/releases",
                {"kind": "scheduled", "window": win})
        eq(r.status, 422, "a scheduled release for %r (%s)" % (
            win, r.text[:200]))
        eq(r.json()["error"]["field"], "window", "field for %r" % win)
    r = api("release_manager", "/api/v1/releases", {"kind": "scheduled"})
    eq(r.status, 422, "a scheduled release without a window")
    target = w[1]
    o = api_ok("release_manager", "/api/v1/releases",
               {"kind": "scheduled", "window": target["at"]})
    eq((o["kind"], o["status"], o["window_at"], o["notice_at"]),
       ("scheduled", "planned", target["at"], target["notice_at"]),
       "the scheduled release")
    rid = o["id"]
    r = api("release_manager", "/api/v1/releases",
            {"kind": "scheduled", "window": target["at"]})
    eq(r.status, 409, "a second release for the same window")
    ws = api_ok("analyst", "/api/v1/releases")["windows"]
    eq([x["release_id"] for x in ws if x["at"] == target["at"]], [rid],
       "the window's release")
    tid = ready_case("scheduled")
    api_ok("release_manager", "/api/v1/releases/%d/cases" % rid,
           {"case": tid})
    r = api("release_manager", "/api/v1/releases/%d/publish" % rid, {})
    eq(r.status, 409, "publishing a scheduled release by hand")
    check("window" in r.json()["error"]["message"], "message %r" %
          r.json()["error"]["message"])
    # an out-of-band release waiting for its cases
    waiting = oob_release()["id"]
    # before its window: the worker leaves it alone
    worker()
    eq(tt.case_row(tid)["state"], "scheduled", "the case before the window")
    # test setup: the window has come
    tt.sql_write("UPDATE releases SET window_at = strftime('%%s','now') - 60"
                 " WHERE id = %d" % rid)
    worker()
    o = api_ok("analyst", "/api/v1/releases/%d" % rid)
    eq(o["status"], "published", "the release after its window")
    eq(tt.case_row(tid)["state"], "released", "the case after its window")
    a = api_ok("analyst", "/api/v1/cases/%s/advisory" % tid)
    check(a["advisory_id"] and ADV_ID.match(a["advisory_id"]) and
          a["revision"] == 1, "the advisory after the window: %r" % a)
    check(a["advisory_id"] != STATE.get("published", (0, 0))[1],
          "advisory IDs repeat")
    ev = tt.sql("SELECT actor, to_state FROM events WHERE case_id = %d AND "
                "to_state = 'released'" % tt.case_row(tid)["id"])
    eq([x["actor"] for x in ev], ["system"], "who released the case")
    eq(tt.sql("SELECT count(*) AS n FROM outbox WHERE case_id = %d AND kind "
              "= 'advisory_published'" % tt.case_row(tid)["id"])[0]["n"], 1,
       "the researcher's mail")
    # an out-of-band release is published by a person, not the worker
    eq(api_ok("analyst", "/api/v1/releases/%d" % waiting)["status"],
       "planned", "the out-of-band release after the worker ran")


def test_permissions():
    tt.setup()
    rel = oob_release()
    rid = rel["id"]
    api_ok("analyst", "/api/v1/releases")         # release.view: any staff
    api_ok("analyst", "/api/v1/releases/%d" % rid)
    tid = tt.new_report("Permission case")[0]
    mark = tt.audit_max()
    for method, path, body in (
            ("POST", "/api/v1/releases", {"kind": "out_of_band",
                                          "justification": "Mine."}),
            ("POST", "/api/v1/releases/%d/cases" % rid, {"case": tid}),
            ("POST", "/api/v1/releases/%d/publish" % rid, {}),
            ("PUT", "/api/v1/cases/%s/advisory" % tid, {"title": "x"})):
        r = api("analyst", path, body, method=method)
        eq(r.status, 404, "%s %s as an analyst" % (method, path))
        eq(r.json()["error"]["code"], "not_found", "code")
        rows = tt.audit_since(mark, "permission.denied")
        want = "%s %s (release.manage)" % (method, path)
        check(any(x["actor"] == tt.EMAIL["analyst"] and x["details"] == want
                  for x in rows), "no permission.denied row %r: %r" % (
                      want, rows))
    r = form("analyst", "/releases", [("kind", "out_of_band"),
                                      ("justification", "Mine.")])
    eq(r.status, 404, "the page form as an analyst")
    eq(api_ok("analyst", "/api/v1/releases/%d" % rid)["ncases"], 0,
       "the release after the denials")
    # an admin may
    oob_release("admin")


# ---------------------------------------------------------------------------
# The runner


def subscribe(email):
    """A confirmed subscriber through the public pages; its token."""
    body = urllib.parse.urlencode([("email", email)]).encode()
    r = tt.curl("/subscribe", data=body,
                ctype="application/x-www-form-urlencoded")
    eq(r.status, 200, "POST /subscribe %s" % email)
    tok = tt.sql("SELECT token FROM subscribers WHERE email = '%s'" %
                 email)[0]["token"]
    eq(tt.curl("/subscribe/confirm/" + tok).status, 200, "confirm")
    return tok


def sub_mails(kind, since):
    return {m["to_addr"]: m["body"] for m in tt.sql(
        "SELECT to_addr, body FROM outbox WHERE kind = '%s' AND id > %d" %
        (kind, since))}


def outbox_max():
    return tt.sql("SELECT coalesce(max(id), 0) AS n FROM outbox")[0]["n"]


def test_subscribers():
    """Advance notice without details to confirmed subscribers who want
    the product; the release notice with links at publication, timed or
    by hand; an unsubscribed address gets nothing more."""
    tt.setup()
    tok = {who: subscribe("%s-%s@it.example" % (who, secrets.token_hex(2)))
           for who in ("all", "tp", "other", "gone")}
    addr = {who: tt.sql("SELECT email FROM subscribers WHERE token = '%s'" %
                        t)[0]["email"] for who, t in tok.items()}
    # test setup: per-product choices (the form offers known products)
    tt.sql_write("UPDATE subscribers SET products = 'libtinyparse' WHERE "
                 "token = '%s'" % tok["tp"])
    tt.sql_write("UPDATE subscribers SET products = 'Some Other Product' "
                 "WHERE token = '%s'" % tok["other"])
    eq(tt.curl("/unsubscribe/" + tok["gone"], data=b"List-Unsubscribe="
               b"One-Click", ctype="application/x-www-form-urlencoded")
       .status, 200, "unsubscribe")
    # an unconfirmed one
    r = tt.curl("/subscribe", data=b"email=pending%40it.example",
                ctype="application/x-www-form-urlencoded")
    eq(r.status, 200, "POST /subscribe (unconfirmed)")
    wins = api_ok("release_manager", "/api/v1/releases")["windows"]
    free = [w for w in wins if not w.get("release_id")]
    check(free, "no free window: %r" % wins)
    rel = api_ok("release_manager", "/api/v1/releases",
                 {"kind": "scheduled", "window": free[-1]["at"]})
    rid = rel["id"]
    # test setup: the notice date has come before any case was added:
    # nothing to say yet, and the notice is not used up
    tt.sql_write("UPDATE releases SET notice_at = strftime('%%s','now') - 60"
                 " WHERE id = %d" % rid)
    mark = outbox_max()
    worker()
    eq(sub_mails("release_notice", mark), {}, "a notice of an empty release")
    eq(tt.sql("SELECT noticed_at FROM releases WHERE id = %d" %
              rid)[0]["noticed_at"], None, "an empty release marked noticed")
    tt.sql_write("UPDATE releases SET notice_at = strftime('%%s','now') + "
                 "86400 WHERE id = %d" % rid)
    tid = ready_case("subscribers")
    api_ok("release_manager", "/api/v1/releases/%d/cases" % rid,
           {"case": tid})
    title = tt.case_row(tid)["title"]
    api_ok("release_manager", "/api/v1/cases/%s/advisory" % tid,
           {"cve": "CVE-2026-54321", "restart_required": "machine"},
           method="PUT")
    mark = outbox_max()
    worker()
    eq(sub_mails("release_notice", mark), {}, "a notice before its date")
    # test setup: the notice date has come
    tt.sql_write("UPDATE releases SET notice_at = strftime('%%s','now') - 60"
                 " WHERE id = %d" % rid)
    worker()
    m = sub_mails("release_notice", mark)
    eq(sorted(m), sorted([addr["all"], addr["tp"]]), "advance notice to")
    for who in ("all", "tp"):
        b = m[addr[who]]
        for want in ("Advisories: 1", "Restart required: yes",
                     "libtinyparse", "/unsubscribe/" + tok[who],
                     "Highest severity:",
                     "10:00 America/Los_Angeles (UTC-0"):
            check(want in b, "%r not in the notice: %r" % (want, b))
        for secret in (title, tid, "CVE-2026-54321", "CWE-121",
                       "tp_parse_header", "stack buffer", "64-byte"):
            check(secret not in b, "the notice tells %r: %r" % (secret, b))
    check(tt.sql("SELECT noticed_at FROM releases WHERE id = %d" %
                 rid)[0]["noticed_at"], "noticed_at not set")
    mark = outbox_max()
    worker()
    eq(sub_mails("release_notice", mark), {}, "the notice sent twice")
    # the window: published, the release notice with links
    tt.sql_write("UPDATE releases SET window_at = strftime('%%s','now') - 60"
                 " WHERE id = %d" % rid)
    worker()
    adv = api_ok("analyst", "/api/v1/cases/%s/advisory" % tid)["advisory_id"]
    m = sub_mails("release_published", mark)
    eq(sorted(m), sorted([addr["all"], addr["tp"]]), "release notice to")
    for who in ("all", "tp"):
        b = m[addr[who]]
        for want in ("/advisories/" + adv, "/unsubscribe/" + tok[who]):
            check(want in b, "%r not in the release notice: %r" % (want, b))
    # published by hand (out of band): subscribers are told too, and an
    # address that unsubscribes from that mail gets nothing more
    eq(tt.curl("/unsubscribe/" + tok["all"], data=b"List-Unsubscribe="
               b"One-Click", ctype="application/x-www-form-urlencoded")
       .status, 200, "unsubscribe from the mail")
    oob = oob_release()["id"]
    tid2 = ready_case("subscribers-oob")
    api_ok("release_manager", "/api/v1/releases/%d/cases" % oob,
           {"case": tid2})
    mark = outbox_max()
    api_ok("release_manager", "/api/v1/releases/%d/publish" % oob, {})
    m = sub_mails("release_published", mark)
    eq(sorted(m), [addr["tp"]], "out-of-band release notice to")
    adv2 = api_ok("analyst", "/api/v1/cases/%s/advisory" % tid2)
    check("/advisories/" + adv2["advisory_id"] in m[addr["tp"]],
          "no link in the out-of-band release notice")
    eq(sub_mails("release_notice", mark), {},
       "an advance notice for an out-of-band release")


TESTS = [
    "test_windows", "test_out_of_band_needs_justification",
    "test_not_ready_case_refused", "test_publish_flow",
    "test_scheduled_release", "test_subscribers", "test_permissions",
]


def serve(binary):
    tt.SRV = Server(binary)
    return tt.SRV


def main(argv):
    return run_suite(argv, serve, [globals()[n] for n in TESTS])


if __name__ == "__main__":
    sys.exit(main(sys.argv))
