#!/usr/bin/env python3
"""Integration tests for Vigil's independent patch testing, the
researcher's verification of the fix and the release gate: `vigil
product add|list`, the demo's three patch revisions of libtinyparse run
by `vigil worker --once` in the sandbox (misses the PoC, breaks the
regression suite, correct), the tester's sign-off and the rule that a
patch's author cannot sign it off, GET /api/v1/cases/<id>/gate at each
stage, sending the fix to the researcher, the researcher's answer on the
tracking page ("not fixed" sends the case back to fixing by itself,
"fixed" opens the gate), the release manager's waiver after the
deadline, regression memory (an earlier case's PoC reproducing again),
and refused uploads.

Usage: python3 tests/integration/test_testing.py path/to/vigil

Starts the real binary (`vigil serve --no-worker`, so that test runs
happen only when a test calls `vigil worker --once`) on a free loopback
port with a temporary SQLite database and a temporary sandbox folder,
`[mail] notify = no`.  Accounts come from `vigil user add
--password-stdin`, API tokens from `vigil token create`; HTTP is the curl
command-line tool; the sqlite3 command-line tool reads the database and
does test setup only (moving a verification's deadline into the past).
Run from anywhere: the CLI runs in the repository's top folder, where
`vigil demo` finds demo/tinyparse.  Python 3 standard library only.

Output: one line per test ("ok NAME" or "FAIL NAME: reason"), then
exactly "N passed, M failed"; exit status 1 if anything failed.
Environment: IT_ONLY=regex runs only matching tests (their setup runs
lazily), IT_KEEP=1 keeps the temporary folders, IT_VERBOSE=1 prints
tracebacks and timings.
"""
import base64
import os
import re
import secrets
import sys
import tempfile
import time
import urllib.parse
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import (JSON, Sqlite, check, eq, jbody,  # noqa: E402
                     multipart, q, run_suite)
from vigil_serve import ROOT, Serve  # noqa: E402

DEMO = os.path.join(ROOT, "demo", "tinyparse")


def demo_file(rel):
    with open(os.path.join(DEMO, rel), "rb") as f:
        return f.read()


# ---------------------------------------------------------------------------
# The server under test


class Server(Serve):
    cli_timeout = 120

    def __init__(self, binary):
        # The sandbox runs every command as another uid (65534): its
        # folder must be reachable by it, unlike the one of the database.
        self.runs = tempfile.mkdtemp(prefix="vigil-testing-runs-")
        os.chmod(self.runs, 0o755)
        super().__init__(binary, "vigil-testing-it-",
                         "[log]\nlevel = debug\n"
                         "[mail]\nnotify = no\n"
                         "[sandbox]\ndir = %s\n" % os.path.join(self.runs,
                                                                 "r"))

    def start(self):
        self.must(["migrate"])
        self._serve(["--no-worker"])

    def folders(self):
        return [self.tmp, self.runs]


SRV = None


def curl(path, method=None, data=None, ctype=None, cookie=None,
         headers=(), timeout=30):
    """One request with the curl tool; returns a Resp."""
    return harness.curl(SRV, path, method=method, data=data, ctype=ctype,
                        cookie=cookie, headers=headers, timeout=timeout)


# The database (read-only, except test setup)
DB = Sqlite(lambda: SRV.db)
sql, sql_write, case_row = DB.sql, DB.write, DB.case_row
audit_max, audit_since = DB.audit_max, DB.audit_since


# ---------------------------------------------------------------------------
# The demo, accounts, tokens


STATE = {}      # demo tracking id, ...

ROLES = {"analyst": "analyst", "engineer": "engineer", "tester": "tester",
         "release_manager": "release_manager", "admin": "admin",
         "multi": "engineer,tester"}     # multi writes patches and tests
EMAIL = {w: "%s@testing.example" % w.replace("_", "-") for w in ROLES}
TOKEN = {}


def setup():
    """`vigil demo` (before any other case), then the accounts and their
    API tokens."""
    if STATE:
        return STATE
    rc, out, err = SRV.cli(["demo"])
    eq(rc, 0, "vigil demo exit status (%s)" % err.strip()[-300:])
    check("3 patch revisions" in out, "vigil demo did not set up patch "
          "testing: %r" % out)
    m = re.search(r"demo case (\S+): /track/", out)
    check(m, "vigil demo printed no case: %r" % out)
    STATE["demo"] = m.group(1)
    for who, roles in ROLES.items():
        rc, out, err = SRV.cli(["user", "add", "--email", EMAIL[who],
                                "--name", "Testing " + who.title(),
                                "--role", roles, "--password-stdin"],
                               stdin=(secrets.token_urlsafe(18) + "\n")
                               .encode())
        eq(rc, 0, "vigil user add %s (%s)" % (who, err.strip()))
        rc, out, err = SRV.cli(["token", "create", "--user", EMAIL[who]])
        eq(rc, 0, "vigil token create %s (%s)" % (who, err.strip()))
        TOKEN[who] = out.strip()
    STATE["ids"] = {r["email"]: r["id"] for r in sql(
        "SELECT id, email FROM users")}
    return STATE


