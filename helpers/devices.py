"""Which devices train: a Colab TPU, every GPU of the machine, or the one default device.

:func:`use_all_devices` picks a ``tf.distribute`` strategy and makes it the
default for everything built afterwards, so a notebook's model-building cells
need no ``with strategy.scope():``. Keras models remember the strategy they were
created under and ``fit`` splits each batch between its replicas: scale the
batch size with :func:`global_batch_size` so each device gets as many images
as one device alone would.
"""

from __future__ import annotations

import os
from pathlib import Path

from helpers.environment import import_tensorflow

tf = import_tensorflow()


def tpu_attached() -> bool:
    """Whether a TPU is attached: a TPU device TensorFlow already sees, Colab's
    ``COLAB_TPU_ADDR`` or a ``TPU_NAME``, or the ``/dev/accel*`` files of a TPU VM."""
    if os.environ.get("COLAB_TPU_ADDR") or os.environ.get("TPU_NAME"):
        return True
    if tf.config.list_physical_devices("TPU"):
        return True
    return any(Path("/dev").glob("accel*"))


def connect_tpu() -> tf.distribute.Strategy:
    """A ``TPUStrategy`` on the attached TPU (TensorFlow's documented recipe)."""
    resolver = tf.distribute.cluster_resolver.TPUClusterResolver(tpu=os.environ.get("TPU_NAME", "local"))
    tf.config.experimental_connect_to_cluster(resolver)
    tf.tpu.experimental.initialize_tpu_system(resolver)
    return tf.distribute.TPUStrategy(resolver)


def choose_strategy(devices: list[str] | None = None) -> tf.distribute.Strategy:
    """The strategy for this machine.

    ``devices`` (e.g. ``["/cpu:0", "/cpu:1"]``) forces a ``MirroredStrategy``
    over exactly those devices. Otherwise: a ``TPUStrategy`` when a TPU is
    attached and answers, a ``MirroredStrategy`` over all GPUs when there are
    two or more, else TensorFlow's default strategy (one device, nothing changes).
    """
    if devices:
        return tf.distribute.MirroredStrategy(devices)
    if tpu_attached():
        try:
            return connect_tpu()
        except (ValueError, RuntimeError, tf.errors.OpError) as error:
            print(f"A TPU seems attached but did not answer ({error}); training on the other devices.")
    gpus = tf.config.list_logical_devices("GPU")
    if len(gpus) > 1:
        return tf.distribute.MirroredStrategy([gpu.name for gpu in gpus])
    return tf.distribute.get_strategy()


def describe(strategy: tf.distribute.Strategy) -> str:
    """One line: which strategy and how many replicas train in step."""
    replicas = strategy.num_replicas_in_sync
    if replicas == 1:
        device = "one GPU" if tf.config.list_logical_devices("GPU") else "the CPU"
        return f"Training on {device} (no tf.distribute strategy needed); batch sizes as set."
    return (f"Training on {replicas} devices in step ({type(strategy).__name__}); each batch size is multiplied "
            f"by {replicas}, so every device sees as many images per step as one device alone would.")


def use_all_devices(devices: list[str] | None = None, verbose: bool = True) -> tf.distribute.Strategy:
    """Choose a strategy (:func:`choose_strategy`), make it the default for every
    model, layer and optimizer created afterwards, and return it.

    Call it once, before building any model. On one device this changes nothing.
    """
    strategy = choose_strategy(devices)
    if strategy.num_replicas_in_sync > 1 or devices:
        tf.distribute.experimental_set_strategy(strategy)
    if verbose:
        print(describe(strategy))
    return strategy


def global_batch_size(per_device: int, strategy: tf.distribute.Strategy | None = None) -> int:
    """``per_device`` images for each replica: the batch size to give ``fit``
    (``strategy``: the current default one when not given)."""
    strategy = strategy or tf.distribute.get_strategy()
    return per_device * strategy.num_replicas_in_sync
