from pathlib import Path

import pytest

from helpers.tiny import make_tiny_voc

SHARED_VOC = Path(__file__).resolve().parents[2] / "shared" / "voc2007" / "VOCdevkit"


@pytest.fixture(scope="session")
def tiny_root(tmp_path_factory):
    """A tiny VOC tree (train, val, test) shared by the tests that only read it."""
    return make_tiny_voc(tmp_path_factory.mktemp("tiny"), seed=0)


@pytest.fixture
def own_tiny_root(tmp_path):
    """A tiny VOC tree a test may change."""
    return make_tiny_voc(tmp_path, seed=1, split_sizes={"train": 60, "val": 60})
