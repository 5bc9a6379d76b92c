"""Pretrained backbones from ``keras.applications`` for the transfer-learning notebook.

* :func:`load_backbone` builds any ``keras.applications`` network by name, with
  ImageNet weights downloaded by Keras, read from a local file, or (offline,
  or on purpose) random, and says which it got;
* :class:`Preprocess` applies that network's own input preprocessing inside
  the model, so a saved model takes plain [0, 255] pixels;
* :func:`split_backbone` cuts a backbone in two at a layer, so the bottom's
  activations can be computed once and cached while the top is fine-tuned;
* :func:`cached_predictions` computes a model's outputs for a split once
  (plain or mirrored images) and keeps them on disk between runs;
* :class:`EitherOrientation` feeds cached activations of both orientations
  to ``fit``, one at random per image and epoch;
* :func:`attention_head` is class-specific residual attention on a feature map.
"""

from __future__ import annotations

import importlib
import os
import sys
import warnings
from pathlib import Path
from urllib.error import URLError

from helpers.environment import import_tensorflow

import_tensorflow()  # before keras: keeps TensorFlow's start-up lines out of the outputs
import keras
import numpy as np
import pandas as pd
import tensorflow as tf
from keras import layers, ops

from helpers import config, data, evaluation, metrics, training
from helpers.voc import CLASSES, label_matrix

# Where stage 2 of notebook 05 cuts each backbone: the layers after this one are fine-tuned. Each is the end of a
# block, so no residual connection crosses the cut (checked by the tests).
CUT_AFTER = {
    "MobileNetV2": "block_13_project_BN",  # fine-tunes blocks 14 to 16 and the last 1x1 convolution
}
# The tiny profile's cut, later: random weights hold nothing worth keeping, and tuning less shortens that run
# (notebook 05 on tiny, measured side by side: 4 to 6 s less, the transfer head still above twice chance).
TINY_CUT_AFTER = {
    "MobileNetV2": "block_16_project_BN",  # fine-tunes the last 1x1 convolution only
}

OFFLINE_HINT = ("Way out: on a machine with internet, build keras.applications.{name}(weights='imagenet', "
                "include_top=False) once and copy ~/.keras/models/ here, or download the weights file and set "
                "WEIGHTS to its path (or the environment variable VOC_BACKBONE_WEIGHTS).")


def applications_module(name: str):
    """The ``keras.applications`` submodule that defines the network ``name``
    (e.g. ``"MobileNetV2"`` -> ``keras.applications.mobilenet_v2``), for its
    ``preprocess_input``."""
    if not hasattr(keras.applications, name):
        known = sorted(n for n in dir(keras.applications) if n[:1].isupper())
        raise ValueError(f"keras.applications has no network {name!r}; choose one of: {', '.join(known)}.")
    constructor = getattr(keras.applications, name)
    for attribute in dir(keras.applications):
        module = getattr(keras.applications, attribute)
        if isinstance(module, type(sys)) and getattr(module, name, None) is constructor:
            return module
    return importlib.import_module(constructor.__module__)


@keras.saving.register_keras_serializable(package="voc")
class Preprocess(keras.layers.Layer):
    """The input preprocessing of the ``keras.applications`` network ``backbone``
    (scaling, channel order, mean), as a layer: [0, 255] RGB in, what the
    network expects out. Saved models keep it, so they take plain pixels."""

    def __init__(self, backbone: str, **kwargs):
        kwargs.setdefault("dtype", "float32")  # pixel arithmetic in full precision, whatever the policy
        super().__init__(**kwargs)
        self.backbone = backbone
        self._preprocess = applications_module(backbone).preprocess_input

    def call(self, images):
        return self._preprocess(keras.ops.cast(images, self.compute_dtype))

    def get_config(self):
        return {**super().get_config(), "backbone": self.backbone}


def default_weights() -> str:
    """``VOC_BACKBONE_WEIGHTS`` if set (a local weights file), else ``"imagenet"``."""
    return os.environ.get("VOC_BACKBONE_WEIGHTS") or "imagenet"


RANDOM_ASKED = "random initialisation (asked for)"


