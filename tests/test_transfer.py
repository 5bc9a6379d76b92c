from urllib.error import URLError

import keras
import numpy as np
import pandas as pd
import pytest

from helpers import transfer


def _mobilenet(size=64):
    keras.utils.set_random_seed(0)
    return keras.applications.MobileNetV2(include_top=False, weights=None, input_shape=(size, size, 3))


def test_a_backbone_name_finds_its_own_preprocessing():
    assert transfer.applications_module("MobileNetV2") is keras.applications.mobilenet_v2
    black = np.zeros((1, 1, 1, 3), dtype="float32")  # ResNet50's "caffe" preprocessing: BGR, ImageNet means removed
    np.testing.assert_allclose(transfer.applications_module("ResNet50").preprocess_input(black).ravel(),
                               [-103.939, -116.779, -123.68], atol=1e-3)
    with pytest.raises(ValueError, match="no network 'MobileNetV9'.*MobileNetV2"):
        transfer.applications_module("MobileNetV9")


def test_preprocessing_inside_the_model_scales_pixels_and_survives_saving(tmp_path):
    image = keras.Input((2, 2, 3))
    model = keras.Model(image, transfer.Preprocess("MobileNetV2")(image))
    pixels = np.array([[[[0, 127.5, 255]] * 2] * 2], dtype="float32")
    np.testing.assert_allclose(model.predict(pixels, verbose=0)[0, 0, 0], [-1, 0, 1], atol=1e-6)
    model.save(tmp_path / "p.keras")
    again = keras.saving.load_model(tmp_path / "p.keras")
    np.testing.assert_allclose(again.predict(pixels, verbose=0), model.predict(pixels, verbose=0))


def test_offline_imagenet_weights_fall_back_to_random_and_say_how_to_get_them(monkeypatch, tmp_path, capsys):
    import keras.src.utils.file_utils as file_utils
    from keras.src.backend import config as keras_config

    def no_network(*args, **kwargs):
        raise URLError("no route to host")

    monkeypatch.setattr(file_utils, "urlretrieve", no_network)
    monkeypatch.setattr(keras_config, "keras_home", lambda: str(tmp_path))  # no cached weights either
    backbone, used = transfer.load_backbone("MobileNetV2", 96, "imagenet")
    assert used == "random initialisation (download failed)" and backbone.output.shape[1:] == (3, 3, 1280)
    said = capsys.readouterr().out
    assert "Could not download" in said and "Way out" in said and "RANDOM weights" in said


def test_a_missing_weights_file_is_an_error_that_names_it(tmp_path):
    with pytest.raises(FileNotFoundError, match="No weights file at .*nothing.h5"):
        transfer.load_backbone("MobileNetV2", 64, tmp_path / "nothing.h5")


def test_bottom_then_top_compute_what_the_whole_backbone_computes():
    backbone = _mobilenet()
    for name, cut in [*transfer.CUT_AFTER.items(), *transfer.TINY_CUT_AFTER.items()]:
        assert backbone.name.lower().startswith(name.lower()[:9])
        bottom, top = transfer.split_backbone(backbone, cut)
        x = np.random.default_rng(0).normal(size=(2, 64, 64, 3)).astype("float32")
        whole = np.asarray(backbone.predict(x, verbose=0))
        parts = np.asarray(top.predict(bottom.predict(x, verbose=0), verbose=0))
        np.testing.assert_allclose(parts, whole, rtol=1e-4, atol=1e-4)
        assert {id(w) for w in top.trainable_weights} <= {id(w) for w in backbone.trainable_weights}  # shared


def test_a_cut_inside_a_residual_block_is_refused():
    with pytest.raises(ValueError, match="block_14_add.*residual"):
        transfer.split_backbone(_mobilenet(), "block_14_expand")


def _frame(tmp_path, n):
    import tensorflow as tf

    from helpers.voc import CLASSES
    paths = []
    for k in range(n):
        path = tmp_path / f"{k}.jpg"
        pixels = np.full((20, 30, 3), 20 * k, dtype="uint8")
        pixels[:, :10] = 255  # a bright left edge, to tell the mirrored image apart
        tf.io.write_file(str(path), tf.io.encode_jpeg(pixels))
        paths.append(str(path))
    return pd.DataFrame({"path": paths, **{name: -1 for name in CLASSES}})


def test_cached_predictions_are_computed_once_and_mirroring_flips_the_images(tmp_path, capsys):
    frame = _frame(tmp_path, 5)
    image = keras.Input((8, 8, 3))
    left_minus_right = keras.layers.Lambda(  # mean of the two leftmost columns minus the two rightmost
        lambda x: keras.ops.mean(x[:, :, :2], axis=(1, 2, 3)) - keras.ops.mean(x[:, :, -2:], axis=(1, 2, 3)),
        output_shape=())
    model = keras.Model(image, [left_minus_right(image), keras.layers.GlobalAveragePooling2D()(image)])
    paths = [tmp_path / "cache" / "a.npy", tmp_path / "cache" / "b.npy"]
    plain = transfer.cached_predictions(model, frame, 8, paths, batch_size=2)
    assert "computed 5 images" in capsys.readouterr().out and all(p.exists() for p in paths)
    assert plain[0].dtype == np.float16 and plain[0].shape == (5,) and plain[1].shape == (5, 3)
    assert (plain[0] > 50).all()  # the bright edge is on the left
    again = transfer.cached_predictions(model, frame, 8, paths, batch_size=2)
    assert "read" in capsys.readouterr().out and np.array_equal(again[0], plain[0])
    mirrored = transfer.cached_predictions(model, frame, 8, [tmp_path / "m.npy", tmp_path / "n.npy"], flipped=True)
    assert (mirrored[0] < -50).all()
    fewer = transfer.cached_predictions(model, frame.head(3), 8, paths)  # a cache of another length is not reused
    assert len(fewer[0]) == 3 and "computed 3 images" in capsys.readouterr().out


