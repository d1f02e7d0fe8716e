"""Images and other files a chapter points at: inside the book folder, present, never remote."""

from __future__ import annotations

import base64
import binascii
import re
from pathlib import Path
from urllib.parse import unquote, urlparse

from ..diagnostics import Diagnostic, Location, error

_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
# A data: image is inside the chapter, so it is allowed, but only as a raster image of a type
# every reader and EPUB reading system shows (EPUB 3 core media types), and small: a large
# picture belongs in figures/. SVG is refused here: as a data: URL it could carry scripts or
# references that no check would see.
DATA_IMAGE_TYPES = {
    "image/png": b"\x89PNG\r\n\x1a\n",
    "image/jpeg": b"\xff\xd8\xff",
    "image/gif": b"GIF8",
    "image/webp": b"RIFF",
}
DATA_IMAGE_LIMIT = 256 * 1024  # bytes, decoded
_DATA = re.compile(r"^data:([a-z0-9.+/-]*)((?:;[^;,]*)*),(.*)$", re.IGNORECASE | re.DOTALL)


def check_data_image(src: str, where: Location) -> Diagnostic | None:
    """A ``data:`` image: a PNG, JPEG, GIF or WebP, base64, what its type says, at most 256 KiB."""
    match = _DATA.match(src)
    kind = match[1].lower() if match else ""
    hint = (
        f"use a PNG, JPEG, GIF or WebP of at most {DATA_IMAGE_LIMIT // 1024} KiB as "
        "data:image/png;base64,..., or put the file in manuscript/figures/"
    )
    if match is None or kind not in DATA_IMAGE_TYPES or "base64" not in match[2].lower():
        return error("image-data", f"the data: image '{src[:40]}…' is not a base64 PNG, JPEG, GIF or WebP", where, hint)
    try:
        data = base64.b64decode(re.sub(r"\s+", "", match[3]), validate=True)
    except (binascii.Error, ValueError):
        return error("image-data", "the data: image is not valid base64", where, hint)
    if len(data) > DATA_IMAGE_LIMIT:
        return error(
            "image-data",
            f"the data: image is {len(data) // 1024} KiB; at most "
            f"{DATA_IMAGE_LIMIT // 1024} KiB may be written into a chapter",
            where,
            hint,
        )
    if not data.startswith(DATA_IMAGE_TYPES[kind]):
        return error("image-data", f"the data: image says it is {kind} but its bytes are not", where, hint)
    return None


def check_resource(src: str, chapter_dir: Path, root: Path, where: Location) -> tuple[Path | None, Diagnostic | None]:
    """Resolve ``src`` (relative to the chapter's folder) to a file inside the book folder."""
    if src.lower().startswith("data:"):
        return None, check_data_image(src, where)
    if _SCHEME.match(src) and not src.startswith("file:"):
        return None, error(
            "remote-resource",
            f"'{src}' is on the network; a build never reads the network",
            where,
            "download the file into the book folder and point at it with a relative path",
        )
    path = Path(unquote(urlparse(src).path)) if src.startswith("file:") else chapter_dir / unquote(src)
    path = path.resolve()
    if not path.is_relative_to(root.resolve()):
        return None, error(
            "outside-book",
            f"'{src}' is outside the book folder",
            where,
            "copy the file into the book folder (e.g. manuscript/figures/)",
        )
    if not path.is_file():
        return None, error(
            "missing-file",
            f"'{src}' does not exist",
            where,
            f"looked for {path.relative_to(root.resolve()).as_posix()}",
        )
    return path, _check_image_type(path, src, where)


# The image types every edition shows (EPUB 3 core media types); the bytes must say the same.
IMAGE_TYPES = {
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".gif": (b"GIF87a", b"GIF89a"),
    ".webp": (b"RIFF",),
    ".svg": (),
}


def _check_image_type(path: Path, src: str, where: Location) -> Diagnostic | None:
    hint = "use a PNG, JPEG, GIF, WebP or SVG file"
    magic = IMAGE_TYPES.get(path.suffix.lower())
    if magic is None:
        return error("image-type", f"'{src}' is not an image type every edition can show", where, hint)
    with path.open("rb") as stream:
        head = stream.read(16)
    if magic and not head.startswith(magic):
        return error("image-type", f"'{src}' is named {path.suffix} but its bytes are not", where, hint)
    if not magic and not head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        return error("image-type", f"'{src}' is named .svg but is not XML", where, hint)
    return None