def load_backbone(name: str, image_size: int, weights: str | os.PathLike | None = "imagenet",
                  ) -> tuple[keras.Model, str]:
    """``keras.applications.<name>`` without its classifier (``include_top=False``,
    no pooling: output (batch, h, w, channels)) for (image_size, image_size, 3)
    inputs, and a sentence saying which weights it holds.

    ``weights``: ``"imagenet"`` (Keras downloads them once into ~/.keras/models),
    a path to a weights file for this network, or ``None`` for random
    initialisation. When the download fails (offline), the network is built
    with random weights and the sentence says so, with the way out; a missing
    local file raises ``FileNotFoundError``.
    """
    applications_module(name)  # a clear error for an unknown name
    with warnings.catch_warnings():  # Keras notes that ImageNet's 224 px weights serve any input size: they do
        warnings.filterwarnings("ignore", message=".*input_shape. is undefined or non-square.*")
        return _load_backbone(getattr(keras.applications, name), name, image_size, weights)


def _load_backbone(constructor, name: str, image_size: int, weights) -> tuple[keras.Model, str]:
    shape = (image_size, image_size, 3)
    if weights is None:
        return _random_backbone(constructor, shape), RANDOM_ASKED
    if weights != "imagenet":
        sentence = weights_sentence(name, weights)  # raises for a missing file
        return constructor(include_top=False, weights=str(Path(weights).expanduser()), input_shape=shape), sentence
    try:
        return constructor(include_top=False, weights="imagenet", input_shape=shape), "ImageNet, from Keras' download"
    except Exception as error:  # Keras wraps download failures in a bare Exception
        if not (isinstance(error, (URLError, OSError)) or "URL fetch failure" in str(error)):
            raise
        print(f"Could not download the ImageNet weights of {name} (offline?): {str(error)[:160]}\n"
              + OFFLINE_HINT.format(name=name) + "\nGoing on with RANDOM weights: expect a far lower mAP.")
        return _random_backbone(constructor, shape), "random initialisation (download failed)"


def _random_backbone(constructor, shape) -> keras.Model:
    """A randomly initialised network whose output is rescaled to unit spread.

    An untrained MobileNetV2 shrinks its activations block after block (its batch
    normalisation has no statistics yet): its features come out around 1e-12, too
    small for a head to learn from in a few epochs. One pass over noise images
    measures that scale, and a ``Rescaling`` layer undoes it."""
    backbone = constructor(include_top=False, weights=None, input_shape=shape)
    noise = np.random.default_rng(0).uniform(-1, 1, (8, *shape)).astype("float32")
    spread = float(np.std(backbone(noise, training=False)))  # eager: one pass needs no compiled function
    if not spread > 0:
        return backbone
    output = keras.layers.Rescaling(1 / spread, name="unit_spread")(backbone.output)
    return keras.Model(backbone.inputs, output, name=backbone.name)


def split_backbone(backbone: keras.Model, after: str) -> tuple[keras.Model, keras.Model]:
    """Cut ``backbone`` after the layer named ``after``: ``bottom`` maps images to
    that layer's output, ``top`` maps that output to the backbone's output.

    ``top`` calls the backbone's own layers, so training it trains the backbone.
    Every layer after the cut must read only tensors computed after it (or the
    cut itself); a layer that reaches back past the cut (a residual connection
    across it) gets a ``ValueError``: cut elsewhere.
    """
    cut = backbone.get_layer(after)
    bottom = keras.Model(backbone.inputs, cut.output, name=f"{backbone.name}_bottom")
    start = keras.Input(cut.output.shape[1:], name=f"{after}_activations")
    produced = {id(cut.output): start}
    in_order = backbone.layers
    for layer in in_order[in_order.index(cut) + 1:]:
        inputs = layer.input if isinstance(layer.input, (list, tuple)) else [layer.input]
        missing = [t for t in inputs if id(t) not in produced]
        if missing:
            raise ValueError(f"Cannot cut {backbone.name} after {after!r}: layer {layer.name!r} reads a tensor from "
                             "before the cut (a residual connection across it). Cut at the end of a block.")
        mapped = [produced[id(t)] for t in inputs]
        produced[id(layer.output)] = layer(mapped if len(mapped) > 1 else mapped[0])
    top = keras.Model(start, produced[id(backbone.output)], name=f"{backbone.name}_top")
    return bottom, top


