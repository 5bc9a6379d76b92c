from pathlib import Path

import numpy as np
import pytest

from helpers import config, evaluation, results
from helpers.series import report

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def profile_dir(tiny_root, tmp_path):
    plan = config.plan_splits(tiny_root)
    evaluate, tune = plan.frames["evaluate"], plan.frames["tune"]
    y_eval = evaluate[list(results.CLASSES)].to_numpy()
    y_tune = tune[list(results.CLASSES)].to_numpy()
    for name, strength, seconds in (("model1", 0.1, 600.0), ("model3", 0.5, 60.0)):
        s_eval = 0.5 * np.random.default_rng(0).random(y_eval.shape) + strength * (y_eval == 1)
        s_tune = 0.5 * np.random.default_rng(1).random(y_tune.shape) + strength * (y_tune == 1)
        costs = {"train_seconds": seconds, "latency_ms_batch1": 3.0, "latency_ms_batch1_spread": 0.1,
                 "latency_ms_batch64": 1.0, "latency_ms_batch64_spread": 0.05, "params": 2_000_000,
                 "size_bytes": 8_000_000}
        results.write_results(tmp_path / "full" / name, evaluate["image_id"], s_eval,
                              evaluation.quality(y_eval, s_eval, y_tune, s_tune), costs,
                              results.provenance("full", plan))
    return tmp_path / "full"


def test_comparison_table_orders_models_and_converts_units(profile_dir):
    table = evaluation.comparison_table(results.load_results(profile_dir))
    assert list(table.index) == ["model1", "model3"]
    assert table.loc["model3", "mAP VOC07"] > table.loc["model1", "mAP VOC07"]
    assert table.loc["model1", "train min"] == pytest.approx(10.0)
    assert table.loc["model3", "size MB"] == pytest.approx(8.0)