def test_either_orientation_shows_every_image_once_per_epoch_in_one_of_its_two_versions():
    n = 50
    plain = np.arange(n, dtype="float16").reshape(n, 1, 1, 1)
    flipped = -plain - 1000
    targets, masks = np.zeros((n, 20), "float32"), np.ones((n, 20), "float32")
    targets[:, 0] = np.arange(n)
    batches = transfer.EitherOrientation(plain, flipped, targets, masks, batch_size=16, seed=0)
    assert len(batches) == 4

    def epoch():
        xs, ys = zip(*[(x.ravel(), y[:, 0]) for x, y, _ in (batches[i] for i in range(len(batches)))])
        return np.concatenate(xs), np.concatenate(ys)

    seen, rows = epoch()
    ids = np.where(seen >= 0, seen, -seen - 1000).astype(int)
    assert sorted(ids) == list(range(n))  # each image once
    np.testing.assert_array_equal(ids, rows)  # with its own targets
    assert 10 < (seen < 0).sum() < 40  # both versions, about half each
    batches.on_epoch_end()
    assert not np.array_equal(seen, epoch()[0])  # a new order and new draws
    with pytest.raises(ValueError, match="one row per image"):
        transfer.EitherOrientation(plain, flipped[:3], targets, masks, batch_size=16)


def test_the_attention_head_is_the_average_plus_lambda_times_the_attention_of_its_own_class_maps():
    import keras
    import numpy as np

    head = transfer.attention_head((5, 4, 7), 3, lam=0.7, temperature=2.0, dropout=0.0)
    x = np.random.default_rng(0).normal(size=(2, 5, 4, 7)).astype("float32")
    logits = np.asarray(head(x))
    assert logits.shape == (2, 3)
    maps = np.asarray(keras.Model(head.inputs, head.get_layer("class_maps").output)(x)).reshape(2, -1, 3)
    weights = np.exp(2.0 * maps) / np.exp(2.0 * maps).sum(axis=1, keepdims=True)
    assert np.allclose(logits, maps.mean(axis=1) + 0.7 * (weights * maps).sum(axis=1), atol=1e-5)
    highest = transfer.attention_head((5, 4, 7), 3, lam=1.0, temperature=None, dropout=0.0)
    highest.set_weights(head.get_weights())
    assert np.allclose(np.asarray(highest(x)), maps.mean(axis=1) + maps.max(axis=1), atol=1e-5)
    plain = transfer.attention_head((5, 4, 7), 3, lam=0.0, dropout=0.0)
    plain.set_weights(head.get_weights())  # lam 0: global average pooling, then one linear layer
    kernel, bias = head.get_layer("class_maps").get_weights()
    assert np.allclose(np.asarray(plain(x)), x.mean(axis=(1, 2)) @ kernel[0, 0] + bias, atol=1e-5)


def test_either_orientation_reads_a_list_of_arrays_as_their_rows_joined():
    rng = np.random.default_rng(1)
    parts = [rng.random((5, 2, 2, 3)).astype("float16"), rng.random((7, 2, 2, 3)).astype("float16")]
    flipped = [p[:, :, ::-1] for p in parts]
    targets, masks = rng.integers(0, 2, (12, 20)).astype("float32"), np.ones((12, 20), "float32")
    joined = transfer.EitherOrientation(np.concatenate(parts), np.concatenate(flipped), targets, masks, 4, seed=3)
    listed = transfer.EitherOrientation(parts, flipped, targets, masks, 4, seed=3)
    assert len(listed) == len(joined) == 3
    for i in range(len(joined)):
        for a, b in zip(joined[i], listed[i]):
            np.testing.assert_array_equal(a, b)
    with pytest.raises(ValueError):
        transfer.EitherOrientation(parts, flipped[:1], targets, masks, 4)


def test_pooled_features_read_from_the_cache_without_building_the_backbone(tmp_path, monkeypatch, capsys):
    for role in ("fit", "tune"):
        (tmp_path / role).mkdir()
    frames = {"fit": _frame(tmp_path / "fit", 3), "tune": _frame(tmp_path / "tune", 2)}
    plan = type("Plan", (), {"frames": frames})()
    first, used = transfer.pooled_features("MobileNetV2", 32, None, plan, tmp_path / "cache", orientations=(False,))
    assert used == "random initialisation (asked for)" and first["fit", False].shape == (3, 1280)
    assert capsys.readouterr().out.count("computed") == 2

    def no_building(*args, **kwargs):
        raise AssertionError("the backbone was built although every feature was in the cache")

    monkeypatch.setattr(transfer, "load_backbone", no_building)
    again, used_again = transfer.pooled_features("MobileNetV2", 32, None, plan, tmp_path / "cache",
                                                 orientations=(False,))
    assert used_again == used and np.array_equal(again["tune", False], first["tune", False])
    assert capsys.readouterr().out.count("read from the cache") == 2
    plan.frames["tune"] = frames["tune"].head(1)  # a cache of another length: computed again, so built
    with pytest.raises(AssertionError, match="was built"):
        transfer.pooled_features("MobileNetV2", 32, None, plan, tmp_path / "cache", orientations=(False,))
    with pytest.raises(FileNotFoundError, match="nothing.h5"):
        transfer.pooled_features("MobileNetV2", 32, tmp_path / "nothing.h5", plan, tmp_path / "cache")
