"""Measure a trained model the same way for every model of the series, and keep what was measured.

* quality on the evaluate split, every mAP with its bootstrap interval
  (:func:`quality`, :func:`print_map`), thresholds tuned on the tune split;
* costs: training wall time (:class:`Stopwatch`), inference latency
  (:func:`measure_latency`), memory and size on disk (:func:`measure_costs`);
* :func:`save_model_results` writes both to ``<results>/<profile>/<model>/``
  (the format is :mod:`helpers.results`'), and :func:`comparison_table` reads many
  models back into one table.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd

from helpers import config, metrics, results
from helpers.voc import CLASSES, label_matrix


# --- Costs ------------------------------------------------------------------------------------------------------

class Stopwatch:
    """``with Stopwatch() as watch: ...`` then ``watch.seconds``."""

    def __enter__(self):
        self._start = time.perf_counter()
        self.seconds = None
        return self

    def __exit__(self, *exc):
        self.seconds = time.perf_counter() - self._start
        return False


@dataclass
class Latency:
    """Inference time per image: ``median_ms`` of the timed runs, ``spread_ms``
    their interquartile range (both per image), over ``runs`` runs."""

    median_ms: float
    spread_ms: float
    runs: int

    @property
    def relative_spread(self) -> float:
        return self.spread_ms / self.median_ms if self.median_ms > 0 else 0.0


def measure_latency(predict: Callable[[np.ndarray], object], batch: np.ndarray, *, warmup: int = 3,
                    min_runs: int = 10, max_runs: int = 200, max_spread: float = 0.1,
                    max_seconds: float = 30.0) -> Latency:
    """Time ``predict(batch)`` until the timings settle, per image.

    After ``warmup`` untimed runs, runs are timed in rounds of ``min_runs`` until
    the interquartile range is at most ``max_spread`` of the median, or
    ``max_runs`` runs or ``max_seconds`` are reached. Returns a :class:`Latency`
    per image (the times divided by the batch size).
    """
    if min_runs < 1 or max_runs < min_runs:
        raise ValueError("need 1 <= min_runs <= max_runs.")
    for _ in range(warmup):
        predict(batch)
    times, start = [], time.perf_counter()
    while True:
        for _ in range(min_runs):
            begin = time.perf_counter()
            predict(batch)
            times.append(time.perf_counter() - begin)
        q1, median, q3 = np.percentile(times, [25, 50, 75])
        settled = (q3 - q1) <= max_spread * median
        if settled or len(times) >= max_runs or time.perf_counter() - start > max_seconds:
            break
    scale = 1000 / len(batch)
    return Latency(float(median * scale), float((q3 - q1) * scale), len(times))


def peak_rss_bytes() -> int:
    """Peak resident memory of this process so far, in bytes."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return int(peak if sys.platform == "darwin" else peak * 1024)


def size_on_disk(paths) -> int:
    """Total size in bytes of the given files (folders counted recursively)."""
    total = 0
    for path in map(Path, paths):
        if path.is_dir():
            total += sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
        else:
            total += os.path.getsize(path)
    return total


def in_fresh_process(code: str, *args: str):
    """Run Python ``code`` (with ``args`` as ``sys.argv[1:]``) in a new interpreter
    and return the JSON value on the last line it prints: for measurements that
    one process's history would spoil (peak memory only grows, Keras keeps what
    it has built)."""
    out = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, check=True).stdout
    return json.loads(out.strip().splitlines()[-1])


# --- Quality ----------------------------------------------------------------------------------------------------

INTERVAL = {"draws": 1000, "seed": 0, "interval": "normal"}
"""How every interval of the series is computed (:class:`helpers.metrics.Bootstrap`)."""
INTERVAL_TEXT = ("95 % interval: the estimate plus or minus 1.96 bootstrap standard deviations, 1000 resamples "
                 "of the evaluate images, seed 0")


