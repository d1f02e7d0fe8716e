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

# (year, date label, event) in chronological order.
EVENTS = [
    (1918, "16 Feb", "Lithuania declares independence"),
    (1918, "Mar", "Treaty of Brest-Litovsk"),
    (1918, "Nov", "Germany surrenders"),
    (1918, "Dec", "Bolshevik forces invade Lithuania"),
    (1919, "Feb", "Litbel formed"),
    (1919, "Apr", "Poles seize Vilnius"),
    (1919, "Aug", "Last Bolsheviks driven out"),
    (1919, "11 Sep", "Chicherin proposes peace"),
    (1920, "31 Mar", "Voldemaras sets terms for talks"),
    (1920, "12 Jul", "Treaty signed in Moscow"),
    (1920, "14 Jul", "Red Army enters Vilnius"),
    (1920, "19 Jul", "Lithuanians cross the Foch line"),
    (1920, "13\u201325 Aug", "Battle of Warsaw"),
    (1920, "26 Aug", "Soviets hand Vilnius to Lithuania"),
    (1920, "7 Oct", "Suwa\u0142ki Agreement"),
    (1920, "9 Oct", "\u017beligowski takes Vilnius"),
    (1920, "14 Oct", "Ratifications exchanged"),
    (1921, "8 Mar", "Treaty registered with the League"),
]
HIGHLIGHT = {"Treaty signed in Moscow"}

WIDTH = 120.0          # mm
TOP = 14.0             # space for the title
ROW = 5.6              # mm per event
YEAR_GAP = 3.0         # extra space before each new year
AXIS_X = 30.0
FONT = "'Charis SIL', serif"


def fmt(v):
    """Format a number compactly and deterministically."""
    s = f"{v:.2f}".rstrip("0").rstrip(".")
    return s if s != "-0" else "0"


def build():
    rows = []
    y = TOP
    year = None
    for yr, date, text in EVENTS:
        if yr != year:
            y += YEAR_GAP
            rows.append(("year", y, str(yr), ""))
            y += ROW * 0.8
            year = yr
        rows.append(("event", y, date, text))
        y += ROW
    height = y + 2.0
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
        'in March 1921.</desc>'
    )
    out.append(
        f'  <g font-family="{FONT}" font-size="3.1" fill="#000000">'
    )
    out.append(
        f'    <text x="{fmt(WIDTH / 2)}" y="8" font-size="4.2" '
        'font-weight="bold" text-anchor="middle">'
        'The road to the Moscow treaty and after, 1918\u20131921</text>'
    )
    first = rows[0][1] - 2.5
    last = rows[-1][1] + 1.5
    out.append(
        f'    <line x1="{fmt(AXIS_X)}" y1="{fmt(first)}" x2="{fmt(AXIS_X)}" '
        f'y2="{fmt(last)}" stroke="#000000" stroke-width="0.4"/>'
    )
    for kind, y, a, b in rows:
        if kind == "year":
            out.append(
                f'    <rect x="{fmt(AXIS_X - 9)}" y="{fmt(y - 3.6)}" width="18" '
                'height="5" rx="1" fill="#ffffff" stroke="#000000" '
                'stroke-width="0.3"/>'
            )
            out.append(
                f'    <text x="{fmt(AXIS_X)}" y="{fmt(y)}" font-size="3.4" '
                f'font-weight="bold" text-anchor="middle">{escape(a)}</text>'
            )
            continue
        strong = b in HIGHLIGHT
        r = 1.3 if strong else 0.9
        out.append(
            f'    <circle cx="{fmt(AXIS_X)}" cy="{fmt(y - 1.0)}" r="{fmt(r)}" '
            f'fill="{"#000000" if strong else "#ffffff"}" stroke="#000000" '
            'stroke-width="0.3"/>'
        )
        out.append(
            f'    <text x="{fmt(AXIS_X - 3)}" y="{fmt(y)}" '
            f'text-anchor="end">{escape(a)}</text>'
        )
        weight = ' font-weight="bold"' if strong else ""
        out.append(
            f'    <text x="{fmt(AXIS_X + 3)}" y="{fmt(y)}"{weight}>'
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
