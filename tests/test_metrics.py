import numpy as np
import pytest
from sklearn import metrics as skm

from helpers import metrics

# One class, five images ranked by score: hit, miss, hit, miss, miss.
LABELS = np.array([1, -1, 1, -1, -1])
SCORES = np.array([0.9, 0.8, 0.7, 0.6, 0.5])


def test_voc07_ap_matches_the_hand_computed_11_point_value():
    # precision 1 up to recall 0.5 (6 points: 0, .1, ..., .5), then 2/3 up to recall 1 (5 points)
    expected = (6 * 1.0 + 5 * (2 / 3)) / 11
    assert metrics.average_precision(LABELS, SCORES, "voc07")[0] == pytest.approx(expected)


def test_area_ap_matches_the_hand_computed_envelope_area():
    assert metrics.average_precision(LABELS, SCORES, "area")[0] == pytest.approx(0.5 * 1 + 0.5 * (2 / 3))


def test_difficult_entries_are_ignored_wherever_they_rank():
    labels = np.r_[0, LABELS, 0]
    scores = np.r_[0.99, SCORES, 0.1]
    for method in ("voc07", "area"):
        assert metrics.average_precision(labels, scores, method)[0] == pytest.approx(
            metrics.average_precision(LABELS, SCORES, method)[0])


def test_ties_keep_input_order_like_the_devkit():
    assert metrics.average_precision([1, -1], [0.5, 0.5], "area")[0] == pytest.approx(1.0)
    assert metrics.average_precision([-1, 1], [0.5, 0.5], "area")[0] == pytest.approx(0.5)


def test_area_ap_equals_sklearn_where_precision_is_already_monotone():
    labels = np.array([1, 1, -1, 1, -1, -1, -1])  # precision at hits: 1, 1, 3/4 (non-increasing)
    scores = np.linspace(1, 0, len(labels))
    assert metrics.average_precision(labels, scores, "area")[0] == pytest.approx(
        skm.average_precision_score(labels == 1, scores))


def test_area_ap_never_falls_below_sklearn_uninterpolated_ap():
    rng = np.random.default_rng(0)
    y = np.where(rng.random((300, 20)) < 0.2, 1, -1)
    s = rng.random((300, 20)) + 0.5 * (y == 1)
    ours = metrics.average_precision(y, s, "area")
    theirs = np.array([skm.average_precision_score(y[:, k] == 1, s[:, k]) for k in range(20)])
    assert np.all(ours >= theirs - 1e-12) and np.any(ours > theirs)
    assert metrics.mean_average_precision(y, s, "area") == pytest.approx(ours.mean())


def test_a_perfect_ranking_scores_one_and_a_class_without_positives_nan():
    y = np.array([[1, -1], [-1, -1], [1, 0]])
    s = np.array([[0.9, 0.1], [0.2, 0.5], [0.8, 0.3]])
    ap = metrics.average_precision(y, s)
    assert ap[0] == 1.0 and np.isnan(ap[1])
    with pytest.warns(UserWarning, match="1 class"):
        assert metrics.mean_average_precision(y, s) == 1.0


@pytest.mark.parametrize("y_true, y_score, message", [
    ([[1, -1]], [[0.5, 0.5, 0.5]], "shape"),
    ([[1, 2]], [[0.5, 0.5]], "only 1"),
    ([[1, -1]], [[np.nan, 0.5]], "NaN"),
])
def test_bad_input_is_refused(y_true, y_score, message):
    with pytest.raises(ValueError, match=message):
        metrics.average_precision(y_true, y_score)


Y = np.array([[1, -1, 1], [-1, 1, -1], [1, 1, -1], [-1, -1, 0]])
S = np.array([[0.8, 0.6, 0.4], [0.3, 0.7, 0.2], [0.6, 0.2, 0.1], [0.1, 0.1, 0.9]])


def test_f1_matches_hand_counts_and_sklearn():
    # at 0.5 -- class 0: tp 2; class 1: tp 1, fp 1, fn 1; class 2: fn 1 (the difficult 0.9 is ignored)
    result = metrics.f1_scores(Y, S, 0.5)
    assert result["per_class"] == pytest.approx([1.0, 0.5, 0.0])
    assert result["macro"] == pytest.approx(0.5)
    assert result["micro"] == pytest.approx(2 * 3 / (2 * 3 + 1 + 2))
    kept = Y[:3] == 1  # rows without a difficult entry: sklearn agrees
    pred = S[:3] >= 0.5
    assert metrics.f1_scores(Y[:3], S[:3])["macro"] == pytest.approx(
        skm.f1_score(kept, pred, average="macro", zero_division=0))
    assert metrics.f1_scores(Y[:3], S[:3])["micro"] == pytest.approx(skm.f1_score(kept, pred, average="micro"))


