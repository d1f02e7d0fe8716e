"""Make the before/after page images of docs/print-polish/README.md.

    python docs/print-polish/images.py BEFORE_DIST BEFORE_PRESS AFTER_DIST AFTER_PRESS

Each *_DIST folder holds a build of the default book with ``--format pdf,handouts``, each
*_PRESS folder one with ``--format pdf --variant press``. Pages are rendered with poppler's
pdftoppm; crops are given in PDF points (x0, top, x1, bottom) on the A5 page.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from PIL import Image, ImageDraw

OUT = Path(__file__).resolve().parent
BOOK = "moscow-peace-treaty-1920.pdf"
PRESS = "moscow-peace-treaty-1920-press.pdf"


def page(pdf: Path, number: int, dpi: int, crop: tuple[float, float, float, float] | None = None) -> Image.Image:
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            ["pdftoppm", "-r", str(dpi), "-f", str(number), "-l", str(number), "-png", str(pdf), f"{tmp}/p"], check=True
        )
        image = Image.open(next(Path(tmp).glob("p*.png"))).convert("RGB")
    if crop:
        scale = dpi / 72
        image = image.crop(tuple(round(v * scale) for v in crop))  # type: ignore[arg-type]
    return image


def row(images: list[Image.Image], gap: int = 6) -> Image.Image:
    width = sum(i.width for i in images) + gap * (len(images) - 1)
    out = Image.new("RGB", (width, max(i.height for i in images)), (150, 150, 150))
    x = 0
    for image in images:
        out.paste(image, (x, 0))
        x += image.width + gap
    return out


def column(images: list[Image.Image], gap: int = 6) -> Image.Image:
    out = Image.new(
        "RGB", (max(i.width for i in images), sum(i.height for i in images) + gap * (len(images) - 1)), (150, 150, 150)
    )
    y = 0
    for image in images:
        out.paste(image, (0, y))
        y += image.height + gap
    return out


def labelled(image: Image.Image, text: str) -> Image.Image:
    out = Image.new("RGB", (image.width, image.height + 16), "white")
    out.paste(image, (0, 16))
    ImageDraw.Draw(out).text((4, 2), text, fill=(170, 0, 0))
    return out


def pair(name: str, before: Image.Image, after: Image.Image, title: str) -> None:
    image = labelled(row([labelled(before, "before"), labelled(after, "after")], 12), title)
    image.save(OUT / name, optimize=True)
    print(name, image.size, (OUT / name).stat().st_size)


def main(before: Path, before_press: Path, after: Path, after_press: Path) -> None:
    b, a = before / BOOK, after / BOOK
    pair(
        "1-note-area.png",
        page(b, 12, 60),
        page(a, 12, 60),
        "1. notes and their rule 6 pt wider than the text on each side (before); the text block's width (after)",
    )
    pair(
        "2-short-page.png",
        row([page(b, 21, 45), page(b, 22, 45)]),
        row([page(a, 21, 45), page(a, 22, 45)]),
        "2. 'The Talks in Moscow' ends on a page of two lines (before, folio 12); on folio 11 (after)",
    )
    pair(
        "3-float-hole.png",
        row([page(b, 24, 45), page(b, 25, 45)]),
        row([page(a, 24, 45), page(a, 25, 45)]),
        "3. the treaty's table pushed over, a hole on folio 14 (before); figure and table with the text (after)",
    )
    pair(
        "4-en-dash.png",
        column([page(b, 45, 90, (40, 90, 380, 140)), page(b, 31, 90, (40, 498, 380, 530))]),
        column([page(a, 45, 90, (40, 90, 380, 140)), page(a, 31, 90, (40, 488, 380, 520))]),
        "4. a range broken after its en dash, '1920-/1921' in a heading, '1863-/1893' in a note (before); "
        "kept whole (after)",
    )
    pair(
        "5-url.png",
        page(b, 47, 90, (40, 420, 380, 470)),
        page(a, 47, 90, (40, 420, 380, 470)),
        "5. 'bernar-dinai' hyphenated inside the URL (before); broken only after a slash (after)",
    )
    pair(
        "6-handout.png",
        page(before / "handouts" / "treaty-at-a-glance.pdf", 1, 40),
        page(after / "handouts" / "treaty-at-a-glance.pdf", 1, 40),
        "6. handout: ~106 characters a line across A4 (before); two columns of ~55 (after)",
    )
    pair(
        "7-press-marks.png",
        boxes(before_press / PRESS, 11),
        boxes(after_press / PRESS, 11),
        "7. press corner (blue trim, green bleed)",
    )
    pair(
        "8-details.png",
        column(
            [
                page(b, 51, 220, (222, 252, 330, 267)),
                page(b, 25, 80, (40, 60, 380, 300)),
                page(b, 12, 90, (40, 300, 380, 330)),
            ]
        ),
        column(
            [
                page(a, 51, 220, (222, 348, 330, 363)),
                page(a, 25, 80, (40, 230, 380, 470)),
                page(a, 12, 90, (40, 257, 380, 287)),
            ]
        ),
        "8. index: straight apostrophe -> typographic; table label column hyphenated -> whole words; "
        "'In February 1919' without -> with its indent",
    )


def boxes(pdf: Path, number: int, dpi: int = 250, size: float = 50) -> Image.Image:
    """The page's top-left corner with its TrimBox and BleedBox drawn over it."""
    import pikepdf

    with pikepdf.open(pdf) as doc:
        pdf_page = doc.pages[number - 1]
        media, trim, bleed = (
            [float(v) for v in box] for box in (pdf_page.MediaBox, pdf_page.TrimBox, pdf_page.BleedBox)
        )
    image = page(pdf, number, dpi, (0, 0, size, size))
    scale = dpi / 72
    draw = ImageDraw.Draw(image)
    for box, colour in ((trim, (0, 0, 255)), (bleed, (0, 160, 0))):
        x, y = (box[0] - media[0]) * scale, (media[3] - box[3]) * scale
        draw.line([(x, y), (image.width, y)], fill=colour)
        draw.line([(x, y), (x, image.height)], fill=colour)
    return image


if __name__ == "__main__":
    main(*(Path(arg) for arg in sys.argv[1:5]))