def api(who, path, body=None, method=None):
    """A JSON API request with `who`'s Bearer token."""
    setup()
    return curl(path, method=method, data=None if body is None else
                jbody(body), ctype=None if body is None else JSON,
                headers=["Authorization: Bearer " + TOKEN[who]])


def api_ok(who, path, body=None, want=None, what=None):
    r = api(who, path, body)
    want = want or (200 if body is None else 201)
    eq(r.status, want, "%s %s as %s (%s)" % (
        what or ("POST" if body is not None else "GET"), path, who,
        r.text[:300]))
    return r.json()


def worker(want_runs):
    """`vigil worker --once`: runs every queued test run."""
    t = time.time()
    rc, out, err = SRV.cli(["worker", "--once"], timeout=300)
    eq(rc, 0, "vigil worker --once exit status (%s)" % err.strip()[-500:])
    m = re.search(r"ran (\d+) test runs?", out)
    check(m, "vigil worker --once printed %r" % out)
    eq(int(m.group(1)), want_runs, "test runs run by the worker")
    if os.environ.get("IT_VERBOSE"):
        print("# worker: %d run(s) in %.1f s" % (want_runs, time.time() - t),
              file=sys.stderr)


def demo_ran():
    """The demo's three runs, done once."""
    setup()
    if "demo_runs" not in STATE:
        worker(3)
        STATE["demo_runs"] = True
    return STATE


def gate(tid, who="analyst"):
    return api_ok(who, "/api/v1/cases/%s/gate" % tid)


def unmet(tid):
    return gate(tid)["unmet"]


def new_report(title):
    """A report through the public API for libtinyparse; returns
    (tracking id, /track/<token> path)."""
    setup()
    r = curl("/api/v1/reports", data=jbody({
        "reporter": {"name": "Rita Researcher",
                     "email": "rita@research.example"},
        "product": "libtinyparse", "versions": ["1.4.2"],
        "cwe": "CWE-121", "impact": "rce",
        "title": "%s %s" % (title, secrets.token_hex(3)),
        "description": "tp_parse_header() copies a long header name into a "
                       "64-byte stack buffer.",
        "publicly_known": False, "exploited": False}), ctype=JSON)
    eq(r.status, 201, "POST /api/v1/reports (%s)" % r.text[:300])
    o = r.json()
    return o["tracking_id"], urllib.parse.urlsplit(o["track_url"]).path


def add_poc(tid, name="long-name.txt", data=None, who="analyst"):
    if data is None:
        data = demo_file("poc/long-name.txt")
    return api_ok(who, "/api/v1/cases/%s/pocs" % tid, {
        "name": name, "data_base64": base64.b64encode(data).decode()})


def move(tid, steps):
    """steps: [(who, to)] through POST .../transitions."""
    for who, to in steps:
        o = api_ok(who, "/api/v1/cases/%s/transitions" % tid,
                   {"to": to, "reason": "integration test"})
        eq(o["state"], to, "state after the transition to %s" % to)


TO_FIXING = [("analyst", "triage"), ("analyst", "confirmed"),
             ("engineer", "fixing")]


def upload(tid, diff_name, who="engineer", note=""):
    o = api_ok(who, "/api/v1/cases/%s/patches" % tid, {
        "kind": "diff", "diff": demo_file("patches/" + diff_name).decode(),
        "versions": ["1.4.2"], "note": note})
    eq(len(o["runs"]), 1, "runs queued by the upload")
    eq(o["runs"][0]["status"], "queued", "status of the new run")
    return o


def signoff(run_id, who="tester", verdict="pass", want=201,
            comment="Checked the logs of every step."):
    r = api(who, "/api/v1/test-runs/%d/signoff" % run_id,
            {"verdict": verdict, "comment": comment})
    eq(r.status, want, "sign-off of run %d by %s (%s)" % (run_id, who,
                                                          r.text[:300]))
    return r.json()


def send(tid, who="analyst", want=201, days=7):
    r = api(who, "/api/v1/cases/%s/verification" % tid,
            {"deadline_days": days})
    eq(r.status, want, "sending %s to the researcher as %s (%s)" % (
        tid, who, r.text[:300]))
    return r.json()


def open_track(track_path):
    """Follows a secret link; returns dict tid, cookie, path."""
    r = curl(track_path)
    eq(r.status, 303, "GET secret link status")
    loc = r.h("location")
    c = [x for x in r.hall("set-cookie") if x.startswith("vt_")]
    check(c, "the secret link set no vt_ cookie")
    return dict(tid=loc.rsplit("/", 1)[1], cookie=c[0].split(";", 1)[0],
                path=loc)


def track_page(tr):
    page = curl(tr["path"], cookie=tr["cookie"])
    eq(page.status, 200, "the tracking page")
    m = re.search(r'name="csrf" value="([0-9a-f]{64})"', page.text)
    check(m, "no csrf field on the tracking page")
    return page, m.group(1)