def quality(y_eval, s_eval, y_tune, s_tune) -> dict:
    """Every quality figure of a model: scores on the evaluate split, with
    per-class thresholds tuned on the tune split. ``y_*`` hold 1 / 0 / -1.

    ``map_voc07_ci95`` is the 95 % bootstrap interval of ``map_voc07`` over the
    evaluate images (:data:`INTERVAL`); ``tune_map_voc07`` the mAP on the tune split
    (the figure to compare variants on while the evaluate split stays untouched);
    ``chance_map_voc07`` the mAP of random scores on the evaluate split."""
    y_eval, s_eval = np.asarray(y_eval), np.asarray(s_eval, dtype=float)
    thresholds = metrics.tune_thresholds(y_tune, s_tune)
    never = metrics.classes_never_predicted(s_eval, 0.5, CLASSES)
    tuned_f1 = metrics.f1_scores(y_eval, s_eval, thresholds)
    return {
        "map_voc07": metrics.mean_average_precision(y_eval, s_eval, "voc07"),
        "map_voc07_ci95": metrics.bootstrap_map(y_eval, s_eval, **INTERVAL).as_list(),
        "ci95_method": INTERVAL_TEXT,
        "map_area": metrics.mean_average_precision(y_eval, s_eval, "area"),
        "ap_voc07": dict(zip(CLASSES, metrics.average_precision(y_eval, s_eval, "voc07").round(6).tolist())),
        "tune_map_voc07": metrics.mean_average_precision(y_tune, s_tune, "voc07"),
        "chance_map_voc07": metrics.chance_map(y_eval, method="voc07"),
        "macro_f1_at_0_5": metrics.f1_scores(y_eval, s_eval, 0.5)["macro"],
        "macro_f1_tuned": tuned_f1["macro"],
        "micro_f1_tuned": tuned_f1["micro"],
        "hamming_loss_tuned": metrics.hamming_loss(y_eval, s_eval, thresholds),
        "exact_match_tuned": metrics.exact_match(y_eval, s_eval, thresholds),
        "mean_cosine_at_0_5": metrics.mean_cosine_similarity(y_eval, s_eval, 0.5),
        "per_label_accuracy_at_0_5": metrics.per_label_accuracy(y_eval, s_eval, 0.5),
        "predict_nothing_accuracy": metrics.predict_nothing_accuracy(y_eval),
        "classes_never_predicted_at_0_5": never,
        "classes_never_predicted_tuned": metrics.classes_never_predicted(s_eval, thresholds, CLASSES),
        "thresholds_tuned": dict(zip(CLASSES, [float(t) for t in thresholds])),
    }


# --- One model: measure, print, save ----------------------------------------------------------------------------

def save_weights_only(model, path: str | os.PathLike) -> Path:
    """Save the weights inference needs, without the optimizer's state.

    Once a model is compiled and trained, Keras 3's ``save_weights`` also
    stores the optimizer's variables (for Adam, twice the weights again). A
    bare wrapper around the same layers has no optimizer, so it writes the
    weights alone; they load into a freshly built copy of the model.
    """
    import keras

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    keras.Model(model.inputs, model.outputs).save_weights(path)
    return path


def measure_costs(predict_batch: Callable[[np.ndarray], object], image_size: int, *, train_seconds: float,
                  params: int, saved_paths, max_seconds: float = 30.0) -> dict:
    """The cost figures of a model: ``predict_batch`` maps a float32 image batch
    (n, size, size, 3) to scores. Latency is per image, at batch 1 and 64, the
    median of runs repeated until they agree (:func:`measure_latency`),
    with their interquartile range as the spread.

    Peak memory is left out on purpose: a notebook's process also holds its
    data and whatever it trained before, so its peak is not one model's figure.
    """
    rng = np.random.default_rng(0)
    batch = lambda n: (rng.random((n, image_size, image_size, 3)) * 255).astype("float32")  # noqa: E731
    single = measure_latency(predict_batch, batch(1), max_seconds=max_seconds)
    # a batch of 64 runs for seconds at 448 px: one warm-up and rounds of 3 are enough for it to settle
    batched = measure_latency(predict_batch, batch(64), warmup=1, min_runs=3, max_seconds=max_seconds)
    return {
        "train_seconds": float(train_seconds),
        "latency_ms_batch1": single.median_ms, "latency_ms_batch1_spread": single.spread_ms,
        "latency_ms_batch64": batched.median_ms, "latency_ms_batch64_spread": batched.spread_ms,
        "params": int(params),
        "size_bytes": size_on_disk(saved_paths),
    }


