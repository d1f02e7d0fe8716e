"""Benchmark: build the default book and a generated ~300-page book; print where the time goes.

    python benchmarks/build.py            # both books, each in a fresh process
    python benchmarks/build.py --pages 600

For each book: the wall time of every pipeline stage, the total, the pages, the full layouts
WeasyPrint made (1 = the body was laid out once), the index's share of the PDF build, the
share of the build that is not WeasyPrint's own layout and PDF writing, and the peak memory.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def measure(root: Path) -> dict[str, object]:
    """Run in a child process: build PDF, EPUB and HTML and time each stage."""
    warnings.simplefilter("ignore")
    start = time.perf_counter()
    from weasyprint.text.fonts import FontConfiguration

    from treatypress.config import load_config
    from treatypress.manuscript import load_manuscript
    from treatypress.markdown import parse_chapter
    from treatypress.output import write_artifacts
    from treatypress.resolve import resolve
    from treatypress.targets import epub, pdf, web

    timings: dict[str, float] = {"import": time.perf_counter() - start}

    def timed(name: str, call, *args):  # type: ignore[no-untyped-def]
        begin = time.perf_counter()
        value = call(*args)
        timings[name] = timings.get(name, 0.0) + time.perf_counter() - begin
        return value

    config, _ = timed("config", load_config, root)
    manuscript, _ = timed("manuscript", load_manuscript, config)
    parsed = timed("markdown", lambda: [parse_chapter(c, config.book.language) for c in manuscript.chapters])
    book, problems = timed("resolve", resolve, config, parsed)
    assert book is not None, [p.format() for p in problems]
    fonts = FontConfiguration()
    layout = timed("layout (WeasyPrint)", pdf.lay_out, book, config.pdf.variant, fonts)
    index_doc, refused = timed("index layout (WeasyPrint)", pdf._index_pages, book, layout, config.pdf.variant,
                               fonts)
    original = pdf._index_pages
    pdf._index_pages = lambda *args: (index_doc, refused)  # laid out above: time only the writing here
    artifact, found, _ = timed("pdf write (WeasyPrint)", pdf.build_pdf, book, layout, config.pdf.variant, fonts)
    pdf._index_pages = original
    assert artifact is not None, [p.format() for p in found]
    epub_artifact = timed("epub", epub.build_epub, book, layout)
    web_artifacts = timed("html", web.build_web, book)
    out = Path(tempfile.mkdtemp())
    timed("write", write_artifacts, out, [artifact, epub_artifact, *web_artifacts])
    shutil.rmtree(out)
    total = sum(timings.values())
    weasy = sum(v for k, v in timings.items() if "WeasyPrint" in k)
    pdf_build = timings["layout (WeasyPrint)"] + timings["index layout (WeasyPrint)"] + timings["pdf write (WeasyPrint)"]
    return {"timings": timings, "total": total, "pages": len(layout.document.pages)
            + (len(index_doc.pages) - 1 if index_doc else 0), "layouts": layout.layouts,
            "not_weasyprint_share": (total - weasy - timings["import"]) / total,
            "index_share_of_pdf": timings["index layout (WeasyPrint)"] / pdf_build,
            "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def generate(folder: Path, pages: int) -> Path:
    """A long book built from the default book's settings and bibliography: ~1 page per 330 words."""
    (folder / "manuscript").mkdir(parents=True)
    shutil.copy(REPO / "references.bib", folder / "references.bib")
    keys = ["senn1966", "eidintas1999", "lossowski1995", "snyder2004", "skirius2002", "cepenas1986"]
    places = ["Vilnius", "Kaunas", "Hrodna", "Suwałki", "Moscow", "Warsaw", "Riga", "Daugavpils", "Lida", "Braslaw"]
    people = ["Naruševičius", "Łossowski", "Żeligowski", "Joffe", "Chicherin", "Voldemaras", "Smetona"]
    chapters = max(3, pages // 9)
    names = []
    for number in range(1, chapters + 1):
        lines = [f"---\ntitle: \"Chapter {number}\"\n---\n# Chapter {number}: the year in review {{#ch{number}}}\n"]
        for section in range(1, 4):
            lines.append(f"## Part {section}\n")
            for paragraph in range(6):
                n = number * 100 + section * 10 + paragraph
                place, person = places[n % len(places)], people[n % len(people)]
                text = 2 * (f"In the spring the delegation travelled from [{place}]{{.idx}} to the capital, where "
                        f"[{person}]{{.idx}} met the other side and discussed the frontier, the railways, the "
                        "refugees and the property that had been taken east during the war. The talks were "
                        "slow, and each side reported to its government by telegraph every evening, waiting "
                        "for instructions that often came late or not at all. ")
                if paragraph % 2 == 0:
                    text += f"Historians read the record differently [@{keys[n % len(keys)]}, {n % 90 + 1}]. "
                if paragraph % 3 == 1:
                    text += f"The minutes survive in two copies.[^n{n}] "
                lines.append(text + "\n")
                if paragraph % 3 == 1:
                    lines.append(f"[^n{n}]: One copy is in Vilnius, the other was taken abroad; see "
                                 f"@{keys[(n + 1) % len(keys)]} [{n % 40 + 1}].\n")
        name = f"{number:03d}-chapter.md"
        (folder / "manuscript" / name).write_text("\n".join(lines), encoding="utf-8")
        names.append(name)
    toml = (REPO / "manuscript/book.toml").read_text(encoding="utf-8").split("[contents]")[0]
    toml += "[contents]\nchapters = [" + ", ".join(f'"{n}"' for n in names) + "]\n"
    (folder / "manuscript" / "book.toml").write_text(toml, encoding="utf-8")
    return folder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=300, help="target size of the generated book")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args.child)))
        return
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"{platform.platform()}")
    with tempfile.TemporaryDirectory() as temporary:
        books = {"default book": REPO, f"generated book (~{args.pages} pages)": generate(Path(temporary), args.pages)}
        for name, root in books.items():
            env = {**os.environ, "SOURCE_DATE_EPOCH": "1700000000"}
            result = subprocess.run([sys.executable, __file__, "--child", str(root)], capture_output=True,
                                    text=True, env=env)
            if result.returncode:
                sys.exit(f"{name} failed:\n{result.stderr[-3000:]}")
            data = json.loads(result.stdout.strip().splitlines()[-1])
            print(f"\n{name}: {data['pages']} pages, {data['total']:.2f} s, peak {data['peak_mib']:.0f} MiB, "
                  f"{data['layouts']} full layout(s)")
            for stage, seconds in data["timings"].items():
                print(f"  {stage:28s} {seconds:7.3f} s")
            print(f"  not WeasyPrint's layout/writing (import excluded): {data['not_weasyprint_share']:.1%}")
            print(f"  index share of the PDF build: {data['index_share_of_pdf']:.1%}")


if __name__ == "__main__":
    main()