def test_per_class_thresholds_apply_per_column():
    # class 1 at 0.2: tp 2, fp 1 -> 0.8; class 2 at 0.3: tp 1 -> 1
    assert metrics.f1_scores(Y, S, [0.5, 0.2, 0.3])["per_class"] == pytest.approx([1.0, 0.8, 1.0])


def test_tuned_thresholds_maximise_f1_on_the_tune_data():
    thresholds = metrics.tune_thresholds(Y, S)
    assert thresholds == pytest.approx([0.6, 0.2, 0.4])  # class 1: 0.2 (F1 0.8) beats 0.7 (F1 2/3)
    rng = np.random.default_rng(1)
    y = np.where(rng.random((200, 20)) < 0.1, 1, -1)
    s = rng.random((200, 20)) * 0.6 + 0.3 * (y == 1)
    tuned = metrics.f1_scores(y, s, metrics.tune_thresholds(y, s))["per_class"]
    for t in np.linspace(0.05, 0.95, 19):
        assert np.all(tuned >= metrics.f1_scores(y, s, t)["per_class"] - 1e-12)


def test_a_class_without_positives_is_never_predicted_after_tuning():
    assert np.isinf(metrics.tune_thresholds([[-1], [-1]], [[0.2], [0.9]]))[0]


def test_hamming_exact_match_and_per_label_accuracy():
    # 11 counted decisions at 0.5; wrong: (row 1, class 0)? no -- wrong are class 1 row 0 (fp),
    # class 1 row 2 (fn), class 2 row 0 (fn): 3 of 11
    assert metrics.hamming_loss(Y, S) == pytest.approx(3 / 11)
    assert metrics.per_label_accuracy(Y, S) == pytest.approx(8 / 11)
    assert metrics.exact_match(Y, S) == pytest.approx(2 / 4)  # rows 1 and 3 (its difficult entry ignored)
    kept = Y[:3] == 1
    assert metrics.hamming_loss(Y[:3], S[:3]) == pytest.approx(skm.hamming_loss(kept, S[:3] >= 0.5))
    assert metrics.exact_match(Y[:3], S[:3]) == pytest.approx(skm.accuracy_score(kept, S[:3] >= 0.5))


def test_predicting_nothing_scores_the_share_of_absent_labels():
    assert metrics.predict_nothing_accuracy(Y) == pytest.approx(6 / 11)
    assert metrics.per_label_accuracy(Y, np.zeros_like(S)) == pytest.approx(6 / 11)


def test_mean_cosine_similarity_including_all_zero_rows():
    y = np.array([[1, -1, -1], [-1, -1, -1], [-1, -1, -1], [1, 1, -1], [1, 0, -1]])
    s = np.array([[0.9, 0.1, 0.1], [0.1, 0.1, 0.1], [0.9, 0.1, 0.1], [0.9, 0.1, 0.1], [0.9, 0.9, 0.1]])
    # per row: exact 1; both empty 1; empty truth vs a prediction 0; 1/sqrt(2); difficult ignored -> 1
    expected = (1 + 1 + 0 + 1 / np.sqrt(2) + 1) / 5
    assert metrics.mean_cosine_similarity(y, s) == pytest.approx(expected)


def test_classes_never_predicted():
    assert metrics.classes_never_predicted(S, 0.5, ["a", "b", "c"]) == []
    assert metrics.classes_never_predicted(S, 0.85, ["a", "b", "c"]) == ["a", "b"]


def test_chance_ap_matches_the_hand_computed_expectation():
    # One positive among three images, ranked at random: first (p 1/3) AP 1, second AP 1/2, third AP 1/3.
    y = np.array([[1], [-1], [-1]])
    expected = (1 + 1 / 2 + 1 / 3) / 3
    assert metrics.chance_average_precision(y, draws=4000, seed=0)[0] == pytest.approx(expected, abs=0.02)
    assert metrics.chance_map(y, draws=4000, seed=0, method="area") == pytest.approx(expected, abs=0.02)


def test_chance_map_is_close_to_the_mean_prevalence_on_many_images():
    rng = np.random.default_rng(3)
    prevalence = np.array([0.05, 0.1, 0.3])
    y = np.where(rng.random((4000, 3)) < prevalence, 1, -1)
    ap = metrics.chance_average_precision(y, draws=5, seed=1, method="area")
    assert ap == pytest.approx((y == 1).mean(axis=0), abs=0.02)


def test_the_best_global_threshold_is_where_macro_f1_peaks():
    y = np.array([[1, -1], [1, 1], [-1, 1], [-1, -1]])
    s = np.array([[0.9, 0.2], [0.7, 0.6], [0.3, 0.65], [0.1, 0.1]])
    # any cut in (0.3, 0.6] separates both classes perfectly; the lowest candidate there wins
    assert metrics.best_global_threshold(y, s, candidates=[0.2, 0.4, 0.5, 0.7]) == 0.4
    assert metrics.best_global_threshold(y, s, candidates=[0.05, 0.95]) == 0.05  # all yes beats all no


