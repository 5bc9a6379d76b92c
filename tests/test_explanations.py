"""Notebook 07 writes Grad-CAM out in a cell tagged ``lesson-grad-cam``; these tests run that very cell."""

from pathlib import Path

import keras
import nbformat
import numpy as np
import tensorflow as tf

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "07_explanations.ipynb"


def _grad_cam(**pieces):
    cell = next(c for c in nbformat.read(NOTEBOOK, as_version=4).cells
                if "lesson-grad-cam" in c.metadata.get("tags", []))
    namespace = {"tf": tf, "np": np, "keras": keras, **pieces}
    exec(cell.source, namespace)
    return namespace["grad_cam"]


def _colour_model():
    """Channel 0 of the feature map sees red, channel 1 green; class 0 is 'red', class 1 'green'."""
    bottom = keras.Sequential([keras.Input((8, 8, 3)), keras.layers.Conv2D(2, 1, use_bias=False)])
    bottom.layers[-1].kernel.assign(np.array([[[[1, 0], [0, 1], [0, 0]]]], dtype="float32"))
    top = keras.Sequential([keras.Input((8, 8, 2)), keras.layers.Activation("relu")])
    dense = keras.layers.Dense(2)
    dense.build((None, 2))
    dense.kernel.assign(np.eye(2, dtype="float32"))
    return {"preprocess": keras.layers.Identity(), "bottom": bottom, "top": top,
            "logits": keras.Sequential([keras.Input((8, 8, 2)), keras.layers.GlobalAveragePooling2D(), dense])}


def test_grad_cam_maps_have_the_image_layout_and_find_each_class_where_it_is():
    grad_cam = _grad_cam(**_colour_model())
    image = np.zeros((1, 8, 8, 3), dtype="float32")
    image[0, :, :4, 0] = 255  # red on the left
    image[0, :, 4:, 1] = 255  # green on the right
    red, green = grad_cam(image, 0), grad_cam(image, 1)
    assert red.shape == green.shape == (1, 8, 8)
    assert 0 <= red.min() and red.max() <= 1
    assert red[0, :, :3].mean() > 0.9 and red[0, :, 5:].mean() < 0.1
    assert green[0, :, 5:].mean() > 0.9 and green[0, :, :3].mean() < 0.1


def test_grad_cam_runs_through_a_split_keras_applications_backbone_and_differs_by_class():
    from helpers import transfer

    keras.utils.set_random_seed(0)
    backbone = keras.applications.MobileNetV2(include_top=False, weights=None, input_shape=(96, 96, 3))
    bottom, top = transfer.split_backbone(backbone, transfer.CUT_AFTER["MobileNetV2"])
    dense = keras.layers.Dense(20)
    dense.build((None, 1280))
    kernel = np.zeros((1280, 20), dtype="float32")
    kernel[:640, 0], kernel[640:, 1] = 1.0, 1.0  # class 0 reads the first half of the channels, class 1 the second
    dense.kernel.assign(kernel)
    logits = keras.Sequential([keras.Input(tuple(top.output.shape[1:])), keras.layers.GlobalAveragePooling2D(), dense])
    grad_cam = _grad_cam(preprocess=transfer.Preprocess("MobileNetV2"), bottom=bottom, top=top, logits=logits)
    image = np.random.default_rng(0).uniform(0, 255, (1, 96, 96, 3)).astype("float32")
    first, second = grad_cam(image, 0), grad_cam(image, 1)
    assert first.shape == (1, 96, 96) and min(first.max(), second.max()) > 0.95  # each map scaled to [0, 1]
    assert not np.allclose(first, second, atol=0.05)


def test_without_notebook_05_a_model_of_the_same_shape_is_trained_and_its_parts_explain_it(tiny_root):
    from helpers import deploy, splits, transfer

    plan = splits.plan_splits(tiny_root)
    model, thresholds, scores, used = transfer.frozen_attention_model("MobileNetV2", 64, None, plan,
                                                                      transfer.CUT_AFTER["MobileNetV2"], max_epochs=3)
    model = deploy.labelled_model(model, [f"class {k}" for k in range(20)], thresholds)
    assert used.startswith("random") and scores.shape == (len(plan.frames["evaluate"]), 20)
    names, thresholds = deploy.labels_of(model)
    assert len(names) == len(thresholds) == 20
    parts = deploy.explained_parts(model)
    image = np.random.default_rng(0).uniform(0, 255, (2, 64, 64, 3)).astype("float32")
    feature_map = parts["top"](parts["bottom"](parts["preprocess"](image)))
    from_parts = tf.sigmoid(parts["logits"](feature_map)).numpy()
    assert np.allclose(from_parts, model.predict(image, verbose=0), atol=1e-5)  # the parts compute the model
    maps = parts["class_maps"](feature_map).numpy()
    assert maps.shape == (2, 2, 2, 20)  # one score map per class, on the 2 x 2 grid of a 64 px image
    grad_cam = _grad_cam(**{k: parts[k] for k in ("preprocess", "bottom", "top", "logits")})
    assert grad_cam(image, 3).shape == (2, 64, 64)
