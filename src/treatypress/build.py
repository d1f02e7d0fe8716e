"""The front door: ``build()`` reads like the table of contents of a build (MkDocs' habit).

Gather everything, resolve everything, and only then write: nothing reaches the output folder
unless every stage before it succeeded, and each artifact is moved into place whole.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, cast

from .booksettings import load_settings
from .cache import Cache
from .config import BookConfig
from .diagnostics import BuildFailed, Diagnostic, Severity, error, has_errors
from .limits import check_size
from .manuscript import load_manuscript
from .markdown import parse_chapter
from .output import OutputError, check_out_dir, write_artifacts
from .pdf.laidout import counting_layouts
from .pdf.pagemap import PageMap
from .progress import Progress, Silent, as_progress
from .render import check_layouts
from .resolve import resolve
from .resolve.handouts import resolve_handouts
from .resolve.model import ResolvedBook
from .styles import check_styles
from .targets import Artifact

if TYPE_CHECKING:
    from .pagelist import PrintPages
    from .targets.pdf_parts import PartsBuild

FORMATS = ("pdf", "epub", "html", "handouts")
DEFAULT_FORMATS = ("pdf", "epub", "html", "handouts")


@dataclass(frozen=True)
class BuildOptions:
    formats: tuple[str, ...] = DEFAULT_FORMATS
    out_dir: Path | None = None  # default: <book>/dist
    variant: str | None = None  # overrides [pdf] variant
    impose: str | None = None  # overrides [pdf] impose
    sheet: str | None = None  # overrides [pdf] sheet
    page_size: str | None = None  # overrides [pdf] page_size
    bleed: str | None = None  # overrides [pdf] bleed
    paper: str | None = None  # overrides [handouts] paper
    strict: bool = False  # a warning fails the build before anything is written
    jobs: int | None = None  # worker processes laying out the PDF; None: chosen from the book's size
    cache: bool = True  # reuse work from the build cache in <book>/build/

    def overrides(self) -> dict[str, str]:
        """The settings these options override, by schema key; load_config checks them."""
        from .config import flags

        return {s.key: getattr(self, s.key.split(".")[1]) for s in flags()
                if getattr(self, s.key.split(".")[1]) is not None}


@dataclass(frozen=True)
class BuildResult:
    written: tuple[Path, ...]
    diagnostics: tuple[Diagnostic, ...]
    timings: dict[str, float] = field(hash=False)  # stage name -> seconds
    pages: int  # pages of the PDF, 0 when none was built
    parts: int = 1  # body parts of the PDF laid out apart (1: the book in one process)
    reused: int = 0  # part layouts taken from the build cache
    pages_laid_out: int = 0  # pages WeasyPrint laid out for the PDF, each repagination counted


class Stages:
    """Times each named stage and tells the progress display (WeasyPrint's "Step N" habit)."""

    def __init__(self, progress: Progress) -> None:
        self.progress = progress
        self.timings: dict[str, float] = {}

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        self.progress.start(name)
        start = time.perf_counter()
        try:
            yield
        finally:
            seconds = time.perf_counter() - start
            self.timings[name] = self.timings.get(name, 0.0) + seconds
            self.progress.finish(name, seconds)


def build(root: Path, options: BuildOptions = BuildOptions(),
          progress: Progress | Callable[[str], object] | None = None) -> BuildResult:
    stages = Stages(as_progress(progress) if progress is not None else Silent())
    problems: list[Diagnostic] = []

    def check(found: tuple[Diagnostic, ...]) -> None:
        problems.extend(found)
        if has_errors(found):
            raise BuildFailed(tuple(problems))

    out_dir = options.out_dir or root / "dist"
    with stages.stage("config"):
        settings = load_settings(root, options.overrides())
        # a broken book.toml still yields the settings that are valid, so that the chapters
        # are checked in the same run; the errors stop the build before anything is written
        out_problems = check_out_dir(out_dir) if options.formats else ()  # a wrong --out fails at once
        problems.extend((*settings.problems, *out_problems))
        if settings.config is None or has_errors(out_problems):
            raise BuildFailed(tuple(problems))
        config = settings.config
    with stages.stage("manuscript"):
        manuscript, found = load_manuscript(config)
        found = (*found, *check_size(manuscript.chapters))
        if any(d.code == "manuscript-too-large" for d in found):
            check(found)  # at once: not after minutes of parsing and layout
    with stages.stage("markdown"):
        parsed = [parse_chapter(chapter, config.book.language) for chapter in manuscript.chapters]
        # check (no formats) looks at the handouts too: it must see what a build would report
        wanted = "handouts" in options.formats or not options.formats
        parsed_handouts = [parse_chapter(h, config.book.language) for h in manuscript.handouts] if wanted else []
    check(found)
    with stages.stage("resolve"):
        cache = Cache.of_book(config.root) if options.cache and options.formats else Cache(None)
        book, found = resolve(config, parsed, cache)
        handout_books, handout_found = resolve_handouts(config, parsed_handouts)
        # a handout's .bib problems that the book reported too are the same diagnostic: once
        check(tuple(dict.fromkeys(found + handout_found + check_styles(config))))
        assert book is not None
        if not options.formats:  # check: fill the layouts in memory, as a build would
            check(check_layouts(book))

    if has_errors(problems):  # the settings' errors, once the chapters have been checked too
        raise BuildFailed(tuple(problems))
    artifacts: list[Artifact] = []
    pages = 0
    # Only the PDF needs a layout (and an EPUB asked for printed page numbers); the e-book and the
    # web edition take it when there is one (page numbers in the index, the print pages in the
    # page list) and do without it otherwise.
    page_map: PageMap | None = None  # where the print edition put everything, if it was laid out
    print_pages: PrintPages | None = None  # where the PDF's pages begin, when it was built in this run
    parts, reused, laid_out = 1, 0, 0
    workers = _workers(book, config.pdf.variant, options.jobs) if "pdf" in options.formats else 1
    if workers > 1:  # before any WeasyPrint set-up in this process: the workers are forked from it
        with stages.stage("layout in parts"):
            in_parts = _pdf_in_parts(book, config.pdf.variant, workers, cache)
        if in_parts is not None:
            check(in_parts.problems)
            assert in_parts.artifact is not None
            artifacts.append(in_parts.artifact)
            page_map, print_pages, pages = in_parts.page_map, in_parts.print_pages, in_parts.pages
            parts, reused, laid_out = in_parts.parts, in_parts.reused, in_parts.pages_laid_out
            _impose(config, in_parts.artifact, artifacts, stages)
    fonts = None  # one WeasyPrint font set-up for the book and its handouts: fonts load once
    if (page_map is None and needs_print_layout(config, options.formats)) or \
            ("handouts" in options.formats and handout_books):
        from weasyprint.text.fonts import FontConfiguration

        fonts = FontConfiguration()
    if page_map is None and needs_print_layout(config, options.formats):
        from .targets import pdf

        assert fonts is not None
        with stages.stage("layout"), counting_layouts() as count:
            layout = pdf.lay_out(book, config.pdf.variant, fonts)
            page_map = layout.page_map
        laid_out += count.pages
        if "pdf" in options.formats:
            with stages.stage("pdf"), counting_layouts() as count:
                artifact, found, print_pages = pdf.build_pdf(book, layout, config.pdf.variant, fonts)
                check(found)
                assert artifact is not None
                artifacts.append(artifact)
                pages = len(layout.document.pages)
            laid_out += count.pages
            _impose(config, artifact, artifacts, stages)
        else:  # an EPUB asked for printed pages without the PDF: the PDF is made (so that the
            # index's own pages are in the page list, as beside a built PDF) and not written
            with stages.stage("print pages"):
                _, found, print_pages = pdf.build_pdf(book, layout, config.pdf.variant, fonts)
                check(found)
        del layout  # WeasyPrint's boxes are the bulk of the build's memory
    if "epub" in options.formats:
        from .targets import epub

        printed = config.epub.print_page_numbers != "never"
        with stages.stage("epub"):
            artifacts.append(epub.build_epub(book, page_map if printed else None, print_pages if printed else None))
    if "html" in options.formats:
        from .targets import web

        with stages.stage("html"):
            artifacts.extend(web.build_web(book, page_map, print_pages))
    if "handouts" in options.formats and handout_books:
        from .targets import handouts

        with stages.stage("handouts"):
            sheets, found = handouts.build_handouts(config, handout_books, fonts)
            check(found)
            artifacts.extend(sheets)
    warnings = sum(d.severity is Severity.WARNING for d in problems)
    if options.strict and warnings:
        problems.append(error("strict-warnings", f"{warnings} warning(s) and --strict", None,
                              "fix the warnings above, or build without --strict"))
        raise BuildFailed(tuple(problems))
    with stages.stage("write"):
        try:
            written = write_artifacts(out_dir, artifacts, keep_out=(root,))
        except OutputError as failed:
            problems.append(failed.diagnostic)
            raise BuildFailed(tuple(problems)) from None
    return BuildResult(tuple(written), tuple(problems), stages.timings, pages, parts, reused, laid_out)


def _workers(book: ResolvedBook, variant: str, jobs: int | None) -> int:
    """Processes to lay the PDF out with: ``jobs``, or chosen from the book's size; 1 where one
    process is the only way proven to give the same PDF (see ``targets/pdf_parts.py``)."""
    from .targets import pdf_parts

    workers = jobs if jobs is not None else pdf_parts.auto_jobs(book)
    return workers if workers > 1 and pdf_parts.unsafe_reason(book, variant) is None else 1


def _pdf_in_parts(book: ResolvedBook, variant: str, workers: int, cache: Cache) -> PartsBuild | None:
    from .targets import pdf_parts

    try:
        return pdf_parts.build_in_parts(book, variant, workers, cache)
    except pdf_parts.PartsDiffer:  # a part came out unlike the plan: one process decides
        return None


def _impose(config: BookConfig, artifact: Artifact, artifacts: list[Artifact], stages: Stages) -> None:
    if config.pdf.impose == "none":
        return
    from .pdf.impose import ImposeMode, SheetName, impose

    with stages.stage("impose"):
        # the settings were validated against the same choices impose() accepts
        mode = cast(ImposeMode, config.pdf.impose)
        sheet = cast(SheetName, config.pdf.sheet)
        artifacts.append(Artifact(f"{config.slug}-imposed.pdf", impose(artifact.data, mode, sheet)))


def needs_print_layout(config: BookConfig, formats: tuple[str, ...]) -> bool:
    """Lay out the print edition only for an output that uses it: the PDF itself, or an EPUB
    whose index is asked to show printed pages even when no PDF is built."""
    return "pdf" in formats or ("epub" in formats and config.epub.print_page_numbers == "always")
