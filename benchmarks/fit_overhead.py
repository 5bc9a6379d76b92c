"""Where the tiny profile's seconds go: the fixed costs of a Keras ``fit`` against its computation.

On the tiny profile a notebook trains many small models for a few epochs, so what it pays per ``fit``,
not per image, sets its run time. This measures, in one process on random arrays of about tiny's sizes
(400 fit and 200 tune images at 32 px, against tiny's 384 and 192; batch 64, 3 epochs, the balanced sets of
notebook 01):

* importing TensorFlow and Keras in a fresh interpreter (every notebook pays it once);
* twenty fits of one compiled network reset between them (notebook 01's loop), fed three ways:
  NumPy arrays (``fit`` shuffles them every epoch), a shuffled ``tf.data.Dataset`` built from them per fit,
  and ``helpers.data.array_batches`` (the same with tf.data's static optimisations turned off: what
  notebooks 01 and 02 pass);
* the first ``fit`` and ``predict`` of a freshly built network (tracing) against a second one.

Not a test: it prints measured figures and writes them to ``results/benchmarks/fit_overhead.json``.

    python benchmarks/fit_overhead.py
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from helpers import data, models, results, training

import keras  # noqa: E402  (after helpers, which quiets TensorFlow)
import tensorflow as tf  # noqa: E402


def import_seconds() -> float:
    """Wall time of ``import tensorflow, keras`` in a fresh interpreter (the interpreter's own start excluded)."""
    code = "import time; t = time.perf_counter(); import tensorflow, keras; print(time.perf_counter() - t)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    return float(out.strip().splitlines()[-1])


def default_dataset(x, y, batch_size: int, shuffle: bool) -> tf.data.Dataset:
    """``(x, y)`` batched (reshuffled every epoch when ``shuffle``, as ``fit`` does with arrays), with
    tf.data's default static optimisations: ``data.array_batches`` without its options."""
    dataset = tf.data.Dataset.from_tensor_slices((x, y))
    if shuffle:
        dataset = dataset.shuffle(len(x), seed=0)
    return dataset.batch(batch_size)


def twenty_fits(feed: str, x_fit, y_fit, x_tune, y_tune, rows_per_class, image_size: int, epochs: int,
                batch_size: int) -> float:
    """Seconds for notebook 01's loop: one compiled network, reset and fitted once per class."""
    keras.utils.set_random_seed(0)
    network = models.original_cnn(image_size, 1)
    network.compile(optimizer=keras.optimizers.Adam(1e-3), loss="binary_crossentropy",
                    weighted_metrics=[training.ranking_metric()], jit_compile=False)
    reset = training.FreshStart(network)
    start = time.perf_counter()
    for k, rows in enumerate(rows_per_class):
        reset()
        if feed == "numpy arrays":  # fit shuffles the arrays itself
            feeding = {"x": x_fit[rows], "y": y_fit[rows, k], "batch_size": batch_size,
                       "validation_data": (x_tune, y_tune[:, k]), "validation_batch_size": 256}
        elif feed == "tf.data, default options":  # the datasets shuffle themselves
            feeding = {"x": default_dataset(x_fit[rows], y_fit[rows, k], batch_size, shuffle=True), "shuffle": False,
                       "validation_data": default_dataset(x_tune, y_tune[:, k], 256, shuffle=False)}
        else:
            feeding = {"x": data.array_batches(x_fit[rows], y_fit[rows, k], batch_size=batch_size, shuffle=True),
                       "shuffle": False,
                       "validation_data": data.array_batches(x_tune, y_tune[:, k], batch_size=256)}
        network.fit(**feeding, epochs=epochs, verbose=0,
                    callbacks=[keras.callbacks.EarlyStopping("val_auc_pr", mode="max", patience=2,
                                                             restore_best_weights=True)])
    return time.perf_counter() - start


def first_and_second(x_fit, y_fit, x_tune, image_size: int, batch_size: int) -> dict:
    """Seconds of a fresh network's first one-epoch fit and predict, and of the same calls again."""
    network = models.original_cnn(image_size, y_fit.shape[1])
    network.compile(optimizer=keras.optimizers.Adam(1e-3), loss="binary_crossentropy", jit_compile=False)
    times = {}
    for call in ("first", "second"):
        start = time.perf_counter()
        network.fit(x_fit, y_fit, batch_size=batch_size, epochs=1, verbose=0)
        times[f"fit, {call} call"] = time.perf_counter() - start
        start = time.perf_counter()
        network.predict(x_tune, batch_size=256, verbose=0)
        times[f"predict, {call} call"] = time.perf_counter() - start
    return times


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--image-size", type=int, default=32)
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--output", type=Path, default=Path("results/benchmarks/fit_overhead.json"))
    args = parser.parse_args(argv)

    rng = np.random.default_rng(0)
    x_fit = (rng.random((400, args.image_size, args.image_size, 3)) * 255).astype("float32")
    x_tune = (rng.random((200, args.image_size, args.image_size, 3)) * 255).astype("float32")
    y_fit = (rng.random((400, 20)) < 0.1).astype("float32")
    y_tune = (rng.random((200, 20)) < 0.1).astype("float32")
    labels = np.where(y_fit == 1, 1, -1)  # VOC's coding: present 1, absent -1
    rows_per_class = [data.balanced_indices(labels, k, 2, rng) for k in range(20)]  # notebook 01's balanced sets
    images_per_epoch = sum(len(rows) for rows in rows_per_class)

    record = {"import tensorflow and keras": import_seconds()}
    print(f"import tensorflow and keras, fresh interpreter: {record['import tensorflow and keras']:.1f} s")
    twenty_fits("numpy arrays", x_fit, y_fit, x_tune, y_tune, rows_per_class[:2], args.image_size, 1,
                args.batch_size)  # warm-up: TensorFlow's one-off start-up costs
    fits = {}
    for feed in ("numpy arrays", "tf.data, default options", "tf.data, optimisations off (data.array_batches)"):
        fits[feed] = twenty_fits(feed, x_fit, y_fit, x_tune, y_tune, rows_per_class, args.image_size, args.epochs,
                                 args.batch_size)
        print(f"twenty fits, {args.epochs} epochs, {images_per_epoch} images per epoch in all, {feed}: "
              f"{fits[feed]:.1f} s ({fits[feed] / fits['numpy arrays']:.2f} x numpy arrays)")
    record["twenty_fits_seconds"] = fits
    tracing = first_and_second(x_fit, y_fit, x_tune, args.image_size, args.batch_size)
    for name, seconds in tracing.items():
        print(f"a fresh 20-output network, one epoch on 400 images: {name} {seconds:.2f} s")
    record["fresh_network_seconds"] = tracing

    results.write_benchmark(args.output, {
        "what": "seconds; random arrays shaped like the tiny profile's",
        "image_size": args.image_size, "epochs": args.epochs, "batch_size": args.batch_size,
        "images_per_epoch_twenty_fits": images_per_epoch,
        **{key: (round(value, 2) if isinstance(value, float) else {k: round(v, 2) for k, v in value.items()})
           for key, value in record.items()}})
    return 0


if __name__ == "__main__":
    sys.exit(main())
