from pathlib import Path

import pytest

from helpers.tiny import make_tiny_voc



def real_voc_root():
    """The real VOC 2007 that ``VOC_REAL_ROOT`` names (a VOCdevkit or VOC2007 folder), or
    None: the tests that need it skip. ``.ci/run`` sets it where a copy is at hand."""
    import os

    from helpers import voc

    if not os.environ.get("VOC_REAL_ROOT"):
        return None
    try:
        return voc.resolve_voc_root(os.environ["VOC_REAL_ROOT"])
    except Exception:
        return None


@pytest.fixture(scope="session")
def tiny_root(tmp_path_factory):
    """A tiny VOC tree (train, val, test) shared by the tests that only read it."""
    return make_tiny_voc(tmp_path_factory.mktemp("tiny"), seed=0)


@pytest.fixture
def own_tiny_root(tmp_path):
    """A tiny VOC tree a test may change."""
    return make_tiny_voc(tmp_path, seed=1, split_sizes={"train": 60, "val": 60})
