#!/usr/bin/python3
"""Conformance of the advisory generators: publish_main writes sample
advisories as CSAF 2.0 and CVE 5.1 JSON, then the OASIS validator
(tests/integration/csaf_validate.mjs) and the CVE schema
(tests/integration/cve_validate.mjs) check every file.

usage: python3 tests/integration/test_publish.py [PUBLISH_MAIN]

PUBLISH_MAIN is the driver built from tests/unit/publish/publish_main.c;
without it the test builds one with gcc (ASan/UBSan) into a temporary
directory.  Needs node and tests/node_modules (npm install in tests/).
The CVE schema is read from tests/data/cve-schema (or $CVE_SCHEMA).

Output: one line per step ("ok NAME" or "FAIL NAME: reason") with the
validators' own output, then exactly "N passed, M failed"; exit status 1
if anything failed, 77 (skip) when the CVE schema is missing.
"""
import glob
import os
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
INTEG = os.path.join(ROOT, "tests", "integration")


def build(tmp):
    exe = os.path.join(tmp, "publish_main")
    flags = subprocess.run(["pkg-config", "--cflags", "--libs", "jansson"],
                           check=True, capture_output=True,
                           text=True).stdout.split()
    subprocess.run(
        ["gcc", "-std=c11", "-D_GNU_SOURCE", "-Wall", "-Wextra",
         "-Wpedantic", "-Werror", "-fsanitize=address,undefined", "-g",
         "-I" + os.path.join(ROOT, "src"),
         os.path.join(ROOT, "src", "publish", "csaf.c"),
         os.path.join(ROOT, "src", "publish", "cve.c"),
         os.path.join(ROOT, "tests", "unit", "publish", "publish_main.c"),
         *flags, "-lm", "-o", exe], check=True)
    return exe


def step(name, cmd, results, expect_files=None):
    p = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    out = (p.stdout + p.stderr).rstrip()
    if out:
        print("\n".join("  " + line for line in out.splitlines()))
    if p.returncode == 77:
        print(f"SKIP {name}")
        results["skip"] = True
        return False
    if p.returncode != 0:
        print(f"FAIL {name}: exit {p.returncode}")
        results["failed"] += 1
        return False
    if expect_files is not None and f"{expect_files} passed, 0 failed" \
            not in p.stdout:
        print(f"FAIL {name}: expected {expect_files} passed")
        results["failed"] += 1
        return False
    print(f"ok {name}")
    results["passed"] += 1
    return True


def main():
    results = {"passed": 0, "failed": 0, "skip": False}
    node = shutil.which("node")
    if node is None:
        print("SKIP: node not found")
        return 77
    with tempfile.TemporaryDirectory(prefix="vigil-publish-") as tmp:
        exe = sys.argv[1] if len(sys.argv) > 1 else build(tmp)
        out = os.path.join(tmp, "out")
        if step("publish_main", [exe, out], results):
            ncsaf = len(glob.glob(os.path.join(out, "csaf", "*.json")))
            ncve = len(glob.glob(os.path.join(out, "cve", "*.json")))
            if ncsaf < 4 or ncve < 3:
                print(f"FAIL outputs: {ncsaf} CSAF, {ncve} CVE files")
                results["failed"] += 1
            step("csaf_validate",
                 [node, os.path.join(INTEG, "csaf_validate.mjs"),
                  os.path.join(out, "csaf")], results, ncsaf)
            step("cve_validate",
                 [node, os.path.join(INTEG, "cve_validate.mjs"),
                  os.path.join(out, "cve")], results, ncve)
    print(f"{results['passed']} passed, {results['failed']} failed")
    if results["failed"]:
        return 1
    return 77 if results["skip"] and results["passed"] == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
