"""A small synthetic dataset in the exact VOC 2007 layout, for offline runs.

Each class is drawn as its own shape and colour (5 shapes, 20 hues) on a
noisy grey background, 1 to 3 classes per image, in images of about 70 x 65 px,
with class frequencies that follow the real VOC 2007 counts (many people,
few sheep) and some small, faint objects marked "difficult". A small CNN
learns it in a few epochs, so every notebook can run end to end in seconds.
The loader in :mod:`helpers.voc` reads it like the real thing.
"""

from __future__ import annotations

import colorsys
import json
import os
import shutil
import tempfile
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

from helpers.voc import CLASSES

SHAPES = ("disc", "square", "triangle", "cross", "ring")


def _class_colour(k: int) -> tuple[int, int, int]:
    """A saturated colour of its own per class: 20 hues, 18 degrees apart."""
    rgb = colorsys.hsv_to_rgb(k / len(CLASSES), 1.0, 0.95 if k % 2 == 0 else 0.7)
    return tuple(int(255 * c) for c in rgb)


# Class k is drawn as SHAPES[k % 5] in its own colour on a grey, noisy background.
CLASS_LOOKS = {name: (SHAPES[k % len(SHAPES)], _class_colour(k)) for k, name in enumerate(CLASSES)}

# Images with label 1 per class in the real VOC 2007 trainval: sampling weights.
VOC07_TRAINVAL_COUNTS = (238, 243, 330, 181, 244, 186, 713, 337, 445, 141,
                         200, 421, 287, 245, 2008, 245, 96, 229, 261, 256)

DEFAULT_SPLIT_SIZES = {"train": 384, "val": 192, "test": 192}
# Multiples of 64: no batch of 32 or 64 over a whole split comes out short (a batch of 256 over the 384 fit images
# still does), and a short last batch makes Keras trace that training, evaluation or scoring function a second
# time, which on tiny costs more than the computing does.
MIN_POSITIVES_PER_SPLIT = 3
DIFFICULT_RATE = 0.08
# Small images with large objects: at the tiny profile's 32 to 64 px inputs each object keeps its shape and colour,
# so a model trained for a few seconds learns them (the tests check that it does).
WIDTHS, HEIGHTS = (64, 81), (56, 73)  # image sizes, pixels (low inclusive, high exclusive)
OBJECT_SIZES, DIFFICULT_SIZES = (24, 37), (10, 14)  # an object's side, pixels
NOISE = 12  # standard deviation of the background's grey noise
_MARKER = ".tiny-voc-complete"