def image_batches(frame: pd.DataFrame, image_size: int, batch_size: int, flipped: bool = False) -> tf.data.Dataset:
    """The frame's images as float32 batches (batch, size, size, 3) in [0, 255],
    in the frame's order, mirrored left to right with ``flipped``; targets ride
    along (``predict`` ignores them)."""
    batches = data.make_dataset(frame, image_size, batch_size, cache=False, with_masks=False)
    return batches.map(lambda x, y: (tf.image.flip_left_right(x), y)) if flipped else batches


def _storable(values: np.ndarray, dtype: str) -> str:
    """``dtype``, unless it is float16 and the values are too small for it (an untrained
    network's activations can be 1e-10, which float16 rounds to 0): then float32."""
    if dtype == "float16" and values.size and np.percentile(np.abs(values), 99) < 1e-2:
        return "float32"
    return dtype


def in_cache(paths, n_rows: int) -> bool:
    """Whether every one of ``paths`` holds a cached array of ``n_rows`` rows (another length: another plan)."""
    return all(Path(p).exists() and len(np.load(p, mmap_mode="r")) == n_rows for p in paths)


def cached_predictions(model: keras.Model, frame: pd.DataFrame, image_size: int, paths: list[str | os.PathLike],
                       flipped: bool = False, batch_size: int = 32, dtype: str = "float16") -> list[np.ndarray]:
    """``model``'s outputs (one path per output, ``.npy``) for every image of
    ``frame``: read from ``paths`` when they all exist, else computed, printed
    with the time taken, and saved as ``dtype`` (float16 halves disk and
    memory; its rounding is far below what training notices; values too small
    for float16 are kept in float32). Delete the
    files to recompute, e.g. after changing the weights."""
    paths = [Path(p) for p in paths]
    if in_cache(paths, len(frame)):
        print(f" read from the cache ({', '.join(p.name for p in paths)})")
        return [np.load(p) for p in paths]
    with evaluation.Stopwatch() as watch:
        outputs = model.predict(image_batches(frame, image_size, batch_size, flipped), verbose=0)
    outputs = outputs if isinstance(outputs, (list, tuple)) else [outputs]
    arrays = [np.asarray(o).astype(_storable(np.asarray(o), dtype)) for o in outputs]
    for path, array in zip(paths, arrays):
        path.parent.mkdir(parents=True, exist_ok=True)
        np.save(path, array)
    print(f" computed {len(frame):,} images{' (mirrored)' if flipped else ''} in {watch.seconds:.0f} s "
          f"({len(frame) / max(watch.seconds, 1e-9):.0f} images/s)")
    return arrays


