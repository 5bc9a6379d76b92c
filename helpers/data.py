"""tf.data input pipelines built from a split frame.

A split frame (:func:`helpers.voc.load_split`) becomes a dataset of
``(images, targets, masks)`` batches:

* ``images``: float32 ``(batch, size, size, 3)`` with values in [0, 255]
  (models rescale or preprocess themselves);
* ``targets``: float32 ``(batch, 20)``, 1 where the class is present;
* ``masks``: float32 ``(batch, 20)``, 0 where the label is "difficult" and
  must not count in the loss or the metrics, 1 elsewhere.

Decoding and resizing run in parallel; decoded, resized images can be
cached (in memory, or in a file given by path) so that later epochs skip
the JPEG work; augmentation runs after the cache so that it differs per
epoch.

Arrays already in memory (notebook 01's images, notebook 02's features, notebook 05's
tune split, notebook 06's pooled features) become batches with :func:`array_batches`, a
lighter feed for many short fits.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from helpers.environment import import_tensorflow

import_tensorflow()  # before keras: keeps TensorFlow's start-up lines out of the outputs
import tensorflow as tf

from helpers.voc import CLASSES, label_matrix

AUTOTUNE = tf.data.AUTOTUNE


def targets_and_masks(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """float32 targets (1 present, else 0) and masks (0 difficult, else 1), each (n, 20)."""
    labels = label_matrix(frame).to_numpy()
    return (labels == 1).astype(np.float32), (labels != 0).astype(np.float32)


def resize_image(image: tf.Tensor, image_size: int) -> tf.Tensor:
    """Resize an RGB image (aspect ratio not kept, antialiased) to uint8 (size, size, 3):
    the one way every image of the series, training or your own photo, is scaled."""
    image = tf.image.resize(image, (image_size, image_size), antialias=True)
    return tf.cast(tf.clip_by_value(tf.round(image), 0, 255), tf.uint8)


def load_image(path: tf.Tensor, image_size: int) -> tf.Tensor:
    """Read a JPEG and resize it (aspect ratio not kept) to uint8 (size, size, 3)."""
    return resize_image(tf.io.decode_jpeg(tf.io.read_file(path), channels=3), image_size)


def augment(image: tf.Tensor, seed: tf.Tensor, crop_fraction: float = 0.85) -> tf.Tensor:
    """Random horizontal flip and random crop (rescaled back to the input size)."""
    size = tf.shape(image)[0]
    image = tf.image.stateless_random_flip_left_right(image, seed)
    crop = tf.cast(tf.round(tf.cast(size, tf.float32) * crop_fraction), tf.int32)
    image = tf.image.stateless_random_crop(image, (crop, crop, 3), seed + 1)
    return tf.image.resize(image, (size, size))


def random_resized_crop(image: tf.Tensor, seed: tf.Tensor, output_size: int,
                        area=(0.3, 1.0), aspect=(3 / 4, 4 / 3)) -> tf.Tensor:
    """Random horizontal flip, then a random crop covering ``area`` of the image with
    an aspect ratio in ``aspect``, resized to (output_size, output_size, 3) float32.

    The crop is cut from the larger stored image, so no pixel is invented by
    upsampling a small picture (the Inception / ImageNet training recipe).
    """
    image = tf.image.stateless_random_flip_left_right(image, seed)
    begin, size, _ = tf.image.stateless_sample_distorted_bounding_box(
        tf.shape(image), tf.constant([[[0.0, 0.0, 1.0, 1.0]]]), seed=seed + 1, min_object_covered=area[0],
        aspect_ratio_range=aspect, area_range=area, max_attempts=10, use_image_if_no_bounding_boxes=True)
    crop = tf.slice(image, begin, size)
    return tf.image.resize(crop, (output_size, output_size))


def make_dataset(frame: pd.DataFrame, image_size: int, batch_size: int, *,
                 shuffle: bool = False, augment_images: bool = False, crop_size: int | None = None,
                 crop_area=(0.3, 1.0), cache: bool | str = True, seed: int = 0,
                 with_masks: bool = True) -> tf.data.Dataset:
    """Batches of ``(images, targets, masks)`` (or ``(images, targets)`` when
    ``with_masks=False``) from a split frame.

    ``cache=True`` keeps decoded images in memory (``image_size**2 * 3``
    bytes each), a string caches to that file, ``False`` decodes every epoch.
    ``shuffle`` reshuffles every epoch; ``augment_images`` flips and crops:
    with ``crop_size``, random resized crops of ``crop_size`` pixels, each
    covering a share ``crop_area`` of the ``image_size`` image (:func:`random_resized_crop`;
    ``(1, 1)``: flips alone), else a random 85 %
    crop scaled back to ``image_size`` (:func:`augment`).
    """
    missing = [name for name in ("path", *CLASSES) if name not in frame.columns]
    if missing:
        raise ValueError(f"frame lacks the columns {missing}; build it with helpers.voc.load_split.")
    if len(frame) == 0:
        raise ValueError("frame has no rows.")
    targets, masks = targets_and_masks(frame)
    dataset = tf.data.Dataset.from_tensor_slices((frame["path"].to_numpy(dtype=str), targets, masks))
    dataset = dataset.map(lambda p, t, m: (load_image(p, image_size), t, m), num_parallel_calls=AUTOTUNE)
    if cache:
        dataset = dataset.cache("" if cache is True else cache)
    if shuffle:
        dataset = dataset.shuffle(len(frame), seed=seed, reshuffle_each_iteration=True)
    dataset = dataset.map(lambda i, t, m: (tf.cast(i, tf.float32), t, m), num_parallel_calls=AUTOTUNE)
    if augment_images:
        seeds = tf.data.Dataset.random(seed=seed).batch(2)
        if crop_size is None:
            transform = augment
        else:
            def transform(image, s):
                return random_resized_crop(image, s, crop_size, area=crop_area)
        dataset = tf.data.Dataset.zip((dataset, seeds)).map(
            lambda data, s: (transform(data[0], tf.cast(s, tf.int32)), data[1], data[2]),
            num_parallel_calls=AUTOTUNE)
    dataset = dataset.batch(batch_size)
    if not with_masks:
        dataset = dataset.map(lambda i, t, m: (i, t))
    return dataset.prefetch(AUTOTUNE)


def load_images(frame: pd.DataFrame, image_size: int) -> np.ndarray:
    """All images of a frame as one uint8 array (n, size, size, 3), decoded in parallel."""
    paths = tf.data.Dataset.from_tensor_slices(frame["path"].to_numpy(dtype=str))
    images = paths.map(lambda p: load_image(p, image_size), num_parallel_calls=AUTOTUNE).batch(256)
    return np.concatenate([batch.numpy() for batch in images.prefetch(AUTOTUNE)])


def balanced_indices(labels: np.ndarray, k: int, negatives_per_positive: float, rng: np.random.Generator) -> np.ndarray:
    """Rows for a balanced binary training set of class ``k``: every positive
    (``labels[:, k] == 1``) plus ``negatives_per_positive`` times as many negatives
    (``== -1``) drawn at random without replacement (all of them if there are
    fewer), shuffled. Difficult rows (0) are left out. ``labels`` is (n, n_classes)."""
    positives = np.flatnonzero(labels[:, k] == 1)
    negatives = np.flatnonzero(labels[:, k] == -1)
    n_negatives = min(len(negatives), int(round(negatives_per_positive * len(positives))))
    chosen = np.concatenate([positives, rng.choice(negatives, n_negatives, replace=False)])
    return rng.permutation(chosen)


def array_batches(x: np.ndarray, y: np.ndarray, sample_weight: np.ndarray | None = None, *, batch_size: int,
                  shuffle: bool = False, seed: int = 0) -> tf.data.Dataset:
    """Batches of ``(x, y)``, or ``(x, y, sample_weight)``, from arrays in memory, for ``fit``,
    ``evaluate`` or ``predict``; ``shuffle`` draws a fresh order every epoch (``seed`` fixes
    the sequence of orders: pass ``shuffle=False`` to ``fit``, which would otherwise warn that it cannot).

    What ``fit`` does with arrays itself, lighter: Keras wraps arrays in a new dataset and
    iterator on every call, with tf.data's static optimisations, which a loop of short fits
    pays for each time (``benchmarks/fit_overhead.py``: notebook 01's twenty tiny fits take
    about 0.6 x as long with this feed)."""
    arrays = (x, y) if sample_weight is None else (x, y, sample_weight)
    if len({len(a) for a in arrays}) != 1:
        raise ValueError(f"x, y and sample_weight need one row per example each; got {[len(a) for a in arrays]} rows.")
    if batch_size < 1:
        raise ValueError(f"batch_size must be at least 1; got {batch_size}.")
    dataset = tf.data.Dataset.from_tensor_slices(arrays)
    if shuffle:
        dataset = dataset.shuffle(len(x), seed=seed, reshuffle_each_iteration=True)
    options = tf.data.Options()
    options.experimental_optimization.apply_default_optimizations = False  # nothing to gain on arrays in memory
    options.autotune.enabled = False
    return dataset.batch(batch_size).with_options(options)
