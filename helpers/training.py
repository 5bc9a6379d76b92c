"""Training plumbing shared by the model notebooks: a loss that skips difficult
labels, and the callbacks every training run uses.

The notebooks explain both; they live here so that the three models train
the same way.
"""

from __future__ import annotations

import json
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
    reached when called again with the same ``backup_dir``.

    Keras deletes the backup when ``fit`` ends normally, so one that is still
    there comes from an interrupted run: say so, since the epochs already done
    are neither trained nor timed again.
    """
    reached = epochs_in_backup(backup_dir)
    if reached:
        print(f"Resuming from the backup in {backup_dir}: {reached} epoch(s) were trained before the interruption "
              "and are not timed again. Delete that folder to train from scratch.")
    Path(backup_dir).mkdir(parents=True, exist_ok=True)
    return [
        keras.callbacks.EarlyStopping(monitor=monitor, patience=patience, restore_best_weights=True),
        keras.callbacks.BackupAndRestore(str(backup_dir)),
    ]


def epochs_in_backup(backup_dir: str | os.PathLike) -> int:
    """Epochs completed by an interrupted ``fit`` whose backup is in ``backup_dir`` (0 if none)."""
    metadata = Path(backup_dir) / "training_metadata.json"
    return int(json.loads(metadata.read_text()).get("epoch", 0)) if metadata.exists() else 0