def answer(tr, ans, notes, want=303, form=True):
    page, csrf = track_page(tr)
    check(('action="/track/%s/verification"' % tr["tid"] in page.text) ==
          form, "the tracking page %s a verification form" % (
              "shows no" if form else "still shows"))
    ct, body = multipart([("csrf", csrf), ("answer", ans),
                          ("notes", notes)])
    r = curl(tr["path"] + "/verification", data=body, ctype=ct,
             cookie=tr["cookie"])
    eq(r.status, want, "the researcher's answer %r (%s)" % (ans,
                                                           r.text[:300]))
    return r


def run_json(run_id, who="tester"):
    return api_ok(who, "/api/v1/test-runs/%d" % run_id)


def step(run, name):
    s = [x for x in run["steps"] if x["name"] == name]
    check(len(s) == 1, "run %d: %d steps named %r (steps: %r)" % (
        run["id"], len(s), name, [x["name"] for x in run["steps"]]))
    return s[0]


SENT_NONE = "The fix has not been sent to the researcher to verify."
NO_SIGNOFF = "No tester has signed off the test run."
WAITING = "The researcher has not answered yet."


# ---------------------------------------------------------------------------
# Tests: products on the command line


def test_product_cli():
    setup()
    before = SRV.cli(["product", "list"])[1]
    refusals = [
        ("a relative --source", ["--source", "demo/tinyparse", "--poc",
                                 "./tp_cat {poc}"], "absolute"),
        ("--poc without {poc}", ["--source", DEMO, "--poc", "./tp_cat"],
         "{poc}"),
        ("a bad --oracle regex", ["--source", DEMO, "--poc", "./tp_cat {poc}",
                                  "--oracle", "match:(unclosed"], "oracle"),
        ("an unknown --oracle", ["--source", DEMO, "--poc", "./tp_cat {poc}",
                                 "--oracle", "segfault"], "oracle"),
        ("an empty match: oracle", ["--source", DEMO, "--poc",
                                    "./tp_cat {poc}", "--oracle", "match:"],
         "oracle"),
    ]
    for label, args, word in refusals:
        name = "Refused %s" % secrets.token_hex(3)
        rc, out, err = SRV.cli(["product", "add", "--name", name, "--build",
                                "make", "--test", "make check"] + args)
        eq(rc, 2, "product add with %s: exit status (%s)" % (label,
                                                              err.strip()))
        check(word in err, "product add with %s: stderr %r does not "
              "mention %s" % (label, err.strip(), word))
        check(name not in SRV.cli(["product", "list"])[1],
              "product add with %s stored the product" % label)
    eq(SRV.cli(["product", "list"])[1], before, "product list after refusals")
    # The demo's plan, as `vigil product list` shows it.
    rc, out, err = SRV.cli(["product", "list"])
    eq(rc, 0, "product list exit status")
    lines = out.splitlines()
    check("libtinyparse\tExample Networks" in lines,
          "product list has no libtinyparse line: %r" % out)
    i = lines.index("libtinyparse\tExample Networks")
    block = []
    for ln in lines[i + 1:]:
        if not ln.startswith("  "):
            break
        block.append(ln)
    want = ["  source " + os.path.realpath(DEMO), "  build  make",
            "  test   make check", "  poc    ./tp_cat {poc}",
            "  oracle crash", "  version 1.4.2"]
    eq(block, want, "libtinyparse's plan in product list")
    # A plan with a tagged version and a regex oracle.
    name = "Widget %s" % secrets.token_hex(3)
    rc, out, err = SRV.cli(["product", "add", "--name", name, "--vendor",
                            "Widget Co", "--source", "/srv/src/widget",
                            "--build", "./configure && make", "--test",
                            "make test", "--poc", "./widget --file {poc}",
                            "--oracle", "match:^(ERROR|FATAL)",
                            "--version", "2.0=v2.0", "--version", "2.1"])
    eq(rc, 0, "product add exit status (%s)" % err.strip())
    check(re.fullmatch(r"product %s \(id \d+\) with 2 versions\n" %
                       re.escape(name), out), "product add printed %r" % out)
    lines = SRV.cli(["product", "list"])[1].splitlines()
    i = lines.index("%s\tWidget Co" % name)
    eq(lines[i + 1:i + 8], ["  source /srv/src/widget",
                            "  build  ./configure && make",
                            "  test   make test",
                            "  poc    ./widget --file {poc}",
                            "  oracle match:^(ERROR|FATAL)",
                            "  version 2.0 = v2.0", "  version 2.1"],
       "the new plan in product list")
    # The API shows the same plan.
    prods = api_ok("tester", "/api/v1/products")["products"]
    tp = [p for p in prods if p["name"] == "libtinyparse"]
    eq(len(tp), 1, "libtinyparse in GET /api/v1/products")
    eq((tp[0]["build"], tp[0]["test"], tp[0]["poc"], tp[0]["oracle"],
        [v["name"] for v in tp[0]["versions"]]),
       ("make", "make check", "./tp_cat {poc}", "crash", ["1.4.2"]),
       "libtinyparse's plan in the API")


