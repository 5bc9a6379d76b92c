"""A trained model as one ``.keras`` file that knows its class names and
thresholds, and labelling any photo with it.

    model = deploy.labelled_model(model, CLASSES, thresholds)   # adds the labels as the last layer
    model.save("voc_transfer.keras")
    model = deploy.load_model("voc_transfer.keras")              # keras.saving.load_model, for inference
    deploy.label_photo(model, "my_photo.jpg")                    # a table: class, score, threshold, predicted
"""

from __future__ import annotations

import os
import urllib.request
from pathlib import Path

from helpers.environment import import_tensorflow

import_tensorflow()  # before keras: keeps TensorFlow's start-up lines out of the outputs
import keras
import numpy as np
import pandas as pd
import tensorflow as tf

from helpers import data
# Registered classes that a saved model may name: the preprocessing layer, and the loss of sub-models compiled in training
from helpers import training, transfer  # noqa: F401


@keras.saving.register_keras_serializable(package="voc")
class LabelledScores(keras.layers.Layer):
    """Passes scores (batch, n_classes) through unchanged and carries, in its
    saved configuration, the class names and the per-class thresholds picked
    on the tune split: a ``.keras`` file then holds all that labelling needs."""

    def __init__(self, class_names, thresholds, **kwargs):
        kwargs.setdefault("dtype", "float32")
        super().__init__(**kwargs)
        if len(class_names) != len(thresholds):
            raise ValueError(f"{len(class_names)} class names but {len(thresholds)} thresholds.")
        self.class_names = [str(name) for name in class_names]
        self.thresholds = [float(t) for t in thresholds]

    def call(self, scores):
        return keras.ops.cast(scores, "float32")

    def get_config(self):
        return {**super().get_config(), "class_names": self.class_names, "thresholds": self.thresholds}


def labelled_model(model: keras.Model, class_names, thresholds, name: str | None = None) -> keras.Model:
    """``model`` with a :class:`LabelledScores` layer, named ``labels``, on its output."""
    scores = LabelledScores(class_names, thresholds, name="labels")(model.outputs[0])
    return keras.Model(model.inputs, scores, name=name or model.name)


def load_model(path: str | os.PathLike) -> keras.Model:
    """A model saved with :func:`labelled_model`, ready for inference:
    ``keras.saving.load_model`` without the training configuration
    (``compile=False``: the loss and optimizer it was trained with are not
    needed, nor importable everywhere)."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"No model file at {path}: notebook 05 saves one under data/models/<profile>/transfer/.")
    return keras.saving.load_model(path, compile=False)


def labels_of(model: keras.Model) -> tuple[list[str], np.ndarray]:
    """The class names and thresholds a model made by :func:`labelled_model` carries."""
    try:
        layer = model.get_layer("labels")
    except ValueError:
        raise ValueError(f"{model.name} has no 'labels' layer: build it with helpers.deploy.labelled_model.") from None
    return layer.class_names, np.asarray(layer.thresholds)


def read_photo(source: str | os.PathLike, image_size: int) -> np.ndarray:
    """A JPEG or PNG from a path or an http(s) URL, as float32 (1, size, size, 3)
    in [0, 255], resized like the training images (aspect ratio not kept)."""
    source = str(source)
    if source.startswith(("http://", "https://")):
        try:
            request = urllib.request.Request(source, headers={"User-Agent": "voc-multilabel-tutorial"})
            with urllib.request.urlopen(request, timeout=30) as response:
                raw = response.read()
        except OSError as error:
            raise OSError(f"Could not download {source} ({error}). Offline? Save the photo and give its path "
                          "instead (on Colab: the upload cell).") from error
    else:
        path = Path(source).expanduser()
        if not path.is_file():
            raise FileNotFoundError(f"No photo at {path}: give the path of a JPEG or PNG file, or an http(s) URL.")
        raw = path.read_bytes()
    try:
        image = tf.io.decode_image(raw, channels=3, expand_animations=False)
    except tf.errors.InvalidArgumentError:
        raise ValueError(f"{source} is not an image TensorFlow can read (JPEG, PNG, GIF or BMP).") from None
    return data.resize_image(image, image_size)[None].numpy().astype("float32")


def label_photo(model: keras.Model, source: str | os.PathLike) -> pd.DataFrame:
    """Score one photo (path or URL) with a labelled model: a table of every class
    with its score and threshold, the predicted ones first, then by score."""
    names, thresholds = labels_of(model)
    image = read_photo(source, int(model.inputs[0].shape[1]))
    scores = np.asarray(model.predict_on_batch(image))[0]  # one image: no input pipeline to build and trace
    table = pd.DataFrame({"score": scores, "threshold": thresholds, "predicted": scores >= thresholds}, index=names)
    return table.sort_values(["predicted", "score"], ascending=False)


def explained_parts(model: keras.Model) -> dict:
    """The pieces of a model shaped like notebook 05's (``one_pass`` inside: preprocessing,
    the bottom of the backbone, then the fine-tuned part, the top blocks and the head), for
    explanations: ``preprocess``, ``bottom``, ``top`` (to the last feature map) and
    ``logits`` (a model from that feature map to the head's logits, before the sigmoid);
    ``class_maps`` (feature map to one score map per class) when the head has them."""
    def inner(layer):
        return [sub for sub in layer.layers if not isinstance(sub, keras.layers.InputLayer)]

    try:
        one_pass = model.get_layer("one_pass")
    except ValueError:
        raise ValueError(f"{model.name} has no 'one_pass' part: build it as notebook 05 does.") from None
    preprocess, bottom, fine = inner(one_pass)
    top, head = inner(fine)
    parts = inner(head)
    pooling = parts[0] if isinstance(parts[0], keras.layers.Layer) and not isinstance(parts[0], keras.Model) else None
    scorer = head if pooling is None else parts[1]
    logits = next(sub for sub in inner(scorer) if isinstance(sub, keras.Model))
    feature_map = keras.Input(tuple(top.output.shape[1:]))
    found = {"preprocess": preprocess, "bottom": bottom, "top": top,
             "logits": keras.Model(feature_map, logits(pooling(feature_map) if pooling is not None else feature_map))}
    if pooling is None and any(layer.name == "class_maps" for layer in logits.layers):
        found["class_maps"] = keras.Model(logits.inputs, logits.get_layer("class_maps").output)
    return found
