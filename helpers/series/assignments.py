"""Graded assignments built with nbgrader, and students' copies of the series.

The course directory is the checkout's ``assignments/``: ``source/<name>/<name>.ipynb``
holds each assignment with its solutions and tests (nbgrader's cell metadata), and
``nbgrader_config.py`` plugs in the two preprocessors of this module.

* ``python -m helpers.series.assignments`` writes the student versions into
  ``assignments/release/<name>/`` (``nbgrader generate_assignment``: solutions
  replaced by ``raise NotImplementedError()``, hidden tests removed, outputs
  cleared), the solved notebooks with their outputs into ``assignments/solution/<name>/``
  (``nbgrader generate_solution``, hidden tests kept: for the instructor only) and the
  series' notebooks without their outputs into ``assignments/release/series/``.
* ``python -m helpers.series.assignments --round-trip`` checks, in a temporary copy,
  that the solution and every answer of ``tests/assignment_answers/`` autograde to the
  points they deserve, part by part (the released version itself to none), that the
  feedback shows no hidden test and says so when a cell ran past its time, and writes
  what it measured to ``<results>/<profile>/assignments.json``. CI runs it on the tiny profile.
* ``python -m helpers.series.assignments --scores`` writes ``assignments/grades_by_part.csv``,
  the points of every graded part of every submission, from nbgrader's gradebook.

Time limits (:class:`TimedExecute`): each cell may run :data:`FACTOR` times as long as
it did for the solution in the committed round trip of the small profile
(``results/small/assignments.json``, ``cell_seconds``), and at least :data:`MINIMUM` s.
"""

from __future__ import annotations

import argparse
import ast
import csv
import html
import json
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from nbgrader.preprocessors import Execute, NbGraderPreprocessor
from traitlets import Float, Integer, Unicode

CHECKOUT = Path(__file__).resolve().parents[2]
COURSE = CHECKOUT / "assignments"
ANSWERS = CHECKOUT / "tests" / "assignment_answers"
MEASURED = CHECKOUT / "results" / "small" / "assignments.json"
"""The round trip on the small profile whose solution cell times size the time limits."""
FACTOR = 3.0
"""A cell may run this many times as long as the solution's did on the small profile..."""
MINIMUM = 30
"""... and at least this many seconds (nbgrader's own default limit), for answers slower than the solution."""
FALLBACK = 600
"""The limit of a cell of the assignments not measured yet (``Execute.timeout`` in ``assignments/nbgrader_config.py``)."""
SOLUTION, BLANK = "solution", "blank"
"""The two submissions every round trip grades besides the answers: the source notebook, and the release as is."""
BEGIN_HIDDEN, END_HIDDEN = "BEGIN HIDDEN TESTS", "END HIDDEN TESTS"
HIDDEN_NOTE = "# (hidden tests: they ran when this notebook was graded; what they check is in the question)"


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
    if result.returncode != 0 or "Exception while loading config file" in output:  # nbgrader goes on without it
        raise RuntimeError(f"nbgrader {' '.join(args)} failed:\n{output}")
    return output


def read_notebook(path: Path) -> dict:
    return json.loads(Path(path).read_text())


