#!/usr/bin/env python3
"""Integration tests for GET /metrics, the Prometheus text exposition
format 0.0.4: refused without a staff session or token; with an API
token, the whole output read by a small strict parser of the format
(every sample belongs to a family declared by # HELP and # TYPE, no
series twice, label values escaped, histogram buckets cumulative and
monotone with +Inf equal to _count); one request series and one latency
histogram for every route of `vigil routes` and for the no-route bucket,
labelled by pattern, never by path; cases per lifecycle state matching
the cases the test made; request and latency counters that grow with the
requests made to a route; an unknown path counted under the no-route
label; a tracking link's secret never in the output; SLA breaches, the
outbox and the test runs matching the database; build info and the
process's memory and start time.

Usage: python3 tests/integration/test_prometheus.py path/to/vigil

Reuses the server and curl helpers of test_testing.py (`vigil serve
--no-worker` on a free loopback port with a temporary SQLite database)
but not its `vigil demo`: the test's own cases are the only ones, so
their count per state is known.  Accounts come from `vigil user add
--password-stdin`, tokens from `vigil token create`; the sqlite3 tool
reads the database and does test setup only (due dates moved into the
past).

Output: one line per test ("ok NAME" or "FAIL NAME: reason"), then
exactly "N passed, M failed"; exit status 1 if anything failed.
Environment: IT_ONLY=regex, IT_KEEP=1, IT_VERBOSE=1 as in test_testing.py.
"""
import math
import os
import re
import secrets
import sys
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import test_testing as tt  # noqa: E402
from harness import TestFailure, check, eq, run_suite  # noqa: E402

CTYPE = "text/plain; version=0.0.4; charset=utf-8"
NONE_LABELS = ("(none)", "(any)")       # the no-route bucket
LE = ["0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5",
      "5", "10", "+Inf"]
STATES = ["new", "triage", "needs_info", "confirmed", "fixing", "testing",
          "verifying", "ready", "scheduled", "released", "closed",
          "rejected", "duplicate", "not_reproducible"]
SEVERITIES = ["critical", "high", "medium", "low", "unscored"]
FAMILIES = {
    "vigil_http_requests_total": "counter",
    "vigil_http_request_duration_seconds": "histogram",
    "vigil_cases": "gauge",
    "vigil_outbox_backlog": "gauge",
    "vigil_outbox_failed": "gauge",
    "vigil_test_runs": "gauge",
    "vigil_sla_breaches": "gauge",
    "vigil_sla_breaches_by_severity": "gauge",
    "vigil_build_info": "gauge",
    "process_resident_memory_bytes": "gauge",
    "process_start_time_seconds": "gauge",
}
STATE = {}
TOKEN = {}


# ---------------------------------------------------------------------------
# A strict parser of the text format, version 0.0.4


NAME = r"[a-zA-Z_:][a-zA-Z0-9_:]*"
LABEL = r"[a-zA-Z_][a-zA-Z0-9_]*"
TYPES = ("counter", "gauge", "histogram", "summary", "untyped")


