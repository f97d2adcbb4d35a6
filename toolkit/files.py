"""File helpers every layer shares: `-` as stdin/stdout, bounded reads, atomic writes, locks.

One place decides what `-` means and with which mode a new file is created, so every command
behaves the same: `-` is standard input for an input file and standard output for an output
file; files are created with the user's umask (as `open()` would), an existing file keeps its mode;
a write through a symlink updates the file it points to. Which outputs may be written at all
(never an input, never a store file, an existing file only when forced) is `check_output`; how
far a zip (.docx, .xlsx) may expand is `check_zip`. `exclusive` is the one advisory lock that
the store (documents) and the glossary commands both take around a read-modify-write.
"""

from __future__ import annotations

import fcntl
import io
import os
import re
import sys
import tempfile
import zipfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from toolkit.errors import InputError, StoreError, UsageError

STDIO = "-"
# Temp files of an atomic write of NAME are `.NAME.<random>.tmp`; <random> (mkstemp's) has no
# dot, so `own_temp_files` never matches another file's temps
# (`.a.v2.parquet.x.tmp` is not a.parquet's).
TEMP_SUFFIX = ".tmp"


def is_stdio(path: str | Path | None) -> bool:
    """True for the `-` that means standard input or output."""
    return path is not None and str(path) == STDIO


def display_name(path: str | Path) -> str:
    return "<stdin>" if is_stdio(path) else str(path)


def read_input_bytes(path: str | Path, limit: int, what: str = "file") -> bytes:
    """The bytes of an input file (or of stdin for `-`), refusing more than `limit` bytes."""
    name = display_name(path)
    if is_stdio(path):
        data = sys.stdin.buffer.read(limit + 1)
    else:
        p = Path(path)
        if not p.exists():
            raise InputError(f"{name}: no such {what}")
        if p.is_dir():
            raise InputError(f"{name}: is a directory, expected a {what}")
        try:
            size = p.stat().st_size
            if size > limit:
                raise InputError(f"{name}: too large ({_mb(size)}; the limit is {_mb(limit)})")
            data = p.read_bytes()
        except OSError as exc:
            raise InputError(f"{name}: cannot read ({exc.strerror})") from None
    if len(data) > limit:
        raise InputError(f"{name}: too large (the limit is {_mb(limit)})")
    return data


def _mb(size: int) -> str:
    return f"{size / 1_000_000:.0f} MB"