def write_notebook(data: dict, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n")
    return path


def cell_text(cell: dict) -> str:
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def grade_id(cell) -> str | None:
    return cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")


# --- Time limits ---------------------------------------------------------------------------------------------------

def cell_limits(name: str, measured: Path = MEASURED, factor: float = FACTOR, minimum: int = MINIMUM) -> dict[str, int]:
    """Seconds each cell of assignment ``name`` may run, by grade id: ``factor`` times the solution's time in the
    round trip recorded in ``measured``, rounded up, and at least ``minimum``. Empty when ``measured`` holds no
    times for ``name`` (:class:`TimedExecute` then falls back to ``Execute.timeout``)."""
    try:
        seconds = json.loads(Path(measured).read_text())["assignments"][name].get("cell_seconds", {})
    except (OSError, KeyError, ValueError):
        return {}
    return {cell: max(int(minimum), math.ceil(factor * value)) for cell, value in seconds.items()}


def timeout_error(seconds: int) -> dict:
    """The error output nbgrader records for a cell stopped after ``seconds``: plain words for the feedback."""
    text = (f"this cell ran past {seconds} s, its time limit, and was stopped (a loop that never ends, or far more "
            "work than the question asks?). The cells after it ran without what it should have defined.")
    return {"ename": "CellTimeoutError", "evalue": text, "traceback": [f"CellTimeoutError: {text}"]}


class TimedExecute(Execute):
    """nbgrader's ``Execute`` with a time limit per cell, from :func:`cell_limits`, and a timeout that
    says in the notebook how long the cell ran. Set in ``assignments/nbgrader_config.py``."""

    factor = Float(FACTOR, help="A cell may run this many times as long as the solution's did.").tag(config=True)
    minimum_timeout = Integer(MINIMUM, help="The least time limit of a cell, in seconds.").tag(config=True)
    measured = Unicode(str(MEASURED), help="The results file with the solution's cell times.").tag(config=True)

    def preprocess(self, nb, resources=None, km=None):
        name = resources["nbgrader"]["assignment"]
        limits = cell_limits(name, Path(self.measured), self.factor, self.minimum_timeout)
        fallback = max(self.timeout or 0, self.minimum_timeout)
        unmeasured = [grade_id(c) for c in nb.cells if c.cell_type == "code" and grade_id(c) not in limits
                      and c.metadata.get("nbgrader", {}).get("locked")]
        if unmeasured:
            self.log.warning(f"{self.measured} holds no solution times for the cells {unmeasured} of {name}: they "
                             f"may run {fallback} s (Execute.timeout). Measure them: VOC_PROFILE=small "
                             "VOC_RESULTS_DIR=results python -m helpers.series.assignments --round-trip "
                             "--solution-only")

        def limit(cell):  # a cell a student added has no grade id: the least limit
            return self.minimum_timeout if grade_id(cell) is None else limits.get(grade_id(cell), fallback)

        self.timeout_func = limit
        return super().preprocess(nb, resources, km)

    async def _async_handle_timeout(self, timeout, cell=None):
        self.error_on_timeout = timeout_error(timeout)
        return await super()._async_handle_timeout(timeout, cell)


class HideHiddenTests(NbGraderPreprocessor):
    """For the feedback: replace each hidden-test region by one comment line, and the tracebacks of the cells that
    held one by their last line (a traceback quotes the lines around the failing one). The autograded notebook,
    the instructor's view, keeps everything."""

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type != "code" or BEGIN_HIDDEN not in cell.source:
            return cell, resources
        kept, hiding = [], False
        for line in cell.source.split("\n"):
            if BEGIN_HIDDEN in line:
                hiding = True
                kept.append(line[:len(line) - len(line.lstrip())] + HIDDEN_NOTE)
            elif END_HIDDEN in line:
                hiding = False
            elif not hiding:
                kept.append(line)
        cell.source = "\n".join(kept)
        for output in cell.get("outputs", []):
            if output.output_type == "error":
                output.traceback = [f"{output.ename}: {output.evalue}".rstrip(": "),
                                    "(the lines around it are not shown: this cell holds hidden tests)"]
        return cell, resources


def _replace_execute(preprocessors: list) -> list:
    return [TimedExecute if p is Execute else p for p in preprocessors]


def autograde_preprocessors() -> list:
    """nbgrader's autograde preprocessors, with :class:`TimedExecute` for ``Execute``."""
    from nbgrader.converters import Autograde

    return _replace_execute(Autograde.class_traits()["autograde_preprocessors"].default())


def solution_preprocessors() -> list:
    """nbgrader's ``generate_solution`` preprocessors, with :class:`TimedExecute` for ``Execute``."""
    from nbgrader.converters import GenerateSolution

    return _replace_execute(GenerateSolution.class_traits()["preprocessors"].default())


def feedback_preprocessors() -> list:
    """nbgrader's feedback preprocessors, then :class:`HideHiddenTests`."""
    from nbgrader.converters import GenerateFeedback

    return [*GenerateFeedback.class_traits()["preprocessors"].default(), HideHiddenTests]


def student_config(name: str, measured: Path = MEASURED) -> str:
    """The ``nbgrader_config.py`` of a released assignment, for ``nbgrader validate`` on a student's machine."""
    limit = max(cell_limits(name, measured).values(), default=FALLBACK)
    return ("# For `nbgrader validate` in this folder: nbgrader stops a cell after 30 s by default; here a cell may\n"
            f"# run up to {limit} s, three times the slowest cell of the solution on the small profile (2-core CPU).\n"
            "c = get_config()  # noqa: F821\n"
            f"c.Execute.timeout = {limit}\n"
            f"c.Execute.error_on_timeout = {timeout_error(limit)!r}\n")


# --- Build ---------------------------------------------------------------------------------------------------------

def strip_outputs(notebook: Path, dest: Path) -> Path:
    """A copy of ``notebook`` without outputs or execution counts."""
    data = read_notebook(notebook)
    for cell in data["cells"]:
        if cell["cell_type"] == "code":
            cell["outputs"], cell["execution_count"] = [], None
    data["metadata"].pop("papermill", None)
    return write_notebook(data, dest)


def build(course: Path = COURSE, solutions: bool = True) -> list[Path]:
    """Write the release versions of every assignment, their solved notebooks (``solutions``: runs each on the
    profile of ``VOC_PROFILE``) and the series without outputs; return the folders written."""
    written = []
    for name in names(course):
        nbgrader(course, "generate_assignment", name, "--force")
        (course / "release" / name / "nbgrader_config.py").write_text(student_config(name))
        written.append(course / "release" / name)
        if solutions:
            nbgrader(course, "generate_solution", name, "--force")
            written.append(course / "solution" / name)
    for notebook in sorted((CHECKOUT / "notebooks").glob("*.ipynb")):
        strip_outputs(notebook, course / "release" / "series" / notebook.name)
    written.append(course / "release" / "series")
    return written


# --- Answers, as students would submit them --------------------------------------------------------------------------

@dataclass
class Answer:
    """One submission: the code of each answer cell (by grade id) and the points each graded part deserves."""

    name: str
    kind: str  # "correct", "wrong", "stuck" (a cell that never ends), "blank"
    description: str
    cells: dict[str, str] = field(default_factory=dict)
    expected: dict[str, float] = field(default_factory=dict)


def load_answer(path: Path) -> Answer:
    """An answer file: a docstring ``"<kind>: <what it does>"``, ``EXPECTED = {grade id: points}``, then one
    ``# %% <grade id>`` section per answer cell holding that cell's whole code, as the student writes it."""
    text = Path(path).read_text()
    header, *sections = re.split(r"^# %% ", text, flags=re.MULTILINE)
    tree = ast.parse(header)
    docstring = ast.get_docstring(tree) or ""
    kind, _, description = docstring.partition(":")
    expected = next(ast.literal_eval(node.value) for node in tree.body
                    if isinstance(node, ast.Assign) and node.targets[0].id == "EXPECTED")
    cells = {}
    for section in sections:
        cell_id, _, code = section.partition("\n")
        cells[cell_id.strip()] = code.strip("\n")
    return Answer(path.stem, kind.strip().lower(), " ".join(description.split()), cells, expected)


def load_answers(folder: Path, name: str) -> list[Answer]:
    """The answers of assignment ``name`` in ``folder/<name>/*.py``, sorted by file name."""
    return [load_answer(path) for path in sorted((Path(folder) / name).glob("*.py"))]


def submission(released: dict, answer: Answer) -> dict:
    """The released notebook with ``answer``'s code in its answer cells, as the student would hand it in."""
    data = json.loads(json.dumps(released))
    answer_cells = {grade_id(cell) for cell in data["cells"] if cell["metadata"].get("nbgrader", {}).get("solution")}
    unknown = set(answer.cells) - answer_cells
    if unknown:
        raise ValueError(f"answer {answer.name!r} fills cells that are not answer cells: {sorted(unknown)}; "
                         f"the answer cells are {sorted(answer_cells)}.")
    for cell in data["cells"]:
        if grade_id(cell) in answer.cells:
            cell["source"] = answer.cells[grade_id(cell)]
    return data


def graded_parts(notebook: dict) -> dict[str, float]:
    """Points of each graded cell, by grade id, in notebook order."""
    return {grade_id(c): c["metadata"]["nbgrader"]["points"] for c in notebook["cells"]
            if c["metadata"].get("nbgrader", {}).get("grade")}


def questions(notebook: dict) -> dict[str, str]:
    """The question ("1", "2", ...) each graded cell belongs to: the number of the last ``## N.`` heading above it."""
    found, current = {}, ""
    for cell in notebook["cells"]:
        heading = re.match(r"##\s+(\d+)\.", cell_text(cell)) if cell["cell_type"] == "markdown" else None
        current = heading.group(1) if heading else current
        if cell["metadata"].get("nbgrader", {}).get("grade"):
            found[grade_id(cell)] = current
    return found


MIN_SECRET_LENGTH = 12
"""Hidden-test lines shorter than this (``try:``, ``else:``) are not looked for in the feedback."""


def hidden_lines(source: dict, released: dict) -> list[str]:
    """The lines of ``source``'s hidden tests that appear nowhere in ``released``, whitespace collapsed, of at
    least :data:`MIN_SECRET_LENGTH` characters."""
    visible = {" ".join(line.split()) for cell in released["cells"] for line in cell_text(cell).splitlines()}
    lines = []
    for cell in source["cells"]:
        hiding = False
        for line in cell_text(cell).splitlines():
            if BEGIN_HIDDEN in line or END_HIDDEN in line:
                hiding = BEGIN_HIDDEN in line
                continue
            text = " ".join(line.split())
            # a short line (try:, else:) is no secret: any traceback of a student's cell may quote one from numpy
            if hiding and len(text) >= MIN_SECRET_LENGTH and not text.startswith("#") and text not in visible:
                lines.append(text)
    return lines


def html_text(path: Path) -> str:
    """The text of an HTML file as a reader sees it: tags dropped, entities decoded, whitespace collapsed."""
    raw = re.sub(r"<style.*?</style>|<script.*?</script>", " ", Path(path).read_text(), flags=re.DOTALL)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", raw)).split())


def execution_seconds(notebook: dict) -> tuple[float, dict[str, float]]:
    """From an executed notebook's timing metadata: seconds from the first cell's start to the last cell's end,
    and each code cell's seconds by grade id (a cell stopped at its time limit: until the next cell started)."""
    stamps, starts = [], []
    for cell in notebook["cells"]:
        timing = cell["metadata"].get("execution", {}) if cell["cell_type"] == "code" else {}
        start = timing.get("iopub.execute_input")
        end = timing.get("shell.execute_reply")
        starts.append((grade_id(cell), _when(start), _when(end)))
        stamps += [_when(v) for v in (start, end) if v]
    per_cell = {}
    runs = [s for s in starts if s[1] is not None]
    for (cell, start, end), following in zip(runs, [*runs[1:], None]):
        stop = end or (following[1] if following else None)
        per_cell[cell] = round((stop - start).total_seconds(), 2) if stop else float("nan")
    total = (max(stamps) - min(stamps)).total_seconds() if stamps else 0.0
    return round(total, 1), per_cell


def _when(stamp):
    return datetime.fromisoformat(stamp.replace("Z", "+00:00")) if stamp else None


def given_points(course: Path, name: str, student: str) -> dict[str, float]:
    """The points nbgrader's gradebook gave each graded part of one submission."""
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        notebook = gradebook.find_submission_notebook(name, name, student)
        return {grade.name: float(grade.score) for grade in notebook.grades}


def part_scores(course: Path = COURSE) -> list[dict]:
    """Every graded part of every autograded submission in ``course``'s gradebook: assignment, student, question,
    part (grade id), score, max_score."""
    from nbgrader.api import Gradebook

    rows = []
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        for assignment in gradebook.assignments:
            source = course / "source" / assignment.name
            numbers = {}
            for path in source.glob("*.ipynb"):
                numbers.update(questions(read_notebook(path)))
            for submission_ in gradebook.assignment_submissions(assignment.name):
                for notebook in submission_.notebooks:
                    for grade in notebook.grades:
                        if grade.max_score:
                            rows.append({"assignment": assignment.name, "student": submission_.student_id,
                                         "question": numbers.get(grade.name, ""), "part": grade.name,
                                         "score": float(grade.score), "max_score": float(grade.max_score)})
    return sorted(rows, key=lambda r: (r["assignment"], r["student"]))


def export_part_scores(course: Path = COURSE) -> Path:
    """Write ``grades_by_part.csv`` beside nbgrader's ``grades.csv``: one row per graded part and submission."""
    path = course / "grades_by_part.csv"
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, ["assignment", "student", "question", "part", "score", "max_score"])
        writer.writeheader()
        writer.writerows(part_scores(course))
    return path