def parse_value(s, where):
    if s in ("+Inf", "-Inf", "NaN"):
        return float(s.replace("Inf", "inf").replace("NaN", "nan"))
    if not re.fullmatch(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?", s):
        raise TestFailure("%s: bad value %r" % (where, s))
    return float(s)


def parse_labels(s, where):
    """s: what stands between { and }.  Returns a dict, the values
    unescaped; only \\\\, \\" and \\n escapes are allowed."""
    labels, i = {}, 0
    while i < len(s):
        m = re.match(LABEL, s[i:])
        check(m, "%s: bad label name at %r" % (where, s[i:]))
        name = m.group(0)
        i += len(name)
        check(s[i:i + 2] == '="', "%s: want =\" after %s" % (where, name))
        i += 2
        val = []
        while True:
            check(i < len(s), "%s: unterminated label value" % where)
            c = s[i]
            if c == "\\":
                esc = s[i + 1:i + 2]
                check(esc in ("\\", '"', "n"), "%s: bad escape \\%s" % (
                    where, esc))
                val.append("\n" if esc == "n" else esc)
                i += 2
            elif c == '"':
                i += 1
                break
            else:
                check(c != "\n", "%s: raw newline in a label" % where)
                val.append(c)
                i += 1
        check(name not in labels, "%s: label %s twice" % (where, name))
        labels[name] = "".join(val)
        if i < len(s):
            check(s[i] == ",", "%s: want , between labels" % where)
            i += 1
            check(i < len(s), "%s: trailing comma" % where)
    return labels


def split_sample(line, where):
    """name{labels} value [timestamp] -> (name, labels, value)."""
    m = re.match(NAME, line)
    check(m, "%s: no metric name" % where)
    name, rest = m.group(0), line[m.end():]
    labels = {}
    if rest.startswith("{"):
        # the closing brace: the first } outside a quoted value
        i, inq = 1, False
        while i < len(rest):
            c = rest[i]
            if inq and c == "\\":
                i += 2
                continue
            if c == '"':
                inq = not inq
            elif c == "}" and not inq:
                break
            i += 1
        check(i < len(rest), "%s: no closing brace" % where)
        labels = parse_labels(rest[1:i], where)
        rest = rest[i + 1:]
    check(rest.startswith(" "), "%s: want a space before the value" % where)
    parts = rest[1:].split(" ")
    check(1 <= len(parts) <= 2, "%s: want value [timestamp]" % where)
    value = parse_value(parts[0], where)
    if len(parts) == 2:
        check(re.fullmatch(r"-?\d+", parts[1]), "%s: bad timestamp" % where)
    return name, labels, value


def family_of(sample, ftype):
    """The family a sample name belongs to, given the family's type."""
    if ftype == "histogram":
        for suf in ("_bucket", "_sum", "_count"):
            if sample.endswith(suf):
                return sample[:-len(suf)]
        return None
    if ftype == "summary":
        for suf in ("_sum", "_count"):
            if sample.endswith(suf):
                return sample[:-len(suf)]
    return sample


def parse_exposition(text):
    """Returns {family: {"type", "help", "samples": [(name, labels,
    value)]}}; raises TestFailure on anything the format does not allow
    or that we never write (other comments, blank lines, a family's lines
    not together, HELP or TYPE after its samples or twice)."""
    check(text.endswith("\n"), "the output does not end with a newline")
    fams, order, cur = {}, [], None
    seen = set()
    for n, line in enumerate(text[:-1].split("\n"), 1):
        where = "line %d %r" % (n, line[:120])
        check(line != "", "%s: blank line" % where)
        if line.startswith("#"):
            m = re.fullmatch(r"# (HELP|TYPE) (%s) (.*)" % NAME, line)
            check(m, "%s: a comment that is neither HELP nor TYPE" % where)
            kind, fam, rest = m.groups()
            f = fams.setdefault(fam, {"type": None, "help": None,
                                      "samples": []})
            if fam not in order:
                order.append(fam)
            else:
                check(cur == fam, "%s: family %s's lines are not "
                      "together" % (where, fam))
            check(not f["samples"], "%s: %s after the samples" % (
                where, kind))
            if kind == "HELP":
                check(f["help"] is None, "%s: HELP twice" % where)
                check(rest.strip() != "", "%s: empty HELP" % where)
                check(not re.search(r"\\[^\\n]", rest), "%s: bad escape "
                      "in HELP" % where)
                f["help"] = rest
            else:
                check(f["type"] is None, "%s: TYPE twice" % where)
                check(rest in TYPES, "%s: unknown type" % where)
                f["type"] = rest
            cur = fam
            continue
        name, labels, value = split_sample(line, where)
        check(cur is not None, "%s: a sample before any family" % where)
        ftype = fams[cur]["type"]
        check(ftype is not None, "%s: family %s has no TYPE" % (where, cur))
        check(family_of(name, ftype) == cur, "%s: sample %s does not "
              "belong to the declared family %s (%s)" % (
                  where, name, cur, ftype))
        key = (name, tuple(sorted(labels.items())))
        check(key not in seen, "%s: the same series twice" % where)
        seen.add(key)
        fams[cur]["samples"].append((name, labels, value))
    for fam, f in fams.items():
        check(f["help"] is not None, "family %s has no HELP" % fam)
        check(f["samples"], "family %s has no samples" % fam)
        if f["type"] == "histogram":
            check_histogram(fam, f["samples"])
    return fams


def check_histogram(fam, samples):
    """Every label set: buckets with increasing le, ending at +Inf,
    cumulative counts never decreasing, +Inf == _count, one _sum."""
    series = {}
    for name, labels, value in samples:
        rest = tuple(sorted((k, v) for k, v in labels.items() if k != "le"))
        s = series.setdefault(rest, {"buckets": [], "sum": None,
                                     "count": None})
        if name.endswith("_bucket"):
            check("le" in labels, "%s%s: a bucket without le" % (
                fam, dict(rest)))
            s["buckets"].append((parse_value(labels["le"], "le"), value))
        else:
            check("le" not in labels, "%s: le on %s" % (fam, name))
            s["sum" if name.endswith("_sum") else "count"] = value
    for rest, s in series.items():
        what = "%s%s" % (fam, dict(rest))
        check(s["buckets"], "%s: no buckets" % what)
        check(s["sum"] is not None and s["count"] is not None,
              "%s: _sum or _count missing" % what)
        les = [le for le, _ in s["buckets"]]
        check(les == sorted(les) and len(set(les)) == len(les),
              "%s: le not strictly increasing: %r" % (what, les))
        check(math.isinf(les[-1]), "%s: the last bucket is not +Inf" % what)
        counts = [c for _, c in s["buckets"]]
        check(all(a <= b for a, b in zip(counts, counts[1:])),
              "%s: buckets not cumulative: %r" % (what, counts))
        eq(counts[-1], s["count"], "%s: +Inf bucket against _count" % what)
        check(s["sum"] >= 0, "%s: negative _sum" % what)
        check(s["count"] > 0 or s["sum"] == 0, "%s: a _sum without "
              "observations" % what)


# ---------------------------------------------------------------------------
# Set-up: accounts, tokens, the test's own cases


def setup():
    """Once; a failure is reported again to every later test."""
    if "failed" in STATE:
        raise TestFailure("set-up failed: %s" % STATE["failed"])
    if STATE:
        return STATE
    try:
        return make_setup()
    except TestFailure as e:
        STATE.clear()
        STATE["failed"] = str(e)
        raise


def make_setup():
    for who, role in (("analyst", "analyst"), ("tester", "tester")):
        email = "%s@prometheus.example" % who
        rc, out, err = tt.SRV.cli(["user", "add", "--email", email,
                                   "--name", "Metrics " + who.title(),
                                   "--role", role, "--password-stdin"],
                                  stdin=(secrets.token_urlsafe(18) + "\n")
                                  .encode())
        eq(rc, 0, "vigil user add %s (%s)" % (who, err.strip()))
        rc, out, err = tt.SRV.cli(["token", "create", "--user", email])
        eq(rc, 0, "vigil token create %s (%s)" % (who, err.strip()))
        TOKEN[who] = out.strip()
    # Five cases: two stay new, one in triage, one waiting for
    # information, one rejected.
    cases = [new_report("Metrics case %d" % i) for i in range(5)]
    move(cases[2][0], ["triage"])
    move(cases[3][0], ["triage", "needs_info"])
    move(cases[4][0], ["rejected"])
    STATE["cases"] = cases
    STATE["want"] = {"new": 2, "triage": 1, "needs_info": 1, "rejected": 1}
    return STATE


def new_report(title):
    """A report through the public API; returns (tracking id, the
    /track/<secret> path)."""
    r = tt.curl("/api/v1/reports", data=tt.jbody({
        "reporter": {"name": "Mia Metrics", "email": "mia@research.example"},
        "product": "Metrics Test Product", "versions": ["1.0"],
        "cwe": "CWE-79", "impact": "info_disclosure",
        "title": "%s %s" % (title, secrets.token_hex(3)),
        "description": "A reflected parameter is written into the page "
                       "without escaping.",
        "publicly_known": False, "exploited": False}), ctype=tt.JSON)
    eq(r.status, 201, "POST /api/v1/reports (%s)" % r.text[:300])
    o = r.json()
    return o["tracking_id"], urllib.parse.urlsplit(o["track_url"]).path


def move(tid, states):
    for to in states:
        r = tt.curl("/api/v1/cases/%s/transitions" % tid, data=tt.jbody({
            "to": to, "reason": "integration test of /metrics"}),
            ctype=tt.JSON, headers=["Authorization: Bearer " +
                                    TOKEN["analyst"]])
        eq(r.status, 201, "transition of %s to %s (%s)" % (
            tid, to, r.text[:300]))


def scrape(who="analyst"):
    """GET /metrics with a token; returns (response, parsed families)."""
    setup()
    r = tt.curl("/metrics", headers=["Authorization: Bearer " + TOKEN[who]])
    eq(r.status, 200, "GET /metrics as %s (%s)" % (who, r.text[:300]))
    return r, parse_exposition(r.body.decode("utf-8"))


def value(fams, fam, sample=None, **labels):
    """The value of one series; TestFailure when it is not there."""
    sample = sample or fam
    check(fam in fams, "family %s missing" % fam)
    for name, lab, v in fams[fam]["samples"]:
        if name == sample and lab == labels:
            return v
    raise TestFailure("no series %s%r" % (sample, labels))


def requests(fams, route, method, cls):
    return value(fams, "vigil_http_requests_total", route=route,
                 method=method, code_class=cls)


def latency_count(fams, route, method):
    return value(fams, "vigil_http_request_duration_seconds",
                 "vigil_http_request_duration_seconds_count", route=route,
                 method=method)


def scrape_until(pred, what, timeout=5.0):
    """Scrapes until pred(fams) holds: the server counts a request when
    libmicrohttpd reports it complete, which may come just after the
    client has its answer."""
    deadline = time.time() + timeout
    while True:
        _, fams = scrape()
        if pred(fams):
            return fams
        if time.time() > deadline:
            raise TestFailure("%s: not seen within %.0f s" % (what, timeout))
        time.sleep(0.05)


# ---------------------------------------------------------------------------
# Tests


def test_anonymous_refused():
    setup()
    r = tt.curl("/metrics")
    check(r.status in (303, 401, 404), "anonymous GET /metrics: status %d"
          % r.status)
    check(b"# TYPE" not in r.body and b"vigil_" not in r.body,
          "anonymous GET /metrics shows metrics")
    r = tt.curl("/metrics", headers=["Authorization: Bearer vgl_" +
                                     secrets.token_hex(20)])
    check(r.status in (303, 401, 404), "GET /metrics with a made-up token: "
          "status %d" % r.status)
    check(b"# TYPE" not in r.body, "a made-up token sees metrics")


def test_format_and_families():
    r, fams = scrape()
    eq(r.h("content-type"), CTYPE, "Content-Type")
    eq(r.h("cache-control"), "no-store", "Cache-Control")
    for fam, ftype in FAMILIES.items():
        check(fam in fams, "family %s missing" % fam)
        eq(fams[fam]["type"], ftype, "TYPE of %s" % fam)
    # every staff role may scrape
    scrape("tester")


def test_route_labels():
    """One series per route of the table and status class, one histogram
    per route, and the no-route bucket; labels are patterns."""
    _, fams = scrape()
    rc, out, err = tt.SRV.cli(["routes"])
    eq(rc, 0, "vigil routes (%s)" % err.strip())
    routes = set()
    for line in out.splitlines()[1:]:
        method, pattern = line.split("\t")[:2]
        routes.add((pattern, method))
    want = routes | {NONE_LABELS}
    got = {(lab["route"], lab["method"]) for _, lab, _ in
           fams["vigil_http_requests_total"]["samples"]}
    eq(got, want, "route labels of vigil_http_requests_total")
    for route, method in want:
        for cls in ("2xx", "3xx", "4xx", "5xx"):
            requests(fams, route, method, cls)
        les = [lab["le"] for name, lab, _ in
               fams["vigil_http_request_duration_seconds"]["samples"]
               if name.endswith("_bucket") and lab["route"] == route and
               lab["method"] == method]
        eq(les, LE, "buckets of %s %s" % (method, route))
    for fam in ("vigil_http_requests_total",
                "vigil_http_request_duration_seconds"):
        for _, lab, _ in fams[fam]["samples"]:
            eq(sorted(lab), sorted(["route", "method"] + (
                ["code_class"] if fam.endswith("_total") else []) + (
                ["le"] if "le" in lab else [])), "label names of %s" % fam)


def test_cases_per_state():
    st = setup()
    _, fams = scrape()
    got = {lab["state"]: v for _, lab, v in fams["vigil_cases"]["samples"]}
    eq(sorted(got), sorted(STATES), "states of vigil_cases")
    for s in STATES:
        eq(got[s], st["want"].get(s, 0), "vigil_cases{state=%r}" % s)
    db = {row["state"]: row["n"] for row in tt.sql(
        "SELECT state, count(*) AS n FROM cases GROUP BY state")}
    eq({k: v for k, v in got.items() if v}, db, "vigil_cases against the "
       "database")


def test_requests_counted():
    _, before = scrape()
    n2 = requests(before, "/healthz", "GET", "2xx")
    c2 = latency_count(before, "/healthz", "GET")
    for _ in range(3):
        eq(tt.curl("/healthz").status, 200, "GET /healthz")
    want = n2 + 3
    fams = scrape_until(lambda f: requests(f, "/healthz", "GET", "2xx") >=
                        want, "three GET /healthz counted")
    eq(requests(fams, "/healthz", "GET", "2xx"), want,
       "requests to /healthz after three more")
    eq(latency_count(fams, "/healthz", "GET"), c2 + 3,
       "latency observations of /healthz after three more")
    check(value(fams, "vigil_http_request_duration_seconds",
                "vigil_http_request_duration_seconds_sum",
                route="/healthz", method="GET") > 0,
          "the latency sum of /healthz is 0")
    eq(requests(fams, "/healthz", "GET", "4xx"),
       requests(before, "/healthz", "GET", "4xx"), "4xx of /healthz")
    # a staff route asked anonymously counts under its own route, 3xx
    # (the redirect to /login) or 4xx
    n3 = requests(fams, "/cases", "GET", "3xx") + \
        requests(fams, "/cases", "GET", "4xx")
    check(tt.curl("/cases").status in (303, 401, 404), "anonymous /cases")
    scrape_until(lambda f: requests(f, "/cases", "GET", "3xx") +
                 requests(f, "/cases", "GET", "4xx") == n3 + 1,
                 "an anonymous GET /cases counted")
    # a static file counts under /static/*
    n = requests(fams, "/static/*", "GET", "2xx") + \
        requests(fams, "/static/*", "GET", "3xx")
    r = tt.curl("/static/vigil.css")
    check(r.status in (200, 304), "GET /static/vigil.css: %d" % r.status)
    scrape_until(lambda f: requests(f, "/static/*", "GET", "2xx") +
                 requests(f, "/static/*", "GET", "3xx") == n + 1,
                 "a static file counted under /static/*")


def test_unknown_path_is_no_route():
    _, before = scrape()
    n = requests(before, NONE_LABELS[0], NONE_LABELS[1], "4xx")
    c = latency_count(before, *NONE_LABELS)
    path = "/no-such-page-%s" % secrets.token_hex(8)
    eq(tt.curl(path).status, 404, "GET %s" % path)
    eq(tt.curl("/healthz", method="DELETE").status, 405, "DELETE /healthz")
    fams = scrape_until(lambda f: requests(f, *NONE_LABELS, "4xx") >= n + 2,
                        "an unknown path and a wrong method counted")
    eq(requests(fams, *NONE_LABELS, "4xx"), n + 2, "no-route 4xx")
    eq(latency_count(fams, *NONE_LABELS), c + 2, "no-route latency count")
    r, _ = scrape()
    check(path.encode() not in r.body and b"no-such-page" not in r.body,
          "the unknown path is in the output")


def test_tracking_secret_not_leaked():
    st = setup()
    tid, track = st["cases"][0]
    secret = track.rstrip("/").rsplit("/", 1)[1]
    check(len(secret) >= 16, "tracking path %r has no secret" % track)
    _, before = scrape()
    n = requests(before, "/track/*", "GET", "2xx") + \
        requests(before, "/track/*", "GET", "3xx")
    r = tt.curl(track)
    check(r.status in (200, 303), "GET %s: %d" % (track, r.status))
    scrape_until(lambda f: requests(f, "/track/*", "GET", "2xx") +
                 requests(f, "/track/*", "GET", "3xx") == n + 1,
                 "the tracking page counted under /track/*")
    # a made-up token too: a 404 of the tracking route
    fake = secrets.token_urlsafe(24)
    tt.curl("/track/" + fake)
    r, _ = scrape()
    for s in (secret, fake):
        check(s.encode() not in r.body, "a tracking secret is in /metrics")


def test_gauges_match_database():
    st = setup()
    now = int(time.time())
    # two of the test's open cases past their due date, one closed one
    # (rejected) too: only the open ones are breaches
    for tid, _ in (st["cases"][0], st["cases"][3], st["cases"][4]):
        tt.sql_write("UPDATE cases SET due_at = %d WHERE tracking_id = %s"
                     % (now - 86400, tt.q(tid)))
    _, fams = scrape()
    terminal = "('released','closed','rejected','duplicate'," \
        "'not_reproducible')"
    want = tt.sql("SELECT count(*) AS n FROM cases WHERE due_at IS NOT NULL "
                  "AND due_at > 0 AND due_at < %d AND state NOT IN %s" % (
                      now, terminal))[0]["n"]
    eq(want, 2, "open cases past due in the database")
    eq(value(fams, "vigil_sla_breaches"), want, "vigil_sla_breaches")
    sev = {lab["severity"]: v for _, lab, v in
           fams["vigil_sla_breaches_by_severity"]["samples"]}
    eq(sorted(sev), sorted(SEVERITIES), "severities")
    eq(sum(sev.values()), want, "breaches by severity, summed")
    eq(sev["unscored"], want, "unscored breaches (no case was scored)")
    ob = {row["status"]: row["n"] for row in tt.sql(
        "SELECT status, count(*) AS n FROM outbox GROUP BY status")}
    eq(value(fams, "vigil_outbox_backlog"),
       ob.get("pending", 0) + ob.get("sending", 0), "vigil_outbox_backlog")
    eq(value(fams, "vigil_outbox_failed"), ob.get("failed", 0),
       "vigil_outbox_failed")
    runs = {row["status"]: row["n"] for row in tt.sql(
        "SELECT status, count(*) AS n FROM test_runs GROUP BY status")}
    for s in ("queued", "running"):
        eq(value(fams, "vigil_test_runs", status=s), runs.get(s, 0),
           "vigil_test_runs{status=%r}" % s)


def test_build_and_process():
    _, fams = scrape()
    rc, out, err = tt.SRV.cli(["version"])
    eq(rc, 0, "vigil version (%s)" % err.strip())
    builds = fams["vigil_build_info"]["samples"]
    eq(len(builds), 1, "vigil_build_info series")
    name, lab, v = builds[0]
    eq(v, 1, "vigil_build_info value")
    check(lab.get("version") and lab["version"] in out,
          "vigil_build_info version %r not in `vigil version`: %r" % (
              lab.get("version"), out))
    rss = value(fams, "process_resident_memory_bytes")
    check(1 << 20 <= rss < 1 << 40, "resident memory %r" % rss)
    t0 = value(fams, "process_start_time_seconds")
    check(time.time() - 3600 < t0 <= time.time() + 5,
          "process start time %r is not within the last hour" % t0)


def test_parser_rejects():
    """The strict parser itself: what it must refuse."""
    good = ("# HELP x_total X.\n# TYPE x_total counter\n"
            "x_total{a=\"q\\\"\\\\\\n\"} 1\n")
    fams = parse_exposition(good)
    eq(fams["x_total"]["samples"][0][1], {"a": "q\"\\\n"}, "unescaped label")
    bad = {
        "no family": "y 1\n",
        "no TYPE": "# HELP y Y.\ny 1\n",
        "wrong family": "# HELP y Y.\n# TYPE y gauge\nz 1\n",
        "bad escape": "# HELP y Y.\n# TYPE y gauge\ny{a=\"\\t\"} 1\n",
        "series twice": "# HELP y Y.\n# TYPE y gauge\ny 1\ny 2\n",
        "no newline": "# HELP y Y.\n# TYPE y gauge\ny 1",
        "bad value": "# HELP y Y.\n# TYPE y gauge\ny one\n",
        "not cumulative": "# HELP h H.\n# TYPE h histogram\n"
                          "h_bucket{le=\"1\"} 2\nh_bucket{le=\"+Inf\"} 1\n"
                          "h_sum 1\nh_count 1\n",
        "inf != count": "# HELP h H.\n# TYPE h histogram\n"
                        "h_bucket{le=\"1\"} 1\nh_bucket{le=\"+Inf\"} 1\n"
                        "h_sum 1\nh_count 2\n",
        "no +Inf": "# HELP h H.\n# TYPE h histogram\n"
                   "h_bucket{le=\"1\"} 1\nh_sum 1\nh_count 1\n",
    }
    for what, text in bad.items():
        try:
            parse_exposition(text)
        except TestFailure:
            continue
        raise TestFailure("the parser accepted %s" % what)


TESTS = [
    "test_parser_rejects",
    "test_anonymous_refused",
    "test_format_and_families",
    "test_route_labels",
    "test_cases_per_state",
    "test_requests_counted",
    "test_unknown_path_is_no_route",
    "test_tracking_secret_not_leaked",
    "test_gauges_match_database",
    "test_build_and_process",
]


def serve(binary):
    tt.SRV = tt.Server(binary)
    return tt.SRV


def main(argv):
    return run_suite(argv, serve, [globals()[n] for n in TESTS])


if __name__ == "__main__":
    sys.exit(main(sys.argv))
