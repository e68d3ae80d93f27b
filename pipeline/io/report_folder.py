"""The report folder: built beside its target and swapped in whole, replacing only what the pipeline wrote.

A folder is ours when it holds our manifest (`intern/manifest.json`, written last, listing every file the run
wrote with its SHA-256) and nothing else: no file that is not listed, no listed file changed since. Anything else
stops the run before it starts, so inputs, notes or a hand-edited table in the folder are never lost. A killed
run leaves its staging folder behind with a marker; the next run removes only folders that carry it.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import hashlib
import json
import os
import shutil
import stat
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

from pipeline.errors import UserError

INTERN = "intern"  # what may not be published: results.json, row accounting, validation problems, disclosure log
MANIFEST = f"{INTERN}/manifest.json"
GENERATOR = "rendementsanalyse"
STAGING_MARK = ".rendementsanalyse-staging"  # inside a staging folder: ours to remove when a run was killed


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _files(folder: Path) -> list[str]:
    """Every file under `folder`, as sorted POSIX paths relative to it (symbolic links count as files)."""
    found = []
    for root, dirs, names in os.walk(folder):
        base = Path(root)
        for name in names + [d for d in dirs if (base / d).is_symlink()]:
            found.append((base / name).relative_to(folder).as_posix())
    return sorted(found)


def read_manifest(folder: Path) -> dict[str, str] | None:
    """{relative path: SHA-256} from the folder's manifest, or None when it has none of ours."""
    path = Path(folder) / MANIFEST
    if not path.is_file() or path.is_symlink():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return None
    if not isinstance(data, dict) or data.get("generator") != GENERATOR or not isinstance(data.get("files"), dict):
        return None
    return {str(k): str(v) for k, v in data["files"].items()}


def foreign_files(folder: Path) -> list[str]:
    """The files in `folder` the pipeline did not write (or that changed since): empty when it may be replaced."""
    folder = Path(folder)
    if not folder.exists():
        return []
    present = _files(folder)
    if not present:
        return []
    listed = read_manifest(folder)
    if listed is None:
        return present
    foreign = []
    for name in present:
        if name in (MANIFEST, STAGING_MARK):
            continue
        path = folder / name
        if name not in listed or path.is_symlink() or _sha256(path) != listed[name]:
            foreign.append(name)
    return foreign


def _read_only(folder: Path) -> bool:
    """A folder the user made read-only: no write permission for us, or (as root, whom permissions do not stop)
    no write bit for anyone, or a read-only file system."""
    return not os.access(folder, os.W_OK) or stat.S_IMODE(folder.stat().st_mode) & 0o222 == 0


def check_writable(target: Path) -> None:
    """Stop before any work when the report cannot, or should not, be written where `target` points: the
    folder itself when it exists, else the nearest folder above it that does."""
    folder = target if target.is_dir() else next((p for p in target.parents if p.exists()), None)
    if folder is not None and folder.is_dir() and _read_only(folder):
        where = "" if folder == target else f" (de bovenliggende map {folder})"
        raise UserError(
            f"{target}: deze map is alleen-lezen{where}; kies een map waarin geschreven mag worden voor --out"
        )


def check_replaceable(target: Path) -> None:
    """Stop with the files that would be lost when `target` is not new, empty or an unchanged report of ours."""
    if target.exists() and (not target.is_dir() or target.is_symlink()):
        raise UserError(f"{target}: is een bestand (of een link), geen map; kies een nieuwe of lege map voor --out")
    check_writable(target)
    foreign = foreign_files(target)
    if foreign:
        shown = ", ".join(foreign[:5]) + (f" en nog {len(foreign) - 5}" if len(foreign) > 5 else "")
        raise UserError(
            f"{target}: deze map bevat bestanden die de pipeline niet (zo) heeft geschreven ({shown}); "
            "die worden nooit overschreven of verwijderd. Kies een nieuwe of lege map voor --out, "
            "of verplaats die bestanden."
        )


def write_manifest(folder: Path, status: str) -> None:
    """The manifest, last: every file now in `folder` with its SHA-256."""
    folder = Path(folder)
    files = {name: _sha256(folder / name) for name in _files(folder) if name not in (MANIFEST, STAGING_MARK)}
    data = {"generator": GENERATOR, "status": status, "files": files}
    path = folder / MANIFEST
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(tmp, path)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two folders in one step (Linux renameat2 RENAME_EXCHANGE); False where the system cannot."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    result = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange)
    return result == 0


def _remove_leftovers(target: Path) -> None:
    """Staging folders of an earlier, killed run for the same target: only those that carry our marker."""
    for candidate in target.parent.glob(f".{target.name}.new-*"):
        if candidate.is_dir() and not candidate.is_symlink() and (candidate / STAGING_MARK).is_file():
            shutil.rmtree(candidate, ignore_errors=True)


@contextlib.contextmanager
def _locked(target: Path) -> Iterator[None]:
    """One run at a time per report folder, so a second run never removes the first one's staging folder."""
    lock_path = target.parent / f".{target.name}.lock"
    try:
        import fcntl
    except ImportError:  # Windows: no advisory locks; the staging names are still unique
        yield
        return
    with lock_path.open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise UserError(f"{target}: een andere run schrijft nu naar deze map; wacht tot die klaar is") from None
        try:
            yield
        finally:
            lock_path.unlink(missing_ok=True)  # no lock file left beside the report
            fcntl.flock(handle, fcntl.LOCK_UN)


@contextlib.contextmanager
def report_folder(target: Path, status: str = "rapport") -> Iterator[Path]:
    """Yield a fresh staging folder; when the block succeeds it gets its manifest and takes the place of `target`
    in one step, so readers see the old report or the new one, never none and never half of one."""
    target = Path(target)
    check_replaceable(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    with _locked(target):
        _remove_leftovers(target)
        staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.new-", dir=target.parent))
        (staging / STAGING_MARK).touch()
        try:
            yield staging
            write_manifest(staging, status)
            check_replaceable(target)  # nothing foreign arrived while the report was being made
            if target.exists() and _exchange(staging, target):
                (target / STAGING_MARK).unlink(missing_ok=True)
            else:
                if target.exists():
                    os.replace(target, staging / ".previous")
                    os.replace(staging, target)
                    shutil.rmtree(target / ".previous")
                else:
                    os.replace(staging, target)
                (target / STAGING_MARK).unlink(missing_ok=True)
        finally:
            if staging.exists():
                shutil.rmtree(staging)


def add_file(target: Path, name: str, data: bytes, status: str) -> Path:
    """Put one file (e.g. intern/validatie.csv of a failed run) into a folder of ours, manifest updated, so the
    next run may still replace the folder."""
    target = Path(target)
    check_replaceable(target)
    path = target / name
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)
    write_manifest(target, status)
    return path
