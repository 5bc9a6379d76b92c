"""The small profile: a fixed, stratified real subset, stored smaller, in the VOC layout."""

import pytest
from PIL import Image

from helpers import config, small, voc
from tests.conftest import real_voc_root

ANNOTATION = """<annotation><size><width>500</width><height>400</height><depth>3</depth></size>
<object><name>dog</name><difficult>0</difficult><bndbox><xmin>1</xmin><ymin>10</ymin><xmax>500</xmax><ymax>399</ymax></bndbox></object>
</annotation>"""


def test_an_annotation_scales_with_its_image():
    scaled = small.scaled_annotation(ANNOTATION, 0.64)
    assert "<width>320</width>" in scaled and "<height>256</height>" in scaled
    assert "<xmin>1</xmin>" in scaled and "<ymin>6</ymin>" in scaled  # 0.64 rounds up to at least 1; 6.4 -> 6
    assert "<xmax>320</xmax>" in scaled and "<ymax>255</ymax>" in scaled


def test_the_subset_is_stratified_fixed_and_in_the_voc_layout(tiny_root, tmp_path, monkeypatch):
    root = small.make_small_voc(tiny_root, tmp_path / "a", progress=False)
    again = small.make_small_voc(tiny_root, tmp_path / "b", progress=False)
    for split, halvings in small.HALVINGS.items():
        frame, source = voc.load_split(root, split), voc.load_split(tiny_root, split)
        assert len(frame) == pytest.approx(len(source) / 2 ** halvings, abs=1)
        assert set(frame["image_id"]) <= set(source["image_id"])
        assert list(voc.load_split(again, split)["image_id"]) == list(frame["image_id"])
        kept = source.set_index("image_id").loc[frame["image_id"], list(voc.CLASSES)]
        assert (kept.to_numpy() == voc.label_matrix(frame).to_numpy()).all()  # labels copied unchanged
    assert len(voc.load_split(root, "trainval")) == sum(len(voc.load_split(root, s)) for s in small.HALVINGS)
    assert voc.load_objects(root, voc.load_split(root, "train")["image_id"][:3]).shape[0] > 0
    monkeypatch.setenv("VOC_ROOT", str(tiny_root))
    assert config.prepare_voc("small", data_dir=tmp_path / "c") == tmp_path / "c" / "small" / "VOCdevkit" / "VOC2007"


def test_the_subset_is_chosen_on_the_lists_so_a_missing_image_changes_nothing_else(own_tiny_root, tmp_path, capsys):
    whole = voc.load_split(small.make_small_voc(own_tiny_root, tmp_path / "a", progress=False), "train")
    gone = whole["image_id"].iloc[0]
    (own_tiny_root / "JPEGImages" / f"{gone}.jpg").unlink()
    again = voc.load_split(small.make_small_voc(own_tiny_root, tmp_path / "b", progress=False), "train")
    assert list(again["image_id"]) == [i for i in whole["image_id"] if i != gone]
    assert "missing from" in capsys.readouterr().out


@pytest.mark.skipif(real_voc_root() is None, reason="needs the real VOC 2007 (VOC_REAL_ROOT)")
def test_the_real_small_profile_keeps_every_class_in_every_role(tmp_path):
    root = small.make_small_voc(real_voc_root(), tmp_path, progress=False)
    plan = config.plan_splits(root)
    assert 250 < plan.n_images["fit"] < 350 and 250 < plan.n_images["evaluate"] < 350
    for frame in plan.frames.values():
        assert (voc.label_matrix(frame) == 1).sum().min() >= 5
    with Image.open(plan.frames["fit"]["path"][0]) as image:
        assert max(image.size) <= small.LONGER_SIDE
    assert config.download_size_mb("small") == 460 and config.download_size_mb("full") == 911