# ---------------------------------------------------------------------------
# Tests: the demo's three revisions


def _demo_patches():
    demo_ran()
    o = api_ok("tester", "/api/v1/cases/%s/patches" % STATE["demo"])
    eq(o["tracking_id"], STATE["demo"], "tracking_id of the patches list")
    byname = {}
    for p in o["patches"]:
        for n in ("misses-poc.diff", "breaks-tests.diff", "correct.diff"):
            if p["content"] == demo_file("patches/" + n).decode():
                byname[n] = p
    eq(sorted(byname), ["breaks-tests.diff", "correct.diff",
                        "misses-poc.diff"], "the demo's revisions by diff")
    eq([p["revision"] for p in o["patches"]], [3, 2, 1],
       "revisions, newest first")
    for n, p in byname.items():
        eq(len(p["runs"]), 1, "runs of %s" % n)
    return byname


def test_demo_three_outcomes():
    byname = _demo_patches()
    runs = {n: run_json(p["runs"][0]["id"]) for n, p in byname.items()}
    errors = []
    for n, run in runs.items():
        eq(run["tracking_id"], STATE["demo"], "tracking_id of %s's run" % n)
        eq(run["version"], "1.4.2", "version of %s's run" % n)
        check(run["finished_at"] and run["started_at"],
              "%s's run has no start or end time" % n)
        check(run["steps"], "%s's run has no steps" % n)
        for s in run["steps"]:
            for k, t in (("exit_status", int), ("signal", int),
                         ("duration", (int, float)), ("output", str),
                         ("verdict", str), ("name", str)):
                if not isinstance(s.get(k), t) or isinstance(s.get(k),
                                                             bool):
                    errors.append("%s: step %r: %s is %r" % (
                        n, s.get("name"), k, s.get(k)))
            if isinstance(s.get("duration"), (int, float)) and \
                    not 0 <= s["duration"] < 300:
                errors.append("%s: step %r lasted %r s" % (
                    n, s["name"], s["duration"]))
        seqs = [s["seq"] for s in run["steps"]]
        if seqs != sorted(seqs):
            errors.append("%s: steps out of order %r" % (n, seqs))
        # Before the patch the researcher's PoC reproduces, whatever the
        # patch: the stack overflow is real (AddressSanitizer says so).
        before = step(run, "PoC long-name.txt (unpatched)")
        if before["verdict"] != "reproduced" or \
                "AddressSanitizer" not in before["output"]:
            errors.append("%s: unpatched PoC %s, output %r" % (
                n, before["verdict"], before["output"][:200]))
        if not run["pocs_before_ok"]:
            errors.append("%s: pocs_before_ok false" % n)
        b = step(run, "build (patched)")
        if b["verdict"] != "ok" or b["exit_status"] != 0 or \
                not b["output"]:
            errors.append("%s: patched build %s exit %d output %r" % (
                n, b["verdict"], b["exit_status"], b["output"][:100]))
        if run["signoff"] is not None:
            errors.append("%s: signed off already: %r" % (n, run["signoff"]))
    check(not errors, "\n    ".join(errors))

    m = runs["misses-poc.diff"]
    eq(m["status"], "failed", "misses-poc: status")
    eq(m["regressions_ok"], True, "misses-poc: regressions_ok")
    eq(m["pocs_after_ok"], False, "misses-poc: pocs_after_ok")
    s = step(m, "PoC long-name.txt (patched)")
    eq(s["verdict"], "reproduced", "misses-poc: the patched PoC step")
    check("AddressSanitizer" in s["output"] and s["exit_status"] != 0,
          "misses-poc: patched PoC exit %d, output %r" % (
              s["exit_status"], s["output"][:200]))
    eq(step(m, "regression suite (patched)")["verdict"], "ok",
       "misses-poc: regression suite")
    check("still reproduce" in m["summary"], "misses-poc summary %r" %
          m["summary"])

    b = runs["breaks-tests.diff"]
    eq(b["status"], "failed", "breaks-tests: status")
    eq(b["regressions_ok"], False, "breaks-tests: regressions_ok")
    eq(b["pocs_after_ok"], True, "breaks-tests: pocs_after_ok")
    s = step(b, "regression suite (patched)")
    eq(s["verdict"], "failed", "breaks-tests: the regression-suite step")
    check(s["exit_status"] != 0 and s["output"],
          "breaks-tests: suite exit %d, output %r" % (s["exit_status"],
                                                      s["output"][:200]))
    eq(step(b, "PoC long-name.txt (patched)")["verdict"], "not_reproduced",
       "breaks-tests: patched PoC")
    check("regression suite fails" in b["summary"], "breaks-tests summary %r"
          % b["summary"])

    c = runs["correct.diff"]
    eq(c["status"], "passed", "correct: status")
    eq((c["regressions_ok"], c["pocs_before_ok"], c["pocs_after_ok"]),
       (True, True, True), "correct: the three checks")
    eq(c["regression_of"], None, "correct: regression_of")
    s = step(c, "PoC long-name.txt (patched)")
    eq(s["verdict"], "not_reproduced", "correct: patched PoC")
    check("name too long" in s["output"], "correct: patched PoC output %r" %
          s["output"][:200])
    eq(step(c, "regression suite (patched)")["verdict"], "ok",
       "correct: regression suite")
    check(c["summary"].startswith("Passed"), "correct summary %r" %
          c["summary"])
    # The gate sees the current revision (the correct one): passed, not
    # signed off, not sent.
    g = gate(STATE["demo"])
    eq(g["current_revision"], 3, "the demo's current revision")
    eq(g["run"]["status"], "passed", "the gate's run")
    eq((g["ok"], g["tested"]), (False, False), "the gate before sign-off")
    eq(g["unmet"], [NO_SIGNOFF, SENT_NONE], "unmet before sign-off")


