"""Reading the results committed at the notebook's ref when none are local (a Colab badge)."""

import functools
import http.server
import json
import threading

import pytest

from helpers import committed, links


@pytest.fixture(autouse=True)
def fetching_allowed(monkeypatch):
    """These tests fetch from a local server only; the rest of the suite may not fetch at all."""
    monkeypatch.delenv("VOC_NO_FETCH", raising=False)


def test_fetching_can_be_switched_off(tmp_path, monkeypatch):
    monkeypatch.setenv("VOC_NO_FETCH", "1")
    with pytest.raises(ConnectionError, match="switched off"):
        committed.fetch_committed("full", tmp_path, "http://127.0.0.1:9/results/full")


@pytest.fixture
def repository(tmp_path):
    """A web server holding results/<profile>/ for 'full' only, with one model and run_times.json."""
    served = tmp_path / "served"
    (served / "results" / "full" / "model3").mkdir(parents=True)
    (served / "results" / "full" / "model3" / "metrics.json").write_text(
        json.dumps({"map_voc07": 0.25, "classes_never_predicted_tuned": []}))
    (served / "results" / "full" / "model3" / "scores.csv").write_text("image_id,aeroplane\n000001,0.5\n")
    (served / "results" / "full" / "run_times.json").write_text("{}")
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(served))
    handler.log_message = lambda *args: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/results"
    server.shutdown()


def test_local_results_are_used_when_present(tmp_path, repository):
    (tmp_path / "full" / "model1").mkdir(parents=True)
    (tmp_path / "full" / "model1" / "metrics.json").write_text("{}")
    assert committed.local_or_committed(tmp_path, "full", f"{repository}/full") == tmp_path / "full"
    assert not (tmp_path / "committed").exists()


def test_missing_local_results_are_fetched_from_the_ref_and_said(tmp_path, repository, capsys):
    folder = committed.local_or_committed(tmp_path / "results", "full", f"{repository}/full")
    assert folder == tmp_path / "results" / "committed" / links.GIT_REF / "full"
    assert json.loads((folder / "model3" / "metrics.json").read_text())["map_voc07"] == 0.25
    assert (folder / "model3" / "scores.csv").exists() and (folder / "run_times.json").exists()
    assert not (folder / "model1").exists()  # not committed: skipped
    out = capsys.readouterr().out
    assert "reading the results committed to the repository at" in out and "model3" in out


def test_a_profile_with_nothing_committed_keeps_the_local_folder(tmp_path, repository, capsys):
    assert committed.local_or_committed(tmp_path, "tiny", f"{repository}/tiny") == tmp_path / "tiny"
    assert "has none committed" in capsys.readouterr().out


def test_offline_gives_a_way_out_and_the_local_folder(tmp_path, capsys):
    with pytest.raises(ConnectionError, match="Run the notebooks before this one"):
        committed.fetch_committed("full", tmp_path, "http://127.0.0.1:9/results/full", timeout=5)
    assert committed.local_or_committed(tmp_path, "full", "http://127.0.0.1:9/results/full") == tmp_path / "full"
    assert "could not be fetched" in capsys.readouterr().out


def test_the_default_address_is_the_raw_file_at_the_notebooks_ref():
    assert links.raw_url("results/full/run_times.json") == (
        f"https://raw.githubusercontent.com/{links.REPOSITORY}/{links.GIT_REF}/results/full/run_times.json")


def test_missing_models_are_completed_from_the_ref_and_named(tmp_path, repository, capsys):
    mine = {"transfer": {"map_voc07": 0.8}}
    both = committed.with_committed(mine, tmp_path, "full", ("model3", "model1"), f"{repository}/full")
    assert both == {"transfer": {"map_voc07": 0.8}, "model3": {"map_voc07": 0.25, "classes_never_predicted_tuned": []}}
    assert "read from the results committed" in capsys.readouterr().out
    assert committed.with_committed(both, tmp_path, "full", ("model3",)) is both  # nothing missing: no fetch
    offline = committed.with_committed(mine, tmp_path / "other", "full", ("model1",), "http://127.0.0.1:9/results/full")
    assert offline == mine and "not fetched" in capsys.readouterr().out
