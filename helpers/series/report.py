"""Tables built from results files: the comparison notebook's and the README's.

    python -m helpers.series.report --profile full          # rewrite the README's results table
    python -m helpers.series.report --profile full --check  # exit 1 if the README is out of date

The README's table sits between the markers ``<!-- results:start -->`` and
``<!-- results:end -->`` and is never typed by hand.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

import pandas as pd

from helpers.evaluation import chance_map, comparison_table
from helpers.results import MODEL_NAMES, load_results

TARGET_NOTEBOOKS = ("00", "01", "02", "03", "04")  # the 60-minute target: the original designs and their comparison
TRANSFER_NOTEBOOK = "05_transfer_learning.ipynb"
START, END = "<!-- results:start -->", "<!-- results:end -->"
CHANCE = "chance (random scores)"


def provenance_line(records: dict[str, dict]) -> str:
    """Profile, splits, image counts and machine, as one sentence."""
    first = next(iter(records.values()))
    splits = ", ".join(f"{role} on {source} ({first['n_images'][role]} images)"
                       for role, source in first["splits"].items())
    dates = sorted(r["date"][:10] for r in records.values())
    return (f"Profile `{first['profile']}`: {splits}. Machine: {first['machine']}. "
            f"Run {dates[0]}{'' if dates[0] == dates[-1] else ' to ' + dates[-1]}.")


README_COLUMNS = ["mAP VOC07 [95 %]", "mAP area", "macro F1 @0.5", "macro F1 tuned", "classes never predicted @0.5",
                  "classes never predicted tuned", "train min", "latency ms (batch 1)", "params M", "size MB"]


def _cell(column: str, value) -> str:
    if isinstance(value, str):
        return value
    if value is None or pd.isna(value):
        return "–"
    if column.startswith(("mAP", "macro")):
        return f"{value:.3f}"
    return f"{int(value)}" if column.startswith("classes") else f"{value:.1f}"


def load_run_times(profile_dir: Path) -> list[dict]:
    """The last run of each set of notebooks (``run_times/*.json``, written by
    ``helpers.series``), newest first; ``run_times.json`` alone if there is no
    such folder."""
    files = sorted((Path(profile_dir) / "run_times").glob("*.json"))
    if not files and (Path(profile_dir) / "run_times.json").exists():
        files = [Path(profile_dir) / "run_times.json"]
    runs = [json.loads(f.read_text()) for f in files]
    return sorted(runs, key=lambda r: r.get("date", ""), reverse=True)


def readme_block(profile_dir: Path, shown_as: str) -> str:
    """The README's results section for one profile, in Markdown; ``shown_as``
    names the folder in the text (e.g. ``results/full``)."""
    records = load_results(profile_dir)
    table = comparison_table(records)
    table["mAP VOC07 [95 %]"] = [f"{m:.3f}" + ("" if pd.isna(lo) else f" [{lo:.3f}, {hi:.3f}]")
                                 for m, lo, hi in table[["mAP VOC07", "mAP low", "mAP high"]].to_numpy()]
    lines = ["| model | " + " | ".join(README_COLUMNS) + " |", "|---|" + "---|" * len(README_COLUMNS)]
    for name, row in table[README_COLUMNS].iterrows():
        lines.append(f"| {MODEL_NAMES.get(name, name)} | " + " | ".join(_cell(c, row[c]) for c in README_COLUMNS) + " |")
    chance = chance_map(records)
    if chance is not None:
        lines.append(f"| {CHANCE} | " + " | ".join(_cell(c, f"{chance:.3f}" if c.startswith("mAP VOC07") else None)
                                                 for c in README_COLUMNS) + " |")
    runs = load_run_times(profile_dir)
    for times in sorted(runs, key=lambda r: r["notebooks"] if "notebooks" in r else sorted(r["seconds"])):
        per = ", ".join(f"{name.split('_')[0]}: {s / 60:.1f} min" for name, s in sorted(times["seconds"].items()))
        numbers = " ".join(name[:2] for name in sorted(times["seconds"]))
        lines += ["", f"Wall time of `python -m helpers.series --profile {times['profile']} {numbers}`: "
                      f"{times['total_seconds'] / 60:.1f} min in all ({per}), on {times['machine']}, "
                      f"{times['date'][:10]}."]
    lines += ["", provenance_line(records) + f" Source: `{shown_as}/*/metrics.json`."]
    lines += imbalance_lines(Path(profile_dir) / "imbalance_variants.json", shown_as)
    lines += ["", *target_lines(records, runs)]
    return "\n".join(lines)


def imbalance_lines(path: Path, shown_as: str) -> list[str]:
    """Notebook 06's table of loss, weighting and ensemble variants (rows: its
    figures; columns: the variants), as Markdown, if the file exists."""
    if not path.exists():
        return []
    record = json.loads(path.read_text())
    table = pd.DataFrame(record["variants"])
    header = ["| notebook 06, on the transfer model's features | " + " | ".join(table.columns) + " |",
              "|---|" + "---|" * len(table.columns)]
    rows = [f"| {figure} | " + " | ".join("–" if pd.isna(v) else f"{v:.3f}" for v in values) + " |"
            for figure, values in table.iterrows()]
    verdicts = [f"- {verdict['verdict']}" + (f" (seed by seed: {verdict['difference, seed by seed']})"
                                            if "difference, seed by seed" in verdict else "")
                for verdict in record.get("against_plain", {}).values()]
    if "seed_spread" in record:
        verdicts.append("- evaluate mAP over seeds, highest minus lowest: " + ", ".join(
            f"{name} {spread:.3f}" for name, spread in record["seed_spread"].items())
            + f"; half-width of a paired interval over images: {record['paired_half_width']:.3f}.")
    return ["", *header, *rows, "", *verdicts, "", f"Source: `{shown_as}/{path.name}` ({record['backbone']}, "
                                                  f"{record['image_size']} px features, {record['weights']})."]


def _target_verdict(value: float, target: float, stretch: float) -> str:
    """'met, stretch met', 'met' or 'missed' for a figure to reach."""
    return "met, stretch met" if value >= stretch else "met" if value >= target else "missed"


def _verdict(passed: pd.Series) -> str:
    """'met by every model' or 'missed by k of N models (names)'."""
    failed = [MODEL_NAMES.get(name, name).split(":")[0] for name, ok in passed.items() if not ok]
    return ("met by every model" if not failed
            else f"missed by {len(failed)} of {len(passed)} models ({', '.join(failed)})")


def target_lines(records: dict[str, dict], times: dict | list[dict] | None) -> list[str]:
    """The series' targets against the measurements, as Markdown bullets.

    The original project decided at 0.5; ours decide at thresholds tuned on
    the tune split. Both readings are given, each with its verdict. ``times``:
    one ``run_times.json`` record, or several (newest first): each time target
    is read from the first run that holds its notebooks.
    """
    runs = [] if times is None else [times] if isinstance(times, dict) else list(times)
    runs = [r for r in runs if r.get("profile") == "full"]
    table = comparison_table(records)

    def with_interval(name: str) -> str:
        row = table.loc[name]
        return f"{row['mAP VOC07']:.3f}" + ("" if pd.isna(row["mAP low"]) else
                                            f" (95 % interval {row['mAP low']:.3f} to {row['mAP high']:.3f})")

    lines = ["Targets (each decided on the figure itself; its interval beside it):"]
    if "model3_improved" in table.index:
        improved = table.loc["model3_improved"]
        verdict = _target_verdict(improved["mAP VOC07"], 0.47, 0.50)
        budget = "met" if improved["train min"] <= 25 else "missed"
        lines.append(f"- improved from-scratch Model 3, mAP (VOC07) at least 0.47 (stretch 0.50): "
                     f"{with_interval('model3_improved')}, {verdict}; in at most 25 min of training: "
                     f"{improved['train min']:.1f} min, {budget};")
    for label, column in (("at 0.5", "classes never predicted @0.5"), ("tuned", "classes never predicted tuned")):
        counts = ", ".join(f"{name} {int(n)}" for name, n in table[column].items())
        lines.append(f"- fewer classes never predicted than the original's 8 to 11 of 20, {label}: {counts}; "
                     f"{_verdict(table[column] < 8)};")
    for label, column in (("at 0.5", "macro F1 @0.5"), ("tuned", "macro F1 tuned")):
        values = ", ".join(f"{name} {v:.3f}" for name, v in table[column].items())
        lines.append(f"- macro F1 above the original's 0.07 to 0.12, {label}: {values}; {_verdict(table[column] > 0.12)};")
    for name, words in (("transfer", "fit on train"), ("transfer_refit", "refit on train + tune")):
        if name in table.index:
            verdict = _target_verdict(table.loc[name, "mAP VOC07"], 0.86, 0.88)
            lines.append(f"- transfer learning (notebook 05, {words}), mAP (VOC07) at least 0.86 (stretch 0.88): "
                         f"{with_interval(name)}, {verdict};")
    whole = [r for r in runs if set(TARGET_NOTEBOOKS) <= {n[:2] for n in r["seconds"]}]  # a run of all of 00 to 04
    series = next(iter(whole), None) or next(
        (r for r in runs if any(n[:2] in TARGET_NOTEBOOKS for n in r["seconds"]) or r.get("running")), None)
    if series is not None:
        lines.append(f"- notebooks 00 to 04 in the full profile in at most 60 min on a 2-core CPU: {series_time(series)};")
    transfer_run = next((r for r in runs if TRANSFER_NOTEBOOK in r["seconds"]), None)
    if transfer_run is not None:
        minutes = transfer_run["seconds"][TRANSFER_NOTEBOOK] / 60
        lines.append(f"- notebook 05 in the full profile in at most 15 min on a 2-core CPU: {minutes:.1f} min, "
                     f"{'met' if minutes <= 15 else 'missed'}.")
    lines[-1] = lines[-1].rstrip(";") + ("" if lines[-1].endswith(".") else ".")
    return lines


def series_time(times: dict) -> str:
    """A ``run_times.json`` record against the 60-minute target of notebooks 00
    to 04, saying which of them it covers and whether the run was still going
    when it was read."""
    counted = {name: seconds for name, seconds in times["seconds"].items() if name[:2] in TARGET_NOTEBOOKS}
    total = sum(counted.values()) / 60
    ran = ", ".join(name.split("_")[0] for name in counted) or "none"
    if times.get("running") and set(TARGET_NOTEBOOKS) <= {name[:2] for name in counted}:
        return (f"{total:.1f} min for notebooks {ran}, {'met' if total <= 60 else 'missed'} (the run's record "
                f"ends while {times['running']} was running: it was stopped there, or is still going)")
    if times.get("running"):
        verdict = "met so far" if total <= 60 else "missed"
        return (f"{total:.1f} min for notebooks {ran} of the run in progress, {verdict} "
                f"({times['running']} was running when this was read)")
    if times.get("failed"):
        return f"{total:.1f} min for notebooks {ran}; the run stopped at {times['failed']}, so not checked"
    return f"{total:.1f} min for notebooks {ran}, {'met' if total <= 60 else 'missed'}"


_BLOCK = re.compile(re.escape(START) + r"\n?(.*?)\n?" + re.escape(END), re.S)
PROFILES_START, PROFILES_END = "<!-- profiles:start -->", "<!-- profiles:end -->"
_PROFILES = re.compile(re.escape(PROFILES_START) + r"\n?(.*?)\n?" + re.escape(PROFILES_END), re.S)
DATA = {"tiny": "synthetic shapes in the exact VOC layout; no download",
        "small": "a fixed real subset of VOC 2007, images at most 320 px (`helpers/small.py`); the trainval "
                 "archive, 460 MB, once",
        "full": "all of VOC 2007 (without the test archive, `val` split in two halves); trainval and test, 911 MB, once"}


def profiles_block(results_root: Path) -> str:
    """The README's Profiles table: each profile's images per role (from its results files) and the
    wall time of its newest complete run of the whole series (``run_times/``), per notebook too."""
    from helpers.config import PROFILES

    lines = ["| profile | data | fit / tune / evaluate images | whole series (00 to 07), 2-core CPU | per notebook |",
             "|---|---|---|---|---|"]
    for profile in PROFILES:
        folder = Path(results_root) / profile
        try:
            first = next(iter(load_results(folder).values()))
            counts = " / ".join(f"{first['n_images'][role]:,}" for role in ("fit", "tune", "evaluate"))
        except FileNotFoundError:
            counts = "–"
        whole = [r for r in load_run_times(folder) if r.get("complete") and len(r["seconds"]) == 8]
        if whole:
            run = whole[0]
            per = ", ".join(f"{name[:2]} {_shown(s)}" for name, s in sorted(run["seconds"].items()))
            time = f"{run['total_seconds'] / 60:.1f} min ({run['date'][:10]}{yardstick_note(run)})"
        else:
            per, time = "–", "not measured"
        lines.append(f"| `{profile}` | {DATA[profile]} | {counts} | {time} | {per} |")
    return "\n".join(lines)


def yardstick_note(run: dict) -> str:
    """``", yardstick 0.41 to 0.44 s"``: the machine's speed readings a run recorded
    (:func:`helpers.environment.yardstick`), or nothing for a run that has none."""
    readings = run.get("yardstick_seconds") or []
    if not readings:
        return ""
    low, high = min(readings), max(readings)
    return f", yardstick {low:.2f} s" if low == high else f", yardstick {low:.2f} to {high:.2f} s"


def _shown(seconds: float) -> str:
    return f"{seconds:.0f} s" if seconds < 90 else f"{seconds / 60:.1f} min"


def current_block(readme: Path) -> str:
    """What the README holds between the markers."""
    found = _BLOCK.search(readme.read_text())
    if not found:
        raise ValueError(f"{readme} has no {START} ... {END} block.")
    return found.group(1)


def update_readme(readme: Path, profile_dir: Path, shown_as: str) -> bool:
    """Replace the results block (and the profiles block, when the README has one); return whether it changed."""
    current_block(readme)  # raises if the markers are missing
    block = readme_block(profile_dir, shown_as)
    text = readme.read_text()
    new = _BLOCK.sub(lambda _: f"{START}\n{block}\n{END}", text)
    if _PROFILES.search(new):
        profiles = profiles_block(Path(profile_dir).parent)
        new = _PROFILES.sub(lambda _: f"{PROFILES_START}\n{profiles}\n{PROFILES_END}", new)
    readme.write_text(new)
    return new != text


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profile", default="full")
    parser.add_argument("--root", type=Path, default=Path("."))
    parser.add_argument("--check", action="store_true", help="only check that the README is up to date")
    args = parser.parse_args(argv)
    readme, shown_as = args.root / "README.md", f"results/{args.profile}"
    profile_dir = args.root / shown_as
    if args.check:
        found = _PROFILES.search(readme.read_text())
        fresh = current_block(readme) == readme_block(profile_dir, shown_as) and (
            found is None or found.group(1) == profiles_block(profile_dir.parent))
        print("README results table is up to date." if fresh else "README results table is stale.")
        return 0 if fresh else 1
    update_readme(readme, profile_dir, shown_as)
    print(f"README results table rewritten from {shown_as}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
