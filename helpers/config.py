"""Profiles, data folders and the three split roles (fit, tune, evaluate).

The profile is read from the environment here and nowhere else:
``VOC_PROFILE=tiny`` (default) uses the synthetic dataset of
:mod:`helpers.tiny`; ``VOC_PROFILE=small`` a fixed real subset of VOC 2007
(:mod:`helpers.small`); ``VOC_PROFILE=full`` the real VOC 2007. The real data
comes from ``VOC_ROOT`` if set, else is downloaded into the data folder.
"""

from __future__ import annotations

import json
import os
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from helpers.download import ARCHIVES, download_voc
from helpers.small import make_small_voc
from helpers.tiny import make_tiny_voc
from helpers.voc import SplitNotFoundError, label_matrix, load_split, resolve_voc_root

PROFILES = ("tiny", "small", "full")

DOWNLOADS = {"tiny": (), "small": ("trainval",), "full": ("trainval", "test")}
"""The official archives each profile needs when ``VOC_ROOT`` is not set."""
ROLES = ("fit", "tune", "evaluate")


def read_profile(default: str = "tiny") -> str:
    """The profile named by ``VOC_PROFILE``; ``default`` (a notebook's form
    field, say) when it is unset."""
    profile = os.environ.get("VOC_PROFILE", "").strip().lower() or default.strip().lower()
    if profile not in PROFILES:
        raise ValueError(f"VOC_PROFILE={profile!r} is not a profile; use one of {', '.join(PROFILES)}.")
    return profile


def default_data_dir(start: str | os.PathLike | None = None) -> Path:
    """Where data lands: ``VOC_DATA_DIR`` if set, else the checkout's ``data/``
    when ``start`` (default: the working directory) is in the checkout (its
    ``notebooks/``, or an assignment's folder), else ``<start>/data``."""
    if os.environ.get("VOC_DATA_DIR"):
        return Path(os.environ["VOC_DATA_DIR"]).expanduser()
    here = (Path.cwd() if start is None else Path(start)).resolve()
    for candidate in (here, *here.parents):
        if (candidate / "helpers").is_dir() and (candidate / "notebooks").is_dir():
            return candidate / "data"
    return here / "data"


def default_results_dir() -> Path:
    """Where results files go: ``VOC_RESULTS_DIR`` if set, else ``results/``
    beside the data folder of :func:`default_data_dir`."""
    if os.environ.get("VOC_RESULTS_DIR"):
        return Path(os.environ["VOC_RESULTS_DIR"]).expanduser()
    return default_data_dir().parent / "results"


def shown_path(path: str | os.PathLike) -> str:
    """``path`` as a notebook should print it: relative to the checkout (or to
    the data folder, or with ``~`` for the home folder), so committed outputs
    carry no machine's absolute paths."""
    path = Path(path).expanduser().resolve()
    checkout = default_data_dir().resolve().parent
    for base, prefix in ((checkout, ""), (default_data_dir().resolve(), "<data>/"), (Path.home().resolve(), "~/")):
        try:
            return prefix + path.relative_to(base).as_posix()
        except ValueError:
            continue
    return f"<...>/{path.name}" if len(path.parts) > 2 else path.as_posix()


def prepare_voc(profile: str, data_dir: str | os.PathLike | None = None,
                voc_root: str | os.PathLike | None = None) -> Path:
    """Return the ``VOC2007`` folder for ``profile``, making or fetching it if needed.

    * ``tiny``: the synthetic tree in ``data_dir/tiny`` (written once, seconds).
    * ``full``: ``voc_root`` or ``VOC_ROOT`` if given; otherwise both official
      archives are downloaded (once, verified) and unpacked into
      ``data_dir/voc2007``.
    * ``small``: the subset of :mod:`helpers.small`, built once into
      ``data_dir/small`` from the same source as ``full`` (only the
      ``trainval`` archive is downloaded).
    """
    data_dir = Path(data_dir) if data_dir is not None else default_data_dir()
    if profile == "tiny":
        return make_tiny_voc(data_dir / "tiny")
    if profile not in PROFILES:
        raise ValueError(f"unknown profile {profile!r}; use one of {', '.join(PROFILES)}.")
    voc_root = voc_root or os.environ.get("VOC_ROOT")
    source = resolve_voc_root(voc_root) if voc_root else download_voc(data_dir / "voc2007", DOWNLOADS[profile])
    return make_small_voc(source, data_dir / "small") if profile == "small" else source


