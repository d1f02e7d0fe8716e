"""Time the bibliography stage on a 2,700-entry .bib with 20 cited keys.

Run: ``PYTHONPATH=src python benchmarks/bib_bench.py [CITATIONS]``. The file is generated
deterministically (same bytes every run) with the LaTeX the booklet uses, so the figure is
comparable over time. The issue's target: under 0.3 s, the pandoc process (Pandoc's citeproc)
included (bibtexparser's full LaTeX decoding of such a file takes ~5 s). Without an argument, each
scenario runs in a fresh process (no warm caches): 20 citations (each cited key once, the
issue's case) and 100 (each key about five times).
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ENTRIES = 2700
CITED = 20
SCENARIOS = (20, 100)  # citations; the booklet has ~80

_SURNAMES = (
    "{\\L}ossowski",
    "\\v{C}ep\\.{e}nas",
    "Senn",
    "Ksi{\\k{a}}{\\.z}ek",
    "Wandycz",
    "Snyder",
    "Z{\\'o}{\\l}kowski",
    "Budreckis",
    "Lopata",
    "Eidintas",
)
_TITLES = (
    "Ksi{\\k{a}}{\\.z}ka o {USSR} i Litwie",
    "The Emergence of Modern Lithuania",
    "Nauj{\\k{u}}j{\\k{u}} laik{\\k{u}} Lietuvos istorija",
    "Polish--Lithuanian Relations, 1918---1920",
    "Reconstruction of Nations",
)


def generate(n: int = ENTRIES) -> str:
    """A deterministic .bib text with ``n`` entries, keys ``w0000`` ... (books and articles)."""
    parts = ["@string{cup = {Cambridge University Press}}\n"]
    for i in range(n):
        author = f"{_SURNAMES[i % len(_SURNAMES)]}, Jan~{chr(65 + i % 26)}."
        title = f"{_TITLES[i % len(_TITLES)]} {i}"
        if i % 2:
            parts.append(
                f"@article{{w{i:04d},\n  author = {{{author}}},\n  title = {{{title}}},\n"
                f"  journal = {{Journal of Baltic Studies}},\n  volume = {{{i % 40 + 1}}},\n"
                f"  number = {{{i % 4 + 1}}},\n  pages = {{{i % 300 + 1}--{i % 300 + 20}}},\n"
                f"  year = {{{1950 + i % 70}}},\n  doi = {{10.1080/0162977{i:04d}}},\n}}\n"
            )
        else:
            parts.append(
                f"@book{{w{i:04d},\n  author = {{{author}}},\n  title = {{{title}}},\n"
                f"  publisher = cup,\n  address = {{Cambridge}},\n  year = {{{1950 + i % 70}}},\n"
                f"  month = jun,\n  isbn = {{978-0-521-{i:05d}-0}},\n}}\n"
            )
    return "\n".join(parts)


def main() -> int:
    if len(sys.argv) > 1:
        return run(int(sys.argv[1]))
    for citations in SCENARIOS:
        subprocess.run([sys.executable, __file__, str(citations)], check=True)
    return 0


def _cpu() -> float:
    """CPU seconds of this process and of its finished children (the pandoc process): what the
    stage costs, whatever else the machine is doing; wall time grows with the machine's load."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def run(citations: int) -> int:
    from treatypress.bibliography import PlacedCitation, format_citations, load_bibliography, load_style
    from treatypress.bibliography.types import Citation, CiteItem

    with tempfile.TemporaryDirectory() as tmp:
        bib_path = Path(tmp) / "references.bib"
        bib_path.write_text(generate(), encoding="utf-8")
        keys = [f"w{i:04d}" for i in range(0, ENTRIES, ENTRIES // CITED)][:CITED]
        style, _ = load_style("chicago-notes-bibliography", Path(tmp), "en-US")
        assert style is not None
        cites = [
            PlacedCitation(
                Citation((CiteItem(keys[n * 7 % CITED], locator=str(n + 1)),), False), "bench.md", n + 1, False
            )
            for n in range(citations)
        ]
        start, cpu_start = time.perf_counter(), _cpu()
        bib, _ = load_bibliography(bib_path, "references.bib", keys)
        loaded = time.perf_counter()
        # as the resolve stage does: print and screen forms from one pandoc process
        result, _, problems = format_citations(bib, style, cites)
        done, cpu_done = time.perf_counter(), _cpu()
        assert not problems and all(result.notes), problems
    print(
        f"{ENTRIES} entries, {CITED} cited, {citations} citations: "
        f"load+decode {loaded - start:.3f} s, format (pandoc process included) {done - loaded:.3f} s, "
        f"bibliography stage {done - start:.3f} s "
        f"({len(result.notes)} notes, {len(result.bibliography)} bibliography entries); "
        f"CPU time {cpu_done - cpu_start:.3f} s (ours + pandoc's); load average {os.getloadavg()[0]:.1f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
