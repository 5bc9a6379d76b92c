"""The graded assignments, graded as nbgrader grades students (on the tiny profile): the solution, the released
version as is and the answers of ``tests/assignment_answers/`` (correct ones written differently, wrong ones, one that
never ends) each get the points they deserve, part by part; the feedback shows no hidden test; a stuck cell costs
its time limit and says so; the release holds no solution."""

import json
import math
import os
import re
import shutil
from collections import defaultdict

import nbformat
import pytest

from helpers.series import assignments
from tests.conftest import use_own_folders

CI_MINIMUM = 10
"""The least time limit of a cell in this test (30 s when grading): a stuck answer costs 10 s here."""


CI_FACTOR = 10.0
"""A cell may run this many times as long as the solution did on the small profile (3 when grading): CI grades side
by side with the notebooks, and a correct answer's setup cell, TensorFlow's import, must not run out of time."""


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    work = tmp_path_factory.mktemp("courses")
    with pytest.MonkeyPatch.context() as patch:
        use_own_folders(patch, tmp_path_factory.mktemp("grading"))
        found = assignments.round_trip(work=work, workers=min(3, os.cpu_count() or 1), minimum_timeout=CI_MINIMUM,
                                       factor=CI_FACTOR,
                                       time_solution=False)  # the solution graded with the others: one run less
    return work, found


def test_every_answer_gets_the_points_it_deserves_part_by_part(graded):
    _, found = graded  # round_trip raises when one part of one answer got other points than expected
    assert set(found) == set(assignments.names()) and len(found) >= 3
    for name, result in found.items():
        assert result["score"] == result["max_score"] > 0, (name, result)
        rows = {row["answer"]: row for row in result["submissions"]}
        assert all(p["given"] == 0 for p in rows[assignments.BLANK]["parts"].values())  # nothing for free
        for part in rows[assignments.SOLUTION]["parts"]:
            alternatives = [r for r in rows.values() if r["answer"] != assignments.SOLUTION
                            and r["parts"][part]["expected"] > 0]
            losing = [r for r in rows.values() if r["kind"] != "blank" and r["parts"][part]["expected"] == 0]
            assert len(alternatives) >= 2, f"{name}, {part}: fewer than two other correct answers"
            assert losing, f"{name}, {part}: no wrong answer loses these points"


def test_the_feedback_shows_no_hidden_test_and_the_instructor_view_keeps_them(graded):
    work, found = graded
    references = ("ap_readings", "tune_thresholds(labels", "reduction=None", "check_rare_threshold(best")
    for name in found:
        feedback = sorted((work / name / "feedback").glob(f"*/{name}/{name}.html"))
        assert len(feedback) == len(found[name]["submissions"])
        for path in feedback:
            text = assignments.html_text(path)
            assert "BEGIN HIDDEN TESTS" not in text and "hidden tests: they ran when" in text, path
            assert not [r for r in references if r in text], path
        for path in (work / name / "autograded").glob(f"*/{name}/{name}.ipynb"):
            assert "BEGIN HIDDEN TESTS" in path.read_text(), path


def test_a_stuck_cell_costs_its_time_limit_and_its_feedback_says_so(graded):
    work, found = graded
    stuck = [(name, row) for name, result in found.items() for row in result["submissions"] if row["kind"] == "stuck"]
    assert stuck
    for name, row in stuck:
        text = assignments.html_text(work / name / "feedback" / row["answer"] / name / f"{name}.html")
        assert f"this cell ran past {CI_MINIMUM} s" in text
        assert row["seconds"] < CI_MINIMUM + 20, row  # one stopped cell, then the rest as usual


def test_the_points_of_every_part_are_exported_beside_grades_csv(graded):
    work, found = graded
    path = assignments.export_part_scores(work / "ap_voc07")
    rows = list(csv_rows(path))
    parts = found["ap_voc07"]["submissions"][0]["parts"]
    assert len(rows) == len(parts) * len(found["ap_voc07"]["submissions"])
    assert {r["question"] for r in rows} == {"1", "2"}
    scores = defaultdict(float)
    for row in rows:
        scores[row["student"]] += float(row["score"])
    assert scores[assignments.SOLUTION] == found["ap_voc07"]["max_score"] and scores[assignments.BLANK] == 0


def csv_rows(path):
    import csv

    with path.open() as handle:
        yield from csv.DictReader(handle)


def test_every_cell_has_a_time_limit_measured_on_the_small_profile():
    measured = json.loads(assignments.MEASURED.read_text())
    assert measured["profile"] == "small"
    for name in assignments.names():
        source = assignments.read_notebook(assignments.COURSE / "source" / name / f"{name}.ipynb")
        code = {assignments.grade_id(c) for c in source["cells"] if c["cell_type"] == "code"}
        limits = assignments.cell_limits(name)
        assert set(limits) == code, f"{name}: measure again (README, For instructors)"
        seconds = measured["assignments"][name]["cell_seconds"]
        for cell, limit in limits.items():
            assert limit == max(assignments.MINIMUM, math.ceil(assignments.FACTOR * seconds[cell])), (name, cell)


