"""The tiny dataset is learnable: a small CNN beats chance clearly in a few epochs."""

import keras
import numpy as np

from helpers import data, metrics, voc


def small_cnn(size: int = 64) -> keras.Model:
    """Three convolutions and 20 sigmoids: enough to learn the tiny dataset in a few epochs."""
    return keras.Sequential([
        keras.Input((size, size, 3)), keras.layers.Rescaling(1 / 255),
        keras.layers.Conv2D(16, 3, activation="relu"), keras.layers.MaxPooling2D(),
        keras.layers.Conv2D(32, 3, activation="relu"), keras.layers.MaxPooling2D(),
        keras.layers.Conv2D(64, 3, activation="relu"), keras.layers.GlobalMaxPooling2D(),
        keras.layers.Dense(20, activation="sigmoid"),
    ])


def test_a_small_cnn_learns_the_tiny_dataset_beyond_chance(tiny_root):
    keras.utils.set_random_seed(0)
    fit = data.make_dataset(voc.load_split(tiny_root, "train"), 64, 32, shuffle=True, with_masks=False)
    val_frame = voc.load_split(tiny_root, "val")
    model = small_cnn()
    model.compile(keras.optimizers.Adam(2e-3), "binary_crossentropy")
    model.fit(fit, epochs=12, shuffle=False, verbose=0)  # the dataset shuffles itself
    scores = model.predict(data.make_dataset(val_frame, 64, 64, with_masks=False), verbose=0)
    y = voc.label_matrix(val_frame).to_numpy()
    chance = np.mean([metrics.mean_average_precision(y, np.random.default_rng(s).random(y.shape))
                      for s in range(5)])
    learned = metrics.mean_average_precision(y, scores)
    assert learned > 2 * chance, (learned, chance)