def test_tester_signs_off_passing_run():
    byname = _demo_patches()
    run_id = byname["correct.diff"]["runs"][0]["id"]
    mark = audit_max()
    o = signoff(run_id, comment="Build, suite and PoC logs look right.")
    eq(o["signoff"]["verdict"], "pass", "sign-off verdict")
    eq(o["signoff"]["signer"], "Testing Tester", "signer")
    eq(o["signoff"]["comment"], "Build, suite and PoC logs look right.",
       "sign-off comment")
    eq(o["signoff"]["signer_id"], STATE["ids"][EMAIL["tester"]],
       "signer_id")
    eq(run_json(run_id)["signoff"], o["signoff"], "the stored sign-off")
    rows = audit_since(mark)
    check(any(x["actor"] == EMAIL["tester"] and "signed off" in
              (x["details"] or "") for x in rows),
          "no audit row for the sign-off: %r" % rows)
    # Once only; a verdict and a comment are required.
    r = api("admin", "/api/v1/test-runs/%d/signoff" % run_id,
            {"verdict": "fail", "comment": "again"})
    eq(r.status, 409, "a second sign-off of the run")
    failing = byname["misses-poc.diff"]["runs"][0]["id"]
    for body, field in (({"verdict": "maybe", "comment": "x"}, "verdict"),
                        ({"verdict": "pass", "comment": " \n"}, "comment"),
                        ({"verdict": "pass"}, "comment")):
        r = api("tester", "/api/v1/test-runs/%d/signoff" % failing, body)
        eq(r.status, 422, "sign-off %r" % body)
        eq(r.json()["error"]["field"], field, "field of the refusal of %r" %
           body)
    eq(run_json(failing)["signoff"], None, "sign-off after refusals")
    g = gate(STATE["demo"])
    eq(g["tested"], True, "tested after the sign-off")
    eq(g["unmet"], [SENT_NONE], "unmet after the sign-off")


def test_author_cannot_sign_off_and_failing_run_cannot_pass():
    """An engineer who is also a tester uploads a patch and tries to sign
    its own run off; a tester's "pass" on a failing run does not open
    the gate."""
    demo_ran()
    tid, _ = new_report("Author sign-off case")
    cid = case_row(tid)["id"]
    o = upload(tid, "correct.diff", who="multi", note="by multi")
    eq(o["author"], "Testing Multi", "the patch's author")
    run_id = o["runs"][0]["id"]
    worker(1)
    run = run_json(run_id)
    # No PoC on this case: the run cannot show the fix.
    eq(run["status"], "failed", "the run of a case without a PoC")
    eq(run["pocs_before_ok"], False, "pocs_before_ok without a PoC")
    mark = audit_max()
    r = api("multi", "/api/v1/test-runs/%d/signoff" % run_id,
            {"verdict": "pass", "comment": "My own patch looks fine."})
    eq(r.status, 409, "the author signs off their own run (%s)" %
       r.text[:200])
    e = r.json()["error"]
    eq(e["code"], "conflict", "error code")
    check("wrote this patch" in e["message"], "message %r" % e["message"])
    rows = audit_since(mark)
    check(any(x["action"] == "signoff.refused" and x["case_id"] == cid and
              x["actor"] == EMAIL["multi"] and str(run_id) in x["details"]
              for x in rows), "no signoff.refused audit row: %r" % rows)
    eq(run_json(run_id)["signoff"], None, "the run after the refusal")
    eq(sql("SELECT count(*) AS n FROM signoffs WHERE run_id = %d" % run_id)
       [0]["n"], 0, "sign-off rows after the refusal")
    # Another tester's "pass" on the failing run: signed off, not tested.
    o = signoff(run_id, verdict="pass", comment="Looks fine to me.")
    eq(o["signoff"]["verdict"], "pass", "the tester's verdict")
    g = gate(tid)
    eq((g["ok"], g["tested"]), (False, False),
       "the gate with a signed-off failing run")
    check("The proof of concept does not reproduce on the unpatched build."
          in g["unmet"], "unmet with a failing run: %r" % g["unmet"])
    check(NO_SIGNOFF not in g["unmet"], "unmet still asks for a sign-off: "
          "%r" % g["unmet"])
    r = send(tid, want=409)
    check("not tested" in r["error"]["message"], "refusal %r" % r["error"])
    eq(case_row(tid)["state"], "new", "state after the refused send")
    # Even a case in verifying does not get through the gate.
    sql_write("UPDATE cases SET state = 'verifying' WHERE id = %d" % cid)
    r = api("release_manager", "/api/v1/cases/%s/transitions" % tid,
            {"to": "ready"})
    eq(r.status, 409, "verifying -> ready with a signed-off failing run")
    check("release gate" in r.json()["error"]["message"],
          "refusal %r" % r.json()["error"])
    eq(case_row(tid)["state"], "verifying", "state after the refusal")