# --- the bootstrap over images -----------------------------------------------------------------------------------

def _scored(n, seed=0, separation=1.5, classes=4):
    rng = np.random.default_rng(seed)
    y = np.where(rng.random((n, classes)) < 0.2, 1, -1)
    y[:classes, :] = np.where(np.eye(classes, dtype=bool), 1, y[:classes, :])  # every class has a positive
    y[rng.random(y.shape) < 0.03] = 0  # some difficult labels
    return y, rng.normal(size=y.shape) + separation * (y == 1)


@pytest.mark.parametrize("method", ["voc07", "area"])
def test_weighted_ap_equals_ap_on_each_resample_written_out(method):
    y, s = _scored(80, seed=1)
    s[10:20, 0] = s[0, 0]  # ties between distinct images keep their input order, as in the devkit
    counts = metrics.resample_counts(len(y), draws=25, seed=3)
    for k in range(y.shape[1]):
        fast = metrics.weighted_average_precision(y[:, k], s[:, k], counts, method)
        for row, value in zip(counts, fast):
            rows = np.repeat(np.arange(len(y)), row)  # the resample written out, image by image
            assert value == pytest.approx(metrics.average_precision(y[rows, k], s[rows, k], method)[0], abs=1e-12)


def test_weighted_ap_of_a_small_example_by_hand():
    # ranking: hit, miss, hit; the second image counted twice, the third left out: hit, miss, miss
    # precision 1 at recall 1: every one of the 11 levels gets precision 1
    labels, scores = np.array([1, -1, 1]), np.array([0.9, 0.8, 0.7])
    assert metrics.weighted_average_precision(labels, scores, [[1, 2, 0]])[0] == 1.0
    # all counted once: hit, miss, hit -> levels 0..0.5 precision 1, 0.6..1 precision 2/3
    assert metrics.weighted_average_precision(labels, scores, [[1, 1, 1]])[0] == pytest.approx((6 + 5 * 2 / 3) / 11)
    # the first positive left out: miss, hit -> precision 1/2 at every level
    assert metrics.weighted_average_precision(labels, scores, [[0, 1, 1]])[0] == pytest.approx(0.5)
    assert np.isnan(metrics.weighted_average_precision(labels, scores, [[0, 3, 0]])[0])  # no positive drawn


def test_the_interval_holds_the_estimate_and_narrows_with_more_images():
    widths = []
    for n in (150, 600, 2400):
        y, s = _scored(n, seed=n)
        interval = metrics.bootstrap_map(y, s, draws=300)
        assert interval.low <= interval.estimate <= interval.high
        assert interval.estimate == pytest.approx(metrics.mean_average_precision(y, s))
        widths.append(interval.high - interval.low)
    assert widths[0] > widths[1] > widths[2]


def test_the_same_seed_gives_the_same_interval_and_str_shows_it():
    y, s = _scored(200)
    first, again = (metrics.bootstrap_map(y, s, draws=200, seed=4) for _ in range(2))
    assert first == again
    assert str(first) == f"{first.estimate:.3f} [{first.low:.3f}, {first.high:.3f}]"


def test_the_interval_takes_its_spread_from_the_resamples_and_its_centre_from_the_images():
    y, s = _scored(400, seed=7, separation=1.0)
    boot = metrics.Bootstrap(y, draws=500)
    estimate, replicates, _ = boot._replicates(s)
    assert replicates.mean() > estimate  # duplicated positives lift interpolated precision
    normal = boot.map(s)
    assert normal.method == "normal"
    assert normal.high - estimate == pytest.approx(estimate - normal.low)
    assert normal.high - estimate == pytest.approx(1.959964 * replicates.std(ddof=1), rel=1e-5)
    percentile = metrics.bootstrap_map(y, s, draws=500, interval="percentile")
    assert (percentile.low + percentile.high) / 2 > estimate  # the percentile interval keeps the bias
    basic = metrics.bootstrap_map(y, s, draws=500, interval="basic")
    assert basic.low + percentile.high == pytest.approx(2 * estimate)  # its quantiles, reflected
    assert metrics.bootstrap_map(y, s, draws=500, interval="bca").high < percentile.high


def test_on_few_positives_the_interval_still_holds_the_estimate():
    y, s = _scored(120, seed=3, separation=0.8, classes=20)  # a handful of positives per class, as on tiny
    normal = metrics.bootstrap_map(y, s, draws=300)
    assert normal.low < normal.estimate < normal.high


