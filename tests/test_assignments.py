"""The graded assignments: released without solutions, failing for a student who has not answered,
full points for the solution, feedback written (the nbgrader round trip, on the tiny profile)."""

import json
import shutil

from helpers import assignments


def test_the_solutions_autograde_to_full_points_and_the_student_versions_fail():
    scores = assignments.round_trip()
    assert len(scores) >= 3
    for name, found in scores.items():
        assert found["score"] == found["max_score"] > 0, (name, found)


def test_the_release_holds_no_solution_or_hidden_test_and_the_series_has_no_outputs(tmp_path):
    course = tmp_path / "course"
    shutil.copytree(assignments.COURSE, course, ignore=shutil.ignore_patterns("release", "gradebook.db"))
    folders = assignments.build(course)
    for name in assignments.names(course):
        released = (course / "release" / name / f"{name}.ipynb").read_text()
        assert "NotImplementedError" in released
        assert "c.Execute.timeout = 600" in (course / "release" / name / "nbgrader_config.py").read_text()
        assert "BEGIN SOLUTION" not in released and "HIDDEN TESTS" not in released
        source = (course / "source" / name / f"{name}.ipynb").read_text()
        assert "BEGIN HIDDEN TESTS" in source  # a visible test would give these answers away
    series = course / "release" / "series"
    assert series in folders and len(list(series.glob("*.ipynb"))) == len(list(assignments.CHECKOUT.glob("notebooks/*.ipynb")))
    for notebook in series.glob("*.ipynb"):
        cells = json.loads(notebook.read_text())["cells"]
        assert all(not c.get("outputs") and c.get("execution_count") is None for c in cells if c["cell_type"] == "code")
