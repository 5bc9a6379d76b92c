"""Profiles, data folders and the three split roles (fit, tune, evaluate).

The profile is read from the environment here and nowhere else:
``VOC_PROFILE=tiny`` (default) uses the synthetic dataset of
:mod:`helpers.tiny`; ``VOC_PROFILE=full`` uses the real VOC 2007, from
``VOC_ROOT`` if set, else downloaded into the data folder.
"""

from __future__ import annotations

import json
import os
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from helpers.download import download_voc
from helpers.tiny import make_tiny_voc
from helpers.voc import SplitNotFoundError, load_split, resolve_voc_root

PROFILES = ("tiny", "full")
ROLES = ("fit", "tune", "evaluate")


def read_profile(default: str = "tiny") -> str:
    """The profile named by ``VOC_PROFILE`` (``default`` when unset)."""
    profile = os.environ.get("VOC_PROFILE", "").strip().lower() or default
    if profile not in PROFILES:
        raise ValueError(f"VOC_PROFILE={profile!r} is not a profile; use one of {', '.join(PROFILES)}.")
    return profile


def default_data_dir(start: str | os.PathLike | None = None) -> Path:
    """Where data lands: ``VOC_DATA_DIR`` if set, else the checkout's ``data/``
    when ``start`` (default: the working directory) is the checkout or its
    ``notebooks/``, else ``<start>/data``."""
    if os.environ.get("VOC_DATA_DIR"):
        return Path(os.environ["VOC_DATA_DIR"]).expanduser()
    here = Path.cwd() if start is None else Path(start)
    for candidate in (here, here.parent):
        if (candidate / "helpers").is_dir() and (candidate / "notebooks").is_dir():
            return candidate / "data"
    return here / "data"


def default_results_dir() -> Path:
    """Where results files go: ``VOC_RESULTS_DIR`` if set, else ``results/``
    beside the data folder of :func:`default_data_dir`."""
    if os.environ.get("VOC_RESULTS_DIR"):
        return Path(os.environ["VOC_RESULTS_DIR"]).expanduser()
    return default_data_dir().parent / "results"


def prepare_voc(profile: str, data_dir: str | os.PathLike | None = None,
                voc_root: str | os.PathLike | None = None) -> Path:
    """Return the ``VOC2007`` folder for ``profile``, making or fetching it if needed.

    * ``tiny``: the synthetic tree in ``data_dir/tiny`` (written once, seconds).
    * ``full``: ``voc_root`` or ``VOC_ROOT`` if given; otherwise both official
      archives are downloaded (once, verified) and unpacked into
      ``data_dir/voc2007``.
    """
    data_dir = Path(data_dir) if data_dir is not None else default_data_dir()
    if profile == "tiny":
        return make_tiny_voc(data_dir / "tiny")
    if profile != "full":
        raise ValueError(f"unknown profile {profile!r}; use one of {', '.join(PROFILES)}.")
    voc_root = voc_root or os.environ.get("VOC_ROOT")
    if voc_root:
        return resolve_voc_root(voc_root)
    return download_voc(data_dir / "voc2007")


@dataclass
class SplitPlan:
    """The images of each role and how they were chosen.

    ``frames`` maps role to a split frame (see :func:`helpers.voc.load_split`),
    ``sources`` maps role to a description such as ``"val"`` or
    ``"train (held-out 20 %, seed 0)"``; ``notes`` says why a default was changed.
    """

    frames: dict[str, pd.DataFrame]
    sources: dict[str, str]
    notes: list[str] = field(default_factory=list)

    @property
    def n_images(self) -> dict[str, int]:
        return {role: len(frame) for role, frame in self.frames.items()}

    def describe(self) -> pd.DataFrame:
        """A small table: role, source, number of images."""
        return pd.DataFrame({"source": self.sources, "images": self.n_images}).rename_axis("role")