def test_the_feedback_preprocessor_hides_hidden_tests_and_their_tracebacks():
    cell = nbformat.v4.new_code_cell("assert x > 0\n### BEGIN HIDDEN TESTS\nassert x == secret()\n### END HIDDEN TESTS\n"
                                     "print('right')")
    cell.outputs = [nbformat.v4.new_output("error", ename="AssertionError", evalue="",
                                           traceback=["----> 3 assert x == secret()"])]
    other = nbformat.v4.new_code_cell("x = 1")
    other.outputs = [nbformat.v4.new_output("error", ename="NameError", evalue="name 'y' is not defined",
                                            traceback=["----> 1 y"])]
    notebook = nbformat.v4.new_notebook(cells=[cell, other])
    notebook, _ = assignments.HideHiddenTests().preprocess(notebook, {})
    shown = json.dumps(notebook)
    assert "secret" not in shown and "HIDDEN TESTS" not in shown and "print('right')" in notebook.cells[0].source
    assert notebook.cells[0].outputs[0].traceback[0] == "AssertionError"
    assert notebook.cells[1].outputs[0].traceback == ["----> 1 y"]  # a cell without hidden tests keeps it


def test_the_hidden_lines_looked_for_in_feedback_skip_short_generic_ones():
    source = {"cells": [{"cell_type": "code", "source": "assert x > 0\n### BEGIN HIDDEN TESTS\ntry:\n"
                         "    accepted = reference(x)\nexcept Exception:  # question 1 failed\n    accepted = []\n"
                         "### END HIDDEN TESTS\nprint('right')"}]}
    released = {"cells": [{"cell_type": "code", "source": "assert x > 0\nprint('right')"}]}
    # "try:" turns up in any numpy traceback of a stopped student cell: looking for it gave false alarms
    assert assignments.hidden_lines(source, released) == [
        "accepted = reference(x)", "except Exception: # question 1 failed", "accepted = []"]


def test_every_answer_file_fills_answer_cells_and_expects_points_for_every_part():
    kinds = defaultdict(set)
    for name in assignments.names():
        source = assignments.read_notebook(assignments.COURSE / "source" / name / f"{name}.ipynb")
        parts = assignments.graded_parts(source)
        for answer in assignments.load_answers(assignments.ANSWERS, name):
            assert set(answer.expected) == set(parts), answer.name
            assert answer.kind in ("correct", "mixed", "wrong", "stuck") and answer.description, answer.name
            assert answer.name.startswith(answer.kind), answer.name
            assignments.submission(source, answer)  # raises on a cell that is not an answer cell
            kinds[name].add(answer.kind)
    assert all({"correct", "mixed"} <= found for found in kinds.values()), kinds


def test_the_readme_rubric_has_one_line_per_graded_part_with_its_points():
    readme = (assignments.CHECKOUT / "README.md").read_text()
    section = readme.split("## For instructors", 1)[1].split("\n## ", 1)[0]
    rows = {(m.group(1), m.group(2)): float(m.group(3))
            for m in re.finditer(r"^\| `(\w+)` \| `([\w-]+)` \| \d+ \| (\d+) \|", section, flags=re.MULTILINE)}
    expected = {}
    for name in assignments.names():
        source = assignments.read_notebook(assignments.COURSE / "source" / name / f"{name}.ipynb")
        expected.update({(name, part): points for part, points in assignments.graded_parts(source).items()})
    assert rows == expected


def test_the_release_holds_no_solution_or_hidden_test_and_the_series_has_no_outputs(tmp_path, own_folders):
    course = tmp_path / "course"
    shutil.copytree(assignments.COURSE, course, ignore=shutil.ignore_patterns(
        "release", "solution", "submitted", "autograded", "feedback", "gradebook.db"))
    folders = assignments.build(course, solutions=False)
    for name in assignments.names(course):
        released = (course / "release" / name / f"{name}.ipynb").read_text()
        assert "NotImplementedError" in released
        limit = max(assignments.cell_limits(name).values())
        assert f"c.Execute.timeout = {limit}\n" in (course / "release" / name / "nbgrader_config.py").read_text()
        assert "BEGIN SOLUTION" not in released and "HIDDEN TESTS" not in released
        source = (course / "source" / name / f"{name}.ipynb").read_text()
        assert "BEGIN HIDDEN TESTS" in source  # a visible test would give these answers away
    series = course / "release" / "series"
    assert series in folders and len(list(series.glob("*.ipynb"))) == len(list(assignments.CHECKOUT.glob("notebooks/*.ipynb")))
    for notebook in series.glob("*.ipynb"):
        cells = json.loads(notebook.read_text())["cells"]
        assert all(not c.get("outputs") and c.get("execution_count") is None for c in cells if c["cell_type"] == "code")
    assignments.nbgrader(course, "generate_solution", "ap_voc07", "--force")  # the cheapest one: a few seconds
    solved = json.loads((course / "solution" / "ap_voc07" / "ap_voc07.ipynb").read_text())
    assert all(c["outputs"] for c in solved["cells"] if c["cell_type"] == "code" and "print(" in "".join(c["source"]))
    assert "BEGIN HIDDEN TESTS" in json.dumps(solved) and "Error" not in json.dumps([c["outputs"] for c in solved["cells"]
                                                                                      if c["cell_type"] == "code"])
