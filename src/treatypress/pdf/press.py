"""The press PDF made honest: a PDF/X-4 output intent, crop marks outside the bleed, no links.

WeasyPrint writes the pages with their bleed (MediaBox = BleedBox = trim + bleed) and, given a
CMYK ``@color-profile device-cmyk``, an output intent. What it cannot do is put the marks where
a print shop wants them: its ``marks: crop`` are drawn inside the bleed, where a bled picture
covers them. So the press PDF is laid out without marks, and here each page's MediaBox grows
by a slug of ``SLUG`` beyond the bleed, and crop marks are drawn in that slug on the trim
lines, starting ``GAP`` outside the bleed. The marks are in all four inks (registration).

PDF/X also wants every colour either in the output intent's space or device-independent: the
body text is set in DeviceCMYK black by the press CSS, and a ``DefaultRGB`` colour space
(WeasyPrint's sRGB profile) makes whatever RGB remains (figures) ICC-based. Link annotations,
which PDF/X does not allow inside the bleed, are dropped: paper has no links.

WeasyPrint 70 writes the PDF/X XMP ``xmpMM:DocumentID`` from ``uuid4()`` (its code says "TODO:
these values could be useful instead of using random values"), so the same book gave different
bytes on every build. The id is derived here from the PDF's permanent ``/ID`` instead, which
comes from the book's identifier: stable, and different for every book.
"""

from __future__ import annotations

import hashlib
import re
import uuid
from importlib.resources import files
from io import BytesIO

import pikepdf

MM = 72 / 25.4
SLUG = 10 * MM  # room for the marks beyond the bleed
GAP = 1 * MM  # between the bleed's edge and a mark
MARK_WIDTH = 0.25  # pt
OUTPUT_CONDITION = "Artifex CMYK SWOP Profile (Ghostscript default_cmyk.icc)"


def finish_press(data: bytes, *, marks: bool = True) -> bytes:
    with pikepdf.open(BytesIO(data)) as pdf:
        srgb = pdf.make_stream(files("weasyprint.pdf").joinpath("sRGB2014.icc").read_bytes(), N=3)
        default_rgb = pikepdf.Array([pikepdf.Name.ICCBased, srgb])
        for page in pdf.pages:
            if marks:
                _marks(pdf, page)
            if "/Annots" in page.obj:
                del page.obj["/Annots"]
            if "/Resources" not in page.obj:
                page.obj["/Resources"] = pikepdf.Dictionary()
            resources = page.obj["/Resources"]
            if "/ColorSpace" not in resources:
                resources["/ColorSpace"] = pikepdf.Dictionary()
            resources["/ColorSpace"]["/DefaultRGB"] = default_rgb
        _stable_document_id(pdf)
        for intent in pdf.Root.get("/OutputIntents", pikepdf.Array()):
            intent["/OutputConditionIdentifier"] = pikepdf.String("Custom")
            intent["/OutputCondition"] = pikepdf.String(OUTPUT_CONDITION)
            intent["/Info"] = pikepdf.String(OUTPUT_CONDITION)
        out = BytesIO()
        pdf.save(out, deterministic_id=True, object_stream_mode=pikepdf.ObjectStreamMode.preserve)
        return out.getvalue()


_DOCUMENT_ID = re.compile(rb"xmp\.did:[0-9a-f-]{36}")


def _stable_document_id(pdf: pikepdf.Pdf) -> None:
    metadata = pdf.Root.get("/Metadata")
    ids = pdf.trailer.get("/ID")
    if metadata is None or ids is None:
        return
    stable = uuid.UUID(bytes=hashlib.md5(bytes(ids[0]), usedforsecurity=False).digest(), version=4)
    packet = metadata.read_bytes()
    changed = _DOCUMENT_ID.sub(f"xmp.did:{stable}".encode(), packet)
    if changed != packet:
        metadata.write(changed)


def _marks(pdf: pikepdf.Pdf, page: pikepdf.Page) -> None:
    trim = [float(v) for v in page.obj.get("/TrimBox", page.mediabox)]
    bleed = [float(v) for v in page.obj.get("/BleedBox", page.mediabox)]
    x0, y0, x1, y1 = trim
    bx0, by0, bx1, by1 = bleed
    media = [bx0 - SLUG, by0 - SLUG, bx1 + SLUG, by1 + SLUG]
    page.obj["/MediaBox"] = pikepdf.Array(media)
    page.obj["/BleedBox"] = pikepdf.Array(bleed)
    lines = []
    for x in (x0, x1):  # vertical marks above and below, on the trim's vertical lines
        lines.append((x, by1 + GAP, x, media[3]))
        lines.append((x, media[1], x, by0 - GAP))
    for y in (y0, y1):  # horizontal marks left and right, on the trim's horizontal lines
        lines.append((media[0], y, bx0 - GAP, y))
        lines.append((bx1 + GAP, y, media[2], y))
    path = "".join(f"{a:.3f} {b:.3f} m {c:.3f} {d:.3f} l S\n" for a, b, c, d in lines)
    stream = f"q {MARK_WIDTH} w 1 1 1 1 K\n{path}Q\n".encode()
    # The page's own content leaves its coordinate system changed: wrap it in q ... Q first.
    page.contents_add(pdf.make_stream(b"q\n"), prepend=True)
    page.contents_add(pdf.make_stream(b"Q\n" + stream), prepend=False)
