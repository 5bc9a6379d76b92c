"""Training plumbing shared by the model notebooks: a loss that skips difficult
labels, and the callbacks every training run uses.

The notebooks explain both; they live here so that the three models train
the same way.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from helpers.environment import import_tensorflow

import_tensorflow()  # before keras: keeps TensorFlow's start-up lines out of the outputs
import keras
import numpy as np


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


BACKUP_EVERY_SECONDS = 60.0
"""How much training an interruption may cost at most: the backup is written at the end of the first epoch that
ends this long after the last one (writing 17 million weights after every one-second epoch costs more than it saves)."""


class ThrottledBackup(keras.callbacks.BackupAndRestore):
    """``BackupAndRestore`` that writes its backup at the end of an epoch only when at least ``every_seconds``
    have passed since the fit began or since the last backup: an interrupted fit resumes at the last epoch
    backed up, at most ``every_seconds`` of training earlier, and short epochs are not slowed by writes."""

    def __init__(self, backup_dir: str, every_seconds: float = BACKUP_EVERY_SECONDS):
        super().__init__(backup_dir)
        self.every_seconds = every_seconds
        self._last_backup = time.monotonic()

    def on_train_begin(self, logs=None):
        super().on_train_begin(logs)
        self._last_backup = time.monotonic()

    def on_epoch_end(self, epoch, logs=None):
        self._current_epoch, self._last_batch_seen = epoch + 1, 0  # as BackupAndRestore.on_epoch_end keeps them
        if time.monotonic() - self._last_backup >= self.every_seconds:
            self._save_model()
            self._last_backup = time.monotonic()


def training_callbacks(backup_dir: str | os.PathLike, patience: int | None = 5, monitor: str = "val_loss",
                       mode: str = "auto", backup_every_seconds: float = BACKUP_EVERY_SECONDS,
                       ) -> list[keras.callbacks.Callback]:
    """Early stopping on the tune split (``monitor``, best weights restored; ``mode``
    ``"max"`` for a metric to maximise such as ``"val_auc_pr"``) and
    a backup (:class:`ThrottledBackup`, at most every ``backup_every_seconds``), so
    an interrupted ``fit`` resumes at the last epoch backed up when called again
    with the same ``backup_dir``. ``patience=None``
    leaves early stopping out, for training on a fixed budget of epochs.

    Keras deletes the backup when ``fit`` ends normally, so one that is still
    there comes from an interrupted run: say so, since the epochs already done
    are neither trained nor timed again.
    """
    reached = epochs_in_backup(backup_dir)
    if reached:
        print(f"Resuming from the backup in {backup_dir}: {reached} epoch(s) were trained before the interruption "
              "and are not timed again. Delete that folder to train from scratch.")
    Path(backup_dir).mkdir(parents=True, exist_ok=True)
    backup = ThrottledBackup(str(backup_dir), every_seconds=backup_every_seconds)
    if patience is None:  # a fixed budget of epochs: no early stopping
        return [backup]
    return [keras.callbacks.EarlyStopping(monitor=monitor, mode=mode, patience=patience, restore_best_weights=True),
            backup]


def ranking_metric(n_labels: int | None = None) -> keras.metrics.Metric:
    """Area under the precision-recall curve, named ``auc_pr``: close to average
    precision, the series' metric, and unmoved by how calibrated the scores are.
    With ``n_labels``, the mean over that many labels (one per class).

    Pass it as a ``weighted_metrics`` entry so that masked (difficult) entries
    do not count, and monitor ``"val_auc_pr"`` with ``mode="max"``.
    """
    if n_labels is None:
        return keras.metrics.AUC(curve="PR", name="auc_pr")
    return keras.metrics.AUC(curve="PR", multi_label=True, num_labels=n_labels, name="auc_pr")


def stopping_summary(history: dict, max_epochs: int, monitor: str = "val_auc_pr") -> dict:
    """Epochs run, the best epoch (1-based) of ``monitor`` and whether the
    epoch cap was reached, from ``keras.callbacks.History.history``."""
    values = history[monitor]
    return {"epochs": len(values), "best_epoch": int(np.argmax(values)) + 1,
            f"best {monitor}": float(np.max(values)), "hit cap": len(values) >= max_epochs}


class FreshStart:
    """Puts a compiled model back to the weights and optimizer state it had
    before any training, so that one compiled model trains many classifiers in
    turn (notebook 01's twenty).

    Building a new model per classifier costs memory that Keras does not give
    back, even after ``del``, ``gc.collect()`` and ``keras.backend.clear_session()``
    (``benchmarks/model1_memory.py``: about 0.25 GiB per classifier); one model
    reset in place reuses its compiled training step. Each classifier then starts
    from the same initial weights. Create it right after ``compile``, call it
    before each ``fit``.
    """

    def __init__(self, model: keras.Model):
        model.optimizer.build(model.trainable_variables)  # creates Adam's moments and step counter
        self.model = model
        self.weights = model.get_weights()
        self.optimizer_state = [variable.numpy() for variable in model.optimizer.variables]

    def __call__(self) -> keras.Model:
        """Reset the model in place and return it."""
        self.model.set_weights(self.weights)
        for variable, value in zip(self.model.optimizer.variables, self.optimizer_state):
            variable.assign(value)
        return self.model


def epochs_in_backup(backup_dir: str | os.PathLike) -> int:
    """Epochs completed by an interrupted ``fit`` whose backup is in ``backup_dir`` (0 if none)."""
    metadata = Path(backup_dir) / "training_metadata.json"
    return int(json.loads(metadata.read_text()).get("epoch", 0)) if metadata.exists() else 0


def has_bfloat16_cpu() -> bool:
    """Whether this CPU computes in bfloat16 natively (the ``avx512_bf16`` or
    ``amx_bf16`` flag of Linux's /proc/cpuinfo)."""
    try:
        flags = Path("/proc/cpuinfo").read_text()
    except OSError:
        return False
    return "avx512_bf16" in flags or "amx_bf16" in flags


def fast_precision() -> str:
    """The Keras dtype policy that trains fastest here, as measured for the series:
    ``"mixed_bfloat16"`` on a CPU-only machine whose CPU has bfloat16 units
    (faster than float32 there: the float32 row of ``benchmarks/model3_ablation.py``
    measures by how much), else
    ``"float32"`` (on a GPU, and on CPUs that would only emulate bfloat16).

    Mixed precision computes in bfloat16 and keeps the weights in float32; the
    models of :mod:`helpers.models` keep their sigmoid outputs in float32.
    """
    import tensorflow as tf

    if tf.config.list_physical_devices("GPU") or not has_bfloat16_cpu():
        return "float32"
    return "mixed_bfloat16"


def adamw(learning_rate, weight_decay: float = 0.05) -> keras.optimizers.Optimizer:
    """AdamW with weight decay on the weights only: batch-normalisation scales
    and shifts and the biases are not decayed."""
    optimizer = keras.optimizers.AdamW(learning_rate, weight_decay=weight_decay)
    optimizer.exclude_from_weight_decay(var_names=["gamma", "beta", "bias"])
    return optimizer


def warmup_cosine(peak: float, total_steps: int, warmup_steps: int) -> keras.optimizers.schedules.LearningRateSchedule:
    """Learning rate rising linearly from 0 to ``peak`` over ``warmup_steps``, then
    falling to 0 along a half cosine by ``total_steps``."""
    return keras.optimizers.schedules.CosineDecay(
        0.0, decay_steps=max(total_steps - warmup_steps, 1), warmup_target=peak, warmup_steps=warmup_steps)


class EpochLine(keras.callbacks.Callback):
    """A compact progress line instead of Keras' per-epoch log: every ``every``
    epochs (and after the last one) one line with the epoch count, the time so far
    and the metrics named in ``shown`` (those present), e.g.
    ``epoch 10/80, 2.1 min: loss 0.145, val_auc_pr 0.412``. Pass ``verbose=0`` to
    ``fit`` with it; the curves are for a plot."""

    def __init__(self, every: int = 5, shown=("loss", "val_loss", "auc_pr", "val_auc_pr"), prefix: str = ""):
        super().__init__()
        self.every, self.shown, self.prefix = every, tuple(shown), prefix

    def on_train_begin(self, logs=None):
        self.start = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        total = self.params.get("epochs")
        stopping = getattr(self.model, "stop_training", False)
        if (epoch + 1) % self.every and epoch + 1 != total and not stopping:
            return
        seconds = time.perf_counter() - self.start
        clock = f"{seconds:.0f} s" if seconds < 90 else f"{seconds / 60:.1f} min"
        values = ", ".join(f"{name} {logs[name]:.3f}" for name in self.shown if name in (logs or {}))
        print(f"{self.prefix}epoch {epoch + 1}/{total}, {clock}: {values}", flush=True)
