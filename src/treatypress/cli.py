"""The command line: ``treatypress build [BOOK_DIR] [--format ...] [--out DIR]`` and friends.

Errors are mapped to exit codes here and nowhere else: 0 built, 1 the book has errors (or
warnings with ``--strict``) and nothing was written, 2 the command line is wrong, 130 interrupted
(Ctrl-C). Tracebacks are for bugs only.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from . import __version__
from .build import BuildOptions, build
from .config import SettingSpec, check_value, flags
from .diagnostics import BuildFailed, Diagnostic, Severity
from .progress import Progress, Silent, StageLines, plural
from .targets.registry import FORMATS


def _formats(value: str) -> tuple[str, ...]:
    chosen = tuple(part.strip() for part in value.split(",") if part.strip())
    unknown = [part for part in chosen if part not in FORMATS]
    if unknown or not chosen:
        raise argparse.ArgumentTypeError(
            f"unknown format {', '.join(unknown) or value!r}; choose from {', '.join(FORMATS)}"
        )
    return chosen


def _jobs(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"--jobs takes a whole number of processes, 1 or more, not {value!r}")
    return int(value)


def _port(value: str) -> int:
    if not value.isdigit() or not 0 <= int(value) <= 65535:
        raise argparse.ArgumentTypeError(f"{value!r} is not a port number (0-65535; 0 picks a free one)")
    return int(value)


def _book_argument(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "book",
        nargs="?",
        default=".",
        type=Path,
        metavar="BOOK_DIR",
        help="the book folder (default: the current folder)",
    )


def _setting_type(setting: SettingSpec) -> Callable[[str], str]:
    """The flag's value goes through the same check as the book.toml setting, with the same message."""

    def convert(value: str) -> str:
        problem = check_value(setting.key, value)
        if problem:
            raise argparse.ArgumentTypeError(problem)
        return value

    return convert


def _add_setting_flags(command: argparse.ArgumentParser) -> None:
    """One flag per setting that the schema marks with a flag: choices and checks written once."""
    for setting in flags():
        table, name = setting.key.split(".")
        metavar = "|".join(setting.choices) if setting.choices else name.upper().replace("_", "-")
        command.add_argument(
            setting.flag,
            dest=name,
            type=_setting_type(setting),
            default=None,
            metavar=metavar,
            help=f"{setting.doc.replace(chr(96), '')} (default: [{table}] {name}, {setting.default})",
        )


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(
        prog="treatypress",
        description="Build print-ready books from Markdown "
        "chapters and a BibTeX file: a PDF booklet, an EPUB and a web edition.",
    )
    main.add_argument("--version", action="version", version=f"treatypress {__version__}")
    commands = main.add_subparsers(dest="command", required=True, metavar="COMMAND")

    new_cmd = commands.add_parser(
        "new",
        help="start a new book in a new folder",
        description="Write a small book that builds at once and shows every feature.",
    )
    new_cmd.add_argument("book", type=Path, metavar="DIR", help="the folder to create (must not exist or be empty)")
    new_cmd.add_argument("--title", default=None, help="the book's title (default: from the folder's name)")

    build_cmd = commands.add_parser(
        "build",
        help="build the book into dist/",
        description="Build a book folder (manuscript/, references.bib, styles/).",
    )
    _book_argument(build_cmd)
    build_cmd.add_argument(
        "--format",
        dest="formats",
        type=_formats,
        default=FORMATS,
        metavar="LIST",
        help=f"comma-separated outputs: {','.join(FORMATS)} (default: all)",
    )
    build_cmd.add_argument(
        "--out", type=Path, default=None, metavar="DIR", help="output folder (default: BOOK_DIR/dist)"
    )
    _add_setting_flags(build_cmd)
    build_cmd.add_argument(
        "--jobs",
        "-j",
        type=_jobs,
        default=None,
        metavar="N",
        help="processes laying out the PDF at once (default: chosen from the book's size)",
    )
    build_cmd.add_argument(
        "--no-cache",
        dest="cache",
        action="store_false",
        help="lay everything out afresh, neither reading nor writing the build cache",
    )
    build_cmd.add_argument("--strict", action="store_true", help="treat warnings as errors")
    build_cmd.add_argument("--quiet", "-q", action="store_true", help="print only problems")

    check_cmd = commands.add_parser(
        "check",
        help="check the book without writing anything",
        description="Read and resolve the whole book; report every problem.",
    )
    _book_argument(check_cmd)
    check_cmd.add_argument("--strict", action="store_true", help="treat warnings as errors")
    check_cmd.add_argument(
        "--format",
        dest="report",
        choices=("text", "json"),
        default="text",
        help="how problems are printed: text (default) or json on stdout",
    )

    serve_cmd = commands.add_parser(
        "serve",
        help="show the book in a browser, updated as you save",
        description="Serve the web edition on localhost; the page reloads when a "
        "chapter, the bibliography or a style is saved, and links a PDF preview.",
    )
    _book_argument(serve_cmd)
    serve_cmd.add_argument(
        "--port",
        type=_port,
        default=8000,
        metavar="N",
        help="the port on 127.0.0.1 (default: 8000; 0 picks a free one)",
    )

    styles_cmd = commands.add_parser(
        "styles",
        help="list the bundled citation styles",
        description="List the bundled CSL styles, for [citations] style.",
    )
    styles_cmd.add_argument(
        "search", nargs="*", metavar="SEARCH", help="words that the style's name or title must contain"
    )

    settings_cmd = commands.add_parser(
        "settings",
        help="print the effective settings and where each came from",
        description="Print every setting, with its origin: default, the settings file (with its line), or a flag.",
    )
    _book_argument(settings_cmd)
    _add_setting_flags(settings_cmd)
    return main


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    command: str = args.command
    if command == "new":
        from .skeleton import create_book

        return create_book(args.book, args.title)
    if command == "serve":
        from .serve import serve

        return serve(args.book, args.port)
    if command == "styles":
        return _styles(" ".join(args.search))
    if command == "settings":
        return _settings(args)
    return _build(args)


