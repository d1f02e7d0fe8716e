"""Stage 7, the last step: write a build's artifacts as one transaction.

Every artifact is written into a staging folder beside the output folder (``.dist.treatypress-
staging-XXXX`` next to ``dist/``), flushed to disk, and joined by hard links to the files already
in the output folder that this build does not replace. Only then is the staging folder swapped
with the output folder by one ``renameat2(RENAME_EXCHANGE)`` call, which Linux performs
atomically: at every instant the output folder holds either the complete previous set or the
complete new one, whether the build fails, runs out of disk, is interrupted or is killed. The
previous set, now under the staging name, is then removed.

Where that swap is impossible (not Linux, a filesystem without RENAME_EXCHANGE, an output folder
that is a mount point or holds the book or the current folder, or a parent folder we may not
write), the staging folder is made inside the output folder and each finished file is renamed
into place: every file is still whole, but a build killed during those renames (microseconds)
can leave old and new files side by side until the next build.

The build that owns a staging folder holds a lock on it (``flock``), which the kernel drops when
the process dies, so the next build can tell a killed build's leftovers from a concurrent live
build and removes only the former (and the ``.tmp-*`` files that the earlier, file-by-file
write stage left when it was killed).
"""

from __future__ import annotations

import ctypes
import errno
import fcntl
import os
import re
import shutil
import sys
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from .diagnostics import Diagnostic, Location, error
from .targets import Artifact

STAGING = ".treatypress-staging-"
# What tempfile.mkstemp(prefix=".tmp-") made in the output folder in the earlier write stage.
_OLD_TEMPORARY = re.compile(r"\.tmp-[a-z0-9_]{8}\.[a-z]+")
_HINT_OTHER = "or build into another folder with --out DIR"


class OutputError(Exception):
    """The output folder cannot take the artifacts; the previous outputs are unchanged."""

    def __init__(self, diagnostic: Diagnostic) -> None:
        super().__init__(diagnostic.message)
        self.diagnostic = diagnostic


def check_out_dir(out_dir: Path) -> tuple[Diagnostic, ...]:
    """Cheap checks made before the layout, so a wrong ``--out`` fails fast.

    The write stage meets the same faults for real (and disk full, which no check can foresee)
    and reports them the same way.
    """
    for path in (out_dir, *out_dir.parents):
        if not os.path.lexists(path):
            continue
        if not path.is_dir():
            return (_not_a_folder(out_dir, path),)
        if not os.access(path, os.W_OK | os.X_OK):
            return (_problem(out_dir, OSError(errno.EACCES, os.strerror(errno.EACCES), str(path))),)
        return ()
    return ()


def write_artifacts(out_dir: Path, artifacts: Sequence[Artifact], keep_out: Sequence[Path] = ()) -> list[Path]:
    """Write ``artifacts`` into ``out_dir`` all or nothing; return their paths.

    ``keep_out`` lists folders (the book) that must never be swapped away, so an output folder
    holding one of them is written file by file. Raises ``OutputError`` with a located
    diagnostic when the folder cannot take the files.
    """
    if not artifacts:
        return []
    for artifact in artifacts:
        parts = Path(artifact.name).parts
        if Path(artifact.name).is_absolute() or ".." in parts or not parts:
            raise ValueError(f"artifact name {artifact.name!r} leaves the output folder")  # a bug, not bad input
    found = check_out_dir(out_dir)
    if found:
        raise OutputError(found[0])
    real = Path(os.path.realpath(out_dir))  # a symlinked dist/ stays a symlink: swap its target
    try:
        real.parent.mkdir(parents=True, exist_ok=True)
        clean_stale(real)
        _transaction(real, artifacts, _may_swap(real, keep_out))
    except OSError as failure:
        raise OutputError(_problem(out_dir, failure)) from failure
    return [out_dir / artifact.name for artifact in artifacts]


def clean_stale(out_dir: Path) -> list[Path]:
    """Remove staging folders of killed builds (unlocked ones) and old ``.tmp-*`` files."""
    removed: list[Path] = []
    candidates = [*out_dir.parent.glob(f".{out_dir.name}{STAGING}*"), *out_dir.glob(f"{STAGING}*")]
    for candidate in candidates:
        if candidate.is_dir() and not candidate.is_symlink() and _unlocked(candidate):
            shutil.rmtree(candidate, ignore_errors=True)
            removed.append(candidate)
    if out_dir.is_dir():
        for leftover in out_dir.rglob(".tmp-*"):
            if _OLD_TEMPORARY.fullmatch(leftover.name) and leftover.is_file():
                leftover.unlink(missing_ok=True)
                removed.append(leftover)
    return removed


def _transaction(out_dir: Path, artifacts: Sequence[Artifact], may_swap: bool) -> None:
    beside = may_swap or not out_dir.exists()
    where, prefix = (out_dir.parent, f".{out_dir.name}{STAGING}") if beside else (out_dir, STAGING)
    if not beside:
        out_dir.mkdir(exist_ok=True)
    with _locked_staging(where, prefix, _folder_mode(out_dir)) as staging:
        for artifact in artifacts:
            _write(staging / artifact.name, artifact.data)
        if not out_dir.exists():
            _sync_tree(staging)
            os.rename(staging, out_dir)  # nothing to keep: a plain rename is atomic
        elif beside and _carry_over(out_dir, staging) and _exchange(staging, out_dir):
            pass  # the staging name now holds the previous set, removed on leaving
        else:
            if beside:  # the swap was refused: drop the links made for it, keep only the new files
                shutil.rmtree(staging)
                staging.mkdir()
                for artifact in artifacts:
                    _write(staging / artifact.name, artifact.data)
            _sync_tree(staging)
            for artifact in artifacts:
                target = out_dir / artifact.name
                target.parent.mkdir(parents=True, exist_ok=True)
                os.replace(staging / artifact.name, target)
        _sync_dir(out_dir.parent)