class EitherOrientation(keras.utils.PyDataset):
    """Training batches ``(x, targets, masks)`` from cached activations of the
    plain and the horizontally flipped images: each image comes in one of its
    two versions, drawn afresh every epoch, in a fresh order. Flipping is the
    augmentation that survives caching, since both versions were computed.

    ``plain`` and ``flipped`` may each be a list of arrays (one per split, say, for a
    refit on fit and tune): their rows are read in place, one after another, without
    the copy that joining them would make (several GiB for feature maps)."""

    def __init__(self, plain, flipped, targets: np.ndarray, masks: np.ndarray,
                 batch_size: int, seed: int = 0, **kwargs):
        super().__init__(**kwargs)
        self.plain, self.flipped = ([a] if isinstance(a, np.ndarray) else list(a) for a in (plain, flipped))
        sizes = [len(a) for a in self.plain]
        if sizes != [len(a) for a in self.flipped] or not (sum(sizes) == len(targets) == len(masks)):
            raise ValueError("plain, flipped, targets and masks need one row per image each.")
        self.starts = np.cumsum([0, *sizes[:-1]])
        self.n = sum(sizes)
        self.targets, self.masks = targets, masks
        self.batch_size = batch_size
        self.rng = np.random.default_rng(seed)
        self.on_epoch_end()

    def __len__(self) -> int:
        return -(-self.n // self.batch_size)

    def _rows(self, arrays: list, rows: np.ndarray) -> np.ndarray:
        out = np.empty((len(rows),) + arrays[0].shape[1:], dtype=arrays[0].dtype)
        for array, start in zip(arrays, self.starts):
            inside = (rows >= start) & (rows < start + len(array))
            out[inside] = array[rows[inside] - start]
        return out

    def __getitem__(self, index: int):
        rows = self.order[index * self.batch_size:(index + 1) * self.batch_size]
        flip = self.flip[rows].reshape((-1,) + (1,) * (self.plain[0].ndim - 1))
        x = np.where(flip, self._rows(self.flipped, rows), self._rows(self.plain, rows)).astype("float32")
        return x, self.targets[rows], self.masks[rows]

    def on_epoch_end(self):
        self.order = self.rng.permutation(self.n)
        self.flip = self.rng.random(self.n) < 0.5


def weights_tag(weights_used: str, weights, seed: int) -> str:
    """A short name for the weights a backbone holds (from :func:`load_backbone`'s
    sentence and its ``weights`` argument), for cache file names: other weights,
    other files."""
    if weights_used.startswith("random"):
        return f"random{seed}"
    return "imagenet" if weights == "imagenet" else Path(weights).stem


def cache_name(backbone: str, image_size: int, tag: str, role: str, mirrored: bool) -> str:
    """The stem of a cached array's file name, e.g. ``MobileNetV2_448px_imagenet_fit_mirrored``."""
    return f"{backbone}_{image_size}px_{tag}_{role}{'_mirrored' if mirrored else ''}"


def pooled_features(backbone_name: str, image_size: int, weights, plan, cache_dir: str | os.PathLike,
                    seed: int = 0, batch_size: int = 32, orientations=(False, True)) -> tuple[dict, str]:
    """The backbone's globally pooled features of every image of ``plan``, as is
    and mirrored (``orientations``: which of the two), ``{(role, mirrored): (n,
    channels) float16}``, and the sentence on its weights. Read from ``cache_dir``
    when there (the files that notebooks 00 and 05 write), else computed and saved;
    the backbone is built only when something is to be computed."""
    def paths(used):
        tag = weights_tag(used, weights, seed)
        return {(role, mirrored): Path(cache_dir) / (cache_name(backbone_name, image_size, tag, role, mirrored)
                                                     + "_pooled.npy")
                for role in plan.frames for mirrored in orientations}

    used, extractor = weights_sentence(backbone_name, weights), None
    cached = used is not None and all(in_cache([path], len(plan.frames[role]))
                                      for (role, _), path in paths(used).items())
    if not cached:  # something to compute: only then is the network built (seconds at 448 px)
        backbone, used = load_backbone(backbone_name, image_size, weights)
        image = keras.Input((image_size, image_size, 3))
        pooled = keras.layers.GlobalAveragePooling2D()(backbone(Preprocess(backbone_name)(image)))
        extractor = keras.Model(image, pooled)
    features = {}
    for (role, mirrored), path in paths(used).items():
        print(f"{role}, {'mirrored' if mirrored else 'as is'}, {image_size} px:", end="")
        features[role, mirrored] = cached_predictions(extractor, plan.frames[role], image_size, [path],
                                                      flipped=mirrored, batch_size=batch_size)[0]
    return features, used


def weights_sentence(name: str, weights) -> str | None:
    """:func:`load_backbone`'s sentence on the weights, where it is known without building the network
    (random or a local file, checked as it checks it); ``None`` for ``"imagenet"``, which depends on the download."""
    applications_module(name)  # a clear error for an unknown name
    if weights is None:
        return RANDOM_ASKED
    if weights == "imagenet":
        return None
    path = Path(weights).expanduser()
    if not path.is_file():
        raise FileNotFoundError(f"No weights file at {path}. Give the path of a {name} weights file "
                                "(without the top), or WEIGHTS = 'imagenet' to download them.")
    return f"ImageNet, from {path.name}"


def attention_head(feature_shape, n_classes: int, *, lam: float = 0.1, temperature: float | None = 1.0,
                   dropout: float = 0.0, name: str = "attention_head") -> keras.Model:
    """Class-specific residual attention (CSRA; Zhu and Wu, ICCV 2021) on a feature map.

    A 1x1 convolution (``class_maps``) turns the map ``(h, w, channels)`` into one score
    map per class: a logit at every position. Each class's logit is the **average** of
    its map plus ``lam`` times an **attention pooling** of it: a softmax over the
    positions, at ``temperature``, weighs each position's score, so a class found in one
    corner is not averaged away (``temperature=None``: the maximum). With ``lam=0`` the
    head is global average pooling and one linear layer. ``dropout`` on the map is off
    by default: on a CPU it doubles a head's training time. Output: logits
    ``(batch, n_classes)``; a sigmoid turns them into scores.
    """
    features = keras.Input(tuple(feature_shape), name="feature_map")
    x = layers.Dropout(dropout)(features) if dropout else features
    maps = layers.Conv2D(n_classes, 1, name="class_maps", dtype="float32")(x)  # (batch, h, w, classes)
    flat = layers.Reshape((-1, n_classes))(maps)  # (batch, positions, classes)
    average = ops.mean(flat, axis=1)
    if temperature is None:
        attention = ops.max(flat, axis=1)
    else:
        attention = ops.sum(ops.softmax(temperature * flat, axis=1) * flat, axis=1)
    return keras.Model(features, average + lam * attention, name=name)


def frozen_attention_model(backbone_name: str, image_size: int, weights, plan, cut_after: str, *,
                           seed: int = 0, batch_size: int = 32, max_epochs: int = 100, patience: int = 3,
                           learning_rate: float = 1e-3, lam: float = 0.1, temperature: float | None = 1.0):
    """A model shaped like notebook 05's, made without it: the attention head trained on the
    backbone's frozen feature maps of the fit split (images as they are, no fine-tuning, the
    series' stopping rule on the tune split), thresholds tuned on the tune split. For notebook
    07 opened alone. Returns the model (``one_pass`` inside, as in notebook 05's file), the
    thresholds, its scores of the evaluate split, and the sentence on its weights."""

    keras.utils.set_random_seed(seed)
    backbone, used = load_backbone(backbone_name, image_size, weights)
    bottom, top = split_backbone(backbone, cut_after)
    image = keras.Input((image_size, image_size, 3), name="image")
    frozen = keras.Model(image, top(bottom(Preprocess(backbone_name)(image))))
    maps = {role: frozen.predict(image_batches(frame, image_size, batch_size), verbose=0)
            for role, frame in plan.frames.items()}
    logits = attention_head(maps["fit"].shape[1:], len(CLASSES), lam=lam, temperature=temperature)
    head_input = keras.Input(maps["fit"].shape[1:])
    head = keras.Model(head_input, layers.Activation("sigmoid", dtype="float32")(logits(head_input)), name="head")
    head.compile(optimizer=keras.optimizers.Adam(learning_rate), loss=training.ElementwiseBinaryCrossentropy(),
                 weighted_metrics=[training.ranking_metric(len(CLASSES))], jit_compile=False)
    (y_fit, mask_fit), tune = data.targets_and_masks(plan.frames["fit"]), data.targets_and_masks(plan.frames["tune"])
    head.fit(maps["fit"], y_fit, sample_weight=mask_fit, batch_size=batch_size, epochs=max_epochs, verbose=0,
             validation_data=(maps["tune"], *tune),
             callbacks=[keras.callbacks.EarlyStopping("val_auc_pr", mode="max", patience=patience,
                                                      restore_best_weights=True)])
    cut = keras.Input(tuple(bottom.output.shape[1:]))
    fine = keras.Model(cut, head(top(cut)), name="fine_tuned")
    one_pass = keras.Model(image, fine(bottom(Preprocess(backbone_name)(image))), name="one_pass")
    thresholds = metrics.tune_thresholds(label_matrix(plan.frames["tune"]).to_numpy(),
                                         head.predict(maps["tune"], verbose=0))
    outer = keras.Input((image_size, image_size, 3), name="image")  # one_pass nested as a part, as in notebook 05's file
    model = keras.Model(outer, one_pass(outer), name=f"frozen_{backbone_name.lower()}")
    return model, thresholds, head.predict(maps["evaluate"], verbose=0), used