def test_readme_block_is_written_between_the_markers_and_checked(profile_dir, tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text(f"# Title\n\n{report.START}\nold table\n{report.END}\n\nAfter.\n")
    assert report.update_readme(readme, profile_dir, "results/full")
    text = readme.read_text()
    assert "old table" not in text and text.startswith("# Title") and text.endswith("After.\n")
    assert "| Model 3: one CNN, 20 sigmoids |" in text and "results/full/*/metrics.json" in text
    assert report.current_block(readme) == report.readme_block(profile_dir, "results/full")
    assert not report.update_readme(readme, profile_dir, "results/full")  # nothing changes the second time


def test_a_readme_without_markers_is_refused(profile_dir, tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text("# no markers\n")
    with pytest.raises(ValueError, match="no <!-- results:start -->"):
        report.update_readme(readme, profile_dir, "results/full")


@pytest.mark.skipif(not list((ROOT / "results" / "full").glob("*/metrics.json")),
                    reason="no full-profile results committed yet")
def test_the_committed_readme_table_matches_the_committed_results():
    assert report.current_block(ROOT / "README.md") == report.readme_block(ROOT / "results" / "full", "results/full")


def test_target_lines_give_each_threshold_reading_its_own_verdict(profile_dir):
    records = results.load_results(profile_dir)
    records["model1"]["classes_never_predicted_at_0_5"] = list(results.CLASSES[:9])
    records["model1"]["classes_never_predicted_tuned"] = []
    records["model1"]["macro_f1_at_0_5"], records["model1"]["macro_f1_tuned"] = 0.05, 0.2
    records["model3"]["macro_f1_at_0_5"], records["model3"]["macro_f1_tuned"] = 0.3, 0.4
    lines = report.target_lines(records, {"profile": "full", "total_seconds": 3660.0,
                                          "seconds": {"00_a.ipynb": 60.0, "01_b.ipynb": 3600.0}})
    at_half = next(line for line in lines if "never predicted" in line and "at 0.5" in line)
    tuned = next(line for line in lines if "never predicted" in line and "tuned" in line)
    assert "model1 9" in at_half and "missed by 1 of 2 models (Model 1)" in at_half
    assert "met by every model" in tuned
    assert "missed by 1 of 2 models (Model 1)" in next(l for l in lines if "macro F1" in l and "at 0.5" in l)
    assert lines[-1].endswith("61.0 min for notebooks 00, 01, missed.")
    assert not any("improved" in line for line in lines)  # no such model in these results


def test_readme_block_has_a_chance_row_and_works_with_some_models_missing(profile_dir):
    block = report.readme_block(profile_dir, "results/full")
    chance_row = next(line for line in block.splitlines() if line.startswith(f"| {report.CHANCE}"))
    chance = results.load_results(profile_dir)["model1"]["chance_map_voc07"]
    assert f"| {chance:.3f} | – |" in chance_row
    assert evaluation.missing_models(results.load_results(profile_dir)) == ["model2", "model2_shared_base",
                                                                         "model3_improved"]


def test_the_improved_model_gets_its_own_target_line(profile_dir):
    records = results.load_results(profile_dir)
    records["model3_improved"] = dict(records["model3"], map_voc07=0.48, map_voc07_ci95=[0.455, 0.505],
                                      train_seconds=26 * 60)
    line = next(l for l in report.target_lines(records, None) if "improved" in l)
    assert "0.480 (95 % interval 0.455 to 0.505), met;" in line and "26.0 min, missed" in line


def test_the_series_time_says_when_the_run_is_still_going_or_stopped():
    so_far = {"profile": "full", "total_seconds": 2400.0, "running": "04_c.ipynb",
              "seconds": {"00_a.ipynb": 600.0, "01_b.ipynb": 1800.0}}
    assert report.series_time(so_far) == ("40.0 min for notebooks 00, 01 of the run in progress, met so far "
                                          "(04_c.ipynb was running when this was read)")
    done = dict(so_far, running="05_t.ipynb", seconds={f"0{k}_n.ipynb": 900.0 for k in range(5)})
    assert report.series_time(done) == ("75.0 min for notebooks 00, 01, 02, 03, 04, missed (the run's record ends "
                                        "while 05_t.ipynb was running: it was stopped there, or is still going)")
    stopped = dict(so_far, running=None, failed="02_x.ipynb")
    assert "stopped at 02_x.ipynb, so not checked" in report.series_time(stopped)
    assert "met" not in report.series_time(stopped)


def test_the_transfer_model_and_notebook_05_get_their_own_targets(profile_dir):
    records = results.load_results(profile_dir)
    records["transfer"] = dict(records["model3"], map_voc07=0.86, map_voc07_ci95=[0.84, 0.88])
    records["transfer_refit"] = dict(records["model3"], map_voc07=0.859, map_voc07_ci95=[0.84, 0.88])
    times = {"profile": "full", "total_seconds": 4200.0,
             "seconds": {"00_a.ipynb": 600.0, "04_d.ipynb": 2400.0, "05_transfer_learning.ipynb": 1200.0}}
    lines = report.target_lines(records, times)
    assert any(l.startswith("- transfer learning (notebook 05, fit on train)") and "0.860 (95 % interval 0.840 to "
               "0.880), met;" in l for l in lines)
    assert any(l.startswith("- transfer learning (notebook 05, refit on train + tune)") and ", missed;" in l
               for l in lines)
    assert "50.0 min for notebooks 00, 04, met;" in next(l for l in lines if "notebooks 00 to 04" in l)
    assert lines[-1] == "- notebook 05 in the full profile in at most 15 min on a 2-core CPU: 20.0 min, missed."
    assert evaluation.missing_models(records) == ["model2", "model2_shared_base", "model3_improved"]  # not transfer


def test_each_time_target_is_read_from_the_run_that_holds_its_notebooks(profile_dir):
    import json

    folder = profile_dir / "run_times"
    folder.mkdir()
    runs = {"00_01_02_03_04": {"00_a.ipynb": 60.0, "04_d.ipynb": 3000.0},
            "05_06": {"05_transfer_learning.ipynb": 840.0, "06_b.ipynb": 60.0}}
    for date, (name, seconds) in zip(("2026-01-01", "2026-01-02"), runs.items()):
        (folder / f"{name}.json").write_text(json.dumps(
            {"profile": "full", "seconds": seconds, "total_seconds": sum(seconds.values()), "machine": "m",
             "date": date, "notebooks": sorted(seconds)}))
    block = report.readme_block(profile_dir, "results/full")
    assert "`python -m helpers.series --profile full 00 04`: 51.0 min in all" in block
    assert "`python -m helpers.series --profile full 05 06`: 15.0 min in all" in block
    assert "- notebooks 00 to 04 in the full profile in at most 60 min on a 2-core CPU: 51.0 min for notebooks 00, 04, met;" in block
    assert block.rstrip().endswith("notebook 05 in the full profile in at most 15 min on a 2-core CPU: 14.0 min, met.")


def test_notebook_06_variants_get_their_own_table_in_the_readme_block(profile_dir):
    from helpers import results as results_module

    variants = {"plain BCE": {"tune mAP": 0.8, "evaluate mAP": 0.79}, "random scores": {"tune mAP": None,
                                                                                       "evaluate mAP": 0.093}}
    results_module.write_record(profile_dir / "imbalance_variants.json",
                                {"backbone": "MobileNetV2", "image_size": 448, "weights": "ImageNet", "variants": variants})
    block = report.readme_block(profile_dir, "results/full")
    assert "| notebook 06, on the transfer model's features | plain BCE | random scores |" in block
    assert "| tune mAP | 0.800 | – |" in block and "| evaluate mAP | 0.790 | 0.093 |" in block


def test_the_60_minute_target_prefers_a_run_of_all_of_00_to_04_over_a_newer_partial_one(profile_dir):
    whole = {"profile": "full", "date": "2026-01-01", "running": None, "failed": None,
             "seconds": {f"0{i}_x.ipynb": 900.0 for i in range(5)}}
    partial = {"profile": "full", "date": "2026-01-02", "running": None, "failed": None,
               "seconds": {"00_x.ipynb": 20.0, "04_x.ipynb": 5.0, "05_transfer_learning.ipynb": 800.0}}
    lines = report.target_lines(report.load_results(profile_dir), [partial, whole])
    line = next(l for l in lines if "notebooks 00 to 04" in l)
    assert "75.0 min for notebooks 00, 01, 02, 03, 04, missed" in line
    assert any("notebook 05 in the full profile in at most 15 min on a 2-core CPU: 13.3 min, met" in l for l in lines)


def test_the_profiles_table_sets_each_whole_run_beside_the_machine_speed_it_recorded(tmp_path):
    import json

    names = [f"0{k}_n.ipynb" for k in range(8)]
    for profile, yardstick in (("tiny", [0.41, 0.47]), ("small", [])):  # small: a run from before readings
        folder = tmp_path / profile / "run_times"
        folder.mkdir(parents=True)
        record = {"profile": profile, "notebooks": names, "seconds": {n: 15.0 for n in names}, "total_seconds": 120.0,
                  "complete": True, "machine": "x86_64, 2 cores, Linux", "date": "2026-12-06T20:00:00+00:00",
                  "yardstick_seconds": yardstick}
        (folder / "all.json").write_text(json.dumps(record))
    rows = {line.split("|")[1].strip(): line for line in report.profiles_block(tmp_path).splitlines()[2:]}
    assert "| 2.0 min (2026-12-06, yardstick 0.41 to 0.47 s) |" in rows["`tiny`"]
    assert "| 2.0 min (2026-12-06) |" in rows["`small`"]
    assert "not measured" in rows["`full`"]
