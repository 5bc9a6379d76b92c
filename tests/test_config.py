import json
import warnings

import pytest

from helpers import config, voc
from tests.conftest import real_voc_root


def test_read_profile_defaults_to_tiny_and_refuses_unknown(monkeypatch):
    monkeypatch.delenv("VOC_PROFILE", raising=False)
    assert config.read_profile() == "tiny"
    monkeypatch.setenv("VOC_PROFILE", " Full ")
    assert config.read_profile() == "full"
    monkeypatch.setenv("VOC_PROFILE", "huge")
    with pytest.raises(ValueError, match="'huge' is not a profile"):
        config.read_profile()


def test_a_notebooks_form_field_is_the_default_that_voc_profile_overrides(monkeypatch):
    monkeypatch.delenv("VOC_PROFILE", raising=False)
    assert config.read_profile(default="small") == "small"
    monkeypatch.setenv("VOC_PROFILE", "full")
    assert config.read_profile(default="small") == "full"
    monkeypatch.delenv("VOC_PROFILE")
    with pytest.raises(ValueError, match="'medium' is not a profile"):
        config.read_profile(default="medium")


def test_default_data_dir_follows_environment_then_checkout(monkeypatch, tmp_path):
    monkeypatch.setenv("VOC_DATA_DIR", str(tmp_path / "elsewhere"))
    assert config.default_data_dir() == tmp_path / "elsewhere"
    monkeypatch.delenv("VOC_DATA_DIR")
    (tmp_path / "helpers").mkdir()
    (tmp_path / "notebooks").mkdir()
    monkeypatch.chdir(tmp_path / "notebooks")
    assert config.default_data_dir() == tmp_path / "data"


def test_prepare_voc_tiny_full_and_unknown(tmp_path, monkeypatch, tiny_root):
    root = config.prepare_voc("tiny", data_dir=tmp_path)
    assert root == tmp_path / "tiny" / "VOCdevkit" / "VOC2007" and (root / "JPEGImages").is_dir()
    monkeypatch.setenv("VOC_ROOT", str(tiny_root.parent))
    assert config.prepare_voc("full", data_dir=tmp_path) == tiny_root
    with pytest.raises(ValueError, match="unknown profile"):
        config.prepare_voc("medium", data_dir=tmp_path)


def test_split_plan_for_reuses_the_saved_plan_or_makes_one(tmp_path):
    made = config.split_plan_for("tiny", data_dir=tmp_path)
    assert (tmp_path / "labels" / "tiny" / "splits.json").exists()
    assert made.sources == {"fit": "train", "tune": "val", "evaluate": "test"}
    marker = tmp_path / "labels" / "tiny" / "fit.csv"
    marker.write_text(marker.read_text().split("\n", 1)[0] + "\n" + "\n".join(marker.read_text().split("\n")[1:4]) + "\n")
    assert len(config.split_plan_for("tiny", data_dir=tmp_path).frames["fit"]) == 3  # read back, not remade