def download_size_mb(profile: str) -> int:
    """Megabytes downloaded for ``profile`` when ``VOC_ROOT`` is not set."""
    return round(sum(ARCHIVES[part].size for part in DOWNLOADS[profile]) / 1e6)


@dataclass
class SplitPlan:
    """The images of each role and how they were chosen.

    ``frames`` maps role to a split frame (see :func:`helpers.voc.load_split`),
    ``sources`` maps role to a description such as ``"val"`` or
    ``"val (tune half, stratified, seed 0)"``; ``notes`` says why a default was changed.
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


def stratified_halves(frame: pd.DataFrame, seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Split ``frame`` into two halves with each class's positives shared out evenly.

    Iterative stratification (Sechidis et al., 2011): the class with the
    fewest positives still to place goes first; each of its images joins the
    half that still wants most of that class (ties: the half that wants most
    images, then at random). Images with no positive class fill the halves up
    to equal sizes. Same ``frame`` and ``seed``, same halves; rows keep their order.
    """
    positives = (label_matrix(frame).to_numpy() == 1)
    rng = np.random.default_rng(seed)
    n = len(frame)
    wanted_images = np.array([n // 2 + n % 2, n // 2], dtype=float)
    wanted = np.tile(positives.sum(axis=0) / 2.0, (2, 1))
    side = np.full(n, -1)
    left = positives.copy()
    while left.any():
        counts = left.sum(axis=0)
        k = np.flatnonzero(counts == counts[counts > 0].min())[0]
        for i in rng.permutation(np.flatnonzero(left[:, k])):
            keys = [(wanted[s, k], wanted_images[s], rng.random()) for s in (0, 1)]
            chosen = max((0, 1), key=lambda s: keys[s])
            side[i] = chosen
            wanted[chosen] -= positives[i]
            wanted_images[chosen] -= 1
            left[i] = False
    for i in rng.permutation(np.flatnonzero(side < 0)):
        chosen = int(np.argmax(wanted_images)) if wanted_images[0] != wanted_images[1] else int(rng.integers(2))
        side[i] = chosen
        wanted_images[chosen] -= 1
    return frame[side == 0].reset_index(drop=True), frame[side == 1].reset_index(drop=True)


def plan_splits(root: str | os.PathLike, fit: str = "train", tune: str = "val",
                evaluate: str = "test", *, seed: int = 0) -> SplitPlan:
    """Load the images of the three roles, following the VOC protocol where possible.

    Default: fit on ``train``, tune (early stopping, thresholds) on ``val``,
    evaluate on ``test``. When the evaluate split is not on disk (the test
    archive is missing), fit on all of ``train`` still, and split ``val`` once
    into a tune half and an evaluate half, stratified by class
    (:func:`stratified_halves`, ``seed``), so that no image plays two roles
    and every class has positives on both sides. The plan records what was used.
    """
    notes = []
    fit_frame = load_split(root, fit)
    try:
        evaluate_frame = load_split(root, evaluate)
    except SplitNotFoundError as error:
        if evaluate == tune:
            raise
        notes.append(f"{error} Fitting on all of {fit!r}; {tune!r} is split in two halves, stratified by "
                     f"class (seed {seed}): one to tune on, one to evaluate on.")
        warnings.warn(notes[-1], UserWarning, stacklevel=2)
        tune_frame, evaluate_frame = stratified_halves(load_split(root, tune), seed)
        sources = {"fit": fit, "tune": f"{tune} (tune half, stratified, seed {seed})",
                   "evaluate": f"{tune} (evaluate half, stratified, seed {seed})"}
    else:
        tune_frame = load_split(root, tune)
        sources = {"fit": fit, "tune": tune, "evaluate": evaluate}
    return SplitPlan(frames={"fit": fit_frame, "tune": tune_frame, "evaluate": evaluate_frame},
                     sources=sources, notes=notes)


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
