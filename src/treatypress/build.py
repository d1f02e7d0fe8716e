"""The front door: ``build()`` reads like the table of contents of a build (MkDocs' habit).

Gather everything, resolve everything, and only then write: nothing reaches the output folder
unless every stage before it succeeded, and each artifact is moved into place whole.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .booksettings import load_settings
from .cache import Cache
from .config import BookConfig
from .diagnostics import BuildFailed, Diagnostic, Severity, error, has_errors
from .limits import check_size
from .manuscript import load_manuscript
from .markdown import parse_chapter
from .output import OutputError, check_out_dir, write_artifacts
from .progress import Progress, Silent, Stages, as_progress
from .render import check_layouts
from .resolve import resolve
from .resolve.handouts import resolve_handouts
from .styles import check_styles
from .targets import Artifact, registry
from .targets.base import PrintEdition, PrintUse, SharedFonts, Target, Work
from .targets.registry import FORMATS

DEFAULT_FORMATS = FORMATS  # every output


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

        return {
            s.key: getattr(self, s.key.split(".")[1]) for s in flags() if getattr(self, s.key.split(".")[1]) is not None
        }


@dataclass(frozen=True)
class BuildResult:
    written: tuple[Path, ...]
    diagnostics: tuple[Diagnostic, ...]
    timings: dict[str, float] = field(hash=False)  # stage name -> seconds
    pages: int  # pages of the PDF, 0 when none was built
    parts: int = 1  # body parts of the PDF laid out apart (1: the book in one process)
    reused: int = 0  # part layouts taken from the build cache
    pages_laid_out: int = 0  # pages WeasyPrint laid out for the PDF, each repagination counted


def build(
    root: Path, options: BuildOptions = BuildOptions(), progress: Progress | Callable[[str], object] | None = None
) -> BuildResult:
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
        targets = _targets(config, options.formats)  # the outputs to make, in the registry's order
    with stages.stage("manuscript"):
        manuscript, found = load_manuscript(config)
        found = (*found, *check_size(manuscript.chapters))
        if any(d.code == "manuscript-too-large" for d in found):
            check(found)  # at once: not after minutes of parsing and layout
    with stages.stage("markdown"):
        parsed = [parse_chapter(chapter, config.book.language) for chapter in manuscript.chapters]
        # check (no formats) looks at the handouts too: it must see what a build would report
        wanted = not options.formats or any(t.needs_handouts for t, _ in targets)
        parsed_handouts = [parse_chapter(h, config.book.language) for h in manuscript.handouts] if wanted else []
    check(found)
    with stages.stage("resolve"):
        cache = Cache.of_book(config.root) if options.cache and options.formats else Cache(None)
        book, found = resolve(config, parsed, cache)
        handout_books, handout_found = resolve_handouts(config, parsed_handouts)
        # a handout's .bib problems that the book reported too are the same diagnostic: once
        paged = not options.formats or any(t.lays_out_pages for t, _ in targets)
        check(tuple(dict.fromkeys(found + handout_found + check_styles(config, paged))))
        assert book is not None
        if not options.formats:  # check: fill the layouts in memory, as a build would
            check(check_layouts(book))

    if has_errors(problems):  # the settings' errors, once the chapters have been checked too
        raise BuildFailed(tuple(problems))
    artifacts: list[Artifact] = []
    edition: PrintEdition | None = None  # the print edition's layout, once a target made it
    pdf_kept = False
    fonts = SharedFonts()
    for target, kept in targets:
        use = target.print_use(config)
        work = Work(
            config,
            book,
            handout_books,
            stages,
            fonts,
            cache,
            edition if use is not PrintUse.NONE else None,
            options.jobs,
            kept,
        )
        built = target.build(work)
        check(built.diagnostics)
        if kept:
            artifacts.extend(built.artifacts)
        if built.print_edition is not None:
            edition, pdf_kept = built.print_edition, kept
    warnings = sum(d.severity is Severity.WARNING for d in problems)
    if options.strict and warnings:
        problems.append(
            error(
                "strict-warnings",
                f"{warnings} warning(s) and --strict",
                None,
                "fix the warnings above, or build without --strict",
            )
        )
        raise BuildFailed(tuple(problems))
    with stages.stage("write"):
        try:
            written = write_artifacts(out_dir, artifacts, keep_out=(root,))
        except OutputError as failed:
            problems.append(failed.diagnostic)
            raise BuildFailed(tuple(problems)) from None
    return BuildResult(
        tuple(written),
        tuple(problems),
        stages.timings,
        edition.pages if edition and pdf_kept else 0,
        edition.parts if edition else 1,
        edition.reused if edition else 0,
        edition.laid_out if edition else 0,
    )


def _targets(config: BookConfig, formats: tuple[str, ...]) -> list[tuple[Target, bool]]:
    """The targets to build, each with whether its output is kept, in the registry's order.

    The print edition's provider is added, unkept, when an output requires its layout and the
    PDF was not asked for (an EPUB whose index must show printed pages)."""
    chosen = [registry.target(name) for name in FORMATS if name in formats]
    if not any(t.provides_print for t in chosen) and any(t.print_use(config) is PrintUse.REQUIRED for t in chosen):
        return [(registry.print_provider(), False), *((t, True) for t in chosen)]
    return [(t, True) for t in chosen]
