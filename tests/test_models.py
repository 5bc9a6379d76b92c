import json
from pathlib import Path

import keras
import numpy as np
import pytest

from helpers import models

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"


def test_the_original_network_has_the_original_layers():
    network = models.original_cnn(100, 20)
    kinds = [type(layer).__name__ for layer in network.layers]
    assert kinds == ["InputLayer", "Rescaling", "Conv2D", "Conv2D", "MaxPooling2D", "Dropout", "Conv2D", "Conv2D",
                     "MaxPooling2D", "Dropout", "Flatten", "Dense", "Dropout", "Dense"]
    assert network.layers[-3].units == 512 and network.output.shape[-1] == 20
    assert network.layers[-4].output.shape[-1] == 23 * 23 * 64  # 100 px in, 33,856 features out


def test_a_head_trained_on_the_frozen_donor_leaves_its_convolutions_as_they_were():
    keras.utils.set_random_seed(0)
    rng = np.random.default_rng(0)
    x = (rng.random((32, 16, 16, 3)) * 255).astype("float32")
    y = (rng.random((32, 1)) > 0.5).astype("float32")
    donor = models.original_cnn(16, 1, name="donor")
    donor.compile("adam", "binary_crossentropy")
    donor.fit(x, y, epochs=1, verbose=0)  # the donor is trained first
    before = [w.copy() for w in donor.get_weights()]
    base = models.frozen_base(donor)
    head = keras.Sequential([keras.Input(base.output.shape[1:]), keras.layers.Dense(4, activation="relu"),
                             keras.layers.Dense(1, activation="sigmoid")])
    model = keras.Sequential([base, head])
    model.compile(keras.optimizers.Adam(1e-2), "binary_crossentropy")
    head_before = [w.copy() for w in head.get_weights()]
    model.fit(x, y, epochs=2, verbose=0)
    convolutions = [layer for layer in donor.layers if isinstance(layer, keras.layers.Conv2D)]
    assert convolutions and all(not layer.trainable for layer in convolutions)
    after = [w for layer in convolutions for w in layer.get_weights()]
    assert len(after) == 8 and all(np.array_equal(a, b) for a, b in zip(before[:8], after))  # kernels and biases
    assert not all(np.array_equal(a, b) for a, b in zip(head_before, head.get_weights()))  # the head did learn


def test_prior_logits_give_each_class_its_base_rate():
    targets = np.array([[1, 0], [0, 0], [0, 0], [0, 1]], dtype="float32")
    masks = np.array([[1, 1], [1, 1], [1, 0], [1, 1]], dtype="float32")
    logits = models.prior_logits(targets, masks)
    assert 1 / (1 + np.exp(-logits)) == pytest.approx([1 / 4, 1 / 3])


def test_the_improved_network_takes_any_image_size_and_starts_at_the_priors():
    bias = models.prior_logits(np.array([[1, 0, 0], [0, 0, 0], [0, 0, 1], [0, 0, 0]], dtype="float32"))
    network = models.improved_cnn(3, widths=(8, 16), output_bias=bias)
    for size in (32, 48):
        assert network.predict(np.zeros((2, size, size, 3), "float32"), verbose=0).shape == (2, 3)
    assert np.allclose(network.layers[-1].get_weights()[1], bias)
    with pytest.raises(ValueError, match="pooling"):
        models.improved_cnn(3, pooling="median")


def test_no_notebook_writes_its_own_copy_of_a_network_of_helpers_models():
    for notebook in sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb")):
        for cell in json.loads(notebook.read_text())["cells"]:
            source = "".join(cell["source"])
            for name in ("original_cnn", "improved_cnn", "frozen_base"):
                assert f"def {name}(" not in source, f"{notebook.name} defines {name} again: use helpers.models"

