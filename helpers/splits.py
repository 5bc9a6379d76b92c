"""The three roles images play (fit, tune, evaluate), and how each split of VOC is given one.

The official protocol fits on ``train``, tunes on ``val`` and evaluates on
``test``. Where the test images are missing, :func:`plan_splits` fits on all of
``train`` and splits ``val`` once into a tune half and an evaluate half,
stratified by class (:func:`stratified_halves`), and records what it did.
"""

from __future__ import annotations

import json
import os
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from helpers.voc import SplitNotFoundError, label_matrix, load_split

ROLES = ("fit", "tune", "evaluate")


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
