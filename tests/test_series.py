import json

import nbformat
import pytest

from helpers.series import runner as series


def _notebook(path, source):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source)])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, path)


def test_select_notebooks_by_number_or_name(tmp_path):
    for name in ("00_data.ipynb", "01_one.ipynb", "02_two.ipynb", "notes.ipynb"):
        (tmp_path / name).write_text("{}")
    assert [p.name for p in series.select_notebooks(tmp_path, [])] == ["00_data.ipynb", "01_one.ipynb", "02_two.ipynb"]
    assert [p.name for p in series.select_notebooks(tmp_path, ["02", "00_data"])] == ["02_two.ipynb", "00_data.ipynb"]
    with pytest.raises(ValueError, match="starts with '07'"):
        series.select_notebooks(tmp_path, ["07"])


def test_run_executes_with_the_profile_writes_outputs_and_times(tmp_path, monkeypatch):
    monkeypatch.setenv("VOC_PROFILE", "tiny")
    folder = tmp_path / "notebooks"
    folder.mkdir()
    _notebook(folder / "00_env.ipynb", "import os\nprint('profile', os.environ['VOC_PROFILE'])")
    times = series.run([folder / "00_env.ipynb"], "full", tmp_path / "out", tmp_path / "results")
    executed = nbformat.read(tmp_path / "out" / "00_env.ipynb", as_version=4)
    assert executed.cells[0].outputs[0]["text"].strip() == "profile full"
    record = json.loads((tmp_path / "results" / "run_times.json").read_text())
    assert record["profile"] == "full" and record["seconds"] == times and times["00_env.ipynb"] > 0
    assert record["cpu"] == series.environment.cpu()  # another host can compute other figures
    before, after = record["yardstick_seconds"]  # the machine's speed as the run began and ended
    assert 0 < before < 60 and 0 < after < 60
    assert series.os.environ["VOC_PROFILE"] == "tiny"  # restored for whatever runs next


def test_runs_start_from_scratch_unless_asked_to_resume(tmp_path, monkeypatch):
    data = tmp_path / "data"
    for name in ("model3", "model1_sheep"):
        (data / "checkpoints" / "full" / name).mkdir(parents=True)
        (data / "checkpoints" / "full" / name / "training_metadata.json").write_text('{"epoch": 2, "batch": 0}')
    (data / "checkpoints" / "tiny" / "model3").mkdir(parents=True)
    (data / "features" / "full").mkdir(parents=True)
    (data / "features" / "full" / "MobileNetV2_448px_imagenet_fit_pooled.npy").write_bytes(b"x")
    folder = tmp_path / "notebooks"
    folder.mkdir()
    _notebook(folder / "00_env.ipynb", "print('ran')")

    series.run([folder / "00_env.ipynb"], "full", tmp_path / "out", tmp_path / "results")  # no data_dir: resume
    assert (data / "checkpoints" / "full" / "model3").exists()

    monkeypatch.setenv("VOC_DATA_DIR", str(data))
    series.main(["--root", str(tmp_path), "--profile", "full", "00"])
    assert not (data / "checkpoints" / "full").exists()
    assert not (data / "features" / "full").exists()  # features are recomputed too: every time is whole
    assert (data / "checkpoints" / "tiny" / "model3").exists()  # other profiles are left alone


def test_run_times_describe_one_run_whole(tmp_path, monkeypatch):
    folder = tmp_path / "notebooks"
    folder.mkdir()
    _notebook(folder / "00_a.ipynb", "print('a')")
    _notebook(folder / "01_b.ipynb", "print('b')")
    series.run([folder / "00_a.ipynb", folder / "01_b.ipynb"], "tiny", tmp_path / "out", tmp_path / "results")
    series.run([folder / "01_b.ipynb"], "tiny", tmp_path / "out", tmp_path / "results")
    record = json.loads((tmp_path / "results" / "run_times.json").read_text())
    assert list(record["seconds"]) == ["01_b.ipynb"]  # the second run alone, not merged with the first
    assert record["total_seconds"] == record["seconds"]["01_b.ipynb"]