@contextmanager
def _locked_staging(where: Path, prefix: str, mode: int) -> Iterator[Path]:
    """A fresh staging folder, locked for as long as the block runs, then removed."""
    for _ in range(5):
        staging = Path(tempfile.mkdtemp(dir=where, prefix=prefix))
        handle = os.open(staging, os.O_RDONLY | os.O_DIRECTORY)
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            mine = os.path.samestat(os.fstat(handle), os.stat(staging))
        except FileNotFoundError:
            mine = False  # a concurrent build's clean-up took it in the instant before the lock
        if mine:
            break
        os.close(handle)
    else:
        raise OSError(errno.EBUSY, "could not make a staging folder", str(where))
    try:
        os.chmod(staging, mode)
        yield staging
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        os.close(handle)


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)  # a hard link to a previous output must not be written through
    with open(path, "xb") as stream:
        stream.write(data)
        stream.flush()
        os.fsync(stream.fileno())  # the data reaches the disk before the rename that publishes it


def _carry_over(out_dir: Path, staging: Path) -> bool:
    """Link the previous outputs this build does not replace into the staging folder.

    Returns False when a file cannot be linked or copied, so the caller writes file by file.
    """
    unreadable: list[OSError] = []
    for folder, dirs, files in os.walk(out_dir, onerror=unreadable.append):
        dirs[:] = [d for d in dirs if not d.startswith(STAGING)]
        relative = Path(folder).relative_to(out_dir)
        for name in list(dirs):
            source, target = Path(folder) / name, staging / relative / name
            if source.is_symlink():  # os.walk lists a link to a folder among the folders
                dirs.remove(name)
                files.append(name)
            elif not target.exists():
                target.mkdir(mode=os.stat(source).st_mode & 0o7777)
        for name in files:
            source, target = Path(folder) / name, staging / relative / name
            if os.path.lexists(target) or _OLD_TEMPORARY.fullmatch(name):
                continue
            try:
                os.link(source, target, follow_symlinks=False)
            except OSError:
                try:
                    shutil.copy2(source, target, follow_symlinks=False)
                except OSError:
                    return False
    return not unreadable


def _exchange(new: Path, old: Path) -> bool:
    """Swap two folders atomically (Linux ``renameat2`` with ``RENAME_EXCHANGE``).

    Returns False where the system or filesystem cannot; raises on any other failure.
    """
    if not sys.platform.startswith("linux"):
        return False
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except AttributeError:  # a C library older than glibc 2.28
        return False
    renameat2.argtypes = (ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint)
    at_fdcwd, rename_exchange = -100, 2
    _sync_tree(new)
    if renameat2(at_fdcwd, os.fsencode(new), at_fdcwd, os.fsencode(old), rename_exchange) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.EXDEV, errno.EBUSY, errno.EOPNOTSUPP, errno.EPERM):
        return False
    raise OSError(code, os.strerror(code), str(old))


def _may_swap(out_dir: Path, keep_out: Iterable[Path]) -> bool:
    """Whether the output folder may be swapped away as a whole."""
    if out_dir.exists() and os.path.ismount(out_dir):
        return False
    if not os.access(out_dir.parent, os.W_OK | os.X_OK):
        return False
    for kept in (*keep_out, Path.cwd()):
        real = Path(os.path.realpath(kept))
        if real == out_dir or out_dir in real.parents:
            return False
    return True


def _folder_mode(out_dir: Path) -> int:
    if out_dir.exists():
        return os.stat(out_dir).st_mode & 0o7777
    mask = os.umask(0)
    os.umask(mask)
    return 0o777 & ~mask


def _unlocked(folder: Path) -> bool:
    try:
        handle = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return False
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    finally:
        os.close(handle)  # closing drops the lock we may just have taken
    return True


def _sync_tree(root: Path) -> None:
    for folder, _, _ in os.walk(root):
        _sync_dir(Path(folder))


def _sync_dir(folder: Path) -> None:
    handle = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)


# --- located problems ----------------------------------------------------------


def _problem(out_dir: Path, failure: OSError) -> Diagnostic:
    where = Location(str(out_dir))
    reason = failure.strerror or str(failure)
    culprit = failure.filename or out_dir
    if failure.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        return error(
            "out-disk-full",
            f"no room to write the outputs into the output folder (--out): {reason}",
            where,
            f"free some disk space, {_HINT_OTHER}; the previous outputs are unchanged",
        )
    if failure.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return error(
            "out-unwritable",
            f"the output folder (--out) cannot be written: {reason} ({culprit})",
            where,
            f"make it writable (chmod u+w), {_HINT_OTHER}; the previous outputs are unchanged",
        )
    if failure.errno in (errno.ENOTDIR, errno.EEXIST):
        path = next((p for p in (out_dir, *out_dir.parents) if os.path.lexists(p) and not p.is_dir()), out_dir)
        return _not_a_folder(out_dir, path)
    return error(
        "out-write-failed",
        f"writing into the output folder (--out) failed: {reason} ({culprit})",
        where,
        f"{_HINT_OTHER}; the previous outputs are unchanged",
    )


def _not_a_folder(out_dir: Path, path: Path) -> Diagnostic:
    what = "the output folder (--out) is a file" if path == out_dir else f"{path} (in --out) is a file"
    return error(
        "out-not-a-folder", f"{what}, not a folder", Location(str(out_dir)), f"remove or rename {path}, {_HINT_OTHER}"
    )
