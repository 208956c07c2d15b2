#!/usr/bin/python3
"""Well-formedness of the report charts under real XML parsers.

usage: python3 tests/unit/report/check_svg.py SVG_SAMPLE [COUNT [SEED]]

SVG_SAMPLE is tests/unit/report/svg_sample.c built; it writes fixed and
random charts into a temporary directory as NAME.KIND.N.svg.  Each file
must parse with Python's XML parser (xml.etree) and, when xmllint is on
the PATH (Debian: libxml2-utils), with `xmllint --noout` too; its root
must be an SVG element with role="img", an aria-label and a <title>
first; it must hold only the elements and attributes the charts use (no
script, foreignObject, style, href or on* handler), no attribute value
with "nan" or "inf", and exactly N bars (KIND bars) or points (lines).

Output: "ok NAME" / "FAIL NAME: reason" per file, then "N passed, M
failed"; exit 1 if anything failed.
"""
import os
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

SVG = "{http://www.w3.org/2000/svg}"
ELEMENTS = {"svg", "title", "text", "g", "rect", "line", "polyline",
            "circle"}
ATTRIBUTES = {"version", "class", "viewBox", "role", "aria-label",
              "font-family", "font-size", "font-weight", "x", "y", "x1",
              "y1", "x2", "y2", "width", "height", "fill", "stroke",
              "stroke-width", "points", "cx", "cy", "r", "text-anchor"}
TEXTUAL = {"aria-label"}		# attributes holding people's text


def check(path):
    """Returns None when the file is fine, else the reason."""
    name = os.path.basename(path)
    kind, expect = name.split(".")[-3], int(name.split(".")[-2])
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as e:
        return "not well-formed: %s" % e
    if root.tag != SVG + "svg":
        return "root is %s" % root.tag
    if root.get("role") != "img" or not root.get("aria-label"):
        return "no role=img or aria-label"
    if len(root) == 0 or root[0].tag != SVG + "title" or not root[0].text:
        return "no <title> first"
    vb = root.get("viewBox", "").split()
    if len(vb) != 4 or not all(v.isdigit() for v in vb):
        return "bad viewBox %r" % root.get("viewBox")
    for el in root.iter():
        if not el.tag.startswith(SVG) or el.tag[len(SVG):] not in ELEMENTS:
            return "element %s" % el.tag
        for a, v in el.attrib.items():
            if a not in ATTRIBUTES:
                return "attribute %s on %s" % (a, el.tag)
            low = v.lower()
            if a not in TEXTUAL and ("nan" in low or "inf" in low):
                return "%s=%r" % (a, v)
    want = "chart-bar" if kind == "bars" else "chart-point"
    got = sum(1 for el in root.iter()
              if want in el.get("class", "").split())
    if got != expect:
        return "%d %s, expected %d" % (got, want, expect)
    return None


def main():
    if len(sys.argv) < 2:
        print(__doc__)
        return 2
    tmp = tempfile.mkdtemp(prefix="vigil-svg-")
    passed = failed = 0
    try:
        r = subprocess.run([sys.argv[1], tmp] + sys.argv[2:],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           universal_newlines=True)
        sys.stdout.write(r.stdout)
        if r.returncode != 0:
            print("FAIL svg_sample exited %d" % r.returncode)
            return 1
        files = sorted(os.path.join(tmp, f) for f in os.listdir(tmp))
        bad = {}
        for f in files:
            why = check(f)
            if why is not None:
                bad[f] = why
        xmllint = shutil.which("xmllint")
        if xmllint is None:
            print("note: no xmllint on the PATH (libxml2-utils); "
                  "xml.etree only")
        else:
            for i in range(0, len(files), 200):
                chunk = files[i:i + 200]
                r = subprocess.run([xmllint, "--noout", "--nonet"] + chunk,
                                   stdout=subprocess.PIPE,
                                   stderr=subprocess.STDOUT,
                                   universal_newlines=True)
                if r.returncode != 0:
                    for f in chunk:
                        if os.path.basename(f) in r.stdout:
                            bad.setdefault(f, "xmllint: " + r.stdout[:400])
                    if not any(f in bad for f in chunk):
                        bad[chunk[0]] = "xmllint: " + r.stdout[:400]
        for f in files:
            if f in bad:
                failed += 1
                print("FAIL %s: %s" % (os.path.basename(f), bad[f]))
            else:
                passed += 1
        if bad:
            print("samples kept in %s" % tmp)
            tmp = None
        else:
            print("ok %d charts" % passed)
    finally:
        if tmp is not None:
            shutil.rmtree(tmp)
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed or passed == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