# --- The round trip --------------------------------------------------------------------------------------------------

def grade_one(course: Path, work: Path, name: str, answers: list[Answer], timeout_args: tuple[str, ...],
              time_solution: bool = True) -> dict:
    """Release ``name`` in ``work`` (a copy of ``course``), autograde the solution on its own (timed; with
    ``time_solution=False`` together with the others, and ``autograde_seconds`` is None), then the released version
    as is and every answer, generate feedback for all; check every part's points, that no feedback shows a hidden
    test and that a stuck cell's feedback says how long it ran. Returns what it measured."""
    shutil.copytree(course, work, ignore=shutil.ignore_patterns(
        "release", "solution", "submitted", "autograded", "feedback", "gradebook.db", "grades*.csv",
        ".ipynb_checkpoints"))
    nbgrader(work, "generate_assignment", name, "--force")
    source = read_notebook(work / "source" / name / f"{name}.ipynb")
    released = read_notebook(work / "release" / name / f"{name}.ipynb")
    parts = graded_parts(source)
    submissions = [Answer(SOLUTION, "correct", "the source notebook's solution", {}, dict(parts)),
                   Answer(BLANK, "blank", "the released notebook as is", {}, {part: 0 for part in parts}), *answers]
    seconds = None
    for answer in submissions:
        notebook = source if answer.name == SOLUTION else submission(released, answer)
        write_notebook(notebook, work / "submitted" / answer.name / name / f"{name}.ipynb")
        if set(answer.expected) != set(parts):
            raise ValueError(f"answer {answer.name!r} of {name} expects points for {sorted(answer.expected)}; "
                             f"the graded parts are {sorted(parts)}.")
        if answer.name == SOLUTION and time_solution:  # one submission on its own: what grading a student costs
            started = time.perf_counter()
            nbgrader(work, "autograde", name, "--student", SOLUTION, *timeout_args)
            seconds = time.perf_counter() - started
    log = nbgrader(work, "autograde", name, *timeout_args)  # the others (and the solution, when it was not timed)
    nbgrader(work, "generate_feedback", name, "--force")
    hidden = hidden_lines(source, released)
    rows, problems = [], []
    for answer in submissions:
        graded = read_notebook(work / "autograded" / answer.name / name / f"{name}.ipynb")
        total, per_cell = execution_seconds(graded)
        given = given_points(work, name, answer.name)
        rows.append({"answer": answer.name, "kind": answer.kind, "description": answer.description,
                     "seconds": total, "parts": {part: {"expected": answer.expected[part], "given": given.get(part)}
                                                 for part in parts}})
        problems += [f"{answer.name}: {part} got {given.get(part)} points, expected {answer.expected[part]}"
                     for part in parts if given.get(part) != answer.expected[part]]
        feedback = work / "feedback" / answer.name / name / f"{name}.html"
        if not feedback.exists():
            problems.append(f"{answer.name}: no feedback written")
            continue
        text = html_text(feedback)
        problems += [f"{answer.name}: the feedback shows hidden test code {line!r}" for line in hidden if line in text]
        if BEGIN_HIDDEN in text:
            problems.append(f"{answer.name}: the feedback shows a hidden-test marker")
        if answer.kind == "stuck" and not re.search(r"this cell ran past \d+ s", text):
            problems.append(f"{answer.name}: a cell ran into its time limit, but the feedback does not say so")
        if answer.name == SOLUTION:
            cell_seconds = per_cell
            if BEGIN_HIDDEN not in json.dumps(graded):
                problems.append("the autograded notebook, the instructor's view, lost its hidden tests")
    if problems:
        said = "\n".join(line for line in log.splitlines() if "| INFO]" not in line)
        raise AssertionError(f"{name}:\n" + "\n".join(problems) + f"\n\nnbgrader autograde warned:\n{said}")
    solution = rows[0]
    limits = {cell: max(MINIMUM, math.ceil(FACTOR * value)) for cell, value in cell_seconds.items()}
    return {"score": sum(p["given"] for p in solution["parts"].values()), "max_score": sum(parts.values()),
            "autograde_seconds": None if seconds is None else round(seconds, 1), "cell_seconds": cell_seconds,
            "limits_from_these_times": limits, "submissions": rows}


