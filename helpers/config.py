"""Profiles, and the folders where data and results go.

The profile is read from the environment here and nowhere else:
``VOC_PROFILE=tiny`` (default) uses the synthetic dataset of
:mod:`helpers.tiny`; ``VOC_PROFILE=small`` a fixed real subset of VOC 2007
(:mod:`helpers.small`); ``VOC_PROFILE=full`` the real VOC 2007. The real data
comes from ``VOC_ROOT`` if set, else is downloaded into the data folder.

In a checkout, a run writes only to git-ignored folders (``data/`` and
``runs/results/``); ``results/`` holds the reference results of the series' own
release run, which :func:`reference_results_dir` points to.
"""

from __future__ import annotations

import os
import warnings
from pathlib import Path

from helpers.download import ARCHIVES, download_voc
from helpers.small import make_small_voc
from helpers.splits import SplitPlan, load_split_plan, plan_splits, save_split_plan
from helpers.tiny import make_tiny_voc
from helpers.voc import resolve_voc_root

PROFILES = ("tiny", "small", "full")

PROFILE_TEXT = {
    "tiny": "768 synthetic shapes in the exact VOC layout (no download, seconds): its numbers show the mechanics, "
            "not what the models do on photos",
    "small": "a fixed real subset of VOC 2007, 930 images at most 320 px (the trainval archive, 460 MB, once)",
    "full": "the real VOC 2007 (the trainval and test archives, 911 MB, once)",
}

DOWNLOADS = {"tiny": (), "small": ("trainval",), "full": ("trainval", "test")}
"""The official archives each profile needs when ``VOC_ROOT`` is not set."""


def profile_line(profile: str) -> str:
    """One line naming the profile in use and what it is (the README's Profiles table has them all)."""
    return f"profile {profile}: {PROFILE_TEXT[profile]}. All profiles: README.md#profiles."


def tiny_note(profile: str, about: str = "these figures") -> None:
    """On the tiny profile, print one line saying that ``about`` show the mechanics on synthetic
    shapes, and where the real figures are; print nothing on the other profiles."""
    if profile == "tiny":
        print(f"(tiny profile: {about} come from synthetic shapes and show the mechanics only; the text describes "
              "the full profile, whose figures are in the committed notebook and the README.)")


def read_profile(default: str = "tiny") -> str:
    """The profile named by ``VOC_PROFILE``; ``default`` (a notebook's form
    field, say) when it is unset."""
    profile = os.environ.get("VOC_PROFILE", "").strip().lower() or default.strip().lower()
    if profile not in PROFILES:
        raise ValueError(f"VOC_PROFILE={profile!r} is not a profile; use one of {', '.join(PROFILES)}.")
    return profile


def checkout_root(start: str | os.PathLike | None = None) -> Path | None:
    """The checkout of the series that holds ``start`` (default: the working
    directory; its ``notebooks/`` or an assignment's folder, say), or None outside one."""
    here = (Path.cwd() if start is None else Path(start)).resolve()
    for candidate in (here, *here.parents):
        if (candidate / "helpers").is_dir() and (candidate / "notebooks").is_dir():
            return candidate
    return None


def default_data_dir(start: str | os.PathLike | None = None) -> Path:
    """Where data lands: ``VOC_DATA_DIR`` if set, else the checkout's ``data/``
    (see :func:`checkout_root`), else ``<start>/data``."""
    if os.environ.get("VOC_DATA_DIR"):
        return Path(os.environ["VOC_DATA_DIR"]).expanduser()
    checkout = checkout_root(start)
    return (checkout if checkout is not None else (Path.cwd() if start is None else Path(start)).resolve()) / "data"


def default_results_dir(start: str | os.PathLike | None = None) -> Path:
    """Where a run's results files go: ``VOC_RESULTS_DIR`` if set, else the
    checkout's ``runs/results/`` (git-ignored: a learner's run leaves the
    committed reference results as they are), else ``<start>/results``."""
    if os.environ.get("VOC_RESULTS_DIR"):
        return Path(os.environ["VOC_RESULTS_DIR"]).expanduser()
    checkout = checkout_root(start)
    if checkout is not None:
        return checkout / "runs" / "results"
    return (Path.cwd() if start is None else Path(start)).resolve() / "results"


def reference_results_dir(start: str | os.PathLike | None = None) -> Path | None:
    """The checkout's ``results/``: the reference results of the series' release run
    (committed), which a notebook reads for a model that was not run here; None
    outside a checkout (:func:`helpers.results.with_reference` fetches them then)."""
    checkout = checkout_root(start)
    return None if checkout is None else checkout / "results"


def shown_path(path: str | os.PathLike) -> str:
    """``path`` as a notebook should print it: relative to the checkout (or to
    the data folder, or with ``~`` for the home folder), so committed outputs
    carry no machine's absolute paths."""
    path = Path(path).expanduser().resolve()
    checkout = checkout_root() or default_data_dir().resolve().parent
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
