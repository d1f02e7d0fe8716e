"""Find the ``pandoc`` executable and run its citeproc over one Pandoc JSON document.

The executable ships inside the ``pypandoc-binary`` wheel (``pypandoc/files/pandoc``). It is
found with :func:`importlib.util.find_spec`, which reads no module: importing ``pypandoc`` only
to ask for the path costs ~40 ms, finding the spec ~0.1 ms.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

# The JSON AST version of pandoc 3.9 (pypandoc-binary 1.17, pinned in constraints.txt);
# pandoc refuses a document whose major version (1.23) differs from its own.
API_VERSION = [1, 23, 1, 1]


@cache
def pandoc_path() -> str | None:
    """The pandoc shipped with pypandoc-binary; else one on PATH; None when there is none."""
    spec = importlib.util.find_spec("pypandoc")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        candidate = Path(folder) / "files" / ("pandoc.exe" if os.name == "nt" else "pandoc")
        if candidate.is_file():
            return str(candidate)
    return shutil.which("pandoc")


@dataclass(frozen=True)
class PandocRun:
    """What one pandoc process gave back."""

    document: dict[str, Any] | None  # the output JSON document; None when pandoc failed
    messages: tuple[str, ...]  # pandoc's warnings and errors, one per line, "[WARNING] " removed


def run_citeproc(document: dict[str, Any], references: list[dict[str, Any]], style: Path) -> PandocRun:
    """``pandoc -f json -t json --citeproc`` over ``document``, with ``references`` as CSL-JSON.

    The references go in as a CSL-JSON file rather than as metadata: only Pandoc's CSL-JSON
    reader understands the markup CSL-JSON strings may carry (``<i>``, ``<span class="nocase">``).
    """
    executable = pandoc_path()
    if executable is None:
        return PandocRun(None, ("pandoc was not found: install the pypandoc-binary package",))
    # The same input gives the same output: `treatypress serve` rebuilds after every save, and
    # most saves change no citation, so the last few runs are kept (a run costs ~0.3-0.5 s)
    key = (
        json.dumps(document, sort_keys=True, ensure_ascii=False),
        json.dumps(references, sort_keys=True, ensure_ascii=False),
        str(style),
        style.read_bytes(),
    )
    if key not in _RUNS:
        done_run = _run(executable, document, references, style)
        if done_run.document is None:
            return done_run  # a failure (a full temporary folder, say) may pass: never keep it
        _RUNS[key] = (json.dumps(done_run.document), done_run.messages)
        while len(_RUNS) > _KEPT_RUNS:
            del _RUNS[next(iter(_RUNS))]  # the oldest
    output, messages = _RUNS[key]
    return PandocRun(json.loads(output), messages)  # a fresh copy: callers may change what they get


_KEPT_RUNS = 4
_RUNS: dict[tuple[str, str, str, bytes], tuple[str, tuple[str, ...]]] = {}


def _run(executable: str, document: dict[str, Any], references: list[dict[str, Any]], style: Path) -> PandocRun:
    try:  # a full or read-only temporary folder is a message, not a traceback
        with tempfile.TemporaryDirectory(prefix="treatypress-cite-") as folder:
            refs = Path(folder) / "references.json"
            refs.write_text(json.dumps(references, ensure_ascii=False), encoding="utf-8")
            # no user data directory and no network: the style and references are local files
            command = [
                executable,
                "--data-dir",
                folder,
                "-f",
                "json",
                "-t",
                "json",
                "--citeproc",
                "--csl",
                str(style),
                "--bibliography",
                str(refs),
            ]
            done = subprocess.run(
                command,
                input=json.dumps(document, ensure_ascii=False).encode("utf-8"),
                capture_output=True,
                check=False,
            )
    except OSError as exc:
        return PandocRun(None, (f"cannot run pandoc (temporary folder {tempfile.gettempdir()}): {exc}",))
    messages = tuple(
        line.removeprefix("[WARNING] ").strip()
        for line in done.stderr.decode("utf-8", "replace").splitlines()
        if line.strip()
    )
    if done.returncode != 0:
        return PandocRun(None, messages or (f"pandoc exited with status {done.returncode}",))
    return PandocRun(json.loads(done.stdout.decode("utf-8")), messages)