def round_trip(course: Path = COURSE, answers: Path | None = ANSWERS, work: Path | None = None, workers: int = 1,
               minimum_timeout: int | None = None, factor: float | None = None, measured: Path | None = None,
               time_solution: bool = True) -> dict[str, dict]:
    """Grade every assignment as :func:`grade_one` does, in ``work`` (default: a temporary folder, removed after),
    one course copy per assignment so that ``workers`` of them can run at once (timings are only comparable with
    ``workers=1``). ``answers``: the folder of answer files (None: the solution and the blank release only);
    ``minimum_timeout`` overrides :data:`MINIMUM` (CI lowers it, so that a stuck answer costs seconds), ``factor``
    :data:`FACTOR` (CI raises it: the limits come from a run one at a time, CI grades side by side), ``measured``
    the results file whose solution times size the limits (default :data:`MEASURED`).
    Returns, per assignment, the solution's ``score``, ``max_score`` and ``autograde_seconds`` (one submission;
    None with ``time_solution=False``, which grades the solution with the others: quicker, for tests), its
    ``cell_seconds``, and every submission's points part by part; raises when a part's points are not the ones
    expected."""
    from helpers import config

    config.split_plan_for(config.read_profile())  # data made once, before notebooks run side by side
    timeout_args = (*(() if minimum_timeout is None else (f"--TimedExecute.minimum_timeout={minimum_timeout}",)),
                    *(() if factor is None else (f"--TimedExecute.factor={factor}",)),
                    *(() if measured is None else (f"--TimedExecute.measured={Path(measured).resolve()}",)))
    with tempfile.TemporaryDirectory(prefix="voc-assignments-") as temp:
        base = Path(work) if work is not None else Path(temp)
        jobs = {name: (course, base / name, name, load_answers(answers, name) if answers else [], timeout_args)
                for name in names(course)}
        with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
            futures = {name: pool.submit(grade_one, *job, time_solution=time_solution) for name, job in jobs.items()}
            return {name: future.result() for name, future in futures.items()}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--round-trip", action="store_true",
                        help="grade the solution and the answers of tests/assignment_answers in a temporary copy")
    parser.add_argument("--scores", action="store_true",
                        help="write assignments/grades_by_part.csv from the gradebook")
    parser.add_argument("--no-solutions", action="store_true", help="build without running the solved notebooks")
    parser.add_argument("--solution-only", action="store_true",
                        help="with --round-trip: grade the solution and the blank release only (to measure the "
                             "time limits on the small profile, where a stuck answer would run for 600 s)")
    args = parser.parse_args(argv)
    if args.scores:
        print(f"wrote {export_part_scores().relative_to(CHECKOUT)}")
        return 0
    if args.round_trip:
        from helpers import config, results

        profile = config.read_profile()
        scores = round_trip(answers=None if args.solution_only else ANSWERS)
        for name, found in scores.items():
            print(f"{name}: the solution autograded {found['score']:g} of {found['max_score']:g} in "
                  f"{found['autograde_seconds']:.0f} s; every answer got the points expected, part by part:")
            for row in found["submissions"]:
                points = sum(p["given"] for p in row["parts"].values())
                print(f"  {row['answer']:<28} {row['kind']:<8} {points:g} of {found['max_score']:g}, "
                      f"{row['seconds']:.0f} s")
        results.write_benchmark(config.default_results_dir() / profile / "assignments.json",
                                {"profile": profile, "factor": FACTOR, "minimum_seconds": MINIMUM,
                                 "assignments": scores})
        return 0
    for folder in build(solutions=not args.no_solutions):
        print(f"wrote {folder.relative_to(CHECKOUT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
