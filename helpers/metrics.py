"""Multi-label metrics with VOC's "difficult" labels ignored.

Shapes: ``y_true`` is ``(n_images, n_classes)`` holding 1 (present),
0 (difficult: ignored for that class) or -1 (absent); ``y_score`` is the
same shape, any real numbers (higher = more confident). Thresholds are
a scalar or one value per class; a label is predicted when
``score >= threshold``.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from statistics import NormalDist

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

    With an integer ``seed`` the result is kept and given again (a copy) for the same
    labels and arguments: every report of a notebook asks for the same draw.
    """
    y_true = np.ascontiguousarray(y_true)
    key = (y_true.tobytes(), y_true.shape, y_true.dtype.str, draws, seed, method) if isinstance(seed, int) else None
    if key in _CHANCE:
        return _CHANCE[key].copy()
    rng = np.random.default_rng(seed)
    chance = np.mean([average_precision(y_true, rng.random(y_true.shape), method) for _ in range(draws)], axis=0)
    if key is not None:
        _CHANCE[key] = chance.copy()
    return chance


_CHANCE: dict[tuple, np.ndarray] = {}
""":func:`chance_average_precision`'s results, by labels and arguments (a seeded draw gives the same figures again)."""


def chance_map(y_true, draws: int = 50, seed: int = 0, method: str = "voc07") -> float:
    """Mean over classes of :func:`chance_average_precision`: the mAP of random scores."""
    return float(np.nanmean(chance_average_precision(y_true, draws, seed, method)))


# --- Uncertainty: the bootstrap over images -------------------------------------------------------------------

INTERVAL_METHODS = ("normal", "basic", "percentile", "bca")


@dataclass(frozen=True)
class Interval:
    """A figure with its bootstrap confidence interval: ``estimate`` (on the images as
    they are), ``low`` and ``high`` at ``level`` (0.95: a 95 % interval), from
    ``draws`` resamples, by ``method`` (see :func:`bootstrap_map`)."""

    estimate: float
    low: float
    high: float
    level: float = 0.95
    method: str = "normal"
    draws: int = 0

    def __str__(self) -> str:
        return f"{self.estimate:.3f} [{self.low:.3f}, {self.high:.3f}]"

    def signed(self) -> str:
        """The same, signed: ``+0.025 [+0.018, +0.031]`` (for differences)."""
        return f"{self.estimate:+.3f} [{self.low:+.3f}, {self.high:+.3f}]"

    @property
    def excludes_zero(self) -> bool:
        """Whether 0 lies outside the interval: the series' rule for calling a difference real."""
        return self.low > 0 or self.high < 0

    def as_list(self, digits: int = 4) -> list[float]:
        """``[low, high]``, rounded, for a results file."""
        return [round(float(self.low), digits), round(float(self.high), digits)]


def verdict(difference: Interval, better: str, other: str) -> str:
    """The series' one rule for a verdict, as a sentence: ``better`` is called better
    (or worse) than ``other`` only when the paired interval of the difference
    (``mAP(better) - mAP(other)``, from :func:`paired_difference`) excludes 0;
    otherwise "no clear difference", with the interval."""
    if difference.high < 0:
        return f"{better} is worse than {other}: {difference.signed()}"
    if difference.low > 0:
        return f"{better} is better than {other}: {difference.signed()}"
    return f"no clear difference between {better} and {other}: {difference.signed()}"


def resample_counts(n_images: int, draws: int = 1000, seed: int = 0) -> np.ndarray:
    """How many times each image appears in each bootstrap resample: ``(draws, n_images)``
    integer counts, each row summing to ``n_images`` (images drawn with replacement)."""
    if n_images < 1 or draws < 1:
        raise ValueError(f"need at least one image and one draw, got {n_images} images and {draws} draws.")
    rng = np.random.default_rng(seed)
    return rng.multinomial(n_images, np.full(n_images, 1.0 / n_images), size=draws)


