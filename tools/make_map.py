#!/usr/bin/env python3
"""Draw manuscript/figures/map.svg, a schematic map of the places the treaty names.

Standard library only, and deterministic: running the script twice gives
byte-identical files. The map shows where towns lie and nothing else: no
borders, rivers or treaty lines are drawn, because the booklet's source gives
none, and the figure says so on its face ("schematic").

Positions are plotted from each town's public latitude and longitude (WGS 84),
as given in the infobox of the town's Wikipedia article (English, or Polish
for Sztabin), rounded to the nearest minute, on a simple equirectangular projection: longitude is shrunk by the
cosine of the map's middle latitude so that distances are roughly true at
this small scale, which is also what makes the 50 km scale bar honest to
within a few per cent.

Usage: python3 tools/make_map.py [output.svg]
"""

from __future__ import annotations

import math
import sys
from pathlib import Path
from xml.sax.saxutils import escape

# name -> (latitude N, longitude E) in degrees and minutes, from the towns' Wikipedia infoboxes
# (e.g. Sztabin 53°40′51″N 23°05′53″E, Sejny 54°06′24″N 23°20′55″E, Kaunas 54°53′50″N 23°53′10″E).
COORDINATES: dict[str, tuple[tuple[int, int], tuple[int, int]]] = {
    "Vilnius": ((54, 41), (25, 17)),
    "Kaunas": ((54, 54), (23, 53)),
    "Hrodna": ((53, 40), (23, 50)),
    "Lida": ((53, 53), (25, 18)),
    "Pastavy": ((55, 7), (26, 50)),
    "Brasłaŭ": ((55, 39), (27, 4)),
    "Sztabin": ((53, 41), (23, 6)),
    "Suwałki": ((54, 6), (22, 56)),
    "Sejny": ((54, 6), (23, 21)),
    "Augustów": ((53, 51), (22, 59)),
    "Shchuchyn": ((53, 37), (24, 44)),
    "Ashmyany": ((54, 26), (25, 56)),
    "Smarhon": ((54, 29), (26, 24)),
}

# What each town is on the map (the legend explains the symbols).
ARTICLE_2 = ("Vilnius", "Hrodna", "Lida", "Pastavy", "Brasłaŭ")  # recognised as Lithuanian
LINE_END = ("Sztabin",)  # where the treaty line stops
FOUGHT_OVER = ("Suwałki", "Sejny", "Augustów")  # fought over in 1920
BELARUSIAN_LIST = ("Shchuchyn", "Ashmyany", "Smarhon")  # also named by Belarusian historians
CAPITAL = ("Kaunas",)  # seat of the Lithuanian government

# Label placement per town: (dx, dy, anchor) in mm from the marker, chosen by eye
# so that no two labels overlap.
LABELS: dict[str, tuple[float, float, str]] = {
    "Vilnius": (2.4, 1.2, "start"),
    "Kaunas": (2.4, 1.2, "start"),
    "Hrodna": (2.4, 1.2, "start"),
    "Lida": (2.4, 1.2, "start"),
    "Pastavy": (-2.4, 1.2, "end"),
    "Brasłaŭ": (-2.4, 1.2, "end"),
    "Sztabin": (2.4, 3.4, "start"),
    "Suwałki": (-2.4, 1.2, "end"),
    "Sejny": (2.4, 1.2, "start"),
    "Augustów": (-2.4, 1.2, "end"),
    "Shchuchyn": (2.4, 1.2, "start"),
    "Ashmyany": (0.0, 4.6, "middle"),
    "Smarhon": (2.4, 1.2, "start"),
}

WEST, EAST, SOUTH, NORTH = 22.1, 27.5, 53.4, 55.9  # degrees
MM_PER_DEGREE = 36.0  # of latitude
KM_PER_DEGREE = 111.2  # of latitude, near enough at this scale
LEFT, TOP = 4.0, 16.0  # margins in mm
FONT = "'Charis SIL', serif"


def fmt(value: float) -> str:
    """Format a number compactly and deterministically."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text if text != "-0" else "0"


def degrees(dm: tuple[int, int]) -> float:
    return dm[0] + dm[1] / 60


SHRINK = math.cos(math.radians((NORTH + SOUTH) / 2))


def position(name: str) -> tuple[float, float]:
    """The town's place on the page, in mm."""
    lat, lon = (degrees(c) for c in COORDINATES[name])
    return (LEFT + (lon - WEST) * SHRINK * MM_PER_DEGREE, TOP + (NORTH - lat) * MM_PER_DEGREE)


