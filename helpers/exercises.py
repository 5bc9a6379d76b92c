"""Checks for the notebooks' exercises: right or wrong, and a hint when wrong.

Each ``check_*`` function prints one line and returns ``True`` (right),
``False`` (wrong, with a hint that points at the usual mistake without giving
the answer) or ``None`` (not answered yet). The notebooks' check cells call
them; tests show that right answers pass and the usual wrong ones fail.
"""

from __future__ import annotations

import math

import numpy as np

from helpers import metrics
from helpers.voc import CLASSES

NOT_ANSWERED = "Not answered yet: fill in the cell above, run it, then run this cell again."


def _say(verdict: bool | None, message: str) -> bool | None:
    prefix = {True: "Right: ", False: "Not yet. Hint: ", None: ""}[verdict]
    print(prefix + message)
    return verdict


def _close(a: float, b: float, tolerance: float = 1e-3) -> bool:
    return a is not None and math.isclose(float(a), float(b), rel_tol=tolerance, abs_tol=tolerance)


# --- Notebook 00 --------------------------------------------------------------------------------------------------

def _ap_cases(n_cases: int = 6, seed: int = 0):
    rng = np.random.default_rng(seed)
    cases = [(np.array([1, -1, 1, 1, -1, -1]), np.array([0.9, 0.8, 0.7, 0.6, 0.5, 0.4]))]  # section 4's kind
    for _ in range(n_cases):
        n = int(rng.integers(8, 40))
        labels = rng.choice([1, -1, -1, 0], size=n)
        labels[:2] = (1, 0)
        cases.append((labels, np.round(rng.random(n), 2)))
    return cases


def _ap_variant(labels, scores, variant: str) -> float:
    """The usual wrong readings of the VOC07 AP, to recognise them."""
    if variant == "difficult as negatives":
        return float(metrics.average_precision(np.where(labels == 0, -1, labels), scores)[0])
    if variant == "area":
        return float(metrics.average_precision(labels, scores, method="area")[0])
    precision, recall = metrics.precision_recall_curve(labels, scores)
    if variant == "ten points":
        levels = np.linspace(0.1, 1.0, 10)
    else:
        levels = np.linspace(0, 1, 11)
    values = []
    for level in levels:
        reached = recall >= level
        if not reached.any():
            values.append(0.0)
        elif variant == "no interpolation":
            values.append(float(precision[np.argmax(reached)]))
        else:
            values.append(float(precision[reached].max()))
    return float(np.mean(values))


def ap_readings(labels, scores) -> tuple[float, float]:
    """The two right values of one class's 11-point AP: recall levels k / 10 exactly (the helper's), and levels
    computed as 0.1 * k, which sit a hair above 0.3, 0.6 and 0.7 (as many ports of the devkit compute them)."""
    return float(metrics.average_precision(labels, scores)[0]), _ap_variant(labels, scores, "11 points")


def check_ap_11_point(ap_function) -> bool | None:
    """Exercise: implement VOC 2007's 11-point AP for one class, ``ap_function(labels, scores)``
    with labels 1 / 0 (difficult) / -1."""
    cases = _ap_cases()
    try:
        answers = [ap_function(labels.copy(), scores.copy()) for labels, scores in cases]
    except Exception as error:  # the learner's code failed: say how
        return _say(False, f"your function raised {type(error).__name__}: {error}")
    if all(a is None for a in answers):
        return _say(None, NOT_ANSWERED)
    if all(any(_close(a, value) for value in ap_readings(labels, scores)) for a, (labels, scores) in zip(answers, cases)):
        return _say(True, f"your AP matches metrics.average_precision on all {len(cases)} test rankings.")
    for variant, hint in (
            ("difficult as negatives", "difficult entries (label 0) must be dropped before ranking, not counted as "
                                       "absent."),
            ("area", "that is the area under the precision-recall curve (VOC 2010 and later); VOC 2007 averages "
                     "the precision at 11 recall levels."),
            ("ten points", "there are 11 recall levels, from 0 to 1 in steps of 0.1: both ends count."),
            ("no interpolation", "at each recall level take the *highest* precision reached at that recall or "
                                 "any higher one, not the precision where the level is first reached.")):
        if all(_close(a, _ap_variant(labels, scores, variant)) for a, (labels, scores) in zip(answers, cases)):
            return _say(False, hint)
    return _say(False, "compare your function with section 4's six-image example worked by hand, one recall "
                       "level at a time.")


