"""PASCAL VOC 2007: class names, image-level labels and annotation parsing.

Label convention used everywhere in the series (it is the one of the official
per-class lists ``ImageSets/Main/<class>_<split>.txt``):

* ``1``  the class is present in the image,
* ``0``  the class is present only as "difficult" (ignored by the metrics),
* ``-1`` the class is absent.

Downloading and unpacking the official archives lives in
:mod:`helpers.download`; its public names are re-exported here so that
``helpers.voc`` is the one place a notebook needs.
"""

from __future__ import annotations

import os
import warnings
from pathlib import Path
from xml.etree.ElementTree import ParseError

import defusedxml.ElementTree as SafeET
import pandas as pd

from helpers.download import (  # noqa: F401  (re-exported)
    ARCHIVES,
    MIRRORS,
    DownloadError,
    UnsafeArchiveError,
    download_voc,
    fetch_archive,
    safe_extract,
)

CLASSES: tuple[str, ...] = (
    "aeroplane", "bicycle", "bird", "boat", "bottle",
    "bus", "car", "cat", "chair", "cow",
    "diningtable", "dog", "horse", "motorbike", "person",
    "pottedplant", "sheep", "sofa", "train", "tvmonitor",
)
"""The 20 VOC classes in the official order (the order of every score array)."""

# Which official archive carries the lists of each split.
SPLIT_ARCHIVE = {
    "train": "VOCtrainval_06-Nov-2007.tar",
    "val": "VOCtrainval_06-Nov-2007.tar",
    "trainval": "VOCtrainval_06-Nov-2007.tar",
    "test": "VOCtest_06-Nov-2007.tar",
}


class SplitNotFoundError(FileNotFoundError):
    """The per-class lists of a split are not on disk."""


class MissingImagesError(FileNotFoundError):
    """Images named by a split's lists are missing (raised with ``strict=True``)."""


class AnnotationError(ValueError):
    """An annotation XML file is malformed, incomplete or names an unknown class."""


def resolve_voc_root(root: str | os.PathLike | None = None) -> Path:
    """Return the ``VOC2007`` folder from ``root`` or the ``VOC_ROOT`` variable.

    ``root`` may name the ``VOCdevkit`` folder or the ``VOC2007`` folder
    inside it. Raises ``FileNotFoundError`` when neither holds
    ``ImageSets/Main``.
    """
    if root is None:
        root = os.environ.get("VOC_ROOT")
        if not root:
            raise FileNotFoundError(
                "No VOC root given and VOC_ROOT is not set. Pass the path of a "
                "VOCdevkit folder, set VOC_ROOT, or use the tiny profile.")
    root = Path(root).expanduser()
    for candidate in (root, root / "VOC2007", root / "VOCdevkit" / "VOC2007"):
        if (candidate / "ImageSets" / "Main").is_dir():
            return candidate
    raise FileNotFoundError(
        f"{root} holds no VOC 2007 tree (looked for ImageSets/Main in it, in "
        f"VOC2007/ and in VOCdevkit/VOC2007/). Point VOC_ROOT at the VOCdevkit "
        f"folder unpacked from {SPLIT_ARCHIVE['trainval']}.")


def _read_class_list(path: Path) -> dict[str, int]:
    labels = {}
    for line_number, line in enumerate(path.read_text().splitlines(), start=1):
        if not line.strip():
            continue
        parts = line.split()
        if len(parts) != 2 or parts[1] not in ("1", "0", "-1"):
            raise ValueError(
                f"{path}, line {line_number}: expected '<image id> <1|0|-1>', got {line!r}")
        labels[parts[0]] = int(parts[1])
    return labels


def load_split(root: str | os.PathLike, split: str, *, strict: bool = False, drop_missing: bool = True) -> pd.DataFrame:
    """Image-level labels of one split, one row per image.

    Columns: ``image_id`` (str, e.g. ``"000005"``), ``path`` (str, the JPEG)
    and one ``int8`` column per class in :data:`CLASSES` order holding
    1 / 0 / -1 (present / difficult only / absent). Rows follow the order of
    the official lists.

    Images listed but missing on disk are dropped with a ``UserWarning``
    giving their number and the first ids; ``strict=True`` raises
    :class:`MissingImagesError` instead, and ``drop_missing=False`` keeps
    them (the official lists as they are, whatever is on disk). A split whose lists are absent
    raises :class:`SplitNotFoundError` naming the archive that provides it.
    """
    root = resolve_voc_root(root)
    main = root / "ImageSets" / "Main"
    lists = {name: main / f"{name}_{split}.txt" for name in CLASSES}
    absent = [p.name for p in lists.values() if not p.exists()]
    if absent:
        archive = SPLIT_ARCHIVE.get(split, "the archive that defines this split")
        raise SplitNotFoundError(
            f"Split {split!r} is not available under {main}: {len(absent)} of the 20 "
            f"per-class lists are missing (e.g. {absent[0]}). They come with {archive}.")

    columns = {name: _read_class_list(path) for name, path in lists.items()}
    image_ids = list(columns[CLASSES[0]])
    for name in CLASSES[1:]:
        if set(columns[name]) != set(image_ids):
            raise ValueError(
                f"{lists[name]} lists other images than {lists[CLASSES[0]]}: "
                "the per-class lists of one split must name the same images.")

    frame = pd.DataFrame({"image_id": image_ids})
    frame["path"] = [str(root / "JPEGImages" / f"{i}.jpg") for i in image_ids]
    for name in CLASSES:
        frame[name] = pd.array([columns[name][i] for i in image_ids], dtype="int8")

    exists = frame["path"].map(os.path.exists)
    if not exists.all() and (strict or drop_missing):
        missing = frame.loc[~exists, "image_id"].tolist()
        message = (f"{len(missing)} of {len(frame)} images of split {split!r} are missing "
                   f"from {root / 'JPEGImages'} (first: {', '.join(missing[:5])})")
        if strict:
            raise MissingImagesError(message + ".")
        warnings.warn(message + "; they are left out.", UserWarning, stacklevel=2)
        frame = frame.loc[exists].reset_index(drop=True)
    return frame


