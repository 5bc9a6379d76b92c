import os
import warnings

import numpy as np
import pytest

from helpers import voc
from helpers.tiny import VOC07_TRAINVAL_COUNTS
from tests.conftest import real_voc_root


def test_classes_are_the_twenty_voc_classes_in_official_order():
    assert len(voc.CLASSES) == 20 and len(set(voc.CLASSES)) == 20
    assert voc.CLASSES[:3] == ("aeroplane", "bicycle", "bird")
    assert voc.CLASSES[14] == "person" and voc.CLASSES[-1] == "tvmonitor"


def test_load_split_has_one_row_per_listed_image_and_labels_in_three_values(tiny_root):
    frame = voc.load_split(tiny_root, "train")
    listed = (tiny_root / "ImageSets/Main/train.txt").read_text().split()
    assert frame["image_id"].tolist() == listed
    assert list(frame.columns) == ["image_id", "path", *voc.CLASSES]
    labels = voc.label_matrix(frame).to_numpy()
    assert set(np.unique(labels)) <= {-1, 0, 1}
    assert all(os.path.exists(p) for p in frame["path"])


def test_split_labels_agree_with_the_annotations(tiny_root):
    frame = voc.load_split(tiny_root, "val")
    objects = voc.load_objects(tiny_root, frame["image_id"])
    for _, row in frame.iterrows():
        mine = objects[objects["image_id"] == row["image_id"]]
        for name in voc.CLASSES:
            of_class = mine[mine["name"] == name]
            expected = -1 if of_class.empty else (1 if (~of_class["difficult"]).any() else 0)
            assert row[name] == expected, (row["image_id"], name)


def test_missing_images_are_dropped_with_a_warning_naming_count_and_ids(own_tiny_root):
    frame = voc.load_split(own_tiny_root, "train")
    gone = frame["image_id"].iloc[[3, 7]].tolist()
    for image_id in gone:
        os.remove(own_tiny_root / "JPEGImages" / f"{image_id}.jpg")
    with pytest.warns(UserWarning, match=rf"2 of {len(frame)} images .*{gone[0]}, {gone[1]}"):
        kept = voc.load_split(own_tiny_root, "train")
    assert len(kept) == len(frame) - 2 and not set(gone) & set(kept["image_id"])
    with pytest.raises(voc.MissingImagesError, match=gone[0]):
        voc.load_split(own_tiny_root, "train", strict=True)
    assert voc.load_split(own_tiny_root, "train", drop_missing=False).equals(frame)  # the lists as they are


def test_a_split_without_lists_names_the_archive_that_provides_it(own_tiny_root):
    with pytest.raises(voc.SplitNotFoundError, match="VOCtest_06-Nov-2007.tar"):
        voc.load_split(own_tiny_root, "test")


def test_inconsistent_class_lists_are_refused(own_tiny_root):
    path = own_tiny_root / "ImageSets/Main/cat_train.txt"
    path.write_text("".join(path.read_text().splitlines(keepends=True)[1:]))
    with pytest.raises(ValueError, match="cat_train.txt"):
        voc.load_split(own_tiny_root, "train")


def test_a_bad_line_in_a_class_list_names_file_and_line(own_tiny_root):
    path = own_tiny_root / "ImageSets/Main/dog_train.txt"
    lines = path.read_text().splitlines(keepends=True)
    lines[2] = "000003 7\n"
    path.write_text("".join(lines))
    with pytest.raises(ValueError, match="dog_train.txt, line 3"):
        voc.load_split(own_tiny_root, "train")


def test_resolve_voc_root_accepts_devkit_voc2007_and_the_environment(own_tiny_root, monkeypatch, tmp_path):
    devkit = own_tiny_root.parent
    assert voc.resolve_voc_root(devkit) == own_tiny_root
    assert voc.resolve_voc_root(own_tiny_root) == own_tiny_root
    monkeypatch.setenv("VOC_ROOT", str(devkit))
    assert voc.resolve_voc_root() == own_tiny_root
    with pytest.raises(FileNotFoundError, match="holds no VOC 2007 tree"):
        voc.resolve_voc_root(tmp_path / "nowhere")
    monkeypatch.delenv("VOC_ROOT")
    with pytest.raises(FileNotFoundError, match="VOC_ROOT is not set"):
        voc.resolve_voc_root()


def test_class_counts_come_from_the_lists_even_when_images_are_missing(own_tiny_root):
    frame = voc.load_split(own_tiny_root, "train")
    expected = (voc.label_matrix(frame) == 1).sum()
    os.remove(frame["path"].iloc[0])
    counts = voc.class_counts(own_tiny_root, "train")
    assert counts["present"].to_dict() == expected.to_dict()


ANNOTATION = """<annotation><filename>000001.jpg</filename>
<size><width>100</width><height>80</height><depth>3</depth></size>
<object><name>{name}</name><difficult>1</difficult>
<bndbox><xmin>1</xmin><ymin>2</ymin><xmax>30</xmax>{ymax}</bndbox></object></annotation>"""


def test_parse_annotation_reads_size_objects_boxes_and_difficult(tmp_path):
    path = tmp_path / "a.xml"
    path.write_text(ANNOTATION.format(name="cat", ymax="<ymax>40</ymax>"))
    record = voc.parse_annotation(path)
    assert (record["width"], record["height"]) == (100, 80)
    assert record["objects"] == [{"name": "cat", "difficult": True, "xmin": 1, "ymin": 2, "xmax": 30, "ymax": 40}]


@pytest.mark.parametrize("text, message", [
    ("<annotation><filename>x", "malformed XML"),
    (ANNOTATION.format(name="unicorn", ymax="<ymax>40</ymax>"), "unknown class 'unicorn'"),
    (ANNOTATION.format(name="cat", ymax=""), "missing field <ymax>"),
    ('<!DOCTYPE a [<!ENTITY x "boom">]><annotation>&x;</annotation>', "unsafe or unreadable XML"),
])
def test_bad_annotations_raise_an_error_naming_the_file(tmp_path, text, message):
    path = tmp_path / "broken_000042.xml"
    path.write_text(text)
    with pytest.raises(voc.AnnotationError, match=message) as error:
        voc.parse_annotation(path)
    assert "broken_000042.xml" in str(error.value)


@pytest.mark.skipif(real_voc_root() is None, reason="VOC_REAL_ROOT does not name a real VOC 2007 copy")
def test_real_voc2007_lists_give_the_official_counts_and_three_missing_images():
    counts = voc.class_counts(real_voc_root(), "trainval")
    assert tuple(counts["present"]) == VOC07_TRAINVAL_COUNTS
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        frame = voc.load_split(real_voc_root(), "trainval")
    assert len(frame) == 5008
    assert "3 of 5011 images" in str(caught[0].message)
    assert "005042, 007284, 009623" in str(caught[0].message)