def print_map(plan, profile: str, tune_scores, eval_scores, title: str | None = None) -> tuple[float, float]:
    """Print a model's mAP (VOC07) on the tune split (the one variants are
    compared on) and on the evaluate split with its 95 % interval, beside random
    scores' mAP, naming the splits; return ``(tune mAP, evaluate mAP)``."""
    y_tune, y_evaluate = (label_matrix(plan.frames[role]).to_numpy() for role in ("tune", "evaluate"))
    tune_map = metrics.mean_average_precision(y_tune, tune_scores)
    evaluate = metrics.bootstrap_map(y_evaluate, eval_scores, **INTERVAL)
    if title:
        print(title)
    print(f"  tune mAP (VOC07):     {tune_map:.3f} on {plan.sources['tune']} (variants are compared on this split)")
    print(f"  evaluate mAP (VOC07): {evaluate} on {plan.sources['evaluate']}, {profile} profile (95 % interval); "
          f"random scores: {metrics.chance_map(y_evaluate):.3f}")
    return tune_map, evaluate.estimate


def save_model_results(model_name: str, profile: str, plan, eval_scores, tune_scores, costs: dict,
                       results_dir: str | os.PathLike, extra: dict | None = None) -> pd.Series:
    """Compute every quality figure (thresholds tuned on the tune split), write
    ``results_dir/<profile>/<model_name>/`` (and the evaluate split's labels beside
    it, for paired comparisons) and return the headline figures."""
    evaluate, tune = plan.frames["evaluate"], plan.frames["tune"]
    figures = quality(label_matrix(evaluate).to_numpy(), eval_scores, label_matrix(tune).to_numpy(), tune_scores)
    record = results.provenance(profile, plan)
    record.update(extra or {})
    profile_dir = Path(results_dir) / profile
    folder = results.write_results(profile_dir / model_name, evaluate["image_id"], eval_scores, figures, costs,
                                   record)
    results.write_labels(profile_dir, evaluate)
    headline = {key: figures[key] for key in ("map_voc07", "map_area", "macro_f1_at_0_5", "macro_f1_tuned",
                                              "exact_match_tuned", "per_label_accuracy_at_0_5")}
    headline["map_voc07_ci95"] = "[{:.3f}, {:.3f}]".format(*figures["map_voc07_ci95"])
    headline["classes_never_predicted_at_0_5"] = len(figures["classes_never_predicted_at_0_5"])
    headline.update({k: costs[k] for k in ("train_seconds", "latency_ms_batch1", "params", "size_bytes")})
    print(f"results written to {config.shown_path(folder)}")
    return pd.Series(headline, name=model_name)


# --- Many models: one table ------------------------------------------------------------------------------------