def test_a_notebook_reads_the_times_of_its_own_run_so_far(tmp_path):
    folder = tmp_path / "notebooks"
    folder.mkdir()
    results_dir = tmp_path / "results"
    _notebook(folder / "00_a.ipynb", "print('a')")
    _notebook(folder / "01_b.ipynb", f"import json\nr = json.load(open({str(results_dir / 'run_times.json')!r}))\n"
                                     "print(r['running'], list(r['seconds']), r['complete'])")
    _notebook(folder / "02_fails.ipynb", "raise RuntimeError('stop')")
    with pytest.raises(Exception):
        series.run([folder / "00_a.ipynb", folder / "01_b.ipynb", folder / "02_fails.ipynb"], "tiny",
                   tmp_path / "out", results_dir)
    seen = nbformat.read(tmp_path / "out" / "01_b.ipynb", as_version=4).cells[0].outputs[0]["text"].strip()
    assert seen == "01_b.ipynb ['00_a.ipynb'] False"
    record = json.loads((results_dir / "run_times.json").read_text())
    assert record["failed"] == "02_fails.ipynb" and record["running"] is None and not record["complete"]
    assert list(record["seconds"]) == ["00_a.ipynb", "01_b.ipynb"]


def test_the_last_run_of_each_set_of_notebooks_is_kept(tmp_path):
    folder = tmp_path / "notebooks"
    folder.mkdir()
    for name in ("00_a.ipynb", "01_b.ipynb"):
        _notebook(folder / name, "print('x')")
    series.run([folder / "00_a.ipynb", folder / "01_b.ipynb"], "tiny", tmp_path / "out", tmp_path / "results")
    series.run([folder / "01_b.ipynb"], "tiny", tmp_path / "out", tmp_path / "results")
    kept = {p.name: json.loads(p.read_text()) for p in (tmp_path / "results" / "run_times").glob("*.json")}
    assert set(kept) == {"00_01.json", "01.json"}
    assert list(kept["00_01.json"]["seconds"]) == ["00_a.ipynb", "01_b.ipynb"] and kept["00_01.json"]["complete"]


def test_a_run_writes_its_results_to_runs_and_only_the_reference_run_to_results(tmp_path, monkeypatch):
    root = tmp_path / "checkout"
    (root / "helpers").mkdir(parents=True)
    (root / "notebooks").mkdir()
    _notebook(root / "notebooks" / "00_where.ipynb", "import os\nprint(os.environ['VOC_RESULTS_DIR'])")
    monkeypatch.setattr(series, "run", lambda notebooks, profile, output_dir, results_dir, data_dir=None:
                        seen.append((output_dir, results_dir)))
    seen = []
    series.main(["--root", str(root), "--profile", "tiny"])
    series.main(["--root", str(root), "--profile", "tiny", "--reference"])
    series.main(["--root", str(root), "--profile", "full", "--in-place"])
    assert seen[0] == (root / "runs" / "tiny", (root / "runs" / "results" / "tiny").resolve())
    assert seen[1][1] == (root / "results" / "tiny").resolve()
    assert seen[2] == (None, (root / "results" / "full").resolve())  # the release run: notebooks and results


def test_the_kernels_see_the_results_folder_of_the_run(tmp_path, monkeypatch):
    monkeypatch.setenv("VOC_RESULTS_DIR", "/somewhere/else")
    folder = tmp_path / "notebooks"
    folder.mkdir()
    _notebook(folder / "00_where.ipynb", "import os\nprint(os.environ['VOC_RESULTS_DIR'])")
    series.run([folder / "00_where.ipynb"], "tiny", tmp_path / "out", tmp_path / "mine" / "tiny")
    executed = nbformat.read(tmp_path / "out" / "00_where.ipynb", as_version=4)
    assert executed.cells[0].outputs[0]["text"].strip() == str(tmp_path / "mine")
    assert series.os.environ["VOC_RESULTS_DIR"] == "/somewhere/else"  # restored


def test_a_notebook_is_timed_to_its_last_cell_not_its_kernel_winding_down(tmp_path):
    folder = tmp_path / "notebooks"
    folder.mkdir()
    marker = tmp_path / "wound_down"
    _notebook(folder / "00_exit.ipynb", f"import atexit, pathlib, time\n"  # a slow exit, as TensorFlow's
                                        f"atexit.register(lambda: (pathlib.Path({str(marker)!r}).touch(), time.sleep(3)))")
    series.run([folder / "00_exit.ipynb"], "tiny", tmp_path / "out", tmp_path / "results")
    assert not marker.exists()  # the kernel was stopped at once: its exit handler never started, nor was waited for
