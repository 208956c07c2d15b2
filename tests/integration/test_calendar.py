#!/usr/bin/env python3
"""Integration tests for `vigil calendar`: the real binary with a temporary
vigil.conf ([release] section) and blackout file.

Usage: python3 tests/integration/test_calendar.py path/to/vigil

Needs the system tzdata (/usr/share/zoneinfo).  No server, no database:
the command only reads the configuration, the zone and the blackout file.
Python 3 standard library only.

Output: one line per test ("ok NAME" or "FAIL NAME: reason"), then
exactly "N passed, M failed"; exit status 1 if anything failed.
"""
import datetime
import os
import subprocess
import sys
import tempfile
import traceback

VIGIL = os.path.abspath(sys.argv[1]) if len(sys.argv) > 1 else None
TMP = tempfile.mkdtemp(prefix="vigil-cal-")
RESULTS = []

# Patch Tuesdays 2026 at 10:00 Pacific (PST -08:00 before 03-08 and after
# 11-01), notice three business days before; the blackout file below makes
# 09-07 (Labor Day) a holiday, so September's notice is Wednesday 09-02,
# and 12-08 a blackout, so December's window moves to Wednesday 12-09.
EXPECTED_2026 = [
    "2026-01-13T10:00:00-08:00 notice 2026-01-08",
    "2026-02-10T10:00:00-08:00 notice 2026-02-05",
    "2026-03-10T10:00:00-07:00 notice 2026-03-05",
    "2026-04-14T10:00:00-07:00 notice 2026-04-09",
    "2026-05-12T10:00:00-07:00 notice 2026-05-07",
    "2026-06-09T10:00:00-07:00 notice 2026-06-04",
    "2026-07-14T10:00:00-07:00 notice 2026-07-09",
    "2026-08-11T10:00:00-07:00 notice 2026-08-06",
    "2026-09-08T10:00:00-07:00 notice 2026-09-02",
    "2026-10-13T10:00:00-07:00 notice 2026-10-08",
    "2026-11-10T10:00:00-08:00 notice 2026-11-05",
    "2026-12-09T10:00:00-08:00 notice 2026-12-03"
    " (moved from 2026-12-08: blackout)",
]

BLACKOUTS = """# holidays and freezes
2026-09-07   # Labor Day

2026-11-26
  2026-12-08\t# end-of-year freeze starts late
"""


def write(name, text):
    path = os.path.join(TMP, name)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    return path


def conf(name, release):
    """A vigil.conf whose [release] section has the given keys."""
    body = "[release]\n" + "".join(
        "%s = %s\n" % (k, v) for k, v in release.items())
    return write(name, body)


def run(config, *args):
    p = subprocess.run([VIGIL, "--config", config, "calendar", *args],
                       cwd=TMP, capture_output=True, text=True,
                       timeout=60)
    return p.returncode, p.stdout, p.stderr


def test(fn):
    RESULTS.append(fn)
    return fn


def expect(cond, msg):
    if not cond:
        raise AssertionError(msg)


@test
def patch_tuesday_2026():
    b = write("blackouts.txt", BLACKOUTS)
    c = conf("default.conf", {"blackouts": b})
    rc, out, err = run(c, "--from", "2026-01-01", "--count", "12")
    expect(rc == 0, "exit %d: %s" % (rc, err))
    got = out.splitlines()
    for i, (g, e) in enumerate(zip(got, EXPECTED_2026)):
        expect(g == e, "line %d: %r, want %r" % (i + 1, g, e))
    expect(len(got) == 12, "%d lines" % len(got))
    expect(out.endswith("\n") and "\r" not in out, "line endings")


@test
def explicit_keys_and_equals_form():
    b = write("blackouts.txt", BLACKOUTS)
    c = conf("explicit.conf", {
        "cadence": "monthly:2:tue", "weekdays": "tue-thu",
        "time": "10:00", "zone": "America/Los_Angeles",
        "blackouts": b, "advance_notice_days": "3"})
    rc, out, err = run(c, "--from=2026-01-01", "--count=12")
    expect(rc == 0, "exit %d: %s" % (rc, err))
    expect(out.splitlines() == EXPECTED_2026, out)


@test
def from_a_blackout_day():
    # asked from the blackout day itself: the moved window is listed
    b = write("blackouts.txt", BLACKOUTS)
    c = conf("default.conf", {"blackouts": b})
    rc, out, err = run(c, "--from", "2026-12-08", "--count", "2")
    expect(rc == 0, err)
    expect(out.splitlines() == [
        EXPECTED_2026[11],
        "2027-01-12T10:00:00-08:00 notice 2027-01-07"], out)


@test
def weekly_berlin_across_dst():
    c = conf("berlin.conf", {
        "cadence": "weekly:tue,thu", "zone": "Europe/Berlin",
        "time": "09:30", "advance_notice_days": "1"})
    rc, out, err = run(c, "--from", "2026-03-24", "--count", "4")
    expect(rc == 0, err)
    expect(out.splitlines() == [
        "2026-03-24T09:30:00+01:00 notice 2026-03-23",
        "2026-03-26T09:30:00+01:00 notice 2026-03-25",
        "2026-03-31T09:30:00+02:00 notice 2026-03-30",
        "2026-04-02T09:30:00+02:00 notice 2026-04-01"], out)


