"""Images and other files a chapter points at: inside the book folder, present, never remote."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote, urlparse

from ..diagnostics import Diagnostic, Location, error

_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


def check_resource(src: str, chapter_dir: Path, root: Path, where: Location) -> tuple[Path | None, Diagnostic | None]:
    """Resolve ``src`` (relative to the chapter's folder) to a file inside the book folder."""
    if src.startswith("data:"):
        return None, None
    if _SCHEME.match(src) and not src.startswith("file:"):
        return None, error("remote-resource", f"'{src}' is on the network; a build never reads the network",
                           where, "download the file into the book folder and point at it with a relative path")
    path = Path(unquote(urlparse(src).path)) if src.startswith("file:") else chapter_dir / unquote(src)
    path = path.resolve()
    if not path.is_relative_to(root.resolve()):
        return None, error("outside-book", f"'{src}' is outside the book folder", where,
                           "copy the file into the book folder (e.g. manuscript/figures/)")
    if not path.is_file():
        return None, error("missing-file", f"'{src}' does not exist", where,
                           f"looked for {path.relative_to(root.resolve()).as_posix()}")
    return path, None
