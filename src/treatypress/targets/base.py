"""What every output implements, and what ``build()`` hands it.

An output is a :class:`Target`: a name (the ``--format`` it answers), how much it wants of the
print edition's layout, and ``build(work) -> Built``. ``build()`` never asks which target it is
talking to; it walks the registry (``registry.py``) and passes each target one :class:`Work`.

Work that several outputs share is made once and passed in, never reached for: the print
edition's layout (page numbers for the e-book's index, page-break markers) comes from the target
that provides it, and WeasyPrint's font set-up is one :class:`SharedFonts` per build. So no
target imports another, and adding an output is one new module plus one registry line.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar, Protocol

from . import Artifact

if TYPE_CHECKING:  # WeasyPrint is imported only by the targets that lay pages out
    from weasyprint.text.fonts import FontConfiguration

    from ..cache import Cache
    from ..config import BookConfig
    from ..diagnostics import Diagnostic
    from ..pagelist import PrintPages
    from ..pdf.pagemap import PageMap
    from ..progress import Stages
    from ..resolve.handouts import ResolvedHandout
    from ..resolve.model import ResolvedBook


class PrintUse(enum.Enum):
    """How much an output wants of the print edition's layout."""

    NONE = "none"  # never reads it (the PDF itself, handouts)
    IF_MADE = "if-made"  # reads it when the same build makes it, and does without otherwise
    REQUIRED = "required"  # the build must lay it out, even if no PDF is written


@dataclass(frozen=True)
class PrintEdition:
    """Where the print edition put everything, and what laying it out cost."""

    page_map: PageMap  # the printed page of every anchor (index locators in the screen editions)
    print_pages: PrintPages | None  # where each printed page begins (page-break markers, page list)
    pages: int  # pages of the PDF
    parts: int = 1  # body parts laid out apart (1: the book in one process)
    reused: int = 0  # part layouts taken from the build cache
    laid_out: int = 0  # pages WeasyPrint laid out, each repagination counted


class SharedFonts:
    """One WeasyPrint font set-up for the whole build, made on first use.

    Fonts are the slowest thing WeasyPrint loads; the PDF and the handouts share them. Made
    lazily so that a build without WeasyPrint outputs never imports it, and so that the PDF's
    worker processes are forked before this process has set anything up (``pdf_parts.py``)."""

    def __init__(self) -> None:
        self._fonts: FontConfiguration | None = None

    def get(self) -> FontConfiguration:
        if self._fonts is None:
            from weasyprint.text.fonts import FontConfiguration

            self._fonts = FontConfiguration()
        return self._fonts


@dataclass(frozen=True)
class Work:
    """Everything a target may use; the same for every target of one build."""

    config: BookConfig
    book: ResolvedBook
    handouts: tuple[ResolvedHandout, ...]
    stages: Stages  # the target names and times its own stages
    fonts: SharedFonts
    cache: Cache  # laid-out parts and the like, from earlier builds of this book
    print_edition: PrintEdition | None = None  # only for a target whose PrintUse is not NONE
    jobs: int | None = None  # processes for the PDF's layout; None: chosen from the book's size
    kept: bool = True  # False: the output is made only for what it provides (its artifacts dropped)


@dataclass(frozen=True)
class Built:
    artifacts: tuple[Artifact, ...]
    diagnostics: tuple[Diagnostic, ...]
    print_edition: PrintEdition | None = None  # from the target that provides it


class Target(Protocol):
    """Subclassed by every output, so that each says only where it differs from these defaults."""

    name: ClassVar[str]  # the --format name; also its stage name where it has one stage
    provides_print: ClassVar[bool] = False  # makes the print edition that other targets may read
    needs_handouts: ClassVar[bool] = False  # reads the resolved handouts (others spare their citation runs)
    lays_out_pages: ClassVar[bool] = False  # uses WeasyPrint (the styles are then checked for what it ignores)

    def print_use(self, config: BookConfig) -> PrintUse:
        return PrintUse.NONE

    def build(self, work: Work) -> Built: ...