def weighted_average_precision(labels, scores, weights, method: str = "voc07") -> np.ndarray:
    """Average precision of one class on many weighted copies of the same images at once.

    ``labels`` and ``scores`` are ``(n,)`` (1 / 0 / -1 and scores, as for
    :func:`average_precision`); ``weights`` is ``(m, n)``: row ``r`` counts how many
    times each image is in copy ``r`` (a bootstrap resample, or 0 for an image left
    out). Returns ``(m,)`` APs, NaN where a copy holds no positive image.

    It equals :func:`average_precision` on each copy written out image by image
    (copies of one image next to each other, distinct images in their input order),
    computed in one pass: the images are ranked once, and each copy's true and false
    positives are cumulative sums of its counts down that ranking. Precision and
    recall are read at the last copy of each image, which is exact: a run of copies
    of one positive ends at its highest precision and recall, and a run of copies of
    one negative never rises above the point before it.
    """
    labels, scores = _as_arrays(labels, scores)
    labels, scores = labels[:, 0], scores[:, 0]
    weights = np.atleast_2d(np.asarray(weights, dtype=float))
    if weights.shape[1] != len(labels):
        raise ValueError(f"weights have {weights.shape[1]} columns for {len(labels)} images.")
    keep = labels != 0
    order = np.argsort(-scores[keep], kind="stable")
    hits = labels[keep][order] > 0
    counts = weights[:, keep][:, order]
    positives, negatives = np.flatnonzero(hits), np.flatnonzero(~hits)
    # Precision only peaks at a positive, so read it there: tp counts the positives down to each one,
    # fp the negatives ranked above it (one matrix product for all copies).
    tp = np.cumsum(counts[:, positives], axis=1)
    fp = counts[:, negatives] @ (negatives[:, None] < positives[None, :]).astype(float)
    n_pos = tp[:, -1] if len(positives) else np.zeros(len(weights))
    if not len(positives):
        return np.full(len(weights), np.nan)
    precision = tp / np.maximum(tp + fp, 1)
    envelope = np.maximum.accumulate(precision[:, ::-1], axis=1)[:, ::-1]  # best precision here or further down
    if method == "voc07":
        # Recall level t is first reached at the first positive where tp >= ceil(t * n_pos); tp only grows
        # down the ranking, so that positive's place is the number of positives above it with fewer.
        best = [np.take_along_axis(envelope, np.minimum((tp < np.ceil(level * n_pos[:, None] - 1e-9)).sum(axis=1),
                                                        tp.shape[1] - 1)[:, None], axis=1)[:, 0]
                for level in np.linspace(0, 1, 11)]
        ap = np.mean(best, axis=0)
    elif method == "area":
        recall_steps = counts[:, positives] / np.maximum(n_pos, 1)[:, None]
        ap = (recall_steps * envelope).sum(axis=1)
    else:
        raise ValueError(f"method must be 'voc07' or 'area', got {method!r}.")
    return np.where(n_pos > 0, ap, np.nan)


def _weighted_maps(y_true, y_score, weights, method: str) -> tuple[np.ndarray, int]:
    """mAP of every weighted copy (``weights`` (m, n)), classes without positives in a
    copy left out of that copy's mean; and how many (copy, class) pairs were left out."""
    y_true, y_score = _as_arrays(y_true, y_score)
    ap = np.stack([weighted_average_precision(y_true[:, k], y_score[:, k], weights, method)
                   for k in range(y_true.shape[1])], axis=1)
    left_out = int(np.isnan(ap).sum())
    empty = np.isnan(ap).all(axis=1)  # a resample with no positive of any class: its mAP is undefined (NaN)
    maps = np.full(len(ap), np.nan)
    maps[~empty] = np.nanmean(ap[~empty], axis=1)
    return maps, left_out


