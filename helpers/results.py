"""Results files: what each model notebook writes and later notebooks read.

A model's folder ``<results>/<profile>/<model>/`` holds

* ``scores.csv``: one row per image of the evaluate split, ``image_id`` then
  the 20 class scores in :data:`helpers.voc.CLASSES` order;
* ``metrics.json``: quality on the evaluate split, measured costs and provenance
  (profile, splits, image counts, machine, versions, date).

Beside the models, ``evaluate_labels.csv`` holds the evaluate split's labels, so
that models can be compared image by image (paired) from the files alone.

A run writes to :func:`helpers.config.default_results_dir` (git-ignored in a
checkout). For a model that was not run here, :func:`with_reference` reads the
series' reference results: those of its release run, committed under the
checkout's ``results/``, or fetched from the repository at the notebooks' git ref
(a Colab badge gives each notebook its own machine).
"""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.request
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import pandas as pd

from helpers import config, environment, metrics
from helpers.series import links
from helpers.voc import CLASSES, label_matrix

MODEL_NAMES = {
    "model1": "Model 1: 20 binary CNNs",
    "model2": "Model 2: a one-class CNN by Model 1's recipe, frozen as the base + 20 heads (the original design)",
    "model2_shared_base": "Model 2, variant: a base trained on all 20 classes, frozen + 20 heads",
    "model3": "Model 3: one CNN, 20 sigmoids",
    "model3_improved": "Model 3, improved from scratch",
    "transfer": "Transfer learning: ImageNet MobileNetV2, top blocks fine-tuned, attention head",
    "transfer_refit": "Transfer learning, refit on train + tune once the tune split chose everything",
}
FAITHFUL = ("model1", "model2", "model3")  # the original project's three designs, rebuilt
FROM_SCRATCH = ("model1", "model2", "model2_shared_base", "model3", "model3_improved")  # compared in notebook 04
MADE_BY = {"model1": "01_model1_independent_classifiers.ipynb", "model2": "02_model2_shared_features.ipynb",
           "model2_shared_base": "02_model2_shared_features.ipynb", "model3": "03_model3_multi_output.ipynb",
           "model3_improved": "03_model3_multi_output.ipynb", "transfer": "05_transfer_learning.ipynb",
           "transfer_refit": "05_transfer_learning.ipynb"}
"""The notebook that writes each model's results."""
LABELS_FILE = "evaluate_labels.csv"

QUALITY_KEYS = ("map_voc07", "map_voc07_ci95", "map_area", "ap_voc07", "tune_map_voc07", "chance_map_voc07", "macro_f1_at_0_5", "macro_f1_tuned", "micro_f1_tuned",
                "hamming_loss_tuned", "exact_match_tuned", "mean_cosine_at_0_5", "per_label_accuracy_at_0_5",
                "predict_nothing_accuracy", "classes_never_predicted_at_0_5", "classes_never_predicted_tuned",
                "thresholds_tuned")
COST_KEYS = ("train_seconds", "latency_ms_batch1", "latency_ms_batch1_spread", "latency_ms_batch64",
             "latency_ms_batch64_spread", "params", "size_bytes")
PROVENANCE_KEYS = ("profile", "splits", "n_images", "machine", "versions", "date")