def comparison_table(records: dict[str, dict]) -> pd.DataFrame:
    """One row per model that has results: quality on the evaluate split and measured costs.

    ``tune mAP VOC07`` is on the tune split; ``epochs`` and ``images seen``
    (training images processed, all epochs) are NaN where a file lacks them.
    """
    rows = {}
    for name, r in records.items():
        rows[name] = {
            "mAP VOC07": r["map_voc07"], "mAP low": (r.get("map_voc07_ci95") or [np.nan, np.nan])[0],
            "mAP high": (r.get("map_voc07_ci95") or [np.nan, np.nan])[1],
            "mAP area": r["map_area"], "tune mAP VOC07": r.get("tune_map_voc07"),
            "macro F1 @0.5": r["macro_f1_at_0_5"], "macro F1 tuned": r["macro_f1_tuned"],
            "micro F1 tuned": r["micro_f1_tuned"], "exact match tuned": r["exact_match_tuned"],
            "cosine @0.5": r["mean_cosine_at_0_5"], "per-label acc @0.5": r["per_label_accuracy_at_0_5"],
            "predict-nothing acc": r["predict_nothing_accuracy"],
            "classes never predicted @0.5": len(r["classes_never_predicted_at_0_5"]),
            "classes never predicted tuned": len(r["classes_never_predicted_tuned"]),
            "train min": r["train_seconds"] / 60, "epochs": r.get("epochs_trained"),
            "images seen": r.get("images_seen"),
            "latency ms (batch 1)": r["latency_ms_batch1"], "latency IQR ms": r.get("latency_ms_batch1_spread"),
            "latency ms/img (batch 64)": r["latency_ms_batch64"], "params M": r["params"] / 1e6,
            "size MB": r["size_bytes"] / 1e6,
        }
    order = [m for m in results.MODEL_NAMES if m in rows] + sorted(set(rows) - set(results.MODEL_NAMES))
    return pd.DataFrame.from_dict(rows, orient="index").loc[order].astype(float)


def chance_map(records: dict[str, dict]) -> float | None:
    """The mAP (VOC07) of random scores on the evaluate split, from the results files."""
    values = [r["chance_map_voc07"] for r in records.values() if r.get("chance_map_voc07") is not None]
    return values[0] if values else None


def missing_models(records: dict[str, dict], expected=results.FROM_SCRATCH) -> list[str]:
    """The models of ``expected`` (by default those notebook 04 compares) that have no results file yet."""
    return [name for name in expected if name not in records]


def paired_differences(records: dict[str, dict], pairs, y_true, image_ids) -> pd.DataFrame:
    """For each ``(a, b)`` of ``pairs``: mAP(a) - mAP(b) on the evaluate split with
    its paired 95 % interval (:data:`INTERVAL`; the same resamples for every pair),
    and the series' verdict (:func:`helpers.metrics.verdict`). ``y_true`` and
    ``image_ids``: the evaluate split's labels and ids, in the order of ``y_true``."""
    boot = metrics.Bootstrap(y_true, **INTERVAL)
    rows = []
    for a, b in pairs:
        scores = [results.load_scores(records[name]["results_folder"]).set_index("image_id")
                  .loc[list(image_ids), list(CLASSES)].to_numpy() for name in (a, b)]
        difference = boot.difference(*scores)
        rows.append({"pair": f"{results.short_name(a)} - {results.short_name(b)}", "difference": difference.estimate,
                     "low": difference.low, "high": difference.high,
                     "verdict": metrics.verdict(difference, results.short_name(a), results.short_name(b))})
    return pd.DataFrame(rows).set_index("pair")


def require(records: dict[str, dict], expected=results.FROM_SCRATCH) -> None:
    """Raise ``FileNotFoundError`` naming the notebook to run for each model of
    ``expected`` that has no results (here, or in the reference results)."""
    missing = missing_models(records, expected)
    if missing:
        raise FileNotFoundError("No results for " + ", ".join(
            f"{name} (run notebooks/{results.MADE_BY[name]})" for name in missing)
            + " in this profile, and no reference results for them either.")


def save_record(file_name: str, profile: str, plan, record: dict, results_dir: str | os.PathLike) -> Path:
    """Write one results file of a profile (``<results>/<profile>/<file_name>``) with the
    run's provenance (profile, splits, machine, versions, date); say where, return its path."""
    path = results.write_record(Path(results_dir) / profile / file_name, results.provenance(profile, plan) | record)
    print(f"written to {config.shown_path(path)}")
    return path
