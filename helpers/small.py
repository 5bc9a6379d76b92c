"""The ``small`` profile: a fixed real subset of VOC 2007, stored at a reduced size.

Between ``tiny`` (synthetic, seconds) and ``full`` (all of VOC 2007, an hour on
a CPU): about one image in eight of ``train`` and one in four of ``val``, each
split shrunk by repeated stratified halving (so every class keeps its share of
positives), with images scaled down so their longer side is at most
:data:`LONGER_SIDE` pixels and the boxes of their annotations scaled with them.
The subset is chosen on the official lists, whatever images are on disk, so
every copy of VOC 2007 gives the same one (an image missing from a copy is
left out after the choice).
"""

from __future__ import annotations

import json
import os
import shutil
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import defusedxml.ElementTree as SafeElementTree
import pandas as pd
from PIL import Image

from helpers.splits import stratified_halves
from helpers.voc import CLASSES, label_matrix, load_split, resolve_voc_root

HALVINGS = {"train": 3, "val": 2}
"""How many times each official split is halved: about one image in eight of ``train``'s 2501, one in four of
``val``'s 2510."""

LONGER_SIDE = 320
"""Images are scaled down (never up) so that their longer side is at most this many pixels."""

SEED = 0
_MARKER = ".small_voc.json"


def shrink(frame: pd.DataFrame, halvings: int, seed: int = SEED) -> pd.DataFrame:
    """Keep one stratified half of ``frame``, ``halvings`` times over
    (:func:`helpers.splits.stratified_halves`), in the official order."""
    for _ in range(halvings):
        frame, _ = stratified_halves(frame, seed)
    return frame


def scaled_annotation(xml_text: str, scale: float) -> str:
    """A VOC annotation with its image size and boxes multiplied by ``scale``
    (rounded, at least 1 pixel, boxes kept inside the image)."""
    tree = SafeElementTree.fromstring(xml_text)
    size = tree.find("size")
    width = max(1, round(int(size.findtext("width")) * scale))
    height = max(1, round(int(size.findtext("height")) * scale))
    size.find("width").text, size.find("height").text = str(width), str(height)
    for box in tree.iter("bndbox"):
        for tag, limit in (("xmin", width), ("xmax", width), ("ymin", height), ("ymax", height)):
            element = box.find(tag)
            element.text = str(min(limit, max(1, round(float(element.text) * scale))))
    return ElementTree.tostring(tree, encoding="unicode")


def _copy_image(source: Path, image_dir: Path, annotation_dir: Path, source_annotations: Path) -> None:
    image_id = source.stem
    with Image.open(source) as image:
        scale = min(1.0, LONGER_SIDE / max(image.size))
        if scale < 1.0:
            image = image.resize((round(image.width * scale), round(image.height * scale)), Image.LANCZOS)
        image.convert("RGB").save(image_dir / f"{image_id}.jpg", quality=90)
    xml_text = (source_annotations / f"{image_id}.xml").read_text()
    (annotation_dir / f"{image_id}.xml").write_text(scaled_annotation(xml_text, scale))


def _write_lists(main: Path, split: str, frame: pd.DataFrame) -> None:
    (main / f"{split}.txt").write_text("".join(f"{i}\n" for i in frame["image_id"]))
    labels = label_matrix(frame)
    for name in CLASSES:
        (main / f"{name}_{split}.txt").write_text(
            "".join(f"{i} {int(v):2d}\n" for i, v in zip(frame["image_id"], labels[name])))


def make_small_voc(source: str | os.PathLike, dest: str | os.PathLike, *, progress: bool = True) -> Path:
    """Build the small subset of the VOC 2007 tree ``source`` under ``dest`` (once:
    an existing, complete build is reused) and return its ``VOC2007`` folder.

    ``dest/VOCdevkit/VOC2007`` gets ``JPEGImages``, ``Annotations`` and the
    ``ImageSets/Main`` lists of ``train``, ``val`` and ``trainval``.
    """
    source = resolve_voc_root(source)
    root = Path(dest) / "VOCdevkit" / "VOC2007"
    settings = {"halvings": HALVINGS, "longer_side": LONGER_SIDE, "seed": SEED, "chosen_on": "official lists"}
    marker = root / _MARKER
    if marker.exists() and json.loads(marker.read_text()) == settings:
        return root
    staging = Path(dest) / "VOCdevkit" / ".VOC2007.partial"
    shutil.rmtree(staging, ignore_errors=True)
    image_dir, annotation_dir, main = (staging / "JPEGImages", staging / "Annotations", staging / "ImageSets" / "Main")
    for folder in (image_dir, annotation_dir, main):
        folder.mkdir(parents=True)
    frames = {split: shrink(load_split(source, split, drop_missing=False), halvings)
              for split, halvings in HALVINGS.items()}
    missing = {split: frame["path"].map(lambda p: not Path(p).exists()) for split, frame in frames.items()}
    for split, frame in frames.items():
        if missing[split].any():
            print(f"{int(missing[split].sum())} chosen {split} image(s) are missing from {source}: left out "
                  f"({', '.join(frame.loc[missing[split], 'image_id'])}).")
            frames[split] = frame.loc[~missing[split]].reset_index(drop=True)
    paths = [Path(p) for frame in frames.values() for p in frame["path"]]
    if progress:
        print(f"Building the small profile: {len(paths)} images of VOC 2007, longer side at most "
              f"{LONGER_SIDE} px ...", flush=True)
    for path in paths:
        _copy_image(path, image_dir, annotation_dir, source / "Annotations")
    for split, frame in frames.items():
        _write_lists(main, split, frame)
    _write_lists(main, "trainval", pd.concat(frames.values()).sort_values("image_id"))
    (staging / _MARKER).write_text(json.dumps(settings))
    if root.exists():
        shutil.rmtree(root)
    os.replace(staging, root)
    return root
