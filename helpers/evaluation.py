"""From a trained model to its results files: costs measured the same way for every model."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Callable

from helpers.environment import import_tensorflow

import_tensorflow()  # before keras: keeps TensorFlow's start-up lines out of the outputs
import keras
import numpy as np
import pandas as pd

from helpers import config, costs, metrics, results
from helpers.voc import label_matrix


def save_weights_only(model: keras.Model, path: str | os.PathLike) -> Path:
    """Save the weights inference needs, without the optimizer's state.

    Once a model is compiled and trained, Keras 3's ``save_weights`` also
    stores the optimizer's variables (for Adam, twice the weights again). A
    bare wrapper around the same layers has no optimizer, so it writes the
    weights alone; they load into a freshly built copy of the model.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    keras.Model(model.inputs, model.outputs).save_weights(path)
    return path


def measure_costs(predict_batch: Callable[[np.ndarray], object], image_size: int, *, train_seconds: float,
                  params: int, saved_paths, max_seconds: float = 30.0) -> dict:
    """The cost figures of a model: ``predict_batch`` maps a float32 image batch
    (n, size, size, 3) to scores. Latency is per image, at batch 1 and 64, the
    median of runs repeated until they agree (:func:`helpers.costs.measure_latency`),
    with their interquartile range as the spread.

    Peak memory is left out on purpose: a notebook's process also holds its
    data and whatever it trained before, so its peak is not one model's figure.
    """
    rng = np.random.default_rng(0)
    batch = lambda n: (rng.random((n, image_size, image_size, 3)) * 255).astype("float32")  # noqa: E731
    single = costs.measure_latency(predict_batch, batch(1), max_seconds=max_seconds)
    batched = costs.measure_latency(predict_batch, batch(64), min_runs=5, max_seconds=max_seconds)
    return {
        "train_seconds": float(train_seconds),
        "latency_ms_batch1": single.median_ms, "latency_ms_batch1_spread": single.spread_ms,
        "latency_ms_batch64": batched.median_ms, "latency_ms_batch64_spread": batched.spread_ms,
        "params": int(params),
        "size_bytes": costs.size_on_disk(saved_paths),
    }


def print_map(plan, profile: str, tune_scores, eval_scores, title: str | None = None) -> tuple[float, float]:
    """Print a model's mAP (VOC07) on the tune split (the one to compare
    variants on) and on the evaluate split beside random scores' mAP, naming
    the splits; return ``(tune mAP, evaluate mAP)``."""
    y_tune, y_evaluate = (label_matrix(plan.frames[role]).to_numpy() for role in ("tune", "evaluate"))
    tune_map = metrics.mean_average_precision(y_tune, tune_scores)
    eval_map = metrics.mean_average_precision(y_evaluate, eval_scores)
    if title:
        print(title)
    print(f"  tune mAP (VOC07):     {tune_map:.3f} on {plan.sources['tune']}  <- compare variants on this one")
    print(f"  evaluate mAP (VOC07): {eval_map:.3f} on {plan.sources['evaluate']}, {profile} profile; "
          f"random scores: {metrics.chance_map(y_evaluate):.3f}")
    return tune_map, eval_map


def save_model_results(model_name: str, profile: str, plan, eval_scores, tune_scores, costs: dict,
                       results_dir: str | os.PathLike, extra: dict | None = None) -> pd.Series:
    """Compute every quality figure (thresholds tuned on the tune split), write
    ``results_dir/<profile>/<model_name>/`` and return the headline figures."""
    evaluate, tune = plan.frames["evaluate"], plan.frames["tune"]
    figures = results.quality(label_matrix(evaluate).to_numpy(), eval_scores,
                              label_matrix(tune).to_numpy(), tune_scores)
    record = results.provenance(profile, plan)
    record.update(extra or {})
    folder = results.write_results(Path(results_dir) / profile / model_name, evaluate["image_id"], eval_scores,
                                   figures, costs, record)
    headline = {key: figures[key] for key in ("map_voc07", "map_area", "macro_f1_at_0_5", "macro_f1_tuned",
                                              "exact_match_tuned", "per_label_accuracy_at_0_5")}
    headline["classes_never_predicted_at_0_5"] = len(figures["classes_never_predicted_at_0_5"])
    headline.update({k: costs[k] for k in ("train_seconds", "latency_ms_batch1", "params", "size_bytes")})
    print(f"results written to {config.shown_path(folder)}")
    return pd.Series(headline, name=model_name)
