"""Stage 7: the packagers. Each takes the resolved book and returns finished artifacts as bytes;
nothing is written to ``dist/`` here (see ``output.py``)."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Artifact:
    name: str  # path relative to the output folder, e.g. "moscow-1920.pdf" or "web/fonts/x.ttf"
    data: bytes
