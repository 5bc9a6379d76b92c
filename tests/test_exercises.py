"""The exercises' checks: a right answer passes, the usual wrong ones fail with their own hint."""

import keras
import numpy as np
import pandas as pd
import pytest

from helpers import exercises, metrics, voc


def right_ap(labels, scores):
    keep = labels != 0
    labels, scores = labels[keep], scores[keep]
    hits = labels[np.argsort(-scores, kind="stable")] > 0
    tp = np.cumsum(hits)
    precision, recall = tp / np.arange(1, len(hits) + 1), tp / max(hits.sum(), 1)
    return np.mean([precision[recall >= t].max() if (recall >= t).any() else 0.0 for t in np.linspace(0, 1, 11)])


def area_ap(labels, scores):
    return float(metrics.average_precision(labels, scores, method="area")[0])


def difficult_as_negative(labels, scores):
    return right_ap(np.where(labels == 0, -1, labels), scores)


def unanswered(labels, scores):
    return None


@pytest.mark.parametrize("function, verdict, words", [
    (right_ap, True, "matches"), (area_ap, False, "area under"), (difficult_as_negative, False, "dropped before"),
    (unanswered, None, "Not answered"), (lambda labels, scores: 1 / 0, False, "ZeroDivisionError"),
    (lambda labels, scores: 0.5, False, "six-image example")])
def test_the_11_point_ap_check(function, verdict, words, capsys):
    assert exercises.check_ap_11_point(function) is verdict
    assert words in capsys.readouterr().out


def test_the_most_difficult_class_check_tells_share_from_count(capsys):
    rows = {name: [-1] * 10 for name in voc.CLASSES}
    rows["chair"] = [0] * 4 + [1] * 6            # most difficult labels (4 of 10 labelled)
    rows["bottle"] = [0] * 3 + [1] * 2 + [-1] * 5  # largest share (3 of 5)
    frame = pd.DataFrame(rows)
    assert exercises.check_most_difficult_class("bottle", frame) is True
    assert exercises.check_most_difficult_class("chair", frame) is False
    assert "not the largest share" in capsys.readouterr().out
    assert exercises.check_most_difficult_class("Bottle", frame) is False
    assert exercises.check_most_difficult_class(None, frame) is None


def test_the_head_size_check():
    assert exercises.check_head_weights(33856 * 512 + 512 + 512 + 1, 33856, 512) is True
    for wrong in (33856 * 512, 33856 * 512 + 512, 33856 * 512 + 512 + 1, 33856 * 512 + 1024, 512):
        assert exercises.check_head_weights(wrong, 33856, 512) is False
    assert exercises.check_head_weights(None, 33856, 512) is None


def test_the_hand_computed_bce_check(capsys):
    right = -(np.log(0.9) + np.log(0.8) + np.log(0.4)) / 4  # 0.3112: masked sum over all four labels, as Keras does
    assert exercises.check_bce_by_hand(round(right, 4)) is True
    assert exercises.check_bce_by_hand(right * 4 / 3) is False  # the mean over the three that count
    assert "divides it by every label" in capsys.readouterr().out
    assert exercises.check_bce_by_hand(-(np.log(0.9) + np.log(0.8) + np.log(0.3) + np.log(0.4)) / 4) is False
    assert "masked out" in capsys.readouterr().out
    assert exercises.check_bce_by_hand(right * 4) is False
    assert exercises.check_bce_by_hand(None) is None


def test_the_hand_computed_bce_is_what_the_series_loss_reports():
    from helpers import training

    y = np.array([[1.0, 0.0, 0.0, 1.0]])
    p = np.array([[0.9, 0.2, 0.7, 0.4]], dtype="float32")
    reported = float(training.ElementwiseBinaryCrossentropy()(y, p, sample_weight=np.array([[1.0, 1.0, 0.0, 1.0]])))
    assert exercises.check_bce_by_hand(reported) is True


def test_the_output_layer_check(capsys):
    assert exercises.check_output_layer(keras.layers.Dense(20, activation="sigmoid")) is True
    assert exercises.check_output_layer(keras.layers.Dense(20, activation="softmax")) is False
    assert "compete" in capsys.readouterr().out
    assert exercises.check_output_layer(keras.layers.Dense(1, activation="sigmoid")) is False
    assert exercises.check_output_layer(keras.layers.Dense(20)) is False
    assert exercises.check_output_layer(keras.layers.Conv2D(20, 1)) is False
    assert exercises.check_output_layer(None) is None


def test_the_output_layer_check_judges_what_comes_out(capsys):
    """Any way of building twenty independent probabilities passes (the assignments grade with this check)."""
    sigmoid_of_its_own = keras.Sequential([keras.layers.Dense(20), keras.layers.Activation("sigmoid")])
    assert exercises.check_output_layer(sigmoid_of_its_own) is True
    by_hand = keras.layers.Dense(20, activation=lambda x: 1 / (1 + keras.ops.exp(-x)))
    assert exercises.check_output_layer(by_hand) is True
    inputs = keras.Input((64,))
    head = keras.Model(inputs, keras.layers.Dense(20, activation="sigmoid")(keras.layers.Dropout(0.3)(inputs)))
    assert exercises.check_output_layer(head) is True
    capsys.readouterr()
    for wrong in (keras.layers.Dense(20, activation="relu"), keras.layers.Dense(20, activation="tanh"),
                  keras.layers.Activation("sigmoid"), "Dense(20)"):
        assert exercises.check_output_layer(wrong) is False, wrong
    hints = capsys.readouterr().out
    assert "not probabilities between 0 and 1" in hints and "37 outputs" in hints and "not a Keras layer" in hints


def test_the_rare_class_threshold_check(capsys):
    rng = np.random.default_rng(0)
    labels = np.where(rng.random(300) < 0.05, 1, -1)
    scores = np.clip(0.1 + 0.25 * (labels > 0) + 0.08 * rng.standard_normal(300), 0, 1)  # positives near 0.35
    best = metrics.tune_thresholds(labels[:, None], scores[:, None])[0]
    assert exercises.check_rare_threshold(best, labels, scores, "sheep") is True
    assert exercises.check_rare_threshold(0.5, labels, scores, "sheep") is False
    assert "seldom the best threshold" in capsys.readouterr().out
    assert exercises.check_rare_threshold(0.01, labels, scores) is False
    assert exercises.check_rare_threshold(None, labels, scores) is None
