"""Run the notebooks of the series in one profile, with papermill.

    python -m helpers.series                       # every notebook, tiny profile
    python -m helpers.series --profile full 00     # notebook 00 on the real VOC 2007
    python -m helpers.series --profile full --in-place   # the release run: committed notebooks and results

Executed notebooks are written with their outputs to ``runs/<profile>/``, and
their results files to ``runs/results/<profile>/`` (both git-ignored). The
series' reference results, committed under ``results/<profile>/`` (what a
notebook reads for a model that was not run where it runs), are written only by
``--reference``; ``--in-place`` writes the executed notebooks over the originals
and implies ``--reference``, so that committed outputs and committed results come
from the same run. Each notebook's wall time, from starting its kernel to the
end of its last cell, is printed and saved to ``<results>/<profile>/run_times.json``, which then
describes that run alone (the notebooks it ran, and their total, with a reading
of the machine's speed before and after it, :func:`helpers.environment.yardstick`). The file is
written before each notebook too, with ``"running"`` naming the notebook that
runs: a notebook that reads it (04) sees the current run's times so far, never
an older run's. ``"complete"`` is true once every notebook has run. A copy
goes to ``results/<profile>/run_times/<numbers>.json`` (e.g. ``00_01_02.json``),
so that the last run of each set of notebooks is kept whole beside the others
(``python -m helpers.series.report`` reads them all).

Every run trains from scratch: training backups left in
``data/checkpoints/<profile>/`` by an interrupted run, and the backbone
features cached in ``data/features/<profile>/`` (notebooks 05 and 06), are
removed first, so no model silently continues an older run and every time is
whole. ``--resume`` keeps them, to finish an interrupted run instead.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

from helpers import environment
from helpers.config import PROFILES, default_data_dir


def select_notebooks(folder: Path, names: list[str]) -> list[Path]:
    """Notebooks in ``folder`` in order; ``names`` picks some by number or name prefix."""
    notebooks = sorted(folder.glob("[0-9][0-9]_*.ipynb"))
    if not notebooks:
        raise FileNotFoundError(f"no numbered notebooks in {folder}")
    if not names:
        return notebooks
    chosen = []
    for name in names:
        matches = [nb for nb in notebooks if nb.name.startswith(name) or nb.stem == name]
        if not matches:
            raise ValueError(f"no notebook in {folder} starts with {name!r}; "
                             f"have: {', '.join(nb.name for nb in notebooks)}")
        chosen += [nb for nb in matches if nb not in chosen]
    return chosen


def clear_backups(data_dir: Path, profile: str) -> list[Path]:
    """Remove the training backups and cached features of ``profile`` under
    ``data_dir``; return the backup folders removed (an interrupted training
    each) and the features folder, if there was one."""
    root = Path(data_dir) / "checkpoints" / profile
    removed = sorted(path.parent for path in root.glob("**/training_metadata.json"))
    if root.exists():
        shutil.rmtree(root)
    features = Path(data_dir) / "features" / profile
    if features.exists():
        shutil.rmtree(features)
        removed.append(features)
    return removed


def write_times(path: Path, profile: str, planned: list[str], seconds: dict[str, float], *,
                running: str | None = None, failed: str | None = None, yardstick: list[float] = ()) -> dict:
    """Write a run's times so far to ``path`` (and its copy for this set of
    notebooks, see the module's docstring) and return the record: ``complete``
    once every planned notebook has its time, ``running`` or ``failed`` naming
    the notebook that is running or that stopped the run, ``yardstick_seconds``
    the machine's speed readings (:func:`helpers.environment.yardstick`) before
    the run and, once it has ended, after it."""
    record = {"profile": profile, "notebooks": planned, "seconds": dict(seconds),
              "total_seconds": round(sum(seconds.values()), 1), "complete": set(planned) <= set(seconds),
              "running": running, "failed": failed,
              "machine": f"{platform.machine()}, {os.cpu_count()} cores, {platform.system()}",
              "cpu": environment.cpu(), "yardstick_seconds": list(yardstick),
              "date": datetime.now(timezone.utc).isoformat(timespec="seconds")}
    text = json.dumps(record, indent=2) + "\n"
    path.write_text(text)
    archive = path.parent / "run_times" / f"{'_'.join(name[:2] for name in planned)}.json"
    archive.parent.mkdir(parents=True, exist_ok=True)
    archive.write_text(text)
    return record


def run(notebooks: list[Path], profile: str, output_dir: Path | None, results_dir: Path,
        data_dir: Path | None = None) -> dict[str, float]:
    """Execute ``notebooks`` in order (stopping at the first failure); return wall seconds per notebook.

    The notebooks write their results under ``results_dir`` (``<results>/<profile>``).
    With ``data_dir``, training backups of ``profile`` there are removed first (see :func:`clear_backups`).
    """
    import papermill

    if data_dir is not None:
        for folder in clear_backups(data_dir, profile):
            what = "cached features" if folder.name == profile else "the backup of an interrupted training"
            print(f"Removed {what}: {folder}", flush=True)
    times = {}
    results_dir.mkdir(parents=True, exist_ok=True)
    timing_file = results_dir / "run_times.json"  # this run's times, whole: never mixed with an earlier run's
    planned = [notebook.name for notebook in notebooks]
    previous = {name: os.environ.get(name) for name in ("VOC_PROFILE", "VOC_RESULTS_DIR")}
    os.environ["VOC_PROFILE"] = profile  # the kernels inherit both; their parameters cells read them
    os.environ["VOC_RESULTS_DIR"] = str(results_dir.parent)
    running = None
    yardstick = [environment.yardstick()]  # the machine's speed as the run starts
    try:
        for notebook in notebooks:
            running = notebook.name
            write_times(timing_file, profile, planned, times, running=running, yardstick=yardstick)
            output = notebook if output_dir is None else output_dir / notebook.name
            output.parent.mkdir(parents=True, exist_ok=True)
            print(f"== {notebook.name} ({profile}) -> {output}", flush=True)
            start = time.perf_counter()
            # shutdown_kernel="immediate": once the last cell has run, the kernel is stopped at once; a kernel that
            # has loaded TensorFlow takes 1 to 3 s to wind down, no part of the notebook (and nothing it keeps)
            papermill.execute_notebook(str(notebook), str(output), cwd=str(notebook.parent),
                                       kernel_name="python3", progress_bar=True, shutdown_kernel="immediate")
            times[notebook.name] = round(time.perf_counter() - start, 1)
            print(f"   {notebook.name}: {times[notebook.name]:.1f} s", flush=True)
        running = None
    finally:
        for name, value in previous.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        yardstick.append(environment.yardstick())  # and as it ends
        write_times(timing_file, profile, planned, times, failed=running, yardstick=yardstick)
    print(f"Total: {sum(times.values()):.1f} s for {len(times)} notebook(s); times in {timing_file}; "
          f"yardstick {yardstick[0]:.2f} s before, {yardstick[1]:.2f} s after (the machine's speed: lower is faster)")
    return times


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Run the notebooks of the series with papermill.")
    parser.add_argument("notebooks", nargs="*", help="numbers or names (default: all), e.g. 00 03")
    parser.add_argument("--profile", choices=PROFILES, default="tiny")
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--in-place", action="store_true",
                       help="the release run: overwrite the notebooks with their outputs (implies --reference)")
    where.add_argument("--output-dir", type=Path, help="where executed notebooks go (default: runs/<profile>)")
    parser.add_argument("--reference", action="store_true",
                        help="write the results to the committed results/<profile>/ (default: runs/results/<profile>/)")
    parser.add_argument("--resume", action="store_true",
                        help="keep the backups of an interrupted run and continue it (default: train from scratch)")
    parser.add_argument("--root", type=Path, default=Path("."), help="the checkout (default: .)")
    args = parser.parse_args(argv)
    notebooks = select_notebooks(args.root / "notebooks", args.notebooks)
    output_dir = None if args.in_place else (args.output_dir or args.root / "runs" / args.profile)
    data_dir = None if args.resume else default_data_dir(args.root)  # where the notebooks' backups are
    results_root = args.root / "results" if (args.reference or args.in_place) else args.root / "runs" / "results"
    run(notebooks, args.profile, output_dir, results_root.resolve() / args.profile, data_dir)
    return 0


if __name__ == "__main__":
    sys.exit(main())
