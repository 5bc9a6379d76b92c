"""Reading the series' reference results for a model that was not run here (a Colab badge, say)."""

import functools
import http.server
import json
import threading

import pytest

from helpers import config, results
from helpers.series import links


@pytest.fixture(autouse=True)
def fetching_allowed(monkeypatch):
    """These tests fetch from a local server only; the rest of the suite may not fetch at all."""
    monkeypatch.delenv("VOC_NO_FETCH", raising=False)


def test_fetching_can_be_switched_off(tmp_path, monkeypatch):
    monkeypatch.setenv("VOC_NO_FETCH", "1")
    with pytest.raises(ConnectionError, match="switched off"):
        results.fetch_reference("full", tmp_path, "http://127.0.0.1:9/results/full")


def _model(folder, name, map_voc07):
    (folder / name).mkdir(parents=True)
    (folder / name / "metrics.json").write_text(json.dumps(
        {"map_voc07": map_voc07, "classes_never_predicted_tuned": [], "date": "2026-11-25T00:00:00",
         "machine": "x86_64, 2 cores"}))
    (folder / name / "scores.csv").write_text("image_id,aeroplane\n000001,0.5\n")


@pytest.fixture
def repository(tmp_path):
    """A web server holding results/<profile>/ for 'full' only, with model3 and run_times.json."""
    served = tmp_path / "served"
    _model(served / "results" / "full", "model3", 0.25)
    (served / "results" / "full" / "run_times.json").write_text("{}")
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(served))
    handler.log_message = lambda *args: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/results"
    server.shutdown()


def test_models_run_here_are_read_here_and_nothing_is_fetched(tmp_path, repository, capsys):
    _model(tmp_path / "full", "model3", 0.3)
    records = results.with_reference(tmp_path, "full", ("model3",), f"{repository}/full")
    assert records["model3"]["map_voc07"] == 0.3
    assert records["model3"]["results_folder"] == str(tmp_path / "full" / "model3")
    assert not (tmp_path / "reference").exists() and capsys.readouterr().out == ""


def test_a_model_not_run_here_comes_from_the_reference_and_is_named(tmp_path, repository, capsys):
    _model(tmp_path / "results" / "full", "transfer", 0.8)
    records = results.with_reference(tmp_path / "results", "full", ("transfer", "model3", "model1"),
                                     f"{repository}/full")
    assert records["transfer"]["map_voc07"] == 0.8 and records["model3"]["map_voc07"] == 0.25
    copy = tmp_path / "results" / "reference" / links.GIT_REF / "full"
    assert records["model3"]["results_folder"] == str(copy / "model3")
    assert (copy / "model3" / "scores.csv").exists() and (copy / "run_times.json").exists()
    out = capsys.readouterr().out
    assert "- model3 was not run here: its figures are the series' reference run's" in out
    assert "2026-11-25" in out and "Neither run here nor in the reference results: model1." in out


def test_results_of_other_images_are_not_mixed_with_the_rest(tmp_path, repository, capsys):
    local = tmp_path / "full"
    _model(local, "transfer", 0.8)  # scored image 000001, as the reference's model3 did
    _model(local, "model3", 0.3)
    (local / "model3" / "scores.csv").write_text("image_id,aeroplane\n000002,0.5\n")  # an older run's images
    (local / results.LABELS_FILE).write_text("image_id,aeroplane\n000001,1\n")  # the latest results' images
    records = results.with_reference(tmp_path, "full", ("model3", "transfer"), f"{repository}/full")
    assert records["transfer"]["map_voc07"] == 0.8
    assert records["model3"]["map_voc07"] == 0.25  # the reference run's, not the stale 0.3
    out = capsys.readouterr().out
    assert f"- model3: its results in {local} score other images than the latest results here" in out
    assert "- model3 was not run here" in out

    (local / results.LABELS_FILE).write_text("image_id,aeroplane\n000003,1\n")  # now neither matches
    (local / "transfer" / "scores.csv").write_text("image_id,aeroplane\n000003,0.5\n")
    records = results.with_reference(tmp_path, "full", ("model3", "transfer"), f"{repository}/full")
    assert set(records) == {"transfer"}
    out = capsys.readouterr().out
    assert "- model3: the reference run's results" in out and "Neither run here nor in the reference results: model3" in out


def test_an_unreadable_labels_file_checks_nothing_and_an_unreadable_scores_file_is_left_out(tmp_path, capsys):
    local = tmp_path / "tiny"
    _model(local, "model3", 0.3)
    _model(local, "model1", 0.2)
    (local / results.LABELS_FILE).write_text("")  # empty: no check
    assert set(results.with_reference(tmp_path, "tiny", ("model3", "model1"), "http://127.0.0.1:9/x")) == {
        "model3", "model1"}
    (local / results.LABELS_FILE).write_text("image_id,aeroplane\n000001,1\n")
    (local / "model1" / "scores.csv").write_text("")
    assert set(results.with_reference(tmp_path, "tiny", ("model3", "model1"), "http://127.0.0.1:9/x")) == {"model3"}
    assert "- model1: its results in" in capsys.readouterr().out


def test_in_a_checkout_the_reference_is_the_committed_results_folder(tmp_path, monkeypatch, capsys):
    checkout = tmp_path / "checkout"
    for folder in ("helpers", "notebooks"):
        (checkout / folder).mkdir(parents=True)
    _model(checkout / "results" / "tiny", "model3", 0.2)
    monkeypatch.chdir(checkout / "notebooks")
    monkeypatch.delenv("VOC_RESULTS_DIR", raising=False)
    assert config.default_results_dir() == checkout / "runs" / "results"
    records = results.with_reference(config.default_results_dir(), "tiny", ("model3",))
    assert records["model3"]["map_voc07"] == 0.2
    assert "results/tiny of this checkout" in capsys.readouterr().out


def test_offline_gives_a_way_out_and_what_there_is(tmp_path, capsys):
    with pytest.raises(ConnectionError, match="Run the notebooks before this one"):
        results.fetch_reference("full", tmp_path, "http://127.0.0.1:9/results/full", timeout=5)
    assert results.with_reference(tmp_path, "full", ("model3",), "http://127.0.0.1:9/results/full") == {}
    assert "no reference results to read" in capsys.readouterr().out


def test_the_default_address_is_the_raw_file_at_the_notebooks_ref():
    assert links.raw_url("results/full/run_times.json") == (
        f"https://raw.githubusercontent.com/{links.REPOSITORY}/{links.GIT_REF}/results/full/run_times.json")
