"""Training plumbing shared by the model notebooks: a loss that skips difficult
labels, and the callbacks every training run uses.

The notebooks explain both; they live here so that the three models train
the same way.
"""

from __future__ import annotations

import os
from pathlib import Path

import keras


@keras.saving.register_keras_serializable(package="voc")
class ElementwiseBinaryCrossentropy(keras.losses.Loss):
    """Binary cross-entropy that keeps one value per (image, class).

    Keras' own ``BinaryCrossentropy`` averages over the classes before the
    sample weights are applied, so a ``(batch, 20)`` mask could only weight
    whole images. Keeping the per-class values lets the mask from
    :func:`helpers.data.make_dataset` (0 for "difficult") switch off single
    labels: pass it as the sample weight, as the dataset's third element.
    """

    def __init__(self, from_logits: bool = False, name: str = "elementwise_bce", **kwargs):
        super().__init__(name=name, **kwargs)
        self.from_logits = from_logits

    def call(self, y_true, y_pred):
        return keras.ops.binary_crossentropy(y_true, y_pred, from_logits=self.from_logits)

    def get_config(self):
        return {**super().get_config(), "from_logits": self.from_logits}


def training_callbacks(backup_dir: str | os.PathLike, patience: int = 5,
                       monitor: str = "val_loss") -> list[keras.callbacks.Callback]:
    """Early stopping on the tune split (best weights restored) and
    ``BackupAndRestore``, so an interrupted ``fit`` resumes at the epoch it
    reached when called again with the same ``backup_dir``."""
    Path(backup_dir).mkdir(parents=True, exist_ok=True)
    return [
        keras.callbacks.EarlyStopping(monitor=monitor, patience=patience, restore_best_weights=True),
        keras.callbacks.BackupAndRestore(str(backup_dir)),
    ]
