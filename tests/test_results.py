import json

import numpy as np
import pandas as pd
import pytest

from helpers import config, evaluation, results
from helpers.voc import CLASSES, label_matrix


@pytest.fixture
def plan(tiny_root):
    return config.plan_splits(tiny_root)


def _scores(frame, seed):
    y = label_matrix(frame).to_numpy()
    return np.clip(0.3 * (y == 1) + np.random.default_rng(seed).random(y.shape) * 0.7, 0, 1)


def test_written_results_hold_every_key_and_read_back(plan, tmp_path):
    evaluate, tune = plan.frames["evaluate"], plan.frames["tune"]
    s_eval, s_tune = _scores(evaluate, 0), _scores(tune, 1)
    figures = evaluation.quality(label_matrix(evaluate), s_eval, label_matrix(tune), s_tune)
    costs = {"train_seconds": 1.5, "latency_ms_batch1": 2.0, "latency_ms_batch1_spread": 0.1,
             "latency_ms_batch64": 0.5, "latency_ms_batch64_spread": 0.02, "params": 10, "size_bytes": 100}
    folder = results.write_results(tmp_path / "tiny" / "model3", evaluate["image_id"], s_eval, figures,
                                   costs, results.provenance("tiny", plan))
    record = results.load_results(tmp_path / "tiny")["model3"]
    for key in results.QUALITY_KEYS + results.COST_KEYS + results.PROVENANCE_KEYS:
        assert key in record, key
    assert record["splits"] == {"fit": "train", "tune": "val", "evaluate": "test"}
    assert 0 <= record["map_voc07"] <= 1 and list(record["ap_voc07"]) == list(CLASSES)
    low, high = record["map_voc07_ci95"]
    assert low < record["map_voc07"] < high and "1.96" in record["ci95_method"]
    assert record["macro_f1_tuned"] >= 0 and isinstance(record["classes_never_predicted_at_0_5"], list)
    scores = results.load_scores(folder)
    assert list(scores.columns) == ["image_id", *CLASSES]
    assert scores["image_id"].tolist() == evaluate["image_id"].tolist()
    assert np.allclose(scores[list(CLASSES)].to_numpy(), s_eval, atol=1e-5)
    json.loads((folder / "metrics.json").read_text())  # plain JSON, no NaN or numpy types


def test_wrong_shapes_and_missing_keys_are_refused(plan, tmp_path):
    ids = plan.frames["evaluate"]["image_id"]
    with pytest.raises(ValueError, match="shape"):
        results.write_results(tmp_path, ids, np.zeros((len(ids), 3)), {}, {}, {})
    with pytest.raises(ValueError, match="would lack"):
        results.write_results(tmp_path, ids, np.zeros((len(ids), 20)), {"map_voc07": 0.5}, {}, {})


def test_loading_from_an_empty_folder_says_what_to_run(tmp_path):
    with pytest.raises(FileNotFoundError, match="run the model notebooks"):
        results.load_results(tmp_path)


def test_older_results_get_the_classes_never_predicted_at_tuned_thresholds(plan, tmp_path):
    evaluate = plan.frames["evaluate"]
    scores = np.full((len(evaluate), len(results.CLASSES)), 0.2)
    scores[0, 1] = 0.9  # only class 1 ever reaches its threshold of 0.5
    thresholds = dict.fromkeys(results.CLASSES, 0.5)
    record = {"thresholds_tuned": thresholds}
    folder = tmp_path / "full" / "old_model"
    folder.mkdir(parents=True)
    pd.DataFrame(scores, columns=list(results.CLASSES)).assign(image_id=list(evaluate["image_id"])).to_csv(
        folder / "scores.csv", index=False)
    (folder / "metrics.json").write_text(json.dumps(record))
    loaded = results.load_results(tmp_path / "full")["old_model"]
    assert loaded["classes_never_predicted_tuned"] == [c for c in results.CLASSES if c != results.CLASSES[1]]


def test_a_record_is_written_as_plain_json(tmp_path):
    import json

    import numpy as np

    from helpers import results

    path = results.write_record(tmp_path / "sub" / "r.json", {"a": np.float32(0.5), "b": float("nan"), "c": [np.int64(3)]})
    assert json.loads(path.read_text()) == {"a": 0.5, "b": None, "c": [3]}
