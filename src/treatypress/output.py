"""Writing artifacts: each to a temporary file in the output folder, then renamed into place,
so a failed or interrupted build never leaves a half-written PDF or EPUB behind."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from .targets import Artifact


def write_artifacts(out_dir: Path, artifacts: Iterable[Artifact]) -> list[Path]:
    written: list[Path] = []
    for artifact in artifacts:
        target = out_dir / artifact.name
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".tmp-", suffix=target.suffix)
        try:
            with os.fdopen(handle, "wb") as stream:
                stream.write(artifact.data)
            os.chmod(temporary, 0o644)
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        written.append(target)
    return written
