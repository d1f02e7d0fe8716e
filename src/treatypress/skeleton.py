"""``treatypress new DIR``: a small book that builds clean at once and shows every feature.

The book is copied from ``newbook/`` beside this module; only the title and the year are filled
in. Its files carry comments that teach the syntax, so the first book is also the manual.
"""

from __future__ import annotations

import json
import shutil
import sys
from importlib.resources import files
from pathlib import Path

from .render import build_time

TEMPLATE = Path(str(files("treatypress") / "newbook"))


def title_from_folder(folder: Path) -> str:
    words = folder.resolve().name.replace("-", " ").replace("_", " ").split()
    return " ".join(word[:1].upper() + word[1:] for word in words) or "My Book"


def create_book(folder: Path, title: str | None) -> int:
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        print(f"{folder}: error [new-exists] the folder already exists and is not empty", file=sys.stderr)
        print("  hint: give a new folder's name: treatypress new my-book", file=sys.stderr)
        return 1
    title = (title or title_from_folder(folder)).strip()
    if not title:
        print('error [new-title] the title is empty\n  hint: --title "The Title"', file=sys.stderr)
        return 1
    # Copied into a sibling first and renamed, so an interrupted `new` leaves no half book
    staging = folder.with_name(f".{folder.name}.new")
    shutil.rmtree(staging, ignore_errors=True)
    shutil.copytree(TEMPLATE, staging, ignore=shutil.ignore_patterns("__pycache__"))
    settings = staging / "manuscript" / "book.toml"
    text = settings.read_text(encoding="utf-8")
    # a JSON string is a valid TOML basic string: quotes and backslashes escaped
    text = text.replace("{{title}}", json.dumps(title, ensure_ascii=False))
    text = text.replace("{{year}}", str(build_time().year))
    settings.write_text(text, encoding="utf-8")
    if folder.exists():
        folder.rmdir()
    staging.rename(folder)
    print(folder)
    print(
        f"treatypress: wrote the book '{title}' into {folder}/; next:\n"
        f"  treatypress serve {folder}    # see it in a browser, updated as you save\n"
        f"  treatypress build {folder}    # write the PDF, EPUB, web edition and handouts",
        file=sys.stderr,
    )
    return 0
