import subprocess
import sys
import time

import numpy as np
import pytest

from helpers import evaluation


def test_stopwatch_measures_wall_time():
    with evaluation.Stopwatch() as watch:
        time.sleep(0.05)
    assert 0.04 < watch.seconds < 1.0


def test_latency_is_per_image_median_and_skips_warmup():
    calls = []

    def predict(batch):
        calls.append(len(batch))
        time.sleep(0.2 if len(calls) <= 2 else 0.01)  # slow warm-up runs must not count

    latency = evaluation.measure_latency(predict, np.zeros((4, 3)), warmup=2, min_runs=5, max_runs=5)
    assert len(calls) == 7
    assert 1.0 < latency.median_ms < 20.0  # about 10 ms per batch of 4: 2.5 ms per image
    assert latency.runs == 5 and latency.spread_ms < latency.median_ms
    with pytest.raises(ValueError, match="min_runs"):
        evaluation.measure_latency(predict, np.zeros((1, 3)), min_runs=0)


def test_latency_keeps_timing_while_the_runs_disagree():
    durations = iter([0.001, 0.02] * 100)  # two very different run times: the spread never settles

    def predict(batch):
        time.sleep(next(durations))

    noisy = evaluation.measure_latency(predict, np.zeros((1, 3)), warmup=0, min_runs=4, max_runs=16, max_spread=0.1)
    assert noisy.runs == 16 and noisy.relative_spread > 0.5
    steady = evaluation.measure_latency(lambda batch: time.sleep(0.005), np.zeros((1, 3)), warmup=0, min_runs=4,
                                   max_runs=16, max_spread=0.5)
    assert steady.runs == 4  # settled after the first round


def test_peak_rss_sees_a_large_allocation():
    # In a fresh process that allocates more than this one ever held (Linux lets a
    # child start from its parent's peak), so the peak must rise past it.
    target = evaluation.peak_rss_bytes() + 200 * 2**20
    code = (f"from helpers import evaluation; import numpy as np; block = np.ones({target} // 8); block.sum(); "
            "print(evaluation.peak_rss_bytes())")
    peak = int(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout)
    assert peak > target - 20 * 2**20


def test_size_on_disk_counts_files_and_folders(tmp_path):
    (tmp_path / "a.bin").write_bytes(b"x" * 100)
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "b.bin").write_bytes(b"y" * 50)
    assert evaluation.size_on_disk([tmp_path / "a.bin", tmp_path / "d"]) == 150


def test_in_fresh_process_returns_the_last_json_line_of_a_new_interpreter():
    import os

    from helpers import evaluation

    code = "import json, os, sys; print('noise'); print(json.dumps({'pid': os.getpid(), 'arg': sys.argv[1]}))"
    result = evaluation.in_fresh_process(code, "x")
    assert result["arg"] == "x" and result["pid"] != os.getpid()
