"""The e-book's cover: the author's own image (``[book] cover``), or one drawn from the title page.

The drawn cover is the title page set large on a plain ground in the book's face (Charis SIL),
1200 x 1800 px (2:3, taller than the 1600 px stores ask for), as a PNG whose bytes depend only
on the book's title, subtitle, authors and publisher and the Pillow version.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from ..config import BookSettings

WIDTH, HEIGHT = 1200, 1800
MARGIN = 120
GROUND = (244, 239, 227)  # warm paper
INK = (34, 30, 26)
ACCENT = (122, 46, 18)  # the web edition's link colour


@dataclass(frozen=True)
class Cover:
    name: str  # file name in the EPUB, e.g. "cover.png"
    data: bytes
    alt: str  # what a screen reader says for it


def make_cover(settings: BookSettings, root: Path, fonts: Sequence[Path]) -> Cover:
    """The author's cover if ``[book] cover`` is set (checked by the settings stage), else drawn."""
    alt = f"Cover: {settings.title}" + (f". {settings.subtitle}" if settings.subtitle else "")
    if settings.authors:
        alt += ". " + ", ".join(settings.authors)
    if settings.cover:
        path = root / settings.cover
        return Cover("cover" + path.suffix.lower(), path.read_bytes(), alt)
    return Cover("cover.png", draw_cover(settings, {f.name: f for f in fonts}), alt)


def draw_cover(settings: BookSettings, fonts: dict[str, Path]) -> bytes:
    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("RGB", (WIDTH, HEIGHT), GROUND)
    draw = ImageDraw.Draw(image)

    def face(name: str, size: int) -> ImageFont.FreeTypeFont:
        return ImageFont.truetype(str(fonts[name]), size)

    y = 330
    draw.rectangle((MARGIN, y - 90, WIDTH - MARGIN, y - 84), fill=ACCENT)
    y = _block(draw, settings.title, face("CharisSIL-Bold.ttf", 104), INK, y, 1.18)
    if settings.subtitle:
        y = _block(draw, settings.subtitle, face("CharisSIL-Italic.ttf", 58), INK, y + 60, 1.3)
    draw.rectangle((MARGIN, y + 60, WIDTH - MARGIN, y + 66), fill=ACCENT)
    if settings.authors:
        _block(draw, ", ".join(settings.authors), face("CharisSIL-Regular.ttf", 56), INK, y + 140, 1.3)
    if settings.publisher:
        _block(draw, settings.publisher, face("CharisSIL-Regular.ttf", 44), ACCENT, HEIGHT - MARGIN - 60, 1.2)
    buffer = BytesIO()
    # Palette PNG: a cover of three colours and their anti-aliasing is a few tens of kilobytes.
    image.quantize(colors=64, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE).save(
        buffer, "PNG", optimize=True
    )
    return buffer.getvalue()


def _block(draw: object, text: str, font: object, fill: tuple[int, int, int], top: int, leading: float) -> int:
    """Centred lines, broken between words to fit the margins; returns the y below them."""
    from PIL import ImageDraw, ImageFont

    assert isinstance(draw, ImageDraw.ImageDraw) and isinstance(font, ImageFont.FreeTypeFont)
    lines: list[str] = []
    for word in text.split():
        trial = f"{lines[-1]} {word}" if lines else word
        if lines and draw.textlength(trial, font=font) <= WIDTH - 2 * MARGIN:
            lines[-1] = trial
        else:
            lines.append(word)
    step = int(font.size * leading)
    for line in lines:
        draw.text((WIDTH / 2, top), line, font=font, fill=fill, anchor="ma")
        top += step
    return top
