"""The run-time table at the top of each notebook, filled from measured runs.

Each notebook's intro has a table with one row per profile; its CPU column is
the notebook's wall time (a GPU column appears only once it has been measured, naming the GPU) in the newest
``python -m helpers.series`` run of that profile that finished it (``results/<profile>/run_times/*.json``; a run
stopped part-way records the notebooks it finished).
``python -m helpers.series.runtimes`` rewrites those cells and the "measured on" date (each date with its
rows when they were run on different days).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

from helpers.config import PROFILES

_ROW = re.compile(r"^\| `(?P<profile>\w+)` \| (?P<data>[^|]+) \| (?P<cpu>[^|]+) \|(?P<rest>(?: [^|]+ \|)*)$", re.M)
# "measured on 2026-12-03", or one date per group of rows: "measured on 2026-12-02 (`full`) and 2026-12-03 (`tiny`)"
_DATE = re.compile(r"(measured on )(\d{4}-\d{2}-\d{2}(?: \([^)]*\))?(?:(?:, | and )\d{4}-\d{2}-\d{2} \([^)]*\))*)")


def shown(seconds: float) -> str:
    """``"25 s"`` under a minute and a half, else ``"18.4 min"``."""
    return f"{seconds:.0f} s" if seconds < 90 else f"{seconds / 60:.1f} min"


def measured_times(results_dir: Path) -> dict[tuple[str, str], tuple[float, str]]:
    """(profile, notebook file) -> (seconds, date) from the newest run that finished it."""
    from helpers.series.report import load_run_times

    found: dict[tuple[str, str], tuple[float, str]] = {}
    for profile in PROFILES:
        runs = load_run_times(results_dir / profile)  # newest first
        for run in sorted(runs, key=lambda r: r["date"]):  # a stopped run lists only the notebooks it finished
            for notebook, seconds in run["seconds"].items():
                found[(profile, notebook)] = (seconds, run["date"][:10])
    return found


def fill(text: str, notebook: str, times: dict) -> str:
    """``text`` with each profile row's CPU column set from ``times``, and the date
    they were measured on: one date, or each date with the rows it holds."""
    dates: dict[str, list[str]] = {}

    def row(match: re.Match) -> str:
        measured = times.get((match["profile"], notebook))
        if measured is None:
            return match[0]
        dates.setdefault(measured[1], []).append(f"`{match['profile']}`")
        return f"| `{match['profile']}` | {match['data']} | {shown(measured[0])} |{match['rest']}"

    text = _ROW.sub(row, text)
    return _DATE.sub(lambda m: m[1] + dated(dates), text) if dates else text


def dated(dates: dict[str, list[str]]) -> str:
    """``"2026-12-03"`` for one date; ``"2026-12-02 (`full`) and 2026-12-03 (`tiny`, `small`)"`` for several."""
    if len(dates) == 1:
        return next(iter(dates))
    parts = [f"{date} ({', '.join(rows)})" for date, rows in sorted(dates.items())]
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def write(root: Path) -> list[str]:
    """Fill every notebook's table; return the notebooks changed."""
    times = measured_times(root / "results")
    changed = []
    for path in sorted((root / "notebooks").glob("*.ipynb")):
        data = json.loads(path.read_text())
        intro = data["cells"][1]
        source = "".join(intro["source"])
        filled = fill(source, path.name, times)
        if filled != source:
            intro["source"] = filled.splitlines(keepends=True)
            path.write_text(json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False) + "\n")
            changed.append(path.name)
    return changed


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=Path("."), help="the checkout (default: .)")
    args = parser.parse_args(argv)
    changed = write(args.root)
    print("Run-time tables filled in: " + (", ".join(changed) or "none changed"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
