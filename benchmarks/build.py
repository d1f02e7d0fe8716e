"""Benchmark: build the default book and a generated ~300-page book; print where the time goes.

    python benchmarks/build.py            # both books, each in a fresh process
    python benchmarks/build.py --pages 600

For each book, as tagged PDF and untagged, each in one process and in two: the wall time of every
pipeline stage (``build()``'s own timings), the total, the pages, the pages WeasyPrint laid out
per page printed, and the peak memory of the largest process. ``benchmarks/compare.py`` sets these against the peers.
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


def measure(root: Path, variant: str, jobs: int) -> dict[str, object]:
    """Run in a child process: build PDF, EPUB and HTML with ``build()`` and report its stages."""
    warnings.simplefilter("ignore")
    start = time.perf_counter()
    from treatypress.build import BuildOptions, build

    imported = time.perf_counter() - start
    out = Path(tempfile.mkdtemp())
    result = build(
        root, BuildOptions(formats=("pdf", "epub", "html"), out_dir=out, variant=variant, jobs=jobs, cache=False)
    )
    shutil.rmtree(out)
    timings = {"import": imported, **result.timings}
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {
        "timings": timings,
        "total": sum(timings.values()),
        "pages": result.pages,
        "parts": result.parts,
        "laid_out": result.pages_laid_out,
        "peak_mib": max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, children),
    }


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
        lines = [f'---\ntitle: "Chapter {number}"\n---\n# Chapter {number}: the year in review {{#ch{number}}}\n']
        for section in range(1, 4):
            lines.append(f"## Part {section}\n")
            for paragraph in range(6):
                n = number * 100 + section * 10 + paragraph
                place, person = places[n % len(places)], people[n % len(people)]
                text = 2 * (
                    f"In the spring the delegation travelled from [{place}]{{.idx}} to the capital, where "
                    f"[{person}]{{.idx}} met the other side and discussed the frontier, the railways, the "
                    "refugees and the property that had been taken east during the war. The talks were "
                    "slow, and each side reported to its government by telegraph every evening, waiting "
                    "for instructions that often came late or not at all. "
                )
                if paragraph % 2 == 0:
                    text += f"Historians read the record differently [@{keys[n % len(keys)]}, {n % 90 + 1}]. "
                if paragraph % 3 == 1:
                    text += f"The minutes survive in two copies.[^n{n}] "
                lines.append(text + "\n")
                if paragraph % 3 == 1:
                    lines.append(
                        f"[^n{n}]: One copy is in Vilnius, the other was taken abroad; see "
                        f"@{keys[(n + 1) % len(keys)]} [{n % 40 + 1}].\n"
                    )
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
    parser.add_argument("--variant", default="accessible", help=argparse.SUPPRESS)
    parser.add_argument("--jobs", type=int, default=1, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args.child, args.variant, args.jobs)))
        return
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"{platform.platform()}; load average {os.getloadavg()[0]:.1f}"
    )
    with tempfile.TemporaryDirectory() as temporary:
        books = {"default book": REPO, f"generated book (~{args.pages} pages)": generate(Path(temporary), args.pages)}
        for name, root in books.items():
            for variant, jobs in (("accessible", 1), ("accessible", 2), ("plain", 1), ("plain", 2)):
                env = {**os.environ, "SOURCE_DATE_EPOCH": "1700000000"}
                command = [sys.executable, __file__, "--child", str(root), "--variant", variant, "--jobs", str(jobs)]
                result = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
                if result.returncode:
                    sys.exit(f"{name} failed:\n{result.stderr[-3000:]}")
                data = json.loads(result.stdout.strip().splitlines()[-1])
                print(
                    f"\n{name}, {variant}, --jobs {jobs} ({data['parts']} part(s)): {data['pages']} pages, "
                    f"{data['total']:.2f} s, peak {data['peak_mib']:.0f} MiB per process, "
                    f"{data['laid_out'] / data['pages']:.2f} pages laid out per page printed"
                )
                for stage, seconds in data["timings"].items():
                    print(f"  {stage:28s} {seconds:7.3f} s")


if __name__ == "__main__":
    main()