def class_counts(root: str | os.PathLike, split: str) -> pd.DataFrame:
    """Per-class image counts read from the official lists alone (images on
    disk or not), as VOC publishes them: columns ``present`` (label 1) and
    ``difficult_only`` (label 0), one row per class."""
    root = resolve_voc_root(root)
    rows = {}
    for name in CLASSES:
        path = root / "ImageSets" / "Main" / f"{name}_{split}.txt"
        if not path.exists():
            raise SplitNotFoundError(f"{path} is missing; it comes with "
                                     f"{SPLIT_ARCHIVE.get(split, 'the archive that defines this split')}.")
        values = list(_read_class_list(path).values())
        rows[name] = {"present": values.count(1), "difficult_only": values.count(0)}
    return pd.DataFrame.from_dict(rows, orient="index").rename_axis("class")


def label_matrix(frame: pd.DataFrame) -> "pd.DataFrame":
    """The 20 class columns of a split frame (values 1 / 0 / -1), in class order."""
    return frame.loc[:, list(CLASSES)]


def cooccurrence_matrix(frame: pd.DataFrame) -> pd.DataFrame:
    """(20, 20) counts of images where both classes are present; the diagonal
    holds the per-class counts."""
    present = (label_matrix(frame) == 1).astype(int)
    return present.T @ present


def _field(element, tag: str, path: Path):
    child = element.find(tag)
    if child is None or child.text is None or not child.text.strip():
        raise AnnotationError(f"{path}: missing field <{tag}> in <{element.tag}>.")
    return child.text.strip()


def _number(element, tag: str, path: Path) -> int:
    text = _field(element, tag, path)
    try:
        return int(float(text))
    except ValueError:
        raise AnnotationError(f"{path}: field <{tag}> is not a number: {text!r}.") from None


def parse_annotation(path: str | os.PathLike) -> dict:
    """Parse one VOC annotation XML file.

    Returns ``{"filename", "width", "height", "objects"}`` where ``objects``
    is a list of ``{"name", "difficult", "xmin", "ymin", "xmax", "ymax"}``
    (pixels, 1-based as in VOC; ``difficult`` a bool). Malformed XML, a
    missing field or a class not in :data:`CLASSES` raise
    :class:`AnnotationError` naming the file.
    """
    path = Path(path)
    try:
        tree = SafeET.parse(path)
    except ParseError as error:
        raise AnnotationError(f"{path}: malformed XML ({error}).") from None
    except Exception as error:  # defusedxml refuses entities, DTDs, ...
        raise AnnotationError(f"{path}: unsafe or unreadable XML ({error}).") from None
    root = tree.getroot()
    if root.tag != "annotation":
        raise AnnotationError(f"{path}: root element is <{root.tag}>, expected <annotation>.")
    size = root.find("size")
    if size is None:
        raise AnnotationError(f"{path}: missing field <size> in <annotation>.")
    record = {
        "filename": _field(root, "filename", path),
        "width": _number(size, "width", path),
        "height": _number(size, "height", path),
        "objects": [],
    }
    for obj in root.findall("object"):
        name = _field(obj, "name", path)
        if name not in CLASSES:
            raise AnnotationError(f"{path}: unknown class {name!r} (expected one of the 20 VOC classes).")
        box = obj.find("bndbox")
        if box is None:
            raise AnnotationError(f"{path}: missing field <bndbox> in <object> ({name}).")
        difficult = obj.find("difficult")
        record["objects"].append({
            "name": name,
            "difficult": difficult is not None and (difficult.text or "0").strip() == "1",
            **{k: _number(box, k, path) for k in ("xmin", "ymin", "xmax", "ymax")},
        })
    return record


def load_objects(root: str | os.PathLike, image_ids) -> pd.DataFrame:
    """All annotated objects of the given images, one row per object.

    Columns: ``image_id``, ``name``, ``difficult``, ``xmin``, ``ymin``,
    ``xmax``, ``ymax``, ``width``, ``height`` (the image's size).
    """
    root = resolve_voc_root(root)
    rows = []
    for image_id in image_ids:
        record = parse_annotation(root / "Annotations" / f"{image_id}.xml")
        for obj in record["objects"]:
            rows.append({"image_id": image_id, **obj,
                         "width": record["width"], "height": record["height"]})
    columns = ["image_id", "name", "difficult", "xmin", "ymin", "xmax", "ymax", "width", "height"]
    return pd.DataFrame(rows, columns=columns)
