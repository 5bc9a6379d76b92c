"""The networks of the series, defined once.

Notebooks 01 to 03 show these functions with ``inspect.getsource`` where they
teach them, so the code a learner reads is the code that runs, and the three
models that share the original network cannot drift apart.
"""

from __future__ import annotations

import numpy as np
from helpers.environment import import_tensorflow

import_tensorflow()  # before keras: keeps TensorFlow's start-up lines out of the outputs
import keras
from keras import layers


def original_cnn(image_size: int, n_outputs: int, name: str = "original_cnn") -> keras.Model:
    """The original project's CNN: two conv blocks, a 512-unit dense layer, sigmoid outputs.

    Input: float images (batch, image_size, image_size, 3) in [0, 255];
    output: (batch, n_outputs) probabilities.
    """
    inputs = keras.Input((image_size, image_size, 3))
    x = layers.Rescaling(1 / 255)(inputs)
    x = layers.Conv2D(32, 3, padding="same", activation="relu")(x)
    x = layers.Conv2D(32, 3, activation="relu")(x)
    x = layers.MaxPooling2D()(x)
    x = layers.Dropout(0.25)(x)
    x = layers.Conv2D(64, 3, padding="same", activation="relu")(x)
    x = layers.Conv2D(64, 3, activation="relu")(x)
    x = layers.MaxPooling2D()(x)
    x = layers.Dropout(0.25)(x)
    x = layers.Flatten()(x)
    x = layers.Dense(512, activation="relu")(x)
    x = layers.Dropout(0.5)(x)
    outputs = layers.Dense(n_outputs, activation="sigmoid", dtype="float32")(x)
    return keras.Model(inputs, outputs, name=name)


def conv_bn_relu(x, filters: int, strides: int = 1):
    """3x3 convolution (no bias: batch normalisation has one), batch normalisation, ReLU."""
    x = layers.Conv2D(filters, 3, strides=strides, padding="same", use_bias=False)(x)
    x = layers.BatchNormalization()(x)
    return layers.ReLU()(x)


def prior_logits(targets: np.ndarray, masks: np.ndarray | None = None) -> np.ndarray:
    """log(p / (1 - p)) of each class's share of positives p, shape (n_classes,).

    Used as the output layer's initial bias, the network starts by predicting
    each class at its base rate instead of 0.5 for all. Masked entries
    (``masks == 0``) do not count.
    """
    targets = np.asarray(targets, dtype=float)
    weights = np.ones_like(targets) if masks is None else np.asarray(masks, dtype=float)
    share = (targets * weights).sum(axis=0) / np.maximum(weights.sum(axis=0), 1)
    share = np.clip(share, 1e-4, 1 - 1e-4)
    return np.log(share / (1 - share))


def improved_cnn(n_outputs: int, *, widths=(32, 64, 128, 256), stem_stride: int = 2,
                 pooling: str = "avg", dropout: float = 0.3, output_bias=None) -> keras.Model:
    """A from-scratch network for small data: conv-BN-ReLU pairs, global pooling, sigmoid outputs.

    * ``widths``: filters of the stages; each stage is two ``conv_bn_relu`` then a 2x2 max pool;
    * ``stem_stride``: stride of the very first convolution (2 halves the resolution at once);
    * ``pooling``: ``"avg"`` (global average) or ``"avg+max"`` (both, concatenated);
    * ``output_bias``: initial bias of the outputs, e.g. :func:`prior_logits`.

    The input size is free (``None``): global pooling makes the network take
    any image size, so it can train on crops and predict on whole images.
    """
    inputs = keras.Input((None, None, 3))
    x = layers.Rescaling(1 / 255)(inputs)
    for i, filters in enumerate(widths):
        x = conv_bn_relu(x, filters, strides=stem_stride if i == 0 else 1)
        x = conv_bn_relu(x, filters)
        x = layers.MaxPooling2D()(x)
    if pooling == "avg":
        x = layers.GlobalAveragePooling2D()(x)
    elif pooling == "avg+max":
        x = layers.Concatenate()([layers.GlobalAveragePooling2D()(x), layers.GlobalMaxPooling2D()(x)])
    else:
        raise ValueError(f"pooling must be 'avg' or 'avg+max', got {pooling!r}.")
    x = layers.Dropout(dropout)(x)
    bias = "zeros" if output_bias is None else keras.initializers.Constant(np.asarray(output_bias, dtype="float32"))
    outputs = layers.Dense(n_outputs, activation="sigmoid", bias_initializer=bias, dtype="float32")(x)
    return keras.Model(inputs, outputs, name="improved_cnn")


def frozen_base(network: keras.Model, name: str = "frozen_base") -> keras.Model:
    """The layers of ``network`` up to its ``Flatten``, as a model of their own, frozen.

    The layers are shared, not copied: freezing them here freezes them in
    ``network`` too, and no later training changes them.
    """
    flatten = next(layer for layer in network.layers if isinstance(layer, layers.Flatten))
    base = keras.Model(network.input, flatten.output, name=name)
    base.trainable = False
    return base

