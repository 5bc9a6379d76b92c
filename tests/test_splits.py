import json
import warnings

import pytest

from helpers import splits, voc
from tests.conftest import real_voc_root


def test_plan_follows_the_voc_protocol_when_test_is_there(tiny_root):
    plan = splits.plan_splits(tiny_root)
    assert plan.sources == {"fit": "train", "tune": "val", "evaluate": "test"}
    assert plan.notes == []
    assert plan.n_images == {"fit": 384, "tune": 192, "evaluate": 192}


def test_without_test_it_fits_on_all_of_train_and_splits_val_in_two(own_tiny_root):
    with pytest.warns(UserWarning, match="split in two halves"):
        plan = splits.plan_splits(own_tiny_root, seed=5)
    assert plan.sources == {"fit": "train", "tune": "val (tune half, stratified, seed 5)",
                            "evaluate": "val (evaluate half, stratified, seed 5)"}
    assert plan.n_images["fit"] == 60 and plan.n_images["tune"] + plan.n_images["evaluate"] == 60
    ids = {role: set(frame["image_id"]) for role, frame in plan.frames.items()}
    assert not ids["fit"] & ids["tune"] and not ids["fit"] & ids["evaluate"] and not ids["tune"] & ids["evaluate"]
    again = splits.plan_splits(own_tiny_root, seed=5)
    assert set(again.frames["tune"]["image_id"]) == ids["tune"]


def test_saved_plan_reads_back_the_same(tiny_root, tmp_path):
    plan = splits.plan_splits(tiny_root)
    splits.save_split_plan(plan, tmp_path / "labels")
    back = splits.load_split_plan(tmp_path / "labels")
    assert back.sources == plan.sources and back.n_images == plan.n_images
    for role in splits.ROLES:
        assert back.frames[role]["image_id"].tolist() == plan.frames[role]["image_id"].tolist()
        assert (back.frames[role][list(voc.CLASSES)].to_numpy() == plan.frames[role][list(voc.CLASSES)].to_numpy()).all()
    assert json.loads((tmp_path / "labels" / "splits.json").read_text())["n_images"]["fit"] == 384


def test_loading_a_plan_that_was_never_saved_says_which_notebook_to_run(tmp_path):
    with pytest.raises(FileNotFoundError, match="00_data_preparation"):
        splits.load_split_plan(tmp_path)


def test_stratified_halves_share_every_class_evenly_disjointly_and_deterministically(own_tiny_root):
    frame = voc.load_split(own_tiny_root, "val")
    first, second = splits.stratified_halves(frame, seed=3)
    assert len(first) + len(second) == len(frame) and abs(len(first) - len(second)) <= 2
    assert not set(first["image_id"]) & set(second["image_id"])
    counts = [(voc.label_matrix(half) == 1).sum() for half in (first, second)]
    total = (voc.label_matrix(frame) == 1).sum()
    for name in voc.CLASSES:
        if total[name] >= 2:  # a class with positives has some on both sides, within 20 % of half (or one image)
            assert counts[0][name] >= 1 and counts[1][name] >= 1, name
            assert abs(counts[0][name] - total[name] / 2) <= max(0.2 * total[name] / 2, 1), name
    again = splits.stratified_halves(frame, seed=3)
    assert again[0]["image_id"].tolist() == first["image_id"].tolist()
    other = splits.stratified_halves(frame, seed=4)
    assert other[0]["image_id"].tolist() != first["image_id"].tolist()


def test_stratified_halves_of_the_real_val_split_keep_every_class_within_20_percent():
    root = real_voc_root()
    if root is None:
        pytest.skip("VOC_REAL_ROOT does not name a real VOC 2007 copy")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        frame = voc.load_split(root, "val")
    halves = splits.stratified_halves(frame, seed=0)
    total = (voc.label_matrix(frame) == 1).sum()
    for half in halves:
        counts = (voc.label_matrix(half) == 1).sum()
        assert ((counts - total / 2).abs() <= 0.2 * total / 2).all()
