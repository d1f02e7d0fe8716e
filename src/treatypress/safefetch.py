"""The only door through which WeasyPrint reads files: refuses the network and anything
outside the book folder and the built-in styles, keeping each refusal for the diagnostics.

Apart from ``styles.py`` so that the targets that never call WeasyPrint (EPUB, web) do not
import it: subclassing its ``URLFetcher`` needs the import.
"""

from __future__ import annotations

import hashlib
import mimetypes
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from weasyprint.urls import URLFetcher, URLFetcherResponse

from .diagnostics import Diagnostic, Location, error


class SafeFetcher(URLFetcher):  # type: ignore[misc]
    """A WeasyPrint URL fetcher that reads only inside the allowed folders, never the network."""

    def __init__(self, allowed: tuple[Path, ...]) -> None:
        super().__init__(allowed_protocols=("file", "data"))
        self.allowed = tuple(folder.resolve() for folder in allowed)
        self.refused: list[Diagnostic] = []
        # every file looked for, with the SHA-256 of what was read ("" if missing): the build
        # cache re-checks these before it reuses a layout
        self.read: dict[str, str] = {}

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        if url.startswith("data:"):
            return super().fetch(url, headers)
        parsed = urlparse(url)
        if parsed.scheme != "file":
            self._refuse(
                url,
                "remote-resource",
                "is on the network; a build never reads the network",
                "copy the file into the book folder and use a relative path",
            )
        path = Path(unquote(parsed.path)).resolve()
        if not any(path.is_relative_to(folder) for folder in self.allowed):
            self._refuse(url, "outside-book", "is outside the book folder", "copy the file into the book folder")
        if not path.is_file():
            self.read[str(path)] = ""
            self._refuse(url, "missing-file", "does not exist", "check the path")
        mime, _ = mimetypes.guess_type(path.name)
        data = path.read_bytes()
        self.read[str(path)] = hashlib.sha256(data).hexdigest()
        return URLFetcherResponse(path.as_uri(), data, {"Content-Type": mime or "application/octet-stream"})

    def _refuse(self, url: str, code: str, what: str, hint: str) -> None:
        self.refused.append(error(code, f"a style or layout asks for '{url}', which {what}", Location("styles"), hint))
        raise ValueError(f"refused: {url}")