def _interval(estimate: float, replicates: np.ndarray, jackknife: np.ndarray | None, level: float,
              interval: str) -> tuple[float, float]:
    """The (low, high) bounds from bootstrap ``replicates`` of a statistic whose value on the
    data is ``estimate``; ``jackknife`` (leave-one-out values) is needed for BCa."""
    alpha = (1 - level) / 2
    defined = np.isfinite(replicates)
    if defined.mean() < 0.5:
        raise ValueError(f"only {int(defined.sum())} of {len(replicates)} resamples hold a positive image: too few "
                         "images for an interval.")
    replicates = replicates[defined]  # resamples without any positive are left out (warned about when drawn)
    if np.all(replicates == estimate):  # no variation at all (a model against itself): a zero-width interval
        return estimate, estimate
    if interval == "normal":
        half = NormalDist().inv_cdf(1 - alpha) * replicates.std(ddof=1)
        low, high = estimate - half, estimate + half
    elif interval == "percentile":
        low, high = np.quantile(replicates, [alpha, 1 - alpha])
    elif interval == "basic":
        q_low, q_high = np.quantile(replicates, [alpha, 1 - alpha])
        low, high = 2 * estimate - q_high, 2 * estimate - q_low
    elif interval == "bca":
        normal = NormalDist()
        share_below = (np.sum(replicates < estimate) + 0.5 * np.sum(replicates == estimate)) / len(replicates)
        share_below = min(max(share_below, 0.5 / len(replicates)), 1 - 0.5 / len(replicates))
        z0 = normal.inv_cdf(share_below)  # bias correction: how far the replicates sit off the estimate
        spread = jackknife.mean() - jackknife
        denominator = 6 * np.sum(spread ** 2) ** 1.5
        acceleration = float(np.sum(spread ** 3) / denominator) if denominator > 0 else 0.0
        bounds = []
        for z in (normal.inv_cdf(alpha), normal.inv_cdf(1 - alpha)):
            shifted = z0 + (z0 + z) / (1 - acceleration * (z0 + z))
            bounds.append(normal.cdf(shifted))
        low, high = np.quantile(replicates, bounds)
    else:
        raise ValueError(f"interval must be one of {', '.join(INTERVAL_METHODS)}, got {interval!r}.")
    return float(low), float(high)


class Bootstrap:
    """Bootstrap resamples of one split's images, shared by every model scored on them.

    ``y_true`` (images, classes) holds the split's labels; the images are resampled
    with replacement ``draws`` times (``seed`` fixes the draws), and each model's mAP
    is recomputed on every resample at once (:func:`weighted_average_precision`). The
    same resamples serve every model, so the difference of two models is paired: what
    they share (which images are easy) cancels. A class without a positive image in a
    resample is left out of that resample's mean, as :func:`mean_average_precision`
    does for a split, and a resample without any positive is left out altogether
    (with a warning that counts them when they are more than 1 % of all (resample, class)
    pairs; fewer than half the resamples left is an error).

    ``interval="normal"`` (the default, used everywhere in the series): the
    estimate plus or minus 1.96 times the standard deviation of the resampled mAPs.
    The bootstrap gets the spread of mAP right (on a synthetic population, 0.0087
    against a true 0.0093) but not its centre: resampling duplicates images, and a
    run of copies of one positive lifts interpolated precision, so the resampled
    mAPs sit above the estimate (by about 0.01 on the evaluate half of VOC's ``val``,
    by more on a few hundred images, where the percentile interval can leave out the
    estimate itself). So the series takes the spread from the bootstrap and the
    centre from the images. ``benchmarks/bootstrap.py`` measures the four methods on
    populations whose mAP is known (``results/benchmarks/bootstrap.json``): for the
    paired difference of two models, which the verdicts use, the normal interval
    held the true difference about 92 to 95 times in 100; for one model's mAP every
    method holds the population's value less often than 95 in 100 when mAP is high,
    since the 11-point AP of 1,256 images is itself biased upwards there.
    ``"basic"`` (the percentiles reflected about the estimate), ``"percentile"`` and
    ``"bca"`` (bias-corrected and accelerated, with a leave-one-out jackknife) are
    there to compare.
    """

    def __init__(self, y_true, *, draws: int = 1000, seed: int = 0, level: float = 0.95, method: str = "voc07",
                 interval: str = "normal"):
        self.y_true = np.asarray(y_true)
        if self.y_true.ndim == 1:
            self.y_true = self.y_true[:, None]
        if interval not in INTERVAL_METHODS:
            raise ValueError(f"interval must be one of {', '.join(INTERVAL_METHODS)}, got {interval!r}.")
        self.draws, self.level, self.method, self.interval = draws, level, method, interval
        self.weights = resample_counts(len(self.y_true), draws, seed)
        self._memo: dict[bytes, tuple[float, np.ndarray, np.ndarray | None]] = {}

    def _replicates(self, y_score) -> tuple[float, np.ndarray, np.ndarray | None]:
        """A model's mAP on the images, on every resample, and left out one image at a time (BCa only)."""
        y_true, y_score = _as_arrays(self.y_true, y_score)
        key = y_score.tobytes()
        if key not in self._memo:
            estimate = mean_average_precision(y_true, y_score, self.method)
            replicates, left_out = _weighted_maps(y_true, y_score, self.weights, self.method)
            _warn_left_out(left_out, self.draws, y_true.shape[1])
            jackknife = (_weighted_maps(y_true, y_score, 1.0 - np.eye(len(y_true)), self.method)[0]
                         if self.interval == "bca" else None)
            self._memo[key] = (estimate, replicates, jackknife)
        return self._memo[key]

    def map(self, y_score) -> Interval:
        """A model's mAP with its interval."""
        estimate, replicates, jackknife = self._replicates(y_score)
        return Interval(estimate, *_interval(estimate, replicates, jackknife, self.level, self.interval),
                        self.level, self.interval, self.draws)

    def difference(self, score_a, score_b) -> Interval:
        """mAP(a) - mAP(b) with the paired interval. A model against itself gives exactly 0 [0, 0]."""
        estimate_a, replicates_a, jackknife_a = self._replicates(score_a)
        estimate_b, replicates_b, jackknife_b = self._replicates(score_b)
        jackknife = None if jackknife_a is None else jackknife_a - jackknife_b
        estimate = estimate_a - estimate_b
        return Interval(estimate, *_interval(estimate, replicates_a - replicates_b, jackknife, self.level,
                                             self.interval), self.level, self.interval, self.draws)