def _build(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    is_check = args.command == "check"
    quiet = getattr(args, "quiet", False) or is_check
    as_json = getattr(args, "report", "text") == "json"
    progress: Progress = Silent() if quiet else StageLines(sys.stderr)
    formats: tuple[str, ...] = args.formats if args.command == "build" else ()
    options = BuildOptions(
        formats=formats,
        out_dir=getattr(args, "out", None),
        variant=getattr(args, "variant", None),
        impose=getattr(args, "impose", None),
        sheet=getattr(args, "sheet", None),
        page_size=getattr(args, "page_size", None),
        bleed=getattr(args, "bleed", None),
        paper=getattr(args, "paper", None),
        strict=args.strict,
        jobs=getattr(args, "jobs", None),
        cache=getattr(args, "cache", True),
    )
    try:
        result = build(args.book, options, progress)
    except BuildFailed as failed:
        _report(failed.diagnostics, as_json, is_check, time.perf_counter() - started, built=False)
        return 1
    except KeyboardInterrupt:
        # One line, no traceback. The write stage is one transaction, so the output folder holds
        # either the previous outputs or, if the interrupt came after the swap, the new ones.
        print("treatypress: interrupted", file=sys.stderr)
        return 130
    _report(result.diagnostics, as_json, is_check, time.perf_counter() - started, built=True)
    if not quiet:
        for path in result.written:
            print(path)
        files = len(result.written)
        pages = f"{plural(result.pages, 'page')}, " if result.pages else ""
        print(
            f"treatypress: built {pages}{plural(files, 'file')} in {time.perf_counter() - started:.1f} s",
            file=sys.stderr,
        )
    return 0


def _report(diagnostics: Sequence[Diagnostic], as_json: bool, is_check: bool, seconds: float, built: bool) -> None:
    errors = sum(d.severity is Severity.ERROR for d in diagnostics)
    warnings = len(diagnostics) - errors
    if as_json:
        print(
            json.dumps(
                {"problems": [_as_dict(d) for d in diagnostics], "errors": errors, "warnings": warnings},
                ensure_ascii=False,
                indent=2,
            )
        )
        return
    for diagnostic in diagnostics:
        print(diagnostic.format(), file=sys.stderr)
    if errors and not is_check:
        print(f"treatypress: {errors} error(s); nothing was written", file=sys.stderr)
    if is_check:
        verdict = "the book is ready to build" if built and not errors else "the book cannot be built"
        counts = f"{plural(errors, 'error')}, {plural(warnings, 'warning')}" if diagnostics else "no problems"
        print(f"treatypress: checked in {seconds:.1f} s: {counts}; {verdict}", file=sys.stderr)


def _as_dict(diagnostic: Diagnostic) -> dict[str, object]:
    where = diagnostic.location
    return {
        "file": where.path if where else None,
        "line": where.line or None if where else None,
        "column": where.col or None if where else None,
        "severity": diagnostic.severity.value,
        "code": diagnostic.code,
        "message": diagnostic.message,
        "hint": diagnostic.hint or None,
    }


def _styles(search: str) -> int:
    from .csl_styles import all_styles
    from .csl_styles import search as find

    styles = all_styles()
    shown = find(styles, search) if search else styles
    width = max((len(s.name) for s in shown), default=0)
    for style in shown:
        print(f"{style.name:<{width}}  {style.format or '-':<11}  {style.title}")
    what = f"matching '{search}'" if search else "bundled"
    print(
        f'treatypress: {plural(len(shown), "style")} {what}; set one with [citations] style = "NAME"', file=sys.stderr
    )
    return 0 if shown else 1


def _settings(args: argparse.Namespace) -> int:
    from .booksettings import load_settings, setting_rows

    options = BuildOptions(
        variant=args.variant,
        impose=args.impose,
        sheet=args.sheet,
        page_size=args.page_size,
        bleed=args.bleed,
        paper=args.paper,
    )
    loaded = load_settings(args.book, options.overrides())
    for diagnostic in loaded.problems:
        print(diagnostic.format(), file=sys.stderr)
    if loaded.config is None or any(d.severity is Severity.ERROR for d in loaded.problems):
        print("treatypress: the settings have errors; fix them first", file=sys.stderr)
        return 1
    table = ""
    lines: list[str] = []
    for section, key, value, origin in setting_rows(loaded.config):
        if section != table:
            lines.append(("" if not lines else "\n") + f"[{section}]")
            table = section
        lines.append(f"{key} = {_toml_value(value)}  # {origin}")
    print("\n".join(lines))
    return 0


def _toml_value(value: object) -> str:
    """A setting as TOML, so the output can be pasted into book.toml."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, tuple):
        if value and not isinstance(value[0], str):  # [[index.indexes]]: a table per index
            return (
                "["
                + ", ".join(
                    "{ " + ", ".join(f"{k} = {_toml_value(v)}" for k, v in vars(item).items()) + " }" for item in value
                )
                + "]"
            )
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    return json.dumps(value)
