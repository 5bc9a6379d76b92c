import time

import numpy as np
import pytest

from helpers import timing


def test_stopwatch_measures_wall_time():
    with timing.Stopwatch() as watch:
        time.sleep(0.05)
    assert 0.04 < watch.seconds < 1.0


def test_latency_is_per_image_median_and_skips_warmup():
    calls = []

    def predict(batch):
        calls.append(len(batch))
        time.sleep(0.2 if len(calls) <= 2 else 0.01)  # slow warm-up runs must not count

    ms = timing.latency_ms_per_image(predict, np.zeros((4, 3)), repeats=5, warmup=2)
    assert len(calls) == 7
    assert 1.0 < ms < 20.0  # about 10 ms per batch of 4: 2.5 ms per image
    with pytest.raises(ValueError, match="at least 1"):
        timing.latency_ms_per_image(predict, np.zeros((1, 3)), repeats=0)


def test_peak_rss_grows_with_a_large_allocation():
    before = timing.peak_rss_bytes()
    block = np.ones(80 * 2**20 // 8)  # 80 MiB, touched
    assert timing.peak_rss_bytes() >= before
    assert timing.peak_rss_bytes() > 80 * 2**20 and block.sum() > 0


def test_size_on_disk_counts_files_and_folders(tmp_path):
    (tmp_path / "a.bin").write_bytes(b"x" * 100)
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "b.bin").write_bytes(b"y" * 50)
    assert timing.size_on_disk([tmp_path / "a.bin", tmp_path / "d"]) == 150
