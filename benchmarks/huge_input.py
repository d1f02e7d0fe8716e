"""Where time and memory go on a huge chapter (issue 10: a 10 MB chapter took >10 min and 1.8 GB).

    python benchmarks/huge_input.py [MB ...] [--format pdf,epub,html]

For each size, a book with one generated chapter of that many megabytes of prose (paragraphs of
about 600 characters, a footnote every tenth paragraph, an index mark every fifth, a section
heading every fortieth) is built in a fresh process, which prints each stage's wall time, the
pages, its CPU time (the machine may be shared: wall times are noisy) and its peak
memory (ru_maxrss). The limit that ``manuscript.py`` enforces
(``MAX_MANUSCRIPT_BYTES``) is lifted for the run (``TREATYPRESS_NO_SIZE_LIMIT=1``) so that sizes
above it can be measured.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
WORDS = (
    "treaty border Vilnius Kaunas delegation commission peace armistice Moscow Riga frontier "
    "ratified article signed the of and to in a was that by for with as on its"
).split()

CHILD = """
import json, os, resource, sys, time
from pathlib import Path
start = time.perf_counter()
from treatypress.build import BuildOptions, build
imported = time.perf_counter() - start
result = build(Path(sys.argv[1]), BuildOptions(formats=tuple(sys.argv[2].split(",")), out_dir=Path(sys.argv[3])))
usage = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({"import": imported, **result.timings, "pages": result.pages,
                  "cpu": usage.ru_utime + usage.ru_stime, "peak_mib": usage.ru_maxrss / 1024}))
"""


def chapter(megabytes: float, seed: int = 0) -> str:
    rng = random.Random(seed)
    parts = ["# A Very Long Chapter\n"]
    size, paragraph = 0, 0
    while size < megabytes * 1_000_000:
        paragraph += 1
        words = " ".join(rng.choice(WORDS) for _ in range(100))
        text = words[0].upper() + words[1:] + "."
        if paragraph % 5 == 0:
            text = text.replace(" border ", " [border]{.idx} ", 1)
        if paragraph % 10 == 0:
            text += f"[^n{paragraph}]\n\n[^n{paragraph}]: A note on paragraph {paragraph}."
        if paragraph % 40 == 0:
            parts.append(f"## Section {paragraph // 40}\n")
        parts.append(text + "\n")
        size += len(text) + 2
    return "\n".join(parts)


def make_book(folder: Path, megabytes: float) -> Path:
    (folder / "manuscript").mkdir(parents=True)
    (folder / "manuscript/book.toml").write_text(
        '[book]\ntitle = "Huge"\nlanguage = "en"\n\n[contents]\nchapters = ["01-huge.md"]\n', encoding="utf-8"
    )
    (folder / "manuscript/01-huge.md").write_text(chapter(megabytes), encoding="utf-8")
    (folder / "references.bib").write_text("", encoding="utf-8")
    return folder


def measure(megabytes: float, formats: str) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as temporary:
        book = make_book(Path(temporary) / "book", megabytes)
        env = {**os.environ, "TREATYPRESS_NO_SIZE_LIMIT": "1", "SOURCE_DATE_EPOCH": "1700000000"}
        done = subprocess.run(
            [sys.executable, "-c", CHILD, str(book), formats, str(Path(temporary) / "out")],
            capture_output=True,
            text=True,
            env=env,
            check=False,
        )
        if done.returncode:
            raise SystemExit(done.stderr)
        figures: dict[str, float] = json.loads(done.stdout.splitlines()[-1])
        return figures


def main(argv: list[str]) -> None:
    formats = argv[argv.index("--format") + 1] if "--format" in argv else "pdf,epub,html"
    sizes = [float(a) for a in argv if a.replace(".", "", 1).isdigit()] or [0.125, 0.25, 0.5, 1.0]
    for megabytes in sizes:
        figures = measure(megabytes, formats)
        stages = ", ".join(f"{k} {v:.2f} s" for k, v in figures.items() if k not in ("pages", "peak_mib", "cpu"))
        print(
            f"{megabytes:g} MB: {figures['pages']:.0f} pages, CPU {figures['cpu']:.1f} s, peak "
            f"{figures['peak_mib']:.0f} MiB; wall: {stages}",
            flush=True,
        )


if __name__ == "__main__":
    main(sys.argv[1:])
