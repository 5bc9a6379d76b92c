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


def use_own_folders(patch, folder):
    """Point ``VOC_DATA_DIR`` and ``VOC_RESULTS_DIR`` into ``folder``: the notebooks that nbval runs meanwhile, on
    the other pytest-xdist worker, write the checkout's ``data/`` (conftest.py at the checkout's root)."""
    patch.setenv("VOC_DATA_DIR", str(folder / "data"))
    patch.setenv("VOC_RESULTS_DIR", str(folder / "results"))


@pytest.fixture
def own_folders(tmp_path, monkeypatch):
    """Data and results of this test in its ``tmp_path`` (see :func:`use_own_folders`)."""
    use_own_folders(monkeypatch, tmp_path)
    return tmp_path