def difficult_shares(frame) -> "np.ndarray":
    """Per class: difficult-only labels as a share of the images where the class is labelled (present or difficult)."""
    from helpers.voc import label_matrix

    labels = label_matrix(frame)
    return (labels == 0).sum() / ((labels == 0) | (labels == 1)).sum()


def check_most_difficult_class(answer: str | None, frame) -> bool | None:
    """Exercise: the class with the largest share of difficult-only labels among its labelled images of ``frame``."""
    if answer is None:
        return _say(None, NOT_ANSWERED)
    if answer not in CLASSES:
        return _say(False, f"{answer!r} is not a VOC class name; use one of voc.CLASSES, spelt the same way.")
    from helpers.voc import label_matrix

    shares = difficult_shares(frame)
    if answer == shares.idxmax():
        return _say(True, f"{answer}: {shares[answer]:.0%} of its labelled images are difficult only.")
    if answer == (label_matrix(frame) == 0).sum().idxmax():
        return _say(False, "that class has the most difficult labels, not the largest share: divide by the "
                           "images where the class is labelled (present or difficult only).")
    return _say(False, "count, per class, the labels equal to 0 and those equal to 0 or 1; compare the ratios.")


# --- Notebook 02 --------------------------------------------------------------------------------------------------

def check_head_weights(answer: int | None, n_features: int, units: int) -> bool | None:
    """Exercise: the number of weights of one Model 2 head, ``Dense(units, relu)`` then ``Dense(1, sigmoid)``
    on ``n_features`` features, worked out by hand."""
    if answer is None:
        return _say(None, NOT_ANSWERED)
    right = n_features * units + units + units + 1
    if int(answer) == right:
        return _say(True, f"{right:,} weights, {right * 4 / 2**20:.1f} MiB in float32, for each of the 20 heads.")
    if int(answer) == n_features * units:
        return _say(False, "that is the first layer's kernel alone: add its biases, and the output layer.")
    if int(answer) == n_features * units + units:
        return _say(False, "a head has two Dense layers, each with a kernel and one bias per unit: count both.")
    if int(answer) in (n_features * units + units + 1, n_features * units + units + units):
        return _say(False, "count every bias: one per unit in each of the two Dense layers.")
    return _say(False, "a Dense layer from m inputs to n units holds an m x n kernel and n biases; add the two "
                       "layers of a head.")


# --- Notebook 03 --------------------------------------------------------------------------------------------------

BCE_EXAMPLE = {"labels": (1, -1, 0, 1), "scores": (0.9, 0.2, 0.7, 0.4)}
"""One image, four classes: present, absent, difficult only, present; the model's sigmoid scores."""


def check_bce_by_hand(answer: float | None) -> bool | None:
    """Exercise: the loss ``training.ElementwiseBinaryCrossentropy`` reports for :data:`BCE_EXAMPLE` with the
    difficult mask as sample weight: natural logarithms, the masked sum divided by all four labels (Keras'
    default reduction, ``"sum_over_batch_size"``)."""
    if answer is None:
        return _say(None, NOT_ANSWERED)
    y, p = np.array(BCE_EXAMPLE["labels"]), np.array(BCE_EXAMPLE["scores"])
    losses = -np.where(y == 1, np.log(p), np.log(1 - p))
    counted = y != 0
    right = losses[counted].sum() / len(y)
    if _close(answer, right):
        return _say(True, f"{right:.4f}: the difficult label adds nothing to the sum, and Keras divides by all "
                          "four labels.")
    if _close(answer, losses[counted].mean()):
        return _say(False, "the masked sum is right, but Keras' default reduction divides it by every label of "
                           "the batch, masked ones included, not by the labels that count.")
    if _close(answer, losses.mean()) or _close(answer, losses.sum() / len(y)):
        return _say(False, "the difficult label (0) is masked out: its weight is 0, so it adds nothing to the sum.")
    if _close(answer, losses[counted].sum()) or _close(answer, losses.sum()):
        return _say(False, "Keras reports a mean, not a sum: divide by the number of labels.")
    if _close(answer, right / math.log(10)) or _close(answer, -right):
        return _say(False, "use natural logarithms; the loss of one label is −log of the probability given to "
                           "the truth.")
    return _say(False, "for each counted label take −log(p) if present, −log(1 − p) if absent; add them; divide "
                       "by the number of labels.")


