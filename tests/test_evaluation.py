import os

import keras
import numpy as np

from helpers import config, evaluation, results
from helpers.voc import label_matrix


def _trained_model():
    model = keras.Sequential([keras.Input((50,)), keras.layers.Dense(200), keras.layers.Dense(20)])
    model.compile("adam", "mse")
    model.fit(np.ones((8, 50)), np.zeros((8, 20)), verbose=0)
    return model


def test_saved_weights_leave_the_optimizer_out_and_load_into_a_fresh_model(tmp_path):
    model = _trained_model()
    model.save_weights(tmp_path / "with_optimizer.weights.h5")
    path = evaluation.save_weights_only(model, tmp_path / "only.weights.h5")
    weight_bytes = sum(w.nbytes for w in model.get_weights())
    assert os.path.getsize(path) < 1.5 * weight_bytes  # the weights and a little HDF5 bookkeeping
    assert os.path.getsize(tmp_path / "with_optimizer.weights.h5") > 2.5 * weight_bytes  # plus two Adam moments
    fresh = keras.Sequential([keras.Input((50,)), keras.layers.Dense(200), keras.layers.Dense(20)])
    fresh.load_weights(path)
    assert all(np.array_equal(a, b) for a, b in zip(fresh.get_weights(), model.get_weights()))


def test_measured_costs_and_saved_results(tiny_root, tmp_path):
    model = _trained_model()
    path = evaluation.save_weights_only(model, tmp_path / "m.weights.h5")
    costs = evaluation.measure_costs(lambda batch: model.predict_on_batch(batch.reshape(len(batch), -1)[:, :50]),
                                     8, train_seconds=12.0, params=model.count_params(), saved_paths=[path],
                                     max_seconds=2)
    assert set(costs) == set(results.COST_KEYS)
    assert costs["size_bytes"] == os.path.getsize(path) and costs["latency_ms_batch1"] > 0
    plan = config.plan_splits(tiny_root)
    shape = (len(plan.frames["evaluate"]), 20), (len(plan.frames["tune"]), 20)
    rng = np.random.default_rng(0)
    headline = evaluation.save_model_results("toy", "tiny", plan, rng.random(shape[0]), rng.random(shape[1]),
                                             costs, tmp_path / "results", extra={"note": "random scores"})
    assert 0 < headline["map_voc07"] < 0.5  # random scores: near the share of positives
    assert results.load_results(tmp_path / "results" / "tiny")["toy"]["note"] == "random scores"


def test_print_map_names_both_splits_and_the_chance_level(tiny_root, capsys):
    plan = config.plan_splits(tiny_root)
    y_tune, y_evaluate = (label_matrix(plan.frames[r]).to_numpy() for r in ("tune", "evaluate"))
    perfect = lambda y: (y == 1).astype("float32")  # noqa: E731  every positive above every negative
    tune_map, eval_map = evaluation.print_map(plan, "tiny", perfect(y_tune), 1 - perfect(y_evaluate), title="toy")
    assert tune_map == 1.0 and eval_map < 0.5  # inverted scores on the evaluate split rank positives last
    out = capsys.readouterr().out
    assert out.startswith("toy\n") and plan.sources["tune"] in out and plan.sources["evaluate"] in out
    assert "tune mAP (VOC07):     1.000" in out and "random scores: 0." in out


def test_missing_models_stop_a_comparison_naming_the_notebooks_to_run():
    import pytest

    with pytest.raises(FileNotFoundError, match=r"model3 \(run notebooks/03_model3_multi_output.ipynb\)"):
        evaluation.require({"model1": {}, "model2": {}, "model2_shared_base": {}, "model3_improved": {}})
    evaluation.require({name: {} for name in results.FROM_SCRATCH})  # all there: nothing to say
