"""Run-time tables read the measured runs, never hand-typed times."""

import json

from helpers.series import runtimes

TABLE = """**Run time** (this notebook's wall time within `python -m helpers.series`, measured on 2026-01-01):

| profile | data | 2-core CPU, no GPU |
|---|---|---|
| `tiny` | 800 synthetic images | 5 s |
| `small` | 933 images | 1 s |
| `full` | VOC 2007 | 6 s | 40 s (one H200) |"""


def _run(folder, profile, seconds, date, complete=True):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{date}.json").write_text(json.dumps({"profile": profile, "seconds": seconds, "complete": complete,
                                                     "date": f"{date}T10:00:00+00:00"}))


def test_each_row_takes_the_newest_run_that_finished_the_notebook(tmp_path):
    _run(tmp_path / "tiny" / "run_times", "tiny", {"00.ipynb": 12.4}, "2026-11-20")
    _run(tmp_path / "tiny" / "run_times", "tiny", {"00.ipynb": 9.0}, "2026-11-21")
    # a run stopped later, in another notebook: the notebooks it finished were measured all the same
    _run(tmp_path / "tiny" / "run_times", "tiny", {"00.ipynb": 7.0}, "2026-11-22", complete=False)
    _run(tmp_path / "full" / "run_times", "full", {"00.ipynb": 1104.0}, "2026-11-23")
    filled = runtimes.fill(TABLE, "00.ipynb", runtimes.measured_times(tmp_path))
    assert "| `tiny` | 800 synthetic images | 7 s |\n" in filled
    assert "| `full` | VOC 2007 | 18.4 min | 40 s (one H200) |" in filled  # a measured GPU column stays
    assert "| `small` | 933 images | 1 s |\n" in filled  # no run: left as it was
    # rows measured on different days: each date with its rows (the machine's speed varies from day to day)
    assert "measured on 2026-11-22 (`tiny`) and 2026-11-23 (`full`)):" in filled
    again = runtimes.fill(filled, "00.ipynb", runtimes.measured_times(tmp_path))
    assert again == filled  # the longer phrase is found and replaced, not appended to


def test_rows_measured_on_one_day_give_one_date(tmp_path):
    _run(tmp_path / "tiny" / "run_times", "tiny", {"00.ipynb": 5.0}, "2026-11-20")
    _run(tmp_path / "full" / "run_times", "full", {"00.ipynb": 60.0}, "2026-11-20")
    once = runtimes.fill(TABLE, "00.ipynb", runtimes.measured_times(tmp_path))
    assert "measured on 2026-11-20):" in once
    _run(tmp_path / "full" / "run_times", "full", {"00.ipynb": 61.0}, "2026-11-24")
    twice = runtimes.fill(once, "00.ipynb", runtimes.measured_times(tmp_path))
    assert "measured on 2026-11-20 (`tiny`) and 2026-11-24 (`full`)):" in twice
    assert runtimes.fill(twice, "00.ipynb", runtimes.measured_times(tmp_path / "tiny")) == twice  # nothing measured
