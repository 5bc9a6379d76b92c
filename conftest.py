"""Test-wide settings: the tiny profile, no GUI backend, quiet TensorFlow; and which
pytest-xdist worker runs what.

Set before any test or notebook kernel starts, so the notebooks that nbval
runs (they inherit this environment) use the tiny profile too.
"""

import os

import pytest

os.environ["VOC_PROFILE"] = "tiny"
os.environ.setdefault("MPLBACKEND", "Agg")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ["VOC_NO_FETCH"] = "1"  # tests never use the network: notebooks 04 and 05 read committed results only locally

# Notebooks run by nbval write their results to a folder of the test session, so the
# results committed under results/ (which notebook 04 can read from Colab) stay as they are.
if "VOC_RESULTS_DIR" not in os.environ:
    import tempfile

    os.environ["VOC_RESULTS_DIR"] = tempfile.mkdtemp(prefix="voc-test-results-")


def in_series(nodeid: str) -> bool:
    """The notebooks, and ``tests/test_tiny_learns.py``, which reads the results they wrote."""
    path = nodeid.split("::", 1)[0]
    return path.endswith(".ipynb") or path.endswith("test_tiny_learns.py")


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    """``-n 2`` (pyproject.toml) runs two pytest-xdist workers: one runs the notebooks in the series' order, then
    ``test_tiny_learns.py``; the other every other test, each in folders of its own (never the checkout's ``data/``,
    which the notebooks write). A scheduler of its own, since ``--dist loadgroup`` does not group on pytest 9.2
    (pytest-dev/pytest-xdist#1386)."""
    from xdist.scheduler import LoadScopeScheduling

    class SeriesApart(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return "series" if in_series(nodeid) else "tests"

    return SeriesApart(config, log)