def _draw_shape(draw: ImageDraw.ImageDraw, shape: str, box: tuple[int, int, int, int], colour) -> None:
    x0, y0, x1, y1 = box
    if shape == "disc":
        draw.ellipse(box, fill=colour)
    elif shape == "square":
        draw.rectangle(box, fill=colour)
    elif shape == "triangle":
        draw.polygon([((x0 + x1) // 2, y0), (x1, y1), (x0, y1)], fill=colour)
    elif shape == "cross":
        w, h = (x1 - x0) // 3, (y1 - y0) // 3
        draw.rectangle((x0 + w, y0, x1 - w, y1), fill=colour)
        draw.rectangle((x0, y0 + h, x1, y1 - h), fill=colour)
    elif shape == "ring":
        draw.ellipse(box, outline=colour, width=max(3, (x1 - x0) // 6))
    else:
        raise ValueError(f"unknown shape {shape!r}")


def _background(rng: np.random.Generator, width: int, height: int) -> Image.Image:
    grey = rng.uniform(60, 190)
    pixels = grey + rng.normal(0, NOISE, size=(height, width, 1)) + rng.normal(0, 8, size=(height, width, 3))
    return Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))


def _sample_classes(rng: np.random.Generator, weights: np.ndarray, forced: int | None) -> list[int]:
    count = rng.choice([1, 2, 3], p=[0.5, 0.35, 0.15])
    chosen = [] if forced is None else [forced]
    while len(chosen) < count:
        k = int(rng.choice(len(CLASSES), p=weights))
        if k not in chosen:
            chosen.append(k)
    return chosen


def _make_image(rng: np.random.Generator, class_ids: list[int]):
    width, height = int(rng.integers(*WIDTHS)), int(rng.integers(*HEIGHTS))
    image = _background(rng, width, height)
    draw = ImageDraw.Draw(image)
    objects = []
    for k in class_ids:
        for _ in range(1 if rng.random() < 0.85 else 2):
            difficult = bool(rng.random() < DIFFICULT_RATE)
            size = int(rng.integers(*DIFFICULT_SIZES)) if difficult else int(rng.integers(*OBJECT_SIZES))
            x0 = int(rng.integers(0, width - size))
            y0 = int(rng.integers(0, height - size))
            shape, colour = CLASS_LOOKS[CLASSES[k]]
            colour = np.array(colour, dtype=float)
            if difficult:  # small and faint, as hard cases are
                colour = 0.5 * colour + 0.5 * np.array(image.getpixel((x0, y0)), dtype=float)
            _draw_shape(draw, shape, (x0, y0, x0 + size, y0 + size), tuple(int(c) for c in colour))
            objects.append({"name": CLASSES[k], "difficult": difficult,
                            "xmin": x0 + 1, "ymin": y0 + 1, "xmax": x0 + size + 1, "ymax": y0 + size + 1})
    return image, objects


def _annotation_xml(image_id: str, width: int, height: int, objects: list[dict]) -> str:
    parts = [
        "<annotation>", "\t<folder>VOC2007</folder>", f"\t<filename>{image_id}.jpg</filename>",
        "\t<source><database>Synthetic tiny VOC</database></source>",
        f"\t<size><width>{width}</width><height>{height}</height><depth>3</depth></size>",
        "\t<segmented>0</segmented>",
    ]
    for obj in objects:
        parts += [
            "\t<object>", f"\t\t<name>{obj['name']}</name>", "\t\t<pose>Unspecified</pose>",
            "\t\t<truncated>0</truncated>", f"\t\t<difficult>{int(obj['difficult'])}</difficult>",
            f"\t\t<bndbox><xmin>{obj['xmin']}</xmin><ymin>{obj['ymin']}</ymin>"
            f"<xmax>{obj['xmax']}</xmax><ymax>{obj['ymax']}</ymax></bndbox>",
            "\t</object>",
        ]
    parts.append("</annotation>")
    return "\n".join(parts) + "\n"


def _image_labels(objects: list[dict]) -> list[int]:
    """1 if a class has a non-difficult object, 0 if only difficult ones, else -1."""
    labels = [-1] * len(CLASSES)
    for obj in objects:
        k = CLASSES.index(obj["name"])
        labels[k] = 1 if not obj["difficult"] else max(labels[k], 0)
    return labels


def make_tiny_voc(dest: str | os.PathLike, seed: int = 0,
                  split_sizes: dict[str, int] | None = None) -> Path:
    """Write a synthetic VOC 2007 tree under ``dest`` and return its ``VOC2007`` folder.

    The tree is ``dest/VOCdevkit/VOC2007`` with ``JPEGImages``,
    ``Annotations`` and ``ImageSets/Main`` (``train``, ``val``,
    ``trainval`` and ``test`` lists, and the per-class lists of each).
    ``split_sizes`` maps split name to image count (default
    :data:`DEFAULT_SPLIT_SIZES`; ``trainval`` is always train + val). The
    output is the same for the same seed and sizes; a complete tree made
    with the same settings is reused as it is. Every class has at least
    :data:`MIN_POSITIVES_PER_SPLIT` positive images in every split.
    """
    sizes = dict(DEFAULT_SPLIT_SIZES if split_sizes is None else split_sizes)
    if "trainval" in sizes:
        raise ValueError("trainval is always train + val; give train and val sizes instead.")
    for split, n in sizes.items():
        if n < MIN_POSITIVES_PER_SPLIT * len(CLASSES):
            raise ValueError(f"split {split!r} needs at least {MIN_POSITIVES_PER_SPLIT * len(CLASSES)} "
                             f"images so that every class has positives; got {n}.")
    dest = Path(dest)
    root = dest / "VOCdevkit" / "VOC2007"
    settings = {"seed": seed, "split_sizes": sizes, "version": 3}
    marker = root / _MARKER
    if marker.exists() and json.loads(marker.read_text()) == settings:
        return root

    dest.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".tiny-", dir=dest))
    try:
        _write_tree(staging, seed, sizes)
        (staging / _MARKER).write_text(json.dumps(settings))
        if root.exists():
            shutil.rmtree(root)
        root.parent.mkdir(parents=True, exist_ok=True)
        os.replace(staging, root)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return root


def _write_tree(root: Path, seed: int, sizes: dict[str, int]) -> None:
    rng = np.random.default_rng(seed)
    weights = np.array(VOC07_TRAINVAL_COUNTS, dtype=float)
    weights /= weights.sum()
    for folder in ("JPEGImages", "Annotations", "ImageSets/Main"):
        (root / folder).mkdir(parents=True)
    lists: dict[str, list[tuple[str, list[int]]]] = {}
    next_id = 1
    for split, n in sizes.items():
        # The first images of each split guarantee positives for every class.
        forced = [k for k in range(len(CLASSES)) for _ in range(MIN_POSITIVES_PER_SPLIT)]
        rows = []
        for i in range(n):
            image_id = f"{next_id:06d}"
            next_id += 1
            while True:
                class_ids = _sample_classes(rng, weights, forced[i] if i < len(forced) else None)
                image, objects = _make_image(rng, class_ids)
                labels = _image_labels(objects)
                if i >= len(forced) or labels[forced[i]] == 1:
                    break
            image.save(root / "JPEGImages" / f"{image_id}.jpg", quality=90)
            (root / "Annotations" / f"{image_id}.xml").write_text(
                _annotation_xml(image_id, image.width, image.height, objects))
            rows.append((image_id, labels))
        lists[split] = rows
    if "train" in lists and "val" in lists:
        lists["trainval"] = sorted(lists["train"] + lists["val"], key=lambda row: row[0])
    main = root / "ImageSets" / "Main"
    for split, rows in lists.items():
        (main / f"{split}.txt").write_text("".join(f"{image_id}\n" for image_id, _ in rows))
        for k, name in enumerate(CLASSES):
            (main / f"{name}_{split}.txt").write_text(
                "".join(f"{image_id} {labels[k]:2d}\n" for image_id, labels in rows))