def bootstrap_map(y_true, y_score, **options) -> Interval:
    """mAP with its bootstrap interval over images (``options``: those of :class:`Bootstrap`)."""
    return Bootstrap(y_true, **options).map(y_score)


def paired_difference(y_true, score_a, score_b, **options) -> Interval:
    """mAP(a) - mAP(b) of two models scored on the same images, with the paired bootstrap
    interval (``options``: those of :class:`Bootstrap`)."""
    return Bootstrap(y_true, **options).difference(score_a, score_b)


def _warn_left_out(left_out: int, draws: int, classes: int) -> None:
    if left_out > 0.01 * draws * classes:
        warnings.warn(f"{left_out} (resample, class) pairs had no positive image; those classes were left out of "
                      f"those resamples' means, and a resample with no positive at all is left out ({draws} "
                      "resamples).", UserWarning, stacklevel=3)


# --- Mistakes and their company ---------------------------------------------------------------------------------

def false_positive_company(y_true, decisions, class_names, min_count: int = 5) -> list[dict]:
    """What is in the images where a class is said wrongly: for each class ``k`` said on
    images that do not hold it (false positives, ``decisions`` 1 where ``y_true`` is -1)
    and each class ``j`` present there, how many such images hold ``j``, that share of
    ``k``'s false positives, the share of all images holding ``j`` (its base rate), and
    their ratio, the **lift**: 1 means ``j`` is no more common among ``k``'s false
    positives than anywhere, 3 means three times as common (context, or a look-alike).
    Pairs with fewer than ``min_count`` images are left out. Rows come highest lift first."""
    y_true, decisions = np.asarray(y_true), np.asarray(decisions).astype(bool)
    false_positive = decisions & (y_true == -1)
    present = y_true == 1
    base_rate = present.mean(axis=0)
    rows = []
    for k in range(y_true.shape[1]):
        images = false_positive[:, k]
        if not images.any():
            continue
        together = present[images].sum(axis=0)
        for j in np.flatnonzero(together >= min_count):
            share = together[j] / images.sum()
            rows.append({"said wrongly": class_names[k], "present": class_names[j], "images": int(together[j]),
                         "share of its false positives": float(share), "base rate": float(base_rate[j]),
                         "lift": float(share / base_rate[j])})
    return sorted(rows, key=lambda row: -row["lift"])