@test
def last_weekday_and_disallowed_day():
    # the last Friday is not an allowed day: the window moves to Tuesday
    c = conf("lastfri.conf", {"cadence": "monthly:last:fri",
                              "zone": "UTC"})
    rc, out, err = run(c, "--from", "2026-01-01", "--count", "2")
    expect(rc == 0, err)
    expect(out.splitlines() == [
        "2026-02-03T10:00:00+00:00 notice 2026-01-29"
        " (moved from 2026-01-30: day not allowed)",
        "2026-03-03T10:00:00+00:00 notice 2026-02-26"
        " (moved from 2026-02-27: day not allowed)"], out)


@test
def fall_back_ambiguous_time():
    # 01:30 on 2026-11-01 happens twice in Los Angeles: the first (PDT)
    c = conf("sunday.conf", {"cadence": "weekly:sun", "weekdays": "sun",
                             "time": "01:30", "advance_notice_days": "0"})
    rc, out, err = run(c, "--from", "2026-10-25", "--count", "3")
    expect(rc == 0, err)
    expect(out.splitlines() == [
        "2026-10-25T01:30:00-07:00 notice 2026-10-25",
        "2026-11-01T01:30:00-07:00 notice 2026-11-01",
        "2026-11-08T01:30:00-08:00 notice 2026-11-08"], out)


@test
def default_from_is_today():
    c = conf("utc.conf", {"zone": "UTC"})
    rc, out, err = run(c)
    expect(rc == 0, err)
    lines = out.splitlines()
    expect(len(lines) == 12, "%d lines" % len(lines))
    first = datetime.date.fromisoformat(lines[0][:10])
    today = datetime.datetime.now(datetime.timezone.utc).date()
    expect(today <= first <= today + datetime.timedelta(days=62), lines[0])


@test
def bad_arguments_exit_2():
    c = conf("utc.conf", {"zone": "UTC"})
    for args in (["--from", "2026-02-30"], ["--from", "2026-1-1"],
                 ["--from"], ["--from="], ["--count", "0"],
                 ["--count", "1001"], ["--count", "abc"], ["--count"],
                 ["--count", "-3"], ["--bogus"], ["extra"]):
        rc, out, err = run(c, *args)
        expect(rc == 2, "%r: exit %d" % (args, rc))
        expect(err.startswith("vigil: "), "%r: %r" % (args, err))
        expect(out == "", "%r printed %r" % (args, out))


@test
def bad_blackout_line_names_file_and_line():
    b = write("bad-blackouts.txt", "# ok\n2026-12-08\n2026-12-32\n")
    c = conf("badb.conf", {"blackouts": b})
    rc, out, err = run(c, "--from", "2026-01-01")
    expect(rc == 2, "exit %d" % rc)
    expect("%s:3:" % b in err, err)
    expect(out == "", out)
    b = write("bad2.txt", "2026-12-08 2026-12-09\n")
    c = conf("badb2.conf", {"blackouts": b})
    rc, out, err = run(c, "--from", "2026-01-01")
    expect(rc == 2 and "%s:1:" % b in err, err)


@test
def missing_blackout_file_exit_2():
    c = conf("nob.conf", {"blackouts": os.path.join(TMP, "nope.txt")})
    rc, out, err = run(c, "--from", "2026-01-01")
    expect(rc == 2 and "nope.txt" in err, err)


@test
def bad_release_keys_exit_2():
    for key, value, needle in (
            ("zone", "Mars/Olympus_Mons", "unknown time zone"),
            ("zone", "../../etc/passwd", "not a valid time zone name"),
            ("cadence", "daily", "cadence"),
            ("cadence", "monthly:6:tue", "cadence"),
            ("weekdays", "tue-xyz", "weekdays"),
            ("time", "25:00", "time")):
        c = conf("bad.conf", {key: value})
        rc, out, err = run(c, "--from", "2026-01-01")
        expect(rc == 2, "%s=%s: exit %d" % (key, value, rc))
        expect(needle in err, "%s=%s: %r" % (key, value, err))
    # out-of-range notice days are refused when the file is read
    c = conf("bad.conf", {"advance_notice_days": "61"})
    rc, out, err = run(c, "--from", "2026-01-01")
    expect(rc == 2 and "bad.conf" in err, err)


def main():
    if VIGIL is None or not os.access(VIGIL, os.X_OK):
        print("usage: test_calendar.py path/to/vigil", file=sys.stderr)
        return 2
    failed = 0
    for fn in RESULTS:
        try:
            fn()
            print("ok", fn.__name__)
        except Exception as e:  # noqa: BLE001 - report every failure
            failed += 1
            reason = str(e) if isinstance(e, AssertionError) else \
                traceback.format_exc()
            print("FAIL %s: %s" % (fn.__name__, reason))
    print("%d passed, %d failed" % (len(RESULTS) - failed, failed))
    for name in os.listdir(TMP):
        os.unlink(os.path.join(TMP, name))
    os.rmdir(TMP)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