def test_gate_stages_and_researcher_verification():
    demo_ran()
    tid, link = new_report("Verification case")
    tr = open_track(link)
    eq(tr["tid"], tid, "the secret link's case")
    # 1. No patch.
    g = gate(tid)
    eq((g["ok"], g["tested"], g["unmet"], g["current_revision"], g["run"],
        g["verification"]), (False, False, ["There is no patch yet."], None,
                             None, None), "the gate without a patch")
    r = send(tid, want=409)
    eq(r["error"]["code"], "conflict", "send without a patch")
    add_poc(tid)
    move(tid, TO_FIXING)
    # 2. Queued, then passed but not signed off.
    o = upload(tid, "correct.diff", note="Reject long names.")
    eq(o["revision"], 1, "the first revision")
    run1 = o["runs"][0]["id"]
    g = gate(tid)
    eq(g["unmet"], ["The test run is waiting to start.", SENT_NONE],
       "unmet with a queued run")
    r = send(tid, want=409)
    check("not tested" in r["error"]["message"], "send before the run: %r"
          % r["error"])
    worker(1)
    eq(run_json(run1)["status"], "passed", "the first run")
    g = gate(tid)
    eq((g["ok"], g["tested"]), (False, False), "gate: passed, no sign-off")
    eq(g["unmet"], [NO_SIGNOFF, SENT_NONE], "unmet: passed, no sign-off")
    send(tid, want=409)
    eq(sql("SELECT count(*) AS n FROM verifications v JOIN cases c ON "
           "c.id = v.case_id WHERE c.tracking_id = %s" % q(tid))[0]["n"], 0,
       "verifications after refused sends")
    # 3. Signed off, not sent.
    signoff(run1)
    g = gate(tid)
    eq((g["ok"], g["tested"], g["unmet"]), (False, True, [SENT_NONE]),
       "gate: signed off, not sent")
    # 4. Sent.  Only a case in testing (or verifying) goes to the
    # researcher: the engineer first sends the fix to testing.
    r = send(tid, want=409)
    check("testing" in r["error"]["message"], "send from fixing: %r" %
          r["error"])
    eq(case_row(tid)["state"], "fixing", "state after the refused send")
    move(tid, [("engineer", "testing")])
    g = send(tid)
    eq(case_row(tid)["state"], "verifying", "state after sending")
    eq(g["verification"]["state"], "sent", "the verification's state")
    eq(g["verification"]["revision"], 1, "the verification's revision")
    check(g["verification"]["deadline"] > time.time() + 6 * 86400,
          "deadline %r is not 7 days away" % g["verification"]["deadline"])
    eq(gate(tid)["unmet"], [WAITING], "gate: sent, not answered")
    r = api("release_manager", "/api/v1/cases/%s/transitions" % tid,
            {"to": "ready"})
    eq(r.status, 409, "verifying -> ready before the researcher answers")
    check("release gate" in r.json()["error"]["message"] and WAITING in
          r.json()["error"]["message"], "refusal %r" % r.json()["error"])
    # The researcher sees the patch and answers "not fixed".
    page, _ = track_page(tr)
    check("name too long" in page.text, "the tracking page does not show "
          "the patch")
    answer(tr, "not_fixed", "", want=422)       # notes are required
    eq(case_row(tid)["state"], "verifying", "state after a refused answer")
    r = answer(tr, "not_fixed", "It still crashes with a 300-byte name.")
    eq(r.h("location"), "/track/%s#verification" % tid, "Location")
    # 5. The researcher answered: back to fixing by itself.
    eq(case_row(tid)["state"], "fixing", "state after \"not fixed\"")
    ev = sql("SELECT actor, from_state, to_state FROM events e JOIN cases c "
             "ON c.id = e.case_id WHERE c.tracking_id = %s AND e.kind = "
             "'transition' ORDER BY e.id DESC LIMIT 1" % q(tid))
    eq((ev[0]["actor"], ev[0]["from_state"], ev[0]["to_state"]),
       ("system", "verifying", "fixing"), "the automatic transition")
    g = gate(tid)
    eq(g["verification"]["state"], "not_fixed", "verification state")
    eq(g["unmet"], ["The researcher says the fix does not work."],
       "gate: the researcher says not fixed")
    answer(tr, "fixed", "", want=422, form=False)   # nothing waits now
    # A new revision: tested, signed off, sent, "fixed".
    o = upload(tid, "correct.diff", note="Second look.")
    eq(o["revision"], 2, "the second revision")
    eq(gate(tid)["unmet"], ["The test run is waiting to start.", SENT_NONE],
       "gate of the new revision")
    worker(1)
    run2 = o["runs"][0]["id"]
    eq(run_json(run2)["status"], "passed", "the second run")
    signoff(run2)
    move(tid, [("engineer", "testing")])
    send(tid)
    eq(case_row(tid)["state"], "verifying", "state after the second send")
    eq(gate(tid)["unmet"], [WAITING], "gate: revision 2 sent")
    answer(tr, "fixed", "Confirmed: the PoC now exits with an error.")
    eq(case_row(tid)["state"], "verifying", "state after \"fixed\"")
    g = gate(tid)
    eq((g["ok"], g["tested"], g["unmet"]), (True, True, []),
       "the gate after \"fixed\"")
    eq((g["verification"]["state"], g["verification"]["revision"]),
       ("fixed", 2), "the verification")
    page, _ = track_page(tr)
    check('id="verify-answered"' in page.text, "the tracking page does "
          "not show the answer")
    # The release manager opens the gate.
    o = api_ok("release_manager", "/api/v1/cases/%s/transitions" % tid,
               {"to": "ready"})
    eq(o["state"], "ready", "state after verifying -> ready")
    STATE["verified"] = tid


