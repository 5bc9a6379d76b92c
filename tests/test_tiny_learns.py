"""On the tiny profile every model visibly learns: the notebooks, run by nbval before this file
(``testpaths`` puts ``notebooks`` first, and conftest.py runs both on one pytest-xdist worker), wrote their
results to this session's results folder."""

import os
from pathlib import Path

import numpy as np
import pytest

from helpers import evaluation, metrics, results

EVERY_MODEL = (*results.FROM_SCRATCH, "transfer", "transfer_refit")


@pytest.fixture(scope="module")
def tiny_results(request):
    folder = Path(os.environ["VOC_RESULTS_DIR"]) / "tiny"
    if not any(folder.glob("*/metrics.json")):
        if any(item.path.suffix == ".ipynb" for item in request.session.items):  # the whole suite: they should have
            pytest.fail("the notebooks of this session wrote no results before this file ran: conftest.py runs "
                        "them first, on the same pytest-xdist worker")
        pytest.skip("the tiny notebooks have not run in this session: run the whole suite (python -m pytest)")
    return results.load_results(folder), results.load_labels(folder)


@pytest.mark.parametrize("model", EVERY_MODEL)
def test_each_model_beats_random_scores_by_its_paired_interval(tiny_results, model):
    records, (y, ids) = tiny_results
    assert model in records, f"{model} wrote no results on tiny"
    scores = results.load_scores(records[model]["results_folder"]).set_index("image_id").loc[ids].to_numpy()
    random_scores = np.random.default_rng(0).random(scores.shape)
    difference = metrics.paired_difference(y, scores, random_scores)
    assert difference.low > 0, f"{model}: {metrics.verdict(difference, model, 'random scores')}"


def test_the_best_from_scratch_model_and_the_transfer_head_reach_twice_chance(tiny_results):
    records, _ = tiny_results
    chance = evaluation.chance_map(records)
    best = max(records[name]["map_voc07"] for name in results.FROM_SCRATCH)
    assert best >= 2 * chance, (best, chance)
    assert records["transfer"]["map_voc07"] >= 2 * chance, (records["transfer"]["map_voc07"], chance)
