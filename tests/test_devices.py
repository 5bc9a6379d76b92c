"""Training on several devices: a tiny model learns under MirroredStrategy over two logical CPUs."""

import json

import pytest

import tensorflow as tf

from helpers import environment, evaluation

# Logical devices must be set before TensorFlow starts, hence a fresh interpreter.
TRAIN_ON_TWO_CPUS = """
import json, sys
import tensorflow as tf
cpu = tf.config.list_physical_devices("CPU")[0]
tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)

import keras
import numpy as np
from helpers import data, environment, metrics, voc
from tests.test_learning import small_cnn

strategy = environment.use_all_devices(["/cpu:0", "/cpu:1"], verbose=False)
keras.utils.set_random_seed(0)
batch = environment.global_batch_size(16)
fit = data.make_dataset(voc.load_split(sys.argv[1], "train"), 64, batch, shuffle=True, with_masks=False)
val_frame = voc.load_split(sys.argv[1], "val")
model = small_cnn()  # built under the strategy use_all_devices made the default
model.compile(keras.optimizers.Adam(2e-3), "binary_crossentropy")
history = model.fit(fit, epochs=12, verbose=0)
scores = model.predict(data.make_dataset(val_frame, 64, 64, with_masks=False), verbose=0)
y = voc.label_matrix(val_frame).to_numpy()
chance = float(np.mean([metrics.mean_average_precision(y, np.random.default_rng(s).random(y.shape))
                        for s in range(5)]))
print(json.dumps({
    "replicas": strategy.num_replicas_in_sync, "batch": batch,
    "strategy": type(model.distribute_strategy).__name__,
    "variable": type(model.weights[0].value).__name__,
    "first_loss": history.history["loss"][0], "last_loss": history.history["loss"][-1],
    "map": metrics.mean_average_precision(y, scores), "chance": chance,
}))
"""


def test_a_tiny_model_learns_under_mirrored_strategy_on_two_logical_cpus(tiny_root):
    run = evaluation.in_fresh_process(TRAIN_ON_TWO_CPUS, str(tiny_root))
    assert run["replicas"] == 2 and run["batch"] == 32
    assert run["strategy"] == "MirroredStrategy" and run["variable"] == "MirroredVariable"
    assert run["last_loss"] < run["first_loss"]
    assert run["map"] > 2 * run["chance"], run


def test_one_device_keeps_the_default_strategy_and_the_batch_size():
    strategy = environment.choose_strategy()
    assert strategy.num_replicas_in_sync == 1
    assert environment.global_batch_size(32, strategy) == 32
    assert "batch sizes as set" in environment.describe(strategy)


def test_no_tpu_is_seen_without_its_signs(monkeypatch):
    for name in ("COLAB_TPU_ADDR", "TPU_NAME"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(tf.config, "list_physical_devices", lambda kind=None: [])
    monkeypatch.setattr(environment.Path, "glob", lambda self, pattern: iter(()))
    assert not environment.tpu_attached()
    monkeypatch.setenv("COLAB_TPU_ADDR", "10.0.0.2:8470")
    assert environment.tpu_attached()


def test_a_tpu_that_does_not_answer_falls_back_with_a_message(monkeypatch, capsys):
    monkeypatch.setattr(environment, "tpu_attached", lambda: True)

    def refuse():
        raise ValueError("no TPU found")

    monkeypatch.setattr(environment, "connect_tpu", refuse)
    strategy = environment.choose_strategy()
    assert strategy.num_replicas_in_sync == 1
    assert "did not answer (no TPU found)" in capsys.readouterr().out