def test_waiver():
    demo_ran()
    tid, _ = new_report("Waiver case")
    cid = case_row(tid)["id"]
    add_poc(tid)
    move(tid, TO_FIXING)
    o = upload(tid, "correct.diff")
    worker(1)
    run_id = o["runs"][0]["id"]
    eq(run_json(run_id)["status"], "passed", "the waiver case's run")
    signoff(run_id)
    path = "/api/v1/cases/%s/verification/waive" % tid
    reason = "The researcher is unreachable; our own PoC run is conclusive."
    r = api("release_manager", path, {"reason": reason})
    eq(r.status, 409, "waiving before anything was sent")
    move(tid, [("engineer", "testing")])
    send(tid)
    # Before the deadline.
    r = api("release_manager", path, {"reason": reason})
    eq(r.status, 409, "waiving before the deadline (%s)" % r.text[:200])
    check("after that" in r.json()["error"]["message"], "refusal %r" %
          r.json()["error"])
    # Test setup: the deadline passed an hour ago.
    sql_write("UPDATE verifications SET deadline = strftime('%%s','now') - "
              "3600 WHERE case_id = %d" % cid)
    mark = audit_max()
    r = api("analyst", path, {"reason": reason})
    eq(r.status, 404, "an analyst waives")
    eq(r.json()["error"]["code"], "not_found", "an analyst's refusal code")
    rows = audit_since(mark, "permission.denied")
    check(any(x["actor"] == EMAIL["analyst"] and x["details"] ==
              "POST %s (verify.waive)" % path for x in rows),
          "no permission.denied row for the analyst: %r" % rows)
    for body in ({}, {"reason": ""}, {"reason": " \n\t"}):
        r = api("release_manager", path, body)
        eq(r.status, 422, "waiving with %r" % body)
        eq(r.json()["error"]["field"], "reason", "field of %r" % body)
    g = gate(tid)
    eq((g["ok"], g["verification"]["state"]), (False, "sent"),
       "the gate after refused waivers")
    g = api_ok("release_manager", path, {"reason": reason})
    eq(g["verification"]["state"], "waived", "the verification's state")
    eq(g["verification"]["waive_reason"], reason, "the waiver's reason")
    eq(g["verification"]["waived_by"], EMAIL["release_manager"],
       "who waived")
    eq((g["ok"], g["unmet"]), (True, []), "the gate after the waiver")
    r = api("release_manager", path, {"reason": reason})
    eq(r.status, 409, "waiving twice")
    o = api_ok("release_manager", "/api/v1/cases/%s/transitions" % tid,
               {"to": "ready"})
    eq(o["state"], "ready", "verifying -> ready after the waiver")


