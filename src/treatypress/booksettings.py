"""Which settings a book has, and where each came from: book.toml, a Pandoc book's metadata, or
the defaults.

A broken book.toml does not hide the rest of the book: its problems are reported, and the keys
that are valid (every line that parses, every value of the right type) still make a settings
value good enough to check the chapters in the same run. Nothing is written from such a run,
because its config errors are errors.
"""

from __future__ import annotations

import dataclasses
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import config as config_module
from .config import SECTIONS, SETTINGS_FILE, BookConfig, load_config
from .diagnostics import Diagnostic, has_errors
from .pandoc import is_pandoc_book, load_pandoc_book

# At most this many broken lines are skipped to read the rest of a book.toml
_MAX_SKIPPED_LINES = 50


@dataclass(frozen=True)
class LoadedSettings:
    config: BookConfig | None  # None only when nothing usable could be read
    problems: tuple[Diagnostic, ...]
    origins: Mapping[str, str]  # "pdf.variant" -> "manuscript/book.toml:12"; a default is absent


def load_settings(root: Path) -> LoadedSettings:
    if is_pandoc_book(root):
        pandoc = load_pandoc_book(root)
        return LoadedSettings(pandoc.config, pandoc.problems, pandoc.origins)
    config, problems = load_config(root)
    if not (root / SETTINGS_FILE).is_file():
        return LoadedSettings(config, problems, {})
    text = (root / SETTINGS_FILE).read_bytes().decode("utf-8", errors="replace")
    data = _lenient_toml(text)
    if config is None and has_errors(problems):
        if any(p.code == "config-toml" for p in problems) and data:
            # the lines that parse may hold problems of their own: report them in the same run
            _, more = config_module._validate(root, data, text)
            problems += tuple(p for p in more if p.code != "config-missing-key")
        config = _recover(root, data, text)
    return LoadedSettings(config, problems, _origins(data, text))


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


def _recover(root: Path, data: dict[str, Any], text: str) -> BookConfig | None:
    """Keep each key that is valid on its own (validated by config.py, the one schema)."""
    if not (root / "manuscript").is_dir():
        return None
    good: dict[str, dict[str, Any]] = {}
    for table, values in data.items():
        if table not in SECTIONS or not isinstance(values, dict):
            continue
        for key, value in values.items():
            trial: dict[str, Any] = {"book": {"title": "Untitled"}}
            trial.setdefault(table, {})[key] = value
            config, _ = config_module._validate(root, trial, text)
            if config is not None:
                good.setdefault(table, {})[key] = value
    good.setdefault("book", {})
    if not good["book"].get("title"):
        good["book"]["title"] = "Untitled"
    config, _ = config_module._validate(root, good, text)
    return config


def _origins(data: dict[str, Any], text: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for table, values in data.items():
        if table in SECTIONS and isinstance(values, dict):
            for key in values:
                where = config_module._locate(text, table, key)
                if key == "indexes":  # an array of tables: [[index.indexes]]
                    where = config_module._locate(text, None, "index", table=True)
                found[f"{table}.{key}"] = str(where) if where.line else SETTINGS_FILE
    return found


def setting_rows(config: BookConfig, origins: Mapping[str, str], flags: Mapping[str, str]
                 ) -> list[tuple[str, str, Any, str]]:
    """(table, key, value, origin) for every setting, in the schema's order."""
    rows = []
    for table in SECTIONS:
        value = getattr(config, table)
        for field in dataclasses.fields(value):
            setting = f"{table}.{field.name}"
            origin = flags.get(setting) or origins.get(setting) or "default"
            rows.append((table, field.name, getattr(value, field.name), origin))
    return rows