def _input_width(layer, n_features: int | None) -> int:
    """The number of features ``layer`` takes: its model's input when it has one, else ``n_features``, else 37
    (any width will do for a layer that is not built yet)."""
    try:
        found = layer.input.shape[-1]  # a model's input, or a built layer's
    except Exception:  # a layer not built yet has no input
        found = None
    if found is not None:
        return int(found)
    return int(n_features) if n_features is not None else 37


def check_output_layer(layer, n_features: int | None = None) -> bool | None:
    """Exercise: Model 3's output layer, one independent probability per VOC class.

    Judged by what ``layer`` outputs, not by how it is built: called on a batch of 16 images' features (random
    normal, ``n_features`` wide, or as wide as its input when it is a model), it must give 20 values per image,
    each strictly between 0 and 1, that do not sum to 1. So ``Dense(20, activation="sigmoid")``, ``Dense(20)``
    then ``Activation("sigmoid")`` in a ``keras.Sequential``, and a whole head ending in a sigmoid all pass."""
    if layer is None:
        return _say(None, NOT_ANSWERED)
    import keras

    if not callable(layer):
        return _say(False, f"that is of type {type(layer).__name__}, not a Keras layer: return a layer, such as one "
                           "from keras.layers, that maps features to class scores.")
    features = np.random.default_rng(0).standard_normal((16, _input_width(layer, n_features))).astype("float32")
    try:
        outputs = np.asarray(keras.ops.convert_to_numpy(layer(features)), dtype=float)
    except Exception as error:  # the learner's layer does not take a batch of feature vectors: say how
        return _say(False, f"called on a batch of feature vectors, shape {features.shape}, your "
                           f"{type(layer).__name__} raised {type(error).__name__}: it must take Model 3's last "
                           "features, one vector per image.")
    if outputs.ndim != 2 or outputs.shape[0] != len(features):
        return _say(False, f"for {len(features)} images it gave shape {outputs.shape}: one row of scores per image.")
    if outputs.shape[1] != len(CLASSES):
        return _say(False, f"{outputs.shape[1]} outputs: Model 3 answers one yes/no question per class.")
    if np.allclose(outputs.sum(axis=1), 1.0, atol=1e-4):
        return _say(False, "softmax makes the classes compete (the scores sum to 1), but an image can hold "
                           "several classes at once.")
    if not ((outputs > 0) & (outputs < 1)).all():
        return _say(False, f"its outputs run from {outputs.min():.3g} to {outputs.max():.3g}: they are not "
                           "probabilities between 0 and 1, one per class, independent of the others.")
    return _say(True, "twenty values between 0 and 1 that do not sum to 1: independent yes/no probabilities.")


# --- Notebook 06 --------------------------------------------------------------------------------------------------

def check_rare_threshold(threshold: float | None, labels, scores, name: str = "the class") -> bool | None:
    """Exercise: a threshold for one rare class, chosen on the tune split for the best F1 (``labels`` and
    ``scores``: that class's tune-split column). Right when its F1 is within 0.02 of the best reachable."""
    if threshold is None:
        return _say(None, NOT_ANSWERED)
    labels, scores = np.asarray(labels), np.asarray(scores, dtype=float)
    candidates = np.unique(np.concatenate([scores, [0.5]]))
    f1 = lambda t: float(metrics.f1_scores(labels[:, None], scores[:, None], t)["per_class"][0])  # noqa: E731
    best = max(f1(t) for t in candidates)
    mine = f1(float(threshold))
    if mine >= best - 0.02:
        return _say(True, f"F1 {mine:.3f} for {name} on the tune split (best reachable {best:.3f}).")
    if math.isclose(float(threshold), 0.5):
        return _say(False, f"0.5 gives F1 {mine:.3f}: the default is seldom the best threshold for a rare class; "
                           "scan thresholds on the tune split's scores.")
    return _say(False, f"F1 {mine:.3f}, while {best:.3f} is reachable: scan thresholds between 0 and 1 on the tune "
                       "split's scores and keep the one with the best F1.")
