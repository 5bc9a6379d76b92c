"""Graded assignments built with nbgrader, and students' copies of the series.

The course directory is the checkout's ``assignments/``: ``source/<name>/<name>.ipynb``
holds each assignment with its solutions and tests (nbgrader's cell metadata).

* ``python -m helpers.assignments`` writes the student versions into
  ``assignments/release/<name>/`` (``nbgrader generate_assignment``: solutions
  replaced by ``raise NotImplementedError()``, hidden tests removed, outputs
  cleared) and the series' notebooks without their outputs into
  ``assignments/release/series/``.
* ``python -m helpers.assignments --round-trip`` checks, in a temporary copy,
  that every released assignment fails its tests (``nbgrader validate --invert``),
  that the solution submitted as a student autogrades to full points, and that
  feedback is generated. CI runs it on the tiny profile.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CHECKOUT = Path(__file__).resolve().parents[1]
COURSE = CHECKOUT / "assignments"
STUDENT = "student_one"
STUDENT_CONFIG = (
    "# For `nbgrader validate` in this folder: nbgrader stops a cell after 30 s by default, and on the\n"
    "# small profile a cell of this assignment computes features or trains a network.\n"
    "c = get_config()  # noqa: F821\n"
    "c.Execute.timeout = 600\n")


def names(course: Path = COURSE) -> list[str]:
    """The assignments: one folder per assignment under ``source/``."""
    return sorted(p.name for p in (course / "source").iterdir() if (p / f"{p.name}.ipynb").exists())


def nbgrader(course: Path, *args: str) -> str:
    """Run one nbgrader command in the course directory; return its output, raise with it on failure."""
    from helpers.config import default_data_dir, default_results_dir

    # The notebooks run in nbgrader's folders: point them at this checkout's data and results.
    env = {"VOC_DATA_DIR": str(default_data_dir()), "VOC_RESULTS_DIR": str(default_results_dir()), **os.environ}
    result = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=course, capture_output=True, text=True,
                            env=env)
    output = result.stdout + result.stderr
    if result.returncode != 0:
        raise RuntimeError(f"nbgrader {' '.join(args)} failed:\n{output}")
    return output


def strip_outputs(notebook: Path, dest: Path) -> Path:
    """A copy of ``notebook`` without outputs or execution counts."""
    data = json.loads(notebook.read_text())
    for cell in data["cells"]:
        if cell["cell_type"] == "code":
            cell["outputs"], cell["execution_count"] = [], None
    data["metadata"].pop("papermill", None)
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n")
    return dest


def build(course: Path = COURSE) -> list[Path]:
    """Write the release versions of every assignment and the series without outputs; return the folders."""
    written = []
    for name in names(course):
        nbgrader(course, "generate_assignment", name, "--force")
        (course / "release" / name / "nbgrader_config.py").write_text(STUDENT_CONFIG)
        written.append(course / "release" / name)
    for notebook in sorted((CHECKOUT / "notebooks").glob("*.ipynb")):
        strip_outputs(notebook, course / "release" / "series" / notebook.name)
    written.append(course / "release" / "series")
    return written


def round_trip(course: Path = COURSE) -> dict[str, dict]:
    """In a temporary copy of ``course``: release, check the student versions fail, submit
    the solutions as a student, autograde and generate feedback. Returns, per
    assignment, ``score``, ``max_score`` and ``autograde_seconds`` (the time to run
    and grade one submission); raises when a step does not hold."""
    from nbgrader.api import Gradebook

    scores = {}
    with tempfile.TemporaryDirectory(prefix="voc-assignments-") as temp:
        work = Path(temp) / "course"
        shutil.copytree(course, work, ignore=shutil.ignore_patterns("release", "submitted", "autograded",
                                                                    "feedback", "gradebook.db", ".ipynb_checkpoints"))
        for name in names(work):
            nbgrader(work, "generate_assignment", name, "--force")
            released = work / "release" / name / f"{name}.ipynb"
            report = nbgrader(work, "validate", str(released), "--invert")
            if "VALIDATION FAILED" in report or "Success" not in report:
                raise AssertionError(f"the released {name} passes some of its tests, or did not run:\n{report}")
            submitted = work / "submitted" / STUDENT / name
            submitted.mkdir(parents=True)
            shutil.copy(work / "source" / name / f"{name}.ipynb", submitted / f"{name}.ipynb")
            started = time.perf_counter()
            nbgrader(work, "autograde", name, "--force")  # nbgrader 0.9 adds unknown students itself
            seconds = time.perf_counter() - started
            nbgrader(work, "generate_feedback", name, "--force")
            feedback = work / "feedback" / STUDENT / name / f"{name}.html"
            if not feedback.exists():
                raise AssertionError(f"no feedback written for {name}")
            with Gradebook(f"sqlite:///{work / 'gradebook.db'}") as gradebook:
                submission = gradebook.find_submission(name, STUDENT)
                scores[name] = {"score": submission.score, "max_score": submission.max_score,
                                "autograde_seconds": round(seconds, 1)}
            if submission.score != submission.max_score or submission.max_score == 0:
                raise AssertionError(f"the solution of {name} autograded to {scores[name]}")
    return scores


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--round-trip", action="store_true",
                        help="check release, validation, autograding and feedback in a temporary copy")
    args = parser.parse_args(argv)
    if args.round_trip:
        from helpers import config, results

        profile = config.read_profile()
        scores = round_trip()
        for name, found in scores.items():
            print(f"{name}: the released version fails its tests; the solution autograded {found['score']:g} of "
                  f"{found['max_score']:g} in {found['autograde_seconds']:.0f} s; feedback written")
        results.write_benchmark(config.default_results_dir() / profile / "assignments.json",
                                {"profile": profile, "assignments": scores})
        return 0
    for folder in build():
        print(f"wrote {folder.relative_to(CHECKOUT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