def provenance(profile: str, plan) -> dict:
    """Profile, splits and image counts of a :class:`helpers.config.SplitPlan`,
    with machine, versions and date."""
    return {"profile": profile, "splits": dict(plan.sources), "n_images": dict(plan.n_images),
            "machine": environment.machine(), "cpu": environment.cpu(), "versions": environment.versions(),
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
    stamped = {**record, "machine": environment.machine(), "cpu": environment.cpu(),
               "versions": environment.versions(), "date": datetime.now(timezone.utc).isoformat(timespec="seconds")}
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


def short_name(model: str) -> str:
    """``"Model 2, variant"`` for ``"model2_shared_base"``: the part of its full name before the colon."""
    return MODEL_NAMES.get(model, model).split(":")[0]


def write_labels(profile_dir: str | os.PathLike, frame: pd.DataFrame) -> Path:
    """Write the labels (1 / 0 / -1) of a split frame to ``profile_dir/evaluate_labels.csv``."""
    path = Path(profile_dir) / LABELS_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    labels = label_matrix(frame)
    labels.insert(0, "image_id", frame["image_id"].to_numpy())
    labels.to_csv(path, index=False)
    return path


def load_labels(profile_dir: str | os.PathLike) -> tuple[np.ndarray, list[str]]:
    """The evaluate split's labels (images, 20) and image ids, from :func:`write_labels`' file."""
    frame = pd.read_csv(Path(profile_dir) / LABELS_FILE, dtype={"image_id": str})
    return frame[list(CLASSES)].to_numpy(), frame["image_id"].tolist()


def load_results(profile_dir: str | os.PathLike) -> dict[str, dict]:
    """``metrics.json`` of every model under ``<results>/<profile>/``, by model name,
    each with ``results_folder`` (where its files are).

    Files written before ``classes_never_predicted_tuned`` existed get it
    computed from their own ``scores.csv`` and ``thresholds_tuned``.
    """
    profile_dir = Path(profile_dir)
    found = {path.parent.name: {**json.loads(path.read_text()), "results_folder": str(path.parent)}
             for path in sorted(profile_dir.glob("*/metrics.json"))}
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


# --- Reference results: a model that was not run here ---------------------------------------------------------

SHARED_FILES = ("run_times.json", "ablation_model3.json", "imbalance_variants.json", "missing_labels_check.json",
                LABELS_FILE)
MODEL_FILES = ("metrics.json", "scores.csv")


def reference_files(models=tuple(MODEL_NAMES)) -> list[str]:
    """Paths, relative to ``results/<profile>/``, that a notebook may read from the reference results."""
    return list(SHARED_FILES) + [f"{model}/{name}" for model in models for name in MODEL_FILES]


def fetch_reference(profile: str, dest: str | os.PathLike, base_url: str | None = None,
                    timeout: float = 30) -> list[str]:
    """Copy the committed ``results/<profile>/`` files at the notebooks' git ref into
    ``dest``; return the paths fetched. Files the repository does not have are
    skipped; no connection at all raises ``ConnectionError`` with a way out."""
    base_url = base_url or links.raw_url(f"results/{profile}")
    if os.environ.get("VOC_NO_FETCH"):
        raise ConnectionError(f"fetching from {base_url} is switched off (VOC_NO_FETCH is set, as in the tests)")
    dest = Path(dest)
    fetched = []
    for relative in reference_files():
        url = f"{base_url}/{relative}"
        try:
            with urllib.request.urlopen(url, timeout=timeout) as response:
                content = response.read()
        except urllib.error.HTTPError:  # not committed (e.g. a model this ref has no results for)
            continue
        except (urllib.error.URLError, OSError) as error:
            if isinstance(getattr(error, "reason", None), FileNotFoundError):  # a file:// base without it
                continue
            raise ConnectionError(
                f"Could not reach {base_url} ({error}). Run the notebooks before this one in this profile, "
                "here, or put their results folder in place (VOC_RESULTS_DIR).") from error
        target = dest / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
        fetched.append(relative)
    return fetched


def reference_folder(results_dir: str | os.PathLike, profile: str, base_url: str | None = None) -> tuple[Path, str]:
    """Where the reference results of ``profile`` are, and how to name them: the
    checkout's ``results/<profile>/`` when there is a checkout, else a copy fetched
    once from the repository into ``results_dir/reference/<ref>/<profile>/`` (from
    ``VOC_REFERENCE_URL``, a copy of the repository's ``results/``, when that is set).
    Raises ``ConnectionError`` (offline) with a way out."""
    checkout = config.reference_results_dir()
    if checkout is not None and base_url is None:
        return checkout / profile, f"results/{profile} of this checkout"
    if base_url is None and os.environ.get("VOC_REFERENCE_URL"):  # a mirror of the repository's results/ (CI's)
        base_url = f"{os.environ['VOC_REFERENCE_URL'].rstrip('/')}/{profile}"
    copy = Path(results_dir) / "reference" / links.GIT_REF / profile
    if not any(copy.glob("*/metrics.json")):
        fetch_reference(profile, copy, base_url)
    return copy, f"results/{profile} of the repository at {links.GIT_REF!r}"


def _image_ids(csv_path: Path) -> set[str] | None:
    """The ``image_id`` column of a scores or labels file; ``None`` when it cannot be read."""
    try:
        return set(pd.read_csv(csv_path, dtype={"image_id": str}, usecols=["image_id"])["image_id"])
    except (OSError, ValueError):  # missing, empty, or without an image_id column
        return None


def _of_images(records: dict[str, dict], evaluated: set[str] | None, whose: str, then: str) -> dict[str, dict]:
    """``records`` less those whose scores are not of the images ``evaluated`` (kept all when
    ``evaluated`` is ``None``), each left out in one printed line."""
    if evaluated is None:
        return records
    kept = {}
    for name, record in records.items():
        if _image_ids(Path(record["results_folder"]) / "scores.csv") == evaluated:
            kept[name] = record
        else:
            print(f"- {name}: {whose} score other images than the latest results here (a run on another version of "
                  f"the data, or another split): not used; {then}.")
    return kept


def with_reference(results_dir: str | os.PathLike, profile: str, models, base_url: str | None = None,
                   ) -> dict[str, dict]:
    """The results of ``models``: those written under ``results_dir/<profile>/`` by
    this machine's runs, and, for each one missing, the series' reference results
    (:func:`reference_folder`), with one printed line naming each model taken from
    there and where its figures come from. A model in neither is left out (said).

    Results of other images than the last ones written here (:data:`LABELS_FILE`: a run
    on another version of the data, or another split) are left out, each said in one
    line, since their figures cannot be compared with the others'."""
    local = Path(results_dir) / profile
    records = {}
    if any(local.glob("*/metrics.json")):
        records = {name: record for name, record in load_results(local).items() if name in models}
    evaluated = _image_ids(local / LABELS_FILE)
    records = _of_images(records, evaluated, f"its results in {local}", "run its notebook again to replace them")
    missing = [model for model in models if model not in records]
    if not missing:
        return records
    try:
        folder, where = reference_folder(results_dir, profile, base_url)
        if folder.resolve() == local.resolve():
            raise FileNotFoundError(f"this run writes the reference results itself ({where})")
        found = {name: record for name, record in load_results(folder).items() if name in missing}
    except (ConnectionError, FileNotFoundError) as error:
        print(f"Not run here, and no reference results to read ({error}): {', '.join(missing)}.")
        return records
    found = _of_images(found, evaluated, f"the reference run's results ({where})", "run its notebook here")
    for name, record in found.items():
        print(f"- {name} was not run here: its figures are the series' reference run's ({where}, "
              f"{record.get('date', '?')[:10]}, {record.get('machine', 'machine not recorded')}).")
    absent = [name for name in missing if name not in found]
    if absent:
        print(f"Neither run here nor in the reference results: {', '.join(absent)}.")
    return {**records, **found}


def reference_record(results_dir: str | os.PathLike, profile: str, name: str,
                     base_url: str | None = None) -> tuple[dict | None, str]:
    """One JSON file of the series' reference results (``ablation_model3.json`` of the
    full profile, say) and a few words on where it comes from; ``None`` and the
    reason when it cannot be read (offline, or never written)."""
    try:
        folder, where = reference_folder(results_dir, profile, base_url)
        return json.loads((folder / name).read_text()), f"{name} in {where}"
    except (ConnectionError, FileNotFoundError) as error:
        return None, f"no {name} to read ({error})"
