"""Where layouts, CSS and fonts come from, and the only door through which WeasyPrint reads files.

A book's ``styles/`` overrides a built-in default file of the same relative name. The URL
fetcher refuses the network and every file outside the book folder and the built-in styles;
each refusal is kept so the build can fail with a message instead of a silently wrong book.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # WeasyPrint is imported only by the targets that lay pages out (issue 12)
    import weasyprint

    from .safefetch import SafeFetcher

BUILTIN = Path(__file__).parent / "styles"


@dataclass(frozen=True)
class Styles:
    root: Path  # the book folder

    @property
    def folders(self) -> tuple[Path, ...]:
        return (self.root / "styles", BUILTIN)

    def path(self, name: str) -> Path:
        """The book's own ``styles/<name>`` if present, else the built-in one."""
        for folder in self.folders:
            candidate = folder / name
            if candidate.is_file():
                return candidate
        raise FileNotFoundError(f"no style file {name} in the book or the built-in styles")

    def optional(self, name: str) -> Path | None:
        candidate = self.root / "styles" / name
        return candidate if candidate.is_file() else None

    def urls(self, names: Sequence[str]) -> list[str]:
        """File URLs of style files by name, each from the book or the built-in styles."""
        return [self.path(name).resolve().as_uri() for name in names]

    def weasyprint_html(self, html: str) -> tuple[weasyprint.HTML, SafeFetcher]:
        """A WeasyPrint document that can read only the book and the built-in styles; the
        fetcher keeps what it refused, for the build's diagnostics."""
        import weasyprint

        from .safefetch import SafeFetcher

        fetcher = SafeFetcher((self.root, BUILTIN))
        return weasyprint.HTML(string=html, base_url=self.root.as_uri() + "/", url_fetcher=fetcher), fetcher

    def fonts(self) -> tuple[Path, ...]:
        """The font files the layouts use, book fonts shadowing built-in ones by name."""
        found: dict[str, Path] = {}
        for folder in reversed(self.folders):
            for font in sorted((folder / "fonts").glob("*")):
                if font.suffix.lower() in (".ttf", ".otf", ".woff", ".woff2"):
                    found[font.name] = font
        return tuple(found[name] for name in sorted(found))