def current_umask() -> int:
    """The process umask, read without changing it where the OS allows (threads are running)."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def new_file_mode(path: Path) -> int:
    """The mode a replaced file should have: its old mode, or 0666 minus the umask if new."""
    try:
        return path.stat().st_mode & 0o7777
    except OSError:
        return 0o666 & ~current_umask()


def temp_prefix(path: Path) -> str:
    return f".{path.name}."


def own_temp_files(path: str | Path) -> list[Path]:
    """Temp files that an atomic write of `path` (and only of `path`) may have left behind."""
    path = Path(path)
    own = re.compile(re.escape(temp_prefix(path)) + r"[A-Za-z0-9_]+" + re.escape(TEMP_SUFFIX))
    parent = path.parent if str(path.parent) else Path(".")
    return [p for p in parent.glob(f"{temp_prefix(path)}*{TEMP_SUFFIX}") if own.fullmatch(p.name)]


def atomic_write_bytes(path: str | Path, data: bytes) -> Path:
    """Write a file atomically (temp file in the same folder, then rename), with a normal mode.

    A failed write leaves the old file as it was; the new file gets the old file's mode, or the
    user's umask for a new file (mkstemp alone would make it 0600). A symlink stays a symlink:
    the file it points to is replaced (renaming over the link would cut it off its target).
    """
    path = real_target(Path(path))
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        raise StoreError(f"{parent}: no such folder")
    mode = new_file_mode(path)
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=temp_prefix(path), suffix=TEMP_SUFFIX, dir=parent)
    except OSError as exc:
        raise StoreError(f"{path}: cannot write ({exc.strerror or exc})") from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fchmod(fh.fileno(), mode)
            os.fsync(fh.fileno())
        os.replace(tmp_name, path)
    except OSError as exc:
        raise StoreError(f"{path}: cannot write ({exc.strerror or exc})") from None
    finally:
        if os.path.exists(tmp_name):
            os.unlink(tmp_name)
    return path


def real_target(path: Path) -> Path:
    """The file a write of `path` must replace: the end of its symlink chain (else `path`)."""
    if not path.is_symlink():
        return path
    return Path(os.path.realpath(path))


def write_output(path: str | Path, data: bytes) -> Path | None:
    """Write an output file atomically, or to stdout for `-`; returns the path written, if any."""
    if is_stdio(path):
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return None
    return atomic_write_bytes(path, data)


def same_file(a: str | Path, b: str | Path) -> bool:
    """Whether two paths name one file (through symlinks and hard links), existing or not."""
    try:
        return os.path.samefile(a, b)
    except OSError:
        return os.path.realpath(a) == os.path.realpath(b)


def check_output(
    path: str | Path,
    inputs: Iterable[str | Path] = (),
    force: bool = False,
    stores: Iterable[str | Path] = (),
) -> None:
    """Refuse an output that would destroy data: an input of the command, a store file, or an
    existing file without `force`. Called before anything is written (`-` is always fine)."""
    if is_stdio(path):
        return
    p = Path(path)
    for source in inputs:
        if not is_stdio(source) and same_file(p, source):
            raise _output_error(p, "is an input of this command; choose another file")
    if p.is_dir():
        raise _output_error(p, "is a folder; give a file name")
    in_store = any(
        Path(store).is_dir() and same_file(real_target(p).parent, store) for store in stores
    )
    if (in_store and p.suffix == ".parquet") or _is_parquet(p):
        raise _output_error(p, "is a store file (aligned segments); choose another file")
    if p.exists() and not force:
        raise _output_error(p, "exists; pass {force} to replace it")


def _output_error(path: Path, why: str) -> UsageError:
    """`{output} PATH: why`: the CLI shows `--output`, a library caller `output`."""
    return UsageError(
        f"{{output}} {path}: {why}", options={"output": "output", "force": "force=True"}
    )


def _is_parquet(path: Path) -> bool:
    try:
        with open(path, "rb") as fh:
            return fh.read(4) == b"PAR1"
    except OSError:
        return False


# Zip archives (.docx, .xlsx) are checked from their directory before any part is inflated.
MAX_UNZIPPED = 512 * 1024 * 1024  # total uncompressed bytes
MAX_RATIO = 200  # uncompressed / compressed, for members big enough to matter
RATIO_FLOOR = 1024 * 1024  # smaller members may compress as well as they like
MAX_MEMBERS = 10_000


def check_zip(
    source: str | Path | bytes,
    name: str,
    what: str = "zip file",
    max_total: int | None = None,
    max_ratio: float | None = None,
) -> None:
    """Refuse a zip bomb: too many members, too much uncompressed data or too high a ratio.

    Only the zip directory is read (no member is inflated); Python's zipfile never inflates a
    member past the size its directory entry declares, so the declared sizes are what counts.
    """
    max_total = MAX_UNZIPPED if max_total is None else max_total
    max_ratio = MAX_RATIO if max_ratio is None else max_ratio
    try:
        with zipfile.ZipFile(io.BytesIO(source) if isinstance(source, bytes) else source) as zf:
            members = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise InputError(f"{name}: not a readable {what} ({exc.__class__.__name__})") from None
    if len(members) > MAX_MEMBERS:
        raise InputError(f"{name}: {len(members)} parts in the zip (the limit is {MAX_MEMBERS})")
    total = 0
    for info in members:
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size >= RATIO_FLOOR and ratio > max_ratio:
            raise InputError(
                f"{name}: part {info.filename} expands {ratio:.0f} times "
                f"(the limit is {max_ratio:.0f}); refused as a possible zip bomb"
            )
    if total > max_total:
        raise InputError(
            f"{name}: expands to {_mb(total)} (the limit is {_mb(max_total)}); "
            "refused as a possible zip bomb"
        )


def lock_path(target: Path) -> Path:
    """The hidden lock file beside `target`. `flock` locks die with their process, so a killed
    run never leaves a stale lock behind."""
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
