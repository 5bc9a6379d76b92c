from urllib.error import URLError

import keras
import numpy as np
import pytest

from helpers import deploy
from helpers.voc import CLASSES


def _scorer(size=8):
    keras.utils.set_random_seed(0)
    image = keras.Input((size, size, 3))
    x = keras.layers.GlobalAveragePooling2D()(keras.layers.Rescaling(1 / 255)(image))
    return keras.Model(image, keras.layers.Dense(len(CLASSES), activation="sigmoid")(x))


def test_the_keras_file_keeps_scores_class_names_and_thresholds(tmp_path):
    thresholds = np.linspace(0.1, 0.9, len(CLASSES))
    model = deploy.labelled_model(_scorer(), CLASSES, thresholds)
    model.save(tmp_path / "m.keras")
    loaded = deploy.load_model(tmp_path / "m.keras")
    x = np.random.default_rng(0).random((4, 8, 8, 3)).astype("float32") * 255
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0), rtol=1e-6)
    names, kept = deploy.labels_of(loaded)
    assert names == list(CLASSES) and np.allclose(kept, thresholds)


def test_labels_must_match_and_must_be_there():
    with pytest.raises(ValueError, match="20 class names but 3 thresholds"):
        deploy.LabelledScores(CLASSES, [0.5] * 3)
    with pytest.raises(ValueError, match="no 'labels' layer"):
        deploy.labels_of(_scorer())


def _png(path, pixels):
    import tensorflow as tf
    tf.io.write_file(str(path), tf.io.encode_png(pixels))
    return path


def test_a_photo_is_read_resized_and_labelled_with_the_predicted_classes_first(tmp_path):
    path = _png(tmp_path / "p.png", np.full((30, 50, 3), 200, dtype="uint8"))
    image = deploy.read_photo(path, 8)
    assert image.shape == (1, 8, 8, 3) and image.dtype == np.float32 and np.allclose(image, 200)
    thresholds = np.ones(len(CLASSES))
    thresholds[[3, 7]] = 0.0  # these two always predicted
    table = deploy.label_photo(deploy.labelled_model(_scorer(), CLASSES, thresholds), path)
    assert list(table.columns) == ["score", "threshold", "predicted"] and len(table) == len(CLASSES)
    assert set(table.index[:2]) == {CLASSES[3], CLASSES[7]} and table["predicted"].sum() == 2
    assert table["score"].iloc[2:].is_monotonic_decreasing


def test_bad_photos_get_errors_that_say_what_to_do(tmp_path, monkeypatch):
    with pytest.raises(FileNotFoundError, match="No photo at .*missing.jpg"):
        deploy.read_photo(tmp_path / "missing.jpg", 8)
    (tmp_path / "notes.jpg").write_text("not a picture")
    with pytest.raises(ValueError, match="not an image"):
        deploy.read_photo(tmp_path / "notes.jpg", 8)

    def offline(*args, **kwargs):
        raise URLError("no route to host")

    monkeypatch.setattr(deploy.urllib.request, "urlopen", offline)
    with pytest.raises(OSError, match="Offline\\? Save the photo"):
        deploy.read_photo("https://example.org/cat.jpg", 8)


def test_a_saved_model_with_compiled_parts_loads_in_a_fresh_process_with_only_deploy_imported(tmp_path):
    import subprocess
    import sys

    from helpers.training import ElementwiseBinaryCrossentropy

    inner = _scorer()
    inner.compile(optimizer="adam", loss=ElementwiseBinaryCrossentropy())  # as notebook 05's parts are
    image = keras.Input((8, 8, 3))
    model = deploy.labelled_model(keras.Model(image, inner(image)), CLASSES, np.full(len(CLASSES), 0.5))
    model.save(tmp_path / "m.keras")
    code = ("from helpers import deploy; import numpy as np; m = deploy.load_model(r'%s'); "
            "print(m.predict(np.zeros((1, 8, 8, 3)), verbose=0).shape)" % (tmp_path / "m.keras"))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip().endswith("(1, 20)")


def test_a_mirror_averaged_file_scores_in_a_fresh_process_what_its_thresholds_were_tuned_on(tmp_path):
    """Notebook 05 saves a model that averages each image with its mirror image, as its thresholds were tuned."""
    from helpers import evaluation

    keras.utils.set_random_seed(0)
    image = keras.Input((8, 8, 3))
    flat = keras.layers.Flatten()(keras.layers.Rescaling(1 / 255)(image))  # sees left from right, unlike pooling
    one_pass = keras.Model(image, keras.layers.Dense(len(CLASSES), activation="sigmoid")(flat), name="one_pass")
    averaged = keras.Model(image, (one_pass(image) + one_pass(keras.ops.flip(image, axis=2))) / 2)
    model = deploy.labelled_model(averaged, CLASSES, np.full(len(CLASSES), 0.5))
    model.save(tmp_path / "m.keras")
    images = np.random.default_rng(0).uniform(0, 255, (3, 8, 8, 3)).astype("float32")
    np.save(tmp_path / "images.npy", images)
    expected = (np.asarray(one_pass(images)) + np.asarray(one_pass(images[:, :, ::-1]))) / 2
    code = ("import json, sys, numpy as np; from helpers import deploy; "
            "m = deploy.load_model(sys.argv[1]); print(json.dumps(m.predict(np.load(sys.argv[2]), verbose=0).tolist()))")
    scores = np.array(evaluation.in_fresh_process(code, str(tmp_path / "m.keras"), str(tmp_path / "images.npy")))
    assert np.allclose(scores, expected, atol=1e-6)
    assert not np.allclose(scores, np.asarray(one_pass(images)), atol=1e-3)  # not the one-pass scores
