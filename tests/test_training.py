import keras
import numpy as np
import pytest

from helpers import training
from helpers.training import ElementwiseBinaryCrossentropy, FreshStart, epochs_in_backup, training_callbacks


def test_masked_entries_do_not_count_in_the_loss():
    loss = ElementwiseBinaryCrossentropy()
    y_true = np.array([[1.0, 0.0]], dtype="float32")
    y_pred = np.array([[0.9, 0.99]], dtype="float32")  # the second label is badly wrong ...
    mask = np.array([[1.0, 0.0]], dtype="float32")     # ... but difficult, so it is switched off
    masked = float(loss(y_true, y_pred, sample_weight=mask))
    assert masked == pytest.approx(-np.log(0.9) / 2, rel=1e-4)  # mean over the 2 entries, one of them zeroed
    unmasked = float(loss(y_true, y_pred))
    assert unmasked == pytest.approx((-np.log(0.9) - np.log(0.01)) / 2, rel=1e-3)


def _batch(n, seed=0):
    rng = np.random.default_rng(seed)
    y_true = (rng.random((n, 20)) < 0.2).astype("float32")
    y_pred = np.clip(rng.random((n, 20)), 0.01, 0.99).astype("float32")
    mask = (rng.random((n, 20)) > 0.2).astype("float32")
    wanted = (-(y_true * np.log(y_pred) + (1 - y_true) * np.log(1 - y_pred)) * mask).mean()
    return y_true, y_pred, mask, wanted


@pytest.mark.parametrize("n", [1, 5, 20, 32])
def test_the_elementwise_loss_masks_single_labels_at_any_batch_size(n):
    y_true, y_pred, mask, wanted = _batch(n)
    assert float(ElementwiseBinaryCrossentropy()(y_true, y_pred, sample_weight=mask)) == pytest.approx(wanted, rel=1e-4)


def test_keras_own_loss_fails_or_is_silently_wrong_with_a_label_mask():
    """Why the elementwise loss exists: Keras' BCE averages the 20 classes first,
    so a (batch, 20) mask meets a (batch,) loss."""
    keras_bce = keras.losses.BinaryCrossentropy()
    y_true, y_pred, mask, _ = _batch(32)
    with pytest.raises(Exception, match="Incompatible shapes|shape"):
        keras_bce(y_true, y_pred, sample_weight=mask)
    y_true, y_pred, mask, wanted = _batch(20)  # (20,) against (20, 20): broadcasts, no error
    silently = float(keras_bce(y_true, y_pred, sample_weight=mask))
    assert silently != pytest.approx(wanted, rel=1e-3)
    per_image = keras.ops.convert_to_numpy(keras.losses.binary_crossentropy(y_true, y_pred))
    assert silently == pytest.approx((per_image[None, :] * mask).mean(), rel=1e-4)  # image j weighted by mask[i, j]
    trailing_axis = float(keras_bce(y_true[..., None], y_pred[..., None], sample_weight=mask))
    assert trailing_axis == pytest.approx(wanted, rel=1e-4)  # the one-line fix the notebook mentions


def test_the_loss_survives_saving_and_loading(tmp_path):
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2, activation="sigmoid")])
    model.compile("sgd", ElementwiseBinaryCrossentropy())
    model.save(tmp_path / "m.keras")
    assert isinstance(keras.models.load_model(tmp_path / "m.keras").loss, ElementwiseBinaryCrossentropy)


class _Interrupt(keras.callbacks.Callback):
    def __init__(self, at_epoch):
        super().__init__()
        self.at_epoch = at_epoch

    def on_epoch_begin(self, epoch, logs=None):
        if epoch == self.at_epoch:
            raise KeyboardInterrupt("laptop closed")


class _Epochs(keras.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.seen = []

    def on_epoch_begin(self, epoch, logs=None):
        self.seen.append(epoch)


def test_an_interrupted_training_resumes_at_the_epoch_it_reached(tmp_path):
    keras.utils.set_random_seed(0)
    x = np.random.default_rng(0).random((64, 4)).astype("float32")
    y = (x[:, :2] > 0.5).astype("float32")

    def fresh_model():
        model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2, activation="sigmoid")])
        model.compile("adam", ElementwiseBinaryCrossentropy())
        return model

    first = fresh_model()
    with pytest.raises(KeyboardInterrupt):
        first.fit(x, y, validation_data=(x, y), epochs=6, verbose=0,
                  callbacks=[*training_callbacks(tmp_path / "backup", patience=10, backup_every_seconds=0), _Interrupt(3)])
    reached = [w.copy() for w in first.get_weights()]  # the weights after epoch 3
    second, epochs = fresh_model(), _Epochs()  # a new process would start from fresh weights
    restored = []
    assert epochs_in_backup(tmp_path / "backup") == 3
    second.fit(x, y, validation_data=(x, y), epochs=6, verbose=0,
               callbacks=[*training_callbacks(tmp_path / "backup", patience=10, backup_every_seconds=0),
                          keras.callbacks.LambdaCallback(
                              on_epoch_begin=lambda e, logs: restored.append(second.get_weights()[0].copy())),
                          epochs])
    assert epochs.seen == [3, 4, 5]  # epochs 0-2 are not trained again
    assert np.allclose(restored[0], reached[0])  # it resumed from the weights it had reached
    assert epochs_in_backup(tmp_path / "backup") == 0  # a finished fit removes its backup