def test_regression_memory():
    """The demo case's PoC joined libtinyparse's regression PoCs when its
    correct patch passed; a later case whose patch is the one that only
    enlarges the buffer is flagged with the demo case's tracking ID (the
    later case's own PoC, a 100-byte name, fits the bigger buffer)."""
    demo_ran()
    demo = STATE["demo"]
    tid, _ = new_report("Regression case")
    add_poc(tid, "name-100.txt", b"A" * 100 + b": value\n")
    o = upload(tid, "misses-poc.diff", note="Make the buffer larger.")
    worker(1)
    run = run_json(o["runs"][0]["id"])
    eq(run["status"], "failed", "the regression run's status")
    eq((run["regressions_ok"], run["pocs_before_ok"], run["pocs_after_ok"]),
       (True, True, False), "the regression run's checks")
    check(run["regression_of"] and demo in run["regression_of"].split(),
          "regression_of %r does not name %s" % (run["regression_of"], demo))
    check("Regression" in run["summary"] and demo in run["summary"],
          "summary %r" % run["summary"])
    eq(step(run, "PoC name-100.txt (unpatched)")["verdict"], "reproduced",
       "the case's own PoC, unpatched")
    eq(step(run, "PoC name-100.txt (patched)")["verdict"], "not_reproduced",
       "the case's own PoC, patched")
    s = step(run, "regression PoC long-name.txt (patched) from %s" % demo)
    eq(s["verdict"], "reproduced", "the demo case's PoC, patched")
    check("AddressSanitizer" in s["output"], "output %r" % s["output"][:200])
    check("The proof of concept still reproduces with the patch." in
          unmet(tid), "the gate of the regression case: %r" % unmet(tid))
    # The demo case's PoC is listed as a regression PoC of the product.
    pocs = sql("SELECT c.tracking_id AS t FROM pocs p JOIN cases c ON "
               "c.id = p.case_id WHERE p.passed_run_id IS NOT NULL")
    check(demo in {x["t"] for x in pocs}, "the demo's PoC is not in the "
          "regression memory: %r" % pocs)


def test_bad_uploads():
    demo_ran()
    tid, _ = new_report("Bad upload case")
    counts = "SELECT (SELECT count(*) FROM patches) AS p, " \
        "(SELECT count(*) FROM test_runs) AS r"
    before = sql(counts)
    good = demo_file("patches/correct.diff").decode()
    bad = [
        ("not a diff", {"kind": "diff", "diff": "Please make the buffer "
                        "bigger.\n", "versions": ["1.4.2"]}, "unified diff"),
        ("a diff without a hunk", {"kind": "diff", "diff": "--- a/x\n+++ "
                                   "b/x\n", "versions": ["1.4.2"]},
         "unified diff"),
        ("an empty diff", {"kind": "diff", "diff": "",
                           "versions": ["1.4.2"]}, "empty"),
        ("a git ref with ..", {"kind": "gitref", "ref": "main..HEAD",
                               "versions": ["1.4.2"]}, ".."),
        ("a git ref with ../", {"kind": "gitref", "ref": "../../etc",
                                "versions": ["1.4.2"]}, ".."),
        ("a git ref starting with -", {"kind": "gitref",
                                       "ref": "--upload-pack=x",
                                       "versions": ["1.4.2"]}, "-"),
        ("an unknown version", {"kind": "diff", "diff": good,
                                "versions": ["9.9.9"]}, "9.9.9"),
        ("no version", {"kind": "diff", "diff": good, "versions": []},
         "version"),
        ("no kind", {"diff": good, "versions": ["1.4.2"]}, "kind"),
    ]
    errors = []
    for label, body, word in bad:
        r = api("engineer", "/api/v1/cases/%s/patches" % tid, body)
        if r.status != 422:
            errors.append("%s: %d, want 422 (%s)" % (label, r.status,
                                                     r.text[:200]))
        elif word not in r.json()["error"]["message"]:
            errors.append("%s: message %r does not mention %r" % (
                label, r.json()["error"]["message"], word))
    eq(sql(counts), before, "patches and runs after refused uploads")
    check(not errors, "\n    ".join(errors))


def test_unknown_patch_kind():
    """An upload of an unknown kind is refused about the kind (field
    "kind"), like one without a kind, not with "Give the unified diff in
    \"diff\"" when the diff is right there."""
    demo_ran()
    tid, _ = new_report("Unknown kind case")
    n = sql("SELECT count(*) AS n FROM patches")[0]["n"]
    r = api("engineer", "/api/v1/cases/%s/patches" % tid, {
        "kind": "tarball", "diff": demo_file("patches/correct.diff").decode(),
        "versions": ["1.4.2"]})
    eq(r.status, 422, "an upload of kind \"tarball\"")
    eq(sql("SELECT count(*) AS n FROM patches")[0]["n"], n,
       "patches after the refusal")
    e = r.json()["error"]
    eq((e["field"], "kind" in e["message"]), ("kind", True),
       "the refusal of kind \"tarball\" (message %r)" % e["message"])


# ---------------------------------------------------------------------------
# The runner


TESTS = [
    "test_product_cli", "test_demo_three_outcomes",
    "test_tester_signs_off_passing_run",
    "test_author_cannot_sign_off_and_failing_run_cannot_pass",
    "test_gate_stages_and_researcher_verification", "test_waiver",
    "test_regression_memory", "test_bad_uploads",
    "test_unknown_patch_kind",
]


def serve(binary):
    global SRV
    SRV = Server(binary)
    return SRV


def sandbox_cleaned(srv):
    sandbox = os.path.join(srv.runs, "r")
    leftover = os.listdir(sandbox) if os.path.isdir(sandbox) else []
    return ["run folders left behind: %s" % leftover[:5]] if leftover else []


def main(argv):
    return run_suite(argv, serve, [globals()[n] for n in TESTS],
                     checks=[("sandbox_cleaned", sandbox_cleaned)])


if __name__ == "__main__":
    sys.exit(main(sys.argv))
