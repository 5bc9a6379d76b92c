"""Multi-label metrics with VOC's "difficult" labels ignored.

Shapes: ``y_true`` is ``(n_images, n_classes)`` holding 1 (present),
0 (difficult: ignored for that class) or -1 (absent); ``y_score`` is the
same shape, any real numbers (higher = more confident). Thresholds are
a scalar or one value per class; a label is predicted when
``score >= threshold``.
"""

from __future__ import annotations

import warnings

import numpy as np


def _as_arrays(y_true, y_score):
    y_true = np.asarray(y_true)
    y_score = np.asarray(y_score, dtype=float)
    if y_true.ndim == 1:
        y_true, y_score = y_true[:, None], y_score[:, None]
    if y_true.shape != y_score.shape:
        raise ValueError(f"y_true has shape {y_true.shape} but y_score has shape {y_score.shape}.")
    if not np.isin(y_true, (-1, 0, 1)).all():
        raise ValueError("y_true must hold only 1 (present), 0 (difficult) and -1 (absent).")
    if not np.isfinite(y_score).all():
        raise ValueError("y_score holds NaN or infinite values.")
    return y_true.astype(int), y_score


def _precision_recall(labels: np.ndarray, scores: np.ndarray):
    """Cumulative precision and recall down the ranking, difficult entries dropped.

    Ties keep their input order, as the VOC devkit's stable sort does.
    """
    keep = labels != 0
    labels, scores = labels[keep], scores[keep]
    order = np.argsort(-scores, kind="stable")
    hits = labels[order] > 0
    tp = np.cumsum(hits)
    fp = np.cumsum(~hits)
    n_pos = hits.sum()
    return tp / np.maximum(tp + fp, 1), tp / max(n_pos, 1), n_pos


def precision_recall_curve(labels, scores) -> tuple[np.ndarray, np.ndarray]:
    """Precision and recall after each image down the ranking of one class,
    difficult entries (0) left out. Each array has one entry per counted image."""
    labels, scores = _as_arrays(labels, scores)
    precision, recall, _ = _precision_recall(labels[:, 0], scores[:, 0])
    return precision, recall


def _ap_one(labels: np.ndarray, scores: np.ndarray, method: str) -> float:
    precision, recall, n_pos = _precision_recall(labels, scores)
    if n_pos == 0:
        return float("nan")
    if method == "voc07":
        # VOCevalcls (2007): mean over recall levels 0, 0.1, ..., 1 of the
        # best precision reached at that recall or beyond.
        best = [precision[recall >= t - 1e-12].max(initial=0.0) for t in np.linspace(0, 1, 11)]
        return float(np.mean(best))
    if method == "area":
        # VOC 2010 on: area under the precision envelope (precision made
        # monotone from the right), summed where recall changes.
        mrec = np.concatenate([[0.0], recall, [1.0]])
        mpre = np.concatenate([[0.0], precision, [0.0]])
        mpre = np.maximum.accumulate(mpre[::-1])[::-1]
        steps = np.nonzero(mrec[1:] != mrec[:-1])[0] + 1
        return float(np.sum((mrec[steps] - mrec[steps - 1]) * mpre[steps]))
    raise ValueError(f"method must be 'voc07' or 'area', got {method!r}.")


def average_precision(y_true, y_score, method: str = "voc07") -> np.ndarray:
    """Average precision of each class, shape ``(n_classes,)``.

    ``method="voc07"``: 11-point interpolated AP of the VOC 2007 devkit;
    ``method="area"``: area under the monotone precision envelope (VOC 2010
    on). Difficult entries (0) are left out for their class. A class with no
    positive image gets NaN.
    """
    y_true, y_score = _as_arrays(y_true, y_score)
    return np.array([_ap_one(y_true[:, k], y_score[:, k], method) for k in range(y_true.shape[1])])


def mean_average_precision(y_true, y_score, method: str = "voc07") -> float:
    """Mean of :func:`average_precision` over classes; classes without positives
    are left out with a warning."""
    ap = average_precision(y_true, y_score, method)
    if np.isnan(ap).any():
        warnings.warn(f"{int(np.isnan(ap).sum())} class(es) have no positive image and are left "
                      "out of the mean.", UserWarning, stacklevel=2)
    if np.isnan(ap).all():
        raise ValueError("no class has a positive image: mAP is undefined.")
    return float(np.nanmean(ap))


def predict(y_score, thresholds=0.5) -> np.ndarray:
    """0/1 predictions, ``score >= threshold`` (scalar or one per class)."""
    y_score = np.asarray(y_score, dtype=float)
    thresholds = np.broadcast_to(np.asarray(thresholds, dtype=float), y_score.shape[-1:])
    return (y_score >= thresholds).astype(int)


def _counts(y_true, y_score, thresholds):
    y_true, y_score = _as_arrays(y_true, y_score)
    pred = predict(y_score, thresholds).astype(bool)
    counted = y_true != 0
    positive = y_true == 1
    tp = (pred & positive & counted).sum(axis=0)
    fp = (pred & ~positive & counted).sum(axis=0)
    fn = (~pred & positive & counted).sum(axis=0)
    return tp, fp, fn


def _f1(tp, fp, fn):
    tp, fp, fn = (np.asarray(v, dtype=float) for v in (tp, fp, fn))
    denominator = 2 * tp + fp + fn
    return np.where(denominator > 0, 2 * tp / np.maximum(denominator, 1), 0.0)