def test_a_model_against_itself_differs_by_exactly_zero_with_a_zero_width_interval():
    y, s = _scored(150)
    for interval in metrics.INTERVAL_METHODS:
        difference = metrics.paired_difference(y, s, s.copy(), draws=200, interval=interval)
        assert (difference.estimate, difference.low, difference.high) == (0.0, 0.0, 0.0)
        assert not difference.excludes_zero
    assert difference.signed() == "+0.000 [+0.000, +0.000]"


def test_the_paired_difference_finds_a_real_gain_and_the_rule_says_so():
    y, s = _scored(600, seed=2, separation=1.0)
    rng = np.random.default_rng(0)
    better = s + 1.0 * (y == 1)  # positives pushed up: a clearly better model
    noisy = s + rng.normal(0, 0.02, s.shape)  # the same model, a little noise: no real difference
    gain = metrics.paired_difference(y, better, s, draws=300)
    assert gain.low > 0 and gain.excludes_zero
    assert metrics.verdict(gain, "A", "B").startswith("A is better than B: +")
    assert metrics.verdict(metrics.paired_difference(y, s, better, draws=300), "B", "A").startswith("B is worse")
    tie = metrics.paired_difference(y, noisy, s, draws=300)
    assert tie.low < 0 < tie.high
    assert metrics.verdict(tie, "A", "B").startswith("no clear difference between A and B: ")
    unpaired = [metrics.bootstrap_map(y, m, draws=300) for m in (noisy, s)]
    assert tie.high - tie.low < min(i.high - i.low for i in unpaired)  # pairing cancels what the two share


def test_bad_bootstrap_input_gets_a_clear_error_and_missing_positives_a_documented_rule():
    y, s = _scored(60)
    with pytest.raises(ValueError, match="shape"):
        metrics.bootstrap_map(y, s[:-1])
    with pytest.raises(ValueError, match="shape"):
        metrics.paired_difference(y, s, s[:, :2])
    with pytest.raises(ValueError, match="interval must be one of"):
        metrics.bootstrap_map(y, s, interval="wilson")
    with pytest.raises(ValueError, match="at least one image"):
        metrics.resample_counts(0)
    rare = y.copy()
    rare[:, 0] = -1
    rare[5, 0] = 1  # one positive: most resamples of 60 images miss it or keep it, some lose it
    with pytest.warns(UserWarning, match="left out of those resamples' means"):
        interval = metrics.bootstrap_map(rare, s, draws=200)
    assert np.isfinite([interval.low, interval.high]).all()


def test_false_positive_company_counts_shares_and_lift_by_hand():
    #            A   B   C
    y = np.array([[-1, 1, -1],   # A said wrongly, B present
                  [-1, 1, -1],   # A said wrongly, B present
                  [-1, -1, 1],   # A said wrongly, C present
                  [1, -1, -1],
                  [-1, 1, -1]])
    said = np.array([[1, 1, 0], [1, 1, 0], [1, 0, 1], [1, 0, 0], [0, 1, 0]])
    rows = metrics.false_positive_company(y, said, ["A", "B", "C"], min_count=1)
    b = next(r for r in rows if r["said wrongly"] == "A" and r["present"] == "B")
    assert (b["images"], b["share of its false positives"], b["base rate"]) == (2, pytest.approx(2 / 3), 0.6)
    assert b["lift"] == pytest.approx((2 / 3) / 0.6)
    c = next(r for r in rows if r["present"] == "C")
    assert c["lift"] == pytest.approx((1 / 3) / 0.2) and rows[0] is c  # highest lift first
    assert metrics.false_positive_company(y, said, ["A", "B", "C"], min_count=2) == [b]


def test_chance_ap_drawn_once_per_labels_gives_the_same_figures_again(monkeypatch):
    y = np.where(np.random.default_rng(3).random((40, 3)) < 0.3, 1, -1)  # present or absent
    calls = []
    monkeypatch.setattr(metrics, "_CHANCE", {})
    monkeypatch.setattr(metrics, "average_precision",
                        lambda *args, _ap=metrics.average_precision: calls.append(1) or _ap(*args))
    first = metrics.chance_average_precision(y, draws=7, seed=2)
    assert len(calls) == 7
    first[:] = -1  # a caller's change to its copy reaches no later call
    again = metrics.chance_average_precision(y.copy(), draws=7, seed=2)
    assert len(calls) == 7  # not drawn again
    rng = np.random.default_rng(2)
    expected = np.mean([metrics.average_precision(y, rng.random(y.shape)) for _ in range(7)], axis=0)
    np.testing.assert_array_equal(again, expected)
    assert not np.array_equal(metrics.chance_average_precision(y, draws=7, seed=3), expected)  # another draw
    assert not np.array_equal(metrics.chance_average_precision(-y, draws=7, seed=2), expected)  # other labels
