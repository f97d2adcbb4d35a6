"""Advisory file locks so two processes never write the same document or glossary at once.

`flock` locks die with their process, so a killed run never leaves a stale lock behind.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from toolkit.errors import StoreError
from toolkit.files import real_target


def lock_path(target: Path) -> Path:
    return target.with_name(f".{target.name}.lock")


@contextmanager
def exclusive(target: Path, what: str = "document") -> Iterator[None]:
    """Hold an exclusive lock on `target` (via a hidden lock file beside it) or fail at once."""
    target = Path(target)
    path = lock_path(real_target(target))  # two symlinks to one file share one lock
    _ensure_folder(path.parent)  # a fresh clone has no store folder yet
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise StoreError(f"{target}: cannot create lock file ({exc.strerror})") from None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise StoreError(
                f"{target}: this {what} is being written by another mekong process; "
                "try again when it has finished"
            ) from None
        os.ftruncate(fd, 0)
        os.write(fd, str(os.getpid()).encode())
        yield
    finally:
        os.close(fd)


def _ensure_folder(folder: Path) -> None:
    """Create the folder the lock file lives in, or say in one line why it cannot be."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(f"{folder}: cannot create folder ({exc.strerror})") from None
    if not os.access(folder, os.W_OK | os.X_OK):
        raise StoreError(f"{folder}: folder is not writable")
