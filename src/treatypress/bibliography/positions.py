"""CSL cite positions (first, subsequent, ibid, ibid-with-locator, near-note) from note numbers.

citeproc-py 0.11.1 decides positions from the order cites were rendered and ignores notes, so a
cite two notes after the last one of the same work can come out as "ibid.". We decide them here,
from :attr:`PlacedCitation.note_number`, the way Pandoc's citeproc does (CSL 1.0.2, "Position"):

- ``ibid``: the same work as the cite just before, when that cite is earlier in the same
  citation, or is the only cite of the citation just before, in the same note or the note
  just before (note styles);
- ``ibid-with-locator``: as ``ibid``, but the locator differs or only this cite has one; a cite
  without a locator after one with a locator is ``subsequent``, never ``ibid``;
- ``near-note``: the work was cited within ``near-note-distance`` notes.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass

from treatypress.bibliography.types import PlacedCitation


class Position(enum.Enum):
    FIRST = "first"
    SUBSEQUENT = "subsequent"
    IBID = "ibid"
    IBID_WITH_LOCATOR = "ibid-with-locator"


@dataclass(frozen=True)
class CitePosition:
    """Where one cite stands relative to earlier cites of the same work."""

    position: Position
    near_note: bool  # cited within the style's near-note-distance notes
    first_note: int  # note number of the first cite of this work (first-reference-note-number)


def positions(cites: Sequence[PlacedCitation], *, note_style: bool, near_note_distance: int = 5,
              expand_ibid: bool = False) -> list[list[CitePosition]]:
    """One :class:`CitePosition` per cite item, per citation (unknown keys included).

    ``expand_ibid`` turns ibid positions into ``subsequent``: on screen a pop-up note has no
    previous note in view, so "ibid." would point at nothing.
    """
    first_note: dict[str, int] = {}
    last_note: dict[str, int] = {}
    previous: tuple[int, tuple[str, str] | None, int] | None = None  # (note, (key, locator), cites)
    out: list[list[CitePosition]] = []
    for index, placed in enumerate(cites):
        note = placed.note_number if note_style else index + 1
        here: list[CitePosition] = []
        for i, item in enumerate(placed.citation.items):
            key, locator = item.key, (item.label + ":" + item.locator) if item.locator else ""
            if key not in first_note:
                position = Position.FIRST
            else:
                before: tuple[str, str] | None
                if i > 0:
                    prior = placed.citation.items[i - 1]
                    before = (prior.key, (prior.label + ":" + prior.locator) if prior.locator else "")
                    adjacent = True
                elif previous is not None:
                    prev_note, before, prev_count = previous
                    adjacent = prev_count == 1 and (note - prev_note <= 1 if note_style else True)
                else:
                    before, adjacent = None, False
                position = Position.SUBSEQUENT
                if adjacent and before is not None and before[0] == key and not expand_ibid:
                    if locator == before[1]:
                        position = Position.IBID
                    elif locator:
                        position = Position.IBID_WITH_LOCATOR
            near = key in last_note and note - last_note[key] <= near_note_distance
            here.append(CitePosition(position, near, first_note.get(key, note)))
            first_note.setdefault(key, note)
            last_note[key] = note
        if placed.citation.items:
            last = placed.citation.items[-1]
            previous = (note, (last.key, (last.label + ":" + last.locator) if last.locator else ""),
                        len(placed.citation.items))
        out.append(here)
    return out