def test_a_leftover_backup_is_announced(tmp_path, capsys):
    (tmp_path / "backup").mkdir()
    (tmp_path / "backup" / "training_metadata.json").write_text('{"epoch": 4, "batch": 0}')
    training_callbacks(tmp_path / "backup")
    assert "Resuming from the backup" in capsys.readouterr().out
    training_callbacks(tmp_path / "elsewhere")
    assert capsys.readouterr().out == ""


def test_a_fixed_budget_gets_a_backup_and_no_early_stopping(tmp_path):
    callbacks = training_callbacks(tmp_path / "backup", patience=None)
    assert [type(c).__name__ for c in callbacks] == ["ThrottledBackup"]
    assert [type(c).__name__ for c in training_callbacks(tmp_path / "b2", patience=2, monitor="val_auc_pr",
                                                         mode="max")] == ["EarlyStopping", "ThrottledBackup"]


class _Clock(keras.callbacks.Callback):
    """A stand-in for time.monotonic: ``epoch_seconds`` pass at the end of every epoch, before the backup looks."""
    def __init__(self, epoch_seconds):
        super().__init__()
        self.now, self.epoch_seconds = 0.0, epoch_seconds

    def __call__(self):
        return self.now

    def on_epoch_end(self, epoch, logs=None):
        self.now += self.epoch_seconds


@pytest.mark.parametrize("epoch_seconds, backed_up", [(1.0, 2), (100.0, 3), (0.1, 0)])
def test_the_backup_is_written_once_its_interval_has_passed(tmp_path, monkeypatch, epoch_seconds, backed_up):
    clock = _Clock(epoch_seconds)
    monkeypatch.setattr(training.time, "monotonic", clock)
    x = np.random.default_rng(0).random((32, 4)).astype("float32")
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1, activation="sigmoid")])
    model.compile("adam", "binary_crossentropy")
    with pytest.raises(KeyboardInterrupt):  # three epochs done, then interrupted; the backup every 2 s at most
        model.fit(x, x[:, :1], epochs=6, verbose=0,
                  callbacks=[clock, *training_callbacks(tmp_path / "backup", patience=None, backup_every_seconds=2),
                             _Interrupt(3)])
    # 1 s epochs: written after epoch 2 only (2 s), so one epoch is lost; 100 s epochs: after every epoch;
    # 0.1 s epochs: never, and the fit starts again from scratch, 0.3 s of training lost
    assert epochs_in_backup(tmp_path / "backup") == backed_up


def test_a_fresh_start_trains_the_second_classifier_exactly_as_a_new_model_would():
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(64, 5)).astype("float32"), (rng.random(64) > 0.5).astype("float32")
    keras.utils.set_random_seed(1)
    model = keras.Sequential([keras.Input((5,)), keras.layers.Dense(4, activation="relu"), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.Adam(0.05), loss="mse")
    fresh = FreshStart(model)
    initial = [w.copy() for w in model.get_weights()]

    def train():
        model.fit(x, y, batch_size=16, epochs=3, shuffle=False, verbose=0)
        return [w.copy() for w in model.get_weights()]

    first = train()
    continued = train()  # no reset: starts from the first run's weights and moments
    fresh()
    assert all(np.array_equal(a, b) for a, b in zip(model.get_weights(), initial))
    assert int(model.optimizer.iterations.numpy()) == 0
    again = train()
    assert all(np.allclose(a, b) for a, b in zip(first, again))
    assert not all(np.allclose(a, b) for a, b in zip(first, continued))


def _fixed_scorer():
    """Scores fixed at sigmoid(0, 1, -1) for every image, and a learning rate of 0: fit only reports the loss."""
    model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(
        3, activation="sigmoid", kernel_initializer="zeros",
        bias_initializer=keras.initializers.Constant([0.0, 1.0, -1.0]))])
    return model


def test_keras_class_weight_weights_a_multi_hot_image_by_its_first_positive_class():
    y = np.array([[1, 0, 0], [0, 1, 0], [1, 1, 0]], dtype="float32")  # image 3: classes 0 and 1
    class_weight = {0: 1.0, 1: 10.0, 2: 1.0}
    model = _fixed_scorer()
    model.compile(optimizer=keras.optimizers.SGD(0.0), loss="binary_crossentropy")
    reported = model.fit(np.zeros((3, 1)), y, class_weight=class_weight, batch_size=3, verbose=0).history["loss"][0]
    p = model.predict(np.zeros((3, 1)), verbose=0)
    per_label = -(y * np.log(p) + (1 - y) * np.log(1 - p))
    by_first_class = (np.array([1.0, 10.0, 1.0]) * per_label.mean(axis=1)).mean()  # image 3 weighted as class 0
    per_label_weights = (np.where(y == 1, [1.0, 10.0, 1.0], 1.0) * per_label).mean()
    assert reported == pytest.approx(by_first_class, rel=1e-4)
    assert abs(reported - per_label_weights) > 0.1


def test_per_label_sample_weights_with_the_elementwise_loss_weight_each_label():
    y = np.array([[1, 0, 0], [0, 1, 0], [1, 1, 0]], dtype="float32")
    weights = np.where(y == 1, [1.0, 10.0, 1.0], 1.0).astype("float32")
    model = _fixed_scorer()
    model.compile(optimizer=keras.optimizers.SGD(0.0), loss=ElementwiseBinaryCrossentropy())
    reported = model.fit(np.zeros((3, 1)), y, sample_weight=weights, batch_size=3, verbose=0).history["loss"][0]
    p = model.predict(np.zeros((3, 1)), verbose=0)
    per_label = -(y * np.log(p) + (1 - y) * np.log(1 - p))
    assert reported == pytest.approx((weights * per_label).mean(), rel=1e-4)