def f1_scores(y_true, y_score, thresholds=0.5) -> dict:
    """F1 per class, micro and macro, at one threshold or one per class.

    Returns ``{"per_class": array (n_classes,), "macro": float, "micro": float}``.
    A class with no positive and no predicted image has F1 0.
    """
    tp, fp, fn = _counts(y_true, y_score, thresholds)
    per_class = _f1(tp, fp, fn)
    return {"per_class": per_class, "macro": float(per_class.mean()),
            "micro": float(_f1(tp.sum(), fp.sum(), fn.sum()))}


def tune_thresholds(y_true, y_score) -> np.ndarray:
    """Per-class thresholds maximising F1 on the given (tune) data, shape ``(n_classes,)``.

    Every distinct score is tried as a cut; ties in F1 go to the highest
    threshold. A class without positives gets ``inf`` (never predicted).
    """
    y_true, y_score = _as_arrays(y_true, y_score)
    thresholds = np.full(y_true.shape[1], np.inf)
    for k in range(y_true.shape[1]):
        keep = y_true[:, k] != 0
        labels, scores = y_true[keep, k] == 1, y_score[keep, k]
        if not labels.any():
            continue
        order = np.argsort(-scores, kind="stable")
        labels, scores = labels[order], scores[order]
        last_of_tie = np.r_[scores[1:] != scores[:-1], True]  # cut only between distinct scores
        tp = np.cumsum(labels)[last_of_tie]
        fp = np.cumsum(~labels)[last_of_tie]
        fn = labels.sum() - tp
        f1 = _f1(tp, fp, fn)
        best = np.flatnonzero(f1 == f1.max())[0]
        thresholds[k] = scores[last_of_tie][best]
    return thresholds


def best_global_threshold(y_true, y_score, candidates=np.linspace(0.01, 0.99, 99), average: str = "macro") -> float:
    """The one threshold, among ``candidates``, that maximises ``average`` ("macro"
    or "micro") F1 on the given (tune) data; the lowest of ties."""
    f1 = [f1_scores(y_true, y_score, t)[average] for t in candidates]
    return float(np.asarray(candidates)[int(np.argmax(f1))])


def hamming_loss(y_true, y_score, thresholds=0.5) -> float:
    """Fraction of (image, class) decisions that are wrong, difficult entries left out."""
    tp, fp, fn = _counts(y_true, y_score, thresholds)
    counted = (np.asarray(y_true) != 0).sum()
    return float((fp.sum() + fn.sum()) / counted)


def exact_match(y_true, y_score, thresholds=0.5) -> float:
    """Fraction of images whose predicted label set is exactly right
    (difficult entries left out of the comparison)."""
    y_true, y_score = _as_arrays(y_true, y_score)
    pred = predict(y_score, thresholds)
    correct = (pred == (y_true == 1)) | (y_true == 0)
    return float(correct.all(axis=1).mean())


def per_label_accuracy(y_true, y_score, thresholds=0.5) -> float:
    """Fraction of (image, class) decisions that are right, difficult entries left out."""
    return 1.0 - hamming_loss(y_true, y_score, thresholds)


def predict_nothing_accuracy(y_true) -> float:
    """Per-label accuracy of a model that predicts no class at all: the baseline
    any per-label accuracy must be read against."""
    y_true = np.asarray(y_true)
    counted = y_true != 0
    return float((y_true[counted] == -1).mean())


def mean_cosine_similarity(y_true, y_score, thresholds=0.5) -> float:
    """Mean over images of the cosine between the 0/1 label vector and the 0/1
    prediction vector (the original project's metric).

    Difficult entries are zeroed in both vectors. Defined for all-zero rows:
    two all-zero vectors count 1 (both say "nothing"), one all-zero vector
    against a non-zero one counts 0.
    """
    y_true, y_score = _as_arrays(y_true, y_score)
    counted = y_true != 0
    truth = ((y_true == 1) & counted).astype(float)
    pred = (predict(y_score, thresholds).astype(bool) & counted).astype(float)
    norms = np.linalg.norm(truth, axis=1) * np.linalg.norm(pred, axis=1)
    both_empty = (truth.sum(axis=1) == 0) & (pred.sum(axis=1) == 0)
    cosine = np.where(norms > 0, (truth * pred).sum(axis=1) / np.maximum(norms, 1e-12), 0.0)
    return float(np.where(both_empty, 1.0, cosine).mean())


def classes_never_predicted(y_score, thresholds=0.5, class_names=None) -> list:
    """Classes that no image is assigned at the given threshold(s)."""
    pred = predict(y_score, thresholds)
    never = np.flatnonzero(pred.sum(axis=0) == 0)
    return [class_names[k] for k in never] if class_names is not None else never.tolist()


def chance_average_precision(y_true, draws: int = 50, seed: int = 0, method: str = "voc07") -> np.ndarray:
    """Average precision of each class for scores drawn at random (uniform), averaged
    over ``draws`` draws: the chance baseline, shape ``(n_classes,)``.

    A random ranking puts the positives anywhere, so a class's chance AP follows
    its prevalence (its share of positives among the counted images) and sits
    above it: interpolated AP keeps the best precision that a lucky run of
    positives reaches (on VOC's evaluate half, 0.093 against a mean prevalence of 0.072).
    """
    y_true = np.asarray(y_true)
    rng = np.random.default_rng(seed)
    return np.mean([average_precision(y_true, rng.random(y_true.shape), method) for _ in range(draws)], axis=0)


def chance_map(y_true, draws: int = 50, seed: int = 0, method: str = "voc07") -> float:
    """Mean over classes of :func:`chance_average_precision`: the mAP of random scores."""
    return float(np.nanmean(chance_average_precision(y_true, draws, seed, method)))