def marker(name: str, x: float, y: float) -> str:
    stroke = 'stroke="#000000" stroke-width="0.35"'
    if name in ARTICLE_2:
        return f'<circle cx="{fmt(x)}" cy="{fmt(y)}" r="1.3" fill="#000000" {stroke}/>'
    if name in LINE_END:
        d = 1.3
        return (f'<path d="M{fmt(x - d)} {fmt(y - d)}L{fmt(x + d)} {fmt(y + d)}'
                f'M{fmt(x - d)} {fmt(y + d)}L{fmt(x + d)} {fmt(y - d)}" fill="none" '
                'stroke="#000000" stroke-width="0.6"/>')
    if name in FOUGHT_OVER:
        return f'<circle cx="{fmt(x)}" cy="{fmt(y)}" r="1.2" fill="#ffffff" {stroke}/>'
    if name in CAPITAL:
        return (f'<rect x="{fmt(x - 1.2)}" y="{fmt(y - 1.2)}" width="2.4" height="2.4" '
                f'fill="#ffffff" {stroke}/>')
    return f'<circle cx="{fmt(x)}" cy="{fmt(y)}" r="0.8" fill="#808080" stroke="none"/>'


LEGEND = (
    ("Vilnius", "recognised as Lithuanian by the treaty"),
    ("Sztabin", "where the treaty line ends"),
    ("Suwałki", "fought over in 1920"),
    ("Kaunas", "seat of the Lithuanian government"),
    ("Shchuchyn", "also counted as ceded by Belarusian historians"),
)


def build() -> str:
    width = LEFT * 2 + (EAST - WEST) * SHRINK * MM_PER_DEGREE
    map_bottom = TOP + (NORTH - SOUTH) * MM_PER_DEGREE
    legend_top = map_bottom + 6.0
    height = legend_top + len(LEGEND) * 4.6 + 1.0
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        ('<svg xmlns="http://www.w3.org/2000/svg" version="1.1" '
        f'width="{fmt(width)}mm" height="{fmt(height)}mm" viewBox="0 0 {fmt(width)} {fmt(height)}">'),
        "  <title>Schematic map of the places named in the treaty, 1920</title>",
        ("  <desc>Town positions plotted from their latitude and longitude; no borders, "
        "rivers or treaty lines are drawn.</desc>"),
        f'  <g font-family="{FONT}" font-size="3.1" fill="#000000">',
        (f'    <text x="{fmt(width / 2)}" y="6" font-size="4.2" font-weight="bold" '
        'text-anchor="middle">Places named in the treaty, 1920</text>'),
        (f'    <text x="{fmt(width / 2)}" y="11" font-size="3.1" font-style="italic" '
        'text-anchor="middle">Schematic map: town positions only, no borders drawn</text>'),
        (f'    <rect x="{fmt(LEFT)}" y="{fmt(TOP)}" width="{fmt(width - 2 * LEFT)}" '
        f'height="{fmt(map_bottom - TOP)}" fill="none" stroke="#000000" stroke-width="0.3"/>'),
    ]
    for name in COORDINATES:
        x, y = position(name)
        out.append(f"    {marker(name, x, y)}")
        dx, dy, anchor = LABELS[name]
        weight = ' font-weight="bold"' if name in ("Vilnius", "Kaunas") else ""
        out.append(f'    <text x="{fmt(x + dx)}" y="{fmt(y + dy)}" text-anchor="{anchor}"'
                   f"{weight}>{escape(name)}</text>")
    # north arrow, top left inside the frame, where no town lies
    nx, ny = LEFT + 6.0, TOP + 4.0
    out.append(f'    <path d="M{fmt(nx)} {fmt(ny)}L{fmt(nx - 1.6)} {fmt(ny + 5)}L{fmt(nx)} {fmt(ny + 4)}'
               f'L{fmt(nx + 1.6)} {fmt(ny + 5)}Z" fill="#000000"/>')
    out.append(f'    <text x="{fmt(nx)}" y="{fmt(ny + 9)}" text-anchor="middle">N</text>')
    # 50 km scale bar, bottom right inside the frame
    bar = 50 / KM_PER_DEGREE * MM_PER_DEGREE
    bx, by = width - LEFT - 4.0 - bar, map_bottom - 4.0
    out.append(f'    <path d="M{fmt(bx)} {fmt(by - 1)}V{fmt(by)}H{fmt(bx + bar)}V{fmt(by - 1)}" '
               'fill="none" stroke="#000000" stroke-width="0.4"/>')
    out.append(f'    <text x="{fmt(bx + bar / 2)}" y="{fmt(by - 1.6)}" text-anchor="middle">50 km</text>')
    for i, (example, meaning) in enumerate(LEGEND):
        x, y = LEFT + 3.0, legend_top + i * 4.6
        out.append(f"    {marker(example, x, y - 1.0)}")
        out.append(f'    <text x="{fmt(x + 4.0)}" y="{fmt(y)}">{escape(meaning)}</text>')
    out.append("  </g>")
    out.append("</svg>")
    return "\n".join(out) + "\n"


def main(argv: list[str]) -> int:
    root = Path(__file__).resolve().parent.parent
    target = Path(argv[1]) if len(argv) > 1 else root / "manuscript" / "figures" / "map.svg"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(build(), encoding="utf-8", newline="\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
