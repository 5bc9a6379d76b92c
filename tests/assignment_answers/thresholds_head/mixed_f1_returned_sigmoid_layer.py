"""Mixed: best_threshold returns the best F1 instead of the threshold that gives it (question 1 wrong); a Sequential
head whose sigmoid is an Activation layer of its own (right); the thresholds from that best_threshold, one per class
(right: the question asks for your function's)."""
EXPECTED = {"test-threshold-rare": 0, "test-threshold-more": 0, "test-head": 2, "test-thresholds": 2}

# %% threshold-answer
def best_threshold(labels, scores):
    """The threshold with the best F1 for one class, chosen among its scores."""
    labels, scores = np.asarray(labels), np.asarray(scores, dtype=float)
    counted = labels != 0

    def f1(threshold):
        predicted = (scores >= threshold) & counted
        tp = (predicted & (labels == 1)).sum()
        return 2 * tp / (predicted.sum() + (labels == 1).sum())

    return float(max(f1(t) for t in np.unique(scores)))

# %% head-answer
def make_head(n_features):
    """Dropout(0.3), then one sigmoid output per VOC class."""
    return keras.Sequential([keras.Input((n_features,)), keras.layers.Dropout(0.3), keras.layers.Dense(len(CLASSES)),
                             keras.layers.Activation("sigmoid")])

# %% thresholds-answer
thresholds = np.array([best_threshold(labels["tune"][:, k], tune_scores[:, k]) for k in range(len(CLASSES))])
print(f"macro F1 at 0.5: {metrics.f1_scores(labels['tune'], tune_scores, 0.5)['macro']:.3f}; "
      f"at your thresholds: {metrics.f1_scores(labels['tune'], tune_scores, thresholds)['macro']:.3f}")
