"""Which settings a book has, and where each came from: book.toml, a Pandoc book's metadata, a
flag, or the defaults.

A broken book.toml does not hide the rest of the book: its problems are reported, and the keys
that are valid (every line that parses, every value that passes config.py's checks) still make
a settings value good enough to check the chapters in the same run. Nothing is written from
such a run, because its config errors are errors.
"""

from __future__ import annotations

import dataclasses
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

from . import config as config_module
from .config import SECTIONS, SETTINGS_FILE, BookConfig, check_value, load_config, spec
from .diagnostics import Diagnostic, Location, error, has_errors
from .pandoc import is_pandoc_book, load_pandoc_book

# At most this many broken lines are skipped to read the rest of a book.toml
_MAX_SKIPPED_LINES = 50


@dataclass(frozen=True)
class LoadedSettings:
    config: BookConfig | None  # None only when nothing usable could be read
    problems: tuple[Diagnostic, ...]


def load_settings(root: Path, overrides: Mapping[str, Any] | None = None) -> LoadedSettings:
    """The book's settings with the flags' ``overrides`` ("pdf.page_size" -> value) applied."""
    overrides = dict(overrides or {})
    if is_pandoc_book(root):
        pandoc = load_pandoc_book(root)
        if pandoc.config is None:
            return LoadedSettings(None, pandoc.problems)
        applied, found = _apply(pandoc.config, overrides)
        return LoadedSettings(applied, pandoc.problems + found)
    config, problems = load_config(root, overrides)
    if config is not None or not (root / SETTINGS_FILE).is_file() or not has_errors(problems):
        return LoadedSettings(config, problems)
    text = (root / SETTINGS_FILE).read_bytes().decode("utf-8", errors="replace")
    data = _lenient_toml(text)
    if any(p.code == "config-toml" for p in problems) and data:
        # the lines that parse may hold problems of their own: report them in the same run
        _, more = config_module._validate(root, data, text, overrides)
        problems += tuple(p for p in more if p.code != "config-missing-key")
    return LoadedSettings(_recover(root, data, text, overrides), problems)


def origin(config: BookConfig, key: str) -> str:
    """Where the setting ``table.key`` came from, as `treatypress settings` shows it."""
    where = config.locations.get(key) or next(
        (loc for name, loc in config.locations.items() if name.startswith(key + ".")), None
    )
    return str(where) if where is not None else "default"


def setting_rows(config: BookConfig) -> list[tuple[str, str, Any, str]]:
    """(table, key, value, origin) for every setting, in the schema's order."""
    rows = []
    for table in SECTIONS:
        value = getattr(config, table)
        for field in dataclasses.fields(value):
            rows.append((table, field.name, getattr(value, field.name), origin(config, f"{table}.{field.name}")))
    return rows


def _apply(config: BookConfig, overrides: dict[str, Any]) -> tuple[BookConfig, tuple[Diagnostic, ...]]:
    """The flags over a Pandoc book's settings, through the same checks as over book.toml's."""
    problems = []
    locations = dict(config.locations)
    for key, value in overrides.items():
        table, name = key.split(".")
        flag = spec(key).flag
        problem = check_value(key, value, config.root)
        if problem:
            problems.append(error("config-value", f"{flag}: {problem}", Location(f"command line {flag}")))
            continue
        config = dataclasses.replace(config, **{table: dataclasses.replace(getattr(config, table), **{name: value})})
        locations[key] = Location(f"command line {flag}")
    return dataclasses.replace(config, locations=MappingProxyType(locations)), tuple(problems)


def _lenient_toml(text: str) -> dict[str, Any]:
    """The TOML with each line it chokes on blanked out, so the valid rest can still be used."""
    lines = text.splitlines()
    for _ in range(_MAX_SKIPPED_LINES):
        try:
            return tomllib.loads("\n".join(lines))
        except tomllib.TOMLDecodeError as exc:
            match = re.search(r"at line (\d+)", str(exc))
            if not match or not 0 < int(match[1]) <= len(lines):
                break
            lines[int(match[1]) - 1] = ""
    return {}


def _recover(root: Path, data: dict[str, Any], text: str, overrides: dict[str, Any]) -> BookConfig | None:
    """Keep each key that config.py's checks accept on its own; the rest take their defaults."""
    if not (root / "manuscript").is_dir():
        return None
    tables: dict[str, dict[str, Any]] = {}
    for table, values in data.items():
        if table in SECTIONS and isinstance(values, dict):
            tables[table] = dict(values)
    for key, value in overrides.items():
        table, name = key.split(".")
        tables.setdefault(table, {})[name] = value
    locations = {f"{t}.{k}": config_module._locate(text, t, k) for t, values in tables.items() for k in values}
    sections: dict[str, Any] = {}
    for table, cls in SECTIONS.items():
        good = {}
        for key, value in tables.get(table, {}).items():
            trial: list[Diagnostic] = []
            if config_module._build(cls, {key: value}, table, root, locations, trial) is not None and not trial:
                good[key] = value
        if table == "book" and not good.get("title"):
            good["title"] = "Untitled"
        sections[table] = config_module._build(cls, good, table, root, locations, [])
    if any(section is None for section in sections.values()):
        return None
    return BookConfig(
        root=root.resolve(),
        **sections,
        locations=MappingProxyType(
            {k: v for k, v in locations.items() if k.split(".")[1] in tables.get(k.split(".")[0], {})}
        ),
    )
