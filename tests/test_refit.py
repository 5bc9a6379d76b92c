"""Notebook 05's refit trains on the fit and tune splits only: its cell runs with every array of the evaluate
split replaced by a poison that fails on any use."""

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "05_transfer_learning.ipynb"

POISON = '''
class Poison:
    """Fails on any use: the refit must not read the evaluate split."""
    def _refuse(self, *args, **kwargs):
        raise AssertionError("the refit read the evaluate split")
    __array__ = __len__ = __getitem__ = __iter__ = _refuse
    def __getattr__(self, name):
        self._refuse()

for store in (acts, frozen_maps, pooled, max_pooled, targets, labels):
    for key in [key for key in store if "evaluate" in (key if isinstance(key, tuple) else (key,))]:
        store[key] = Poison()
'''


def test_the_refit_never_reads_the_evaluate_split(own_folders, monkeypatch):
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    refit = next(i for i, cell in enumerate(notebook.cells) if "refit" in cell.metadata.get("tags", []))
    parameters = next(i for i, cell in enumerate(notebook.cells) if "parameters" in cell.metadata.get("tags", []))
    quick = nbformat.v4.new_code_cell("HEAD_MAX_EPOCHS, FINE_TUNE_MAX_EPOCHS, ATTENTION = 2, 1, [(0.1, 1.0)]")
    before = [cell for cell in notebook.cells[parameters + 1:refit]
              if "LOW_RESOLUTION" not in cell.source]  # the low-resolution comparison: the refit needs nothing of it
    notebook.cells = (notebook.cells[:parameters + 1] + [quick] + before
                      + [nbformat.v4.new_code_cell(POISON), notebook.cells[refit]])
    monkeypatch.setenv("VOC_PROFILE", "tiny")
    client = NotebookClient(notebook, timeout=600, kernel_name="python3",
                            resources={"metadata": {"path": str(NOTEBOOK.parent)}})
    client.execute()  # an AssertionError in the refit cell would raise here
    outputs = "".join(o.get("text", "") for o in notebook.cells[-1].get("outputs", []))
    assert "Traceback" not in outputs
