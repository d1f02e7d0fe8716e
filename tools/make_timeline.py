#!/usr/bin/env python3
"""Draw manuscript/figures/timeline.svg, the timeline of 1918-1921.

Standard library only. The output is deterministic: running the script
twice gives byte-identical files. Every event and date below comes from
the source notes of the book (see references.bib for the works cited in
the chapters).

Usage: python3 tools/make_timeline.py [output.svg]
"""
import sys
from pathlib import Path
from xml.sax.saxutils import escape

# (year, date label, event) in chronological order; labels short enough for a half-width column.
EVENTS = [
    (1918, "16 Feb", "Independence declared"),
    (1918, "Mar", "Treaty of Brest-Litovsk"),
    (1918, "Nov", "Germany surrenders"),
    (1918, "Dec", "Bolsheviks invade Lithuania"),
    (1919, "Feb", "Litbel formed"),
    (1919, "Apr", "Poles seize Vilnius"),
    (1919, "Aug", "Last Bolsheviks driven out"),
    (1919, "11 Sep", "Chicherin proposes peace"),
    (1920, "31 Mar", "Voldemaras sets terms"),
    (1920, "12 Jul", "Treaty signed in Moscow"),
    (1920, "14 Jul", "Red Army enters Vilnius"),
    (1920, "19 Jul", "Lithuanians cross Foch line"),
    (1920, "13\u201325 Aug", "Battle of Warsaw"),
    (1920, "26 Aug", "Vilnius handed to Lithuania"),
    (1920, "7 Oct", "Suwa\u0142ki Agreement"),
    (1920, "9 Oct", "\u017beligowski takes Vilnius"),
    (1920, "14 Oct", "Ratifications exchanged"),
    (1921, "8 Mar", "Registered with the League"),
]
HIGHLIGHT = {"Treaty signed in Moscow"}
# Two columns, 1918-1919 and 1920-1921, so that the figure takes about a third of an A5 page and
# fits wherever it falls, instead of a whole page that leaves a hole before it.
COLUMNS = ((1918, 1919), (1920, 1921))

WIDTH = 132.0          # mm
COLUMN = WIDTH / 2
TOP = 12.0             # space for the title
ROW = 5.0              # mm per event
YEAR_GAP = 2.5         # extra space before each new year
AXIS = 17.0            # the axis, from the column's left edge
FONT = "'Charis SIL', serif"


def fmt(v):
    """Format a number compactly and deterministically."""
    s = f"{v:.2f}".rstrip("0").rstrip(".")
    return s if s != "-0" else "0"


def column_rows(years):
    rows = []
    y = TOP
    year = None
    for yr, date, text in EVENTS:
        if yr not in years:
            continue
        if yr != year:
            y += YEAR_GAP
            rows.append(("year", y, str(yr), ""))
            y += ROW * 0.8
            year = yr
        rows.append(("event", y, date, text))
        y += ROW
    return rows, y


def build():
    columns = [column_rows(years) for years in COLUMNS]
    height = max(bottom for _, bottom in columns) + 2.0
    out = []
    out.append('<?xml version="1.0" encoding="UTF-8"?>')
    out.append(
        '<svg xmlns="http://www.w3.org/2000/svg" version="1.1" '
        f'width="{fmt(WIDTH)}mm" height="{fmt(height)}mm" '
        f'viewBox="0 0 {fmt(WIDTH)} {fmt(height)}">'
    )
    out.append('  <title>Timeline, 1918\u20131921</title>')
    out.append(
        '  <desc>Events from the Lithuanian declaration of '
        'independence in February 1918 to the registration of the '
        'Soviet\u2013Lithuanian Peace Treaty with the League of Nations '
        'in March 1921, in two columns: 1918\u20131919 and 1920\u20131921.</desc>'
    )
    out.append(
        f'  <g font-family="{FONT}" font-size="2.9" fill="#000000">'
    )
    out.append(
        f'    <text x="{fmt(WIDTH / 2)}" y="6" font-size="4" '
        'font-weight="bold" text-anchor="middle">'
        'The road to the Moscow treaty and after, 1918\u20131921</text>'
    )
    for index, (rows, _) in enumerate(columns):
        axis = index * COLUMN + AXIS
        first = rows[0][1] - 2.5
        last = rows[-1][1] + 1.5
        out.append(
            f'    <line x1="{fmt(axis)}" y1="{fmt(first)}" x2="{fmt(axis)}" '
            f'y2="{fmt(last)}" stroke="#000000" stroke-width="0.4"/>'
        )
        for kind, y, a, b in rows:
            if kind == "year":
                out.append(
                    f'    <rect x="{fmt(axis - 8)}" y="{fmt(y - 3.4)}" width="16" '
                    'height="4.6" rx="1" fill="#ffffff" stroke="#000000" '
                    'stroke-width="0.3"/>'
                )
                out.append(
                    f'    <text x="{fmt(axis)}" y="{fmt(y)}" font-size="3.2" '
                    f'font-weight="bold" text-anchor="middle">{escape(a)}</text>'
                )
                continue
            strong = b in HIGHLIGHT
            r = 1.2 if strong else 0.8
            out.append(
                f'    <circle cx="{fmt(axis)}" cy="{fmt(y - 1.0)}" r="{fmt(r)}" '
                f'fill="{"#000000" if strong else "#ffffff"}" stroke="#000000" '
                'stroke-width="0.3"/>'
            )
            out.append(
                f'    <text x="{fmt(axis - 2.5)}" y="{fmt(y)}" '
                f'text-anchor="end">{escape(a)}</text>'
            )
            weight = ' font-weight="bold"' if strong else ""
            out.append(
                f'    <text x="{fmt(axis + 2.5)}" y="{fmt(y)}"{weight}>'
                f'{escape(b)}</text>'
            )
    out.append("  </g>")
    out.append("</svg>")
    return "\n".join(out) + "\n"


def main(argv):
    root = Path(__file__).resolve().parent.parent
    target = Path(argv[1]) if len(argv) > 1 else (
        root / "manuscript" / "figures" / "timeline.svg")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(build(), encoding="utf-8", newline="\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
