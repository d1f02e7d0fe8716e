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
    with tempfile.TemporaryDirectory(prefix="treatypress-cite-") as folder:
        refs = Path(folder) / "references.json"
        refs.write_text(json.dumps(references, ensure_ascii=False), encoding="utf-8")
        # no user data directory and no network: the style and references are local files
        command = [executable, "--data-dir", folder, "-f", "json", "-t", "json", "--citeproc",
                   "--csl", str(style), "--bibliography", str(refs)]
        try:
            done = subprocess.run(command, input=json.dumps(document, ensure_ascii=False).encode("utf-8"),
                                  capture_output=True, check=False)
        except OSError as exc:
            return PandocRun(None, (f"cannot run pandoc: {exc}",))
    messages = tuple(line.removeprefix("[WARNING] ").strip()
                     for line in done.stderr.decode("utf-8", "replace").splitlines() if line.strip())
    if done.returncode != 0:
        return PandocRun(None, messages or (f"pandoc exited with status {done.returncode}",))
    return PandocRun(json.loads(done.stdout.decode("utf-8")), messages)
