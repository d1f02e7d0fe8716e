"""Run the official CSL processor test suite through ``treatypress.cite`` (Pandoc's citeproc).

Usage: ``python tools/csl_suite.py PATH/TO/test-suite/processor-tests/humans``. The suite is not
part of this repository (get it from the citation-style-language/test-suite project). Fixtures in
"citation" and "bibliography" mode are run; those with a CITATIONS section (citations added one
by one with citationsPre/Post) or items without ids are skipped. Note styles get one note per
citation. A fixture that differs only in the capital letter Pandoc gives the start of a note it
makes is counted apart ("case"). Measured 2026-12-02 (pypandoc-binary 1.17, Pandoc 3.9): 623 of
798 run fixtures pass, 35 more differ only in that capital, 140 fail, 47 skipped.
"""

from __future__ import annotations

import json
import re
import sys
import tempfile
from collections import Counter
from pathlib import Path

import treatypress


def sections(text: str) -> dict[str, str]:
    return {m.group(1): m.group(2) for m in re.finditer(r">>=+ ([A-Z-]+) =+>>\n(.*?)\n<<=+ \1 =+<<", text, re.S)}


def norm(html: str) -> str:
    """Our HTML in the suite's spelling (citeproc-js's)."""
    html = html.replace('<span class="smallcaps">', '<span style="font-variant:small-caps;">')
    html = html.replace("&amp;", "&#38;").replace("&lt;", "&#60;").replace("&gt;", "&#62;")
    return re.sub(r'<a class="url" href="[^"]*">(.*?)</a>', r"\1", html).strip()


def lower_first(text: str) -> str:
    return "\n".join(re.sub(r"^((?:<[^>]+>|[^\w<])*)(\w)", lambda m: m.group(1) + m.group(2).lower(), line)
                     for line in text.split("\n"))


def run(path: Path, folder: Path) -> str:
    sec = sections(path.read_text(encoding="utf-8"))
    mode = sec.get("MODE", "").strip()
    items = json.loads(sec.get("INPUT", "[]"))
    if mode not in ("citation", "bibliography") or "CITATIONS" in sec or not all("id" in i for i in items):
        return "skip"
    style = folder / "style.csl"
    style.write_text(sec["CSL"], encoding="utf-8")
    note_style = bool(re.search(r'<style[^>]*class="note"', sec["CSL"]))
    groups = json.loads(sec["CITATION-ITEMS"]) if "CITATION-ITEMS" in sec else [[{"id": i["id"]} for i in items]]
    keys = ("id", "locator", "label", "prefix", "suffix", "suppress-author", "author-only")
    groups = [[{k: v for k, v in c.items() if k in keys} for c in g] for g in groups]
    cited = treatypress.cite(items, groups, str(style), notes=list(range(1, len(groups) + 1)) if note_style else None)
    expected = sec["RESULT"].strip()
    if mode == "bibliography":
        entries = [e.strip() for e in re.findall(r'<div class="csl-entry">(.*?)</div>', expected, re.S)]
        return "pass" if [norm(e) for e in cited.bibliography] == entries else "fail"
    out = "\n".join(norm(c) for c in cited.citations)
    if out == expected:
        return "pass"
    return "case" if note_style and lower_first(out) == lower_first(expected) else "fail"


def main() -> int:
    fixtures = sorted(Path(sys.argv[1]).glob("*.txt"))
    with tempfile.TemporaryDirectory() as folder:
        results = {p.stem: run(p, Path(folder)) for p in fixtures}
    counts = Counter(results.values())
    ran = counts["pass"] + counts["case"] + counts["fail"]
    print(f"{counts['pass']} of {ran} fixtures pass, {counts['case']} more differ only in a note's first "
          f"capital, {counts['fail']} fail; {counts['skip']} skipped")
    for name, result in sorted(results.items()):
        if result == "fail" and "-v" in sys.argv:
            print("  fail:", name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
