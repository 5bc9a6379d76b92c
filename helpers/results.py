"""Results files: what each model notebook writes and the comparison reads.

A model's folder ``results/<profile>/<model>/`` holds

* ``scores.csv``: one row per image of the evaluate split, ``image_id`` then
  the 20 class scores in :data:`helpers.voc.CLASSES` order;
* ``metrics.json``: quality on the evaluate split, measured costs and provenance
  (profile, splits, image counts, machine, versions, date).
"""

from __future__ import annotations

import json
import os
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import pandas as pd

from helpers import environment, metrics
from helpers.voc import CLASSES

QUALITY_KEYS = ("map_voc07", "map_area", "ap_voc07", "tune_map_voc07", "chance_map_voc07", "macro_f1_at_0_5", "macro_f1_tuned", "micro_f1_tuned",
                "hamming_loss_tuned", "exact_match_tuned", "mean_cosine_at_0_5", "per_label_accuracy_at_0_5",
                "predict_nothing_accuracy", "classes_never_predicted_at_0_5", "classes_never_predicted_tuned",
                "thresholds_tuned")
COST_KEYS = ("train_seconds", "latency_ms_batch1", "latency_ms_batch1_spread", "latency_ms_batch64",
             "latency_ms_batch64_spread", "params", "size_bytes")
PROVENANCE_KEYS = ("profile", "splits", "n_images", "machine", "versions", "date")


def quality(y_eval, s_eval, y_tune, s_tune) -> dict:
    """Every quality figure of a model: scores on the evaluate split, with
    per-class thresholds tuned on the tune split. ``y_*`` hold 1 / 0 / -1.

    ``tune_map_voc07`` is the mAP on the tune split (the figure to compare
    variants on while the evaluate split stays untouched); ``chance_map_voc07``
    the mAP of random scores on the evaluate split."""
    y_eval, s_eval = np.asarray(y_eval), np.asarray(s_eval, dtype=float)
    thresholds = metrics.tune_thresholds(y_tune, s_tune)
    never = metrics.classes_never_predicted(s_eval, 0.5, CLASSES)
    tuned_f1 = metrics.f1_scores(y_eval, s_eval, thresholds)
    return {
        "map_voc07": metrics.mean_average_precision(y_eval, s_eval, "voc07"),
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


def provenance(profile: str, plan) -> dict:
    """Profile, splits and image counts of a :class:`helpers.config.SplitPlan`,
    with machine, versions and date."""
    return {"profile": profile, "splits": dict(plan.sources), "n_images": dict(plan.n_images),
            "machine": environment.machine(), "versions": environment.versions(),
            "date": datetime.now(timezone.utc).isoformat(timespec="seconds")}


def write_results(folder: str | os.PathLike, image_ids, scores, quality_figures: dict,
                  costs: dict, provenance_record: dict) -> Path:
    """Write ``scores.csv`` and ``metrics.json`` into ``folder``; return it.

    Raises ``ValueError`` if a required key is missing or the scores do not
    have one row per image and one column per class.
    """
    scores = np.asarray(scores, dtype=float)
    image_ids = list(image_ids)
    if scores.shape != (len(image_ids), len(CLASSES)):
        raise ValueError(f"scores must have shape ({len(image_ids)}, {len(CLASSES)}), got {scores.shape}.")
    record = {**quality_figures, **costs, **provenance_record}
    missing = [k for k in QUALITY_KEYS + COST_KEYS + PROVENANCE_KEYS if k not in record]
    if missing:
        raise ValueError(f"metrics.json would lack {missing}.")
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    frame = pd.DataFrame(scores, columns=list(CLASSES))
    frame.insert(0, "image_id", image_ids)
    frame.to_csv(folder / "scores.csv", index=False, float_format="%.6g")
    (folder / "metrics.json").write_text(json.dumps(_plain(record), indent=2) + "\n")
    return folder


def write_record(path: str | os.PathLike, record: dict) -> Path:
    """Write one JSON results file (numpy numbers made plain, inf and NaN as null); return its path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(_plain(record), indent=2) + "\n")
    return path


def write_benchmark(path: str | os.PathLike, record: dict) -> Path:
    """Write a benchmark's figures with the machine, versions and date they were
    measured on (see :func:`write_record`); say where, and return the path."""
    stamped = {**record, "machine": environment.machine(), "versions": environment.versions(),
               "date": datetime.now(timezone.utc).isoformat(timespec="seconds")}
    path = write_record(path, stamped)
    print(f"written to {path}")
    return path


def _plain(value):
    """JSON-friendly copy: numpy numbers become Python numbers, inf becomes None."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return None if not np.isfinite(value) else float(value)
    return value


def load_results(profile_dir: str | os.PathLike) -> dict[str, dict]:
    """``metrics.json`` of every model under ``results/<profile>/``, by model name.

    Files written before ``classes_never_predicted_tuned`` existed get it
    computed from their own ``scores.csv`` and ``thresholds_tuned``.
    """
    profile_dir = Path(profile_dir)
    found = {path.parent.name: json.loads(path.read_text()) for path in sorted(profile_dir.glob("*/metrics.json"))}
    if not found:
        raise FileNotFoundError(f"no results under {profile_dir}: run the model notebooks for this profile first.")
    for name, record in found.items():
        if "classes_never_predicted_tuned" not in record:
            scores = load_scores(profile_dir / name)[list(CLASSES)].to_numpy()
            thresholds = [record["thresholds_tuned"][c] for c in CLASSES]
            record["classes_never_predicted_tuned"] = metrics.classes_never_predicted(scores, thresholds, CLASSES)
    return found


def load_scores(model_dir: str | os.PathLike) -> pd.DataFrame:
    """``scores.csv`` of one model, ``image_id`` kept as text."""
    return pd.read_csv(Path(model_dir) / "scores.csv", dtype={"image_id": str})
