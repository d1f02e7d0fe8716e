"""The command line: ``treatypress build [BOOK_DIR] [--format ...] [--out DIR]`` and friends.

Errors are mapped to exit codes here and nowhere else: 0 built, 1 the book has errors (or
warnings with ``--strict``) and nothing was written, 2 the command line is wrong, 130 interrupted
(Ctrl-C). Tracebacks are for bugs only.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from . import __version__
from .build import FORMATS, BuildOptions, build
from .config import SettingSpec, check_value, flags
from .diagnostics import BuildFailed, Diagnostic, Severity


def _formats(value: str) -> tuple[str, ...]:
    chosen = tuple(part.strip() for part in value.split(",") if part.strip())
    unknown = [part for part in chosen if part not in FORMATS]
    if unknown or not chosen:
        raise argparse.ArgumentTypeError(f"unknown format {', '.join(unknown) or value!r}; "
                                         f"choose from {', '.join(FORMATS)}")
    return chosen


def _jobs(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"--jobs takes a whole number of processes, 1 or more, not {value!r}")
    return int(value)


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
        command.add_argument(setting.flag, dest=name, type=_setting_type(setting), default=None, metavar=metavar,
                             help=f"{setting.doc.replace(chr(96), '')} (default: [{table}] {name}, {setting.default})")


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(prog="treatypress", description="Build print-ready books from Markdown "
                                   "chapters and a BibTeX file: a PDF booklet, an EPUB and a web edition.")
    main.add_argument("--version", action="version", version=f"treatypress {__version__}")
    commands = main.add_subparsers(dest="command", required=True, metavar="COMMAND")
    build_cmd = commands.add_parser("build", help="build the book into dist/",
                                    description="Build a book folder (manuscript/, references.bib, styles/).")
    build_cmd.add_argument("book", nargs="?", default=".", type=Path, metavar="BOOK_DIR",
                           help="the book folder (default: the current folder)")
    build_cmd.add_argument("--format", dest="formats", type=_formats, default=FORMATS, metavar="LIST",
                           help=f"comma-separated outputs: {','.join(FORMATS)} (default: all)")
    build_cmd.add_argument("--out", type=Path, default=None, metavar="DIR",
                           help="output folder (default: BOOK_DIR/dist)")
    _add_setting_flags(build_cmd)
    build_cmd.add_argument("--jobs", "-j", type=_jobs, default=None, metavar="N",
                           help="processes laying out the PDF at once (default: chosen from the book's size)")
    build_cmd.add_argument("--no-cache", dest="cache", action="store_false",
                           help="lay everything out afresh, neither reading nor writing the build cache")
    build_cmd.add_argument("--strict", action="store_true", help="treat warnings as errors")
    build_cmd.add_argument("--quiet", "-q", action="store_true", help="print only problems")
    check_cmd = commands.add_parser("check", help="check the book without writing anything",
                                    description="Read and resolve the whole book; report every problem.")
    check_cmd.add_argument("book", nargs="?", default=".", type=Path, metavar="BOOK_DIR")
    check_cmd.add_argument("--strict", action="store_true", help="treat warnings as errors")
    return main


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    root: Path = args.book
    quiet = getattr(args, "quiet", False) or args.command == "check"
    progress = (lambda _: None) if quiet else (lambda name: print(f"  {name}", file=sys.stderr))
    formats: tuple[str, ...] = args.formats if args.command == "build" else ()
    options = BuildOptions(formats=formats, out_dir=getattr(args, "out", None),
                           variant=getattr(args, "variant", None), impose=getattr(args, "impose", None),
                           sheet=getattr(args, "sheet", None), page_size=getattr(args, "page_size", None),
                           bleed=getattr(args, "bleed", None), paper=getattr(args, "paper", None),
                           strict=args.strict, jobs=getattr(args, "jobs", None),
                           cache=getattr(args, "cache", True))
    try:
        result = build(root, options, progress)
    except BuildFailed as failed:
        _report(failed.diagnostics)
        return 1
    except KeyboardInterrupt:
        # One line, no traceback. The write stage is one transaction, so the output folder holds
        # either the previous outputs or, if the interrupt came after the swap, the new ones.
        print("treatypress: interrupted", file=sys.stderr)
        return 130
    _report(result.diagnostics)
    if not quiet:
        for path in result.written:
            print(path)
    return 0


def _report(diagnostics: Sequence[Diagnostic]) -> None:
    for diagnostic in diagnostics:
        print(diagnostic.format(), file=sys.stderr)
    errors = sum(d.severity is Severity.ERROR for d in diagnostics)
    if errors:
        print(f"treatypress: {errors} error(s); nothing was written", file=sys.stderr)
