import hashlib

import numpy as np
import pytest

from helpers import voc
from helpers.tiny import MIN_POSITIVES_PER_SPLIT, make_tiny_voc


def _digest(root):
    h = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        h.update(path.relative_to(root).as_posix().encode())
        h.update(path.read_bytes())
    return h.hexdigest()


def test_same_seed_same_bytes_other_seed_other_data(tmp_path):
    sizes = {"train": 60, "val": 60}
    a = make_tiny_voc(tmp_path / "a", seed=3, split_sizes=sizes)
    b = make_tiny_voc(tmp_path / "b", seed=3, split_sizes=sizes)
    c = make_tiny_voc(tmp_path / "c", seed=4, split_sizes=sizes)
    assert _digest(a) == _digest(b) != _digest(c)


def test_layout_is_the_voc_layout(tiny_root):
    assert tiny_root.parts[-2:] == ("VOCdevkit", "VOC2007")
    main = tiny_root / "ImageSets" / "Main"
    for split in ("train", "val", "trainval", "test"):
        assert (main / f"{split}.txt").exists()
        assert all((main / f"{name}_{split}.txt").exists() for name in voc.CLASSES)
    train = set((main / "train.txt").read_text().split())
    val = set((main / "val.txt").read_text().split())
    assert set((main / "trainval.txt").read_text().split()) == train | val and not train & val
    ids = set((main / "test.txt").read_text().split()) | train | val
    assert {p.stem for p in (tiny_root / "JPEGImages").glob("*.jpg")} == ids
    assert {p.stem for p in (tiny_root / "Annotations").glob("*.xml")} == ids


def test_every_class_has_positives_in_every_split_and_some_labels_are_difficult(tiny_root):
    difficult = 0
    for split in ("train", "val", "test"):
        labels = voc.label_matrix(voc.load_split(tiny_root, split))
        assert ((labels == 1).sum() >= MIN_POSITIVES_PER_SPLIT).all(), split
        difficult += int((labels == 0).sum().sum())
    assert difficult > 0


def test_classes_are_imbalanced_like_voc(tiny_root):
    counts = (voc.label_matrix(voc.load_split(tiny_root, "train")) == 1).sum()
    assert counts.idxmax() == "person" and counts["person"] > 3 * counts["sheep"]
    per_image = (voc.label_matrix(voc.load_split(tiny_root, "train")) == 1).sum(axis=1)
    assert per_image.max() >= 3 and (per_image >= 2).mean() > 0.2


def test_a_complete_tree_is_reused_and_other_settings_rebuild_it(tmp_path):
    root = make_tiny_voc(tmp_path, seed=0, split_sizes={"train": 60, "val": 60})
    stamp = (root / "JPEGImages" / "000001.jpg").stat().st_mtime_ns
    make_tiny_voc(tmp_path, seed=0, split_sizes={"train": 60, "val": 60})
    assert (root / "JPEGImages" / "000001.jpg").stat().st_mtime_ns == stamp
    make_tiny_voc(tmp_path, seed=0, split_sizes={"train": 80, "val": 60})
    assert len(voc.load_split(root, "train")) == 80


@pytest.mark.parametrize("sizes, message", [({"train": 10}, "at least 60"), ({"trainval": 100}, "train \\+ val")])
def test_bad_sizes_are_refused(tmp_path, sizes, message):
    with pytest.raises(ValueError, match=message):
        make_tiny_voc(tmp_path, split_sizes=sizes)


def test_images_have_varied_sizes_like_voc(tiny_root):
    from PIL import Image
    sizes = {Image.open(p).size for p in sorted((tiny_root / "JPEGImages").glob("*.jpg"))[:40]}
    assert len(sizes) > 10
    assert np.array(list(sizes)).min() >= 56  # small, so that the tiny profile trains in seconds