def hold_out(frame: pd.DataFrame, fraction: float, seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Split ``frame`` at random into (rest, held-out ``fraction``), same seed same split."""
    if not 0 < fraction < 1:
        raise ValueError(f"fraction must be between 0 and 1, got {fraction}.")
    order = np.random.default_rng(seed).permutation(len(frame))
    n_out = int(round(fraction * len(frame)))
    held = np.sort(order[:n_out])
    rest = np.sort(order[n_out:])
    return frame.iloc[rest].reset_index(drop=True), frame.iloc[held].reset_index(drop=True)


def plan_splits(root: str | os.PathLike, fit: str = "train", tune: str = "val",
                evaluate: str = "test", *, tune_fraction: float = 0.2, seed: int = 0) -> SplitPlan:
    """Load the images of the three roles, following the VOC protocol where possible.

    Default: fit on ``train``, tune (early stopping, thresholds) on ``val``,
    evaluate on ``test``. When the evaluate split is not on disk (the test
    archive is missing), evaluate on the tune split instead and tune on a
    held-out ``tune_fraction`` of the fit split, so that no image is used
    for two roles. The plan records what was used.
    """
    notes = []
    try:
        evaluate_frame = load_split(root, evaluate)
        evaluate_source = evaluate
    except SplitNotFoundError as error:
        if evaluate == tune:
            raise
        notes.append(f"{error} Evaluating on {tune!r} instead; tuning on a held-out "
                     f"{tune_fraction:.0%} of {fit!r}.")
        warnings.warn(notes[-1], UserWarning, stacklevel=2)
        evaluate_frame, evaluate_source = load_split(root, tune), tune
        tune = None
    fit_frame = load_split(root, fit)
    if tune is None:
        fit_frame, tune_frame = hold_out(fit_frame, tune_fraction, seed)
        fit_source = f"{fit} (rest after hold-out, seed {seed})"
        tune_source = f"{fit} (held-out {tune_fraction:.0%}, seed {seed})"
    else:
        tune_frame, tune_source, fit_source = load_split(root, tune), tune, fit
    return SplitPlan(
        frames={"fit": fit_frame, "tune": tune_frame, "evaluate": evaluate_frame},
        sources={"fit": fit_source, "tune": tune_source, "evaluate": evaluate_source},
        notes=notes)


def save_split_plan(plan: SplitPlan, folder: str | os.PathLike) -> Path:
    """Write ``<role>.csv`` for each role and ``splits.json``; return ``folder``."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for role, frame in plan.frames.items():
        frame.to_csv(folder / f"{role}.csv", index=False)
    (folder / "splits.json").write_text(json.dumps(
        {"sources": plan.sources, "n_images": plan.n_images, "notes": plan.notes}, indent=2) + "\n")
    return folder


def load_split_plan(folder: str | os.PathLike) -> SplitPlan:
    """Read back what :func:`save_split_plan` wrote."""
    folder = Path(folder)
    meta_path = folder / "splits.json"
    if not meta_path.exists():
        raise FileNotFoundError(
            f"{meta_path} is missing: run notebooks/00_data_preparation.ipynb for this profile first.")
    meta = json.loads(meta_path.read_text())
    frames = {role: pd.read_csv(folder / f"{role}.csv", dtype={"image_id": str}) for role in meta["sources"]}
    return SplitPlan(frames=frames, sources=meta["sources"], notes=meta.get("notes", []))


def split_plan_for(profile: str, data_dir: str | os.PathLike | None = None) -> SplitPlan:
    """The plan notebook 00 saved for ``profile``; if it has not been run,
    make the data and the default plan now (and save it), so that every
    notebook also runs on its own."""
    data_dir = Path(data_dir) if data_dir is not None else default_data_dir()
    folder = data_dir / "labels" / profile
    if (folder / "splits.json").exists():
        return load_split_plan(folder)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        plan = plan_splits(prepare_voc(profile, data_dir=data_dir))
    save_split_plan(plan, folder)
    return plan
