"""Mixed: thresholds right, all tried at once in a matrix (ties in F1 go to the lower threshold); the head ends in a
softmax (question 2 wrong); one threshold for all classes at once (question 3 wrong)."""
EXPECTED = {"test-threshold-rare": 2, "test-threshold-more": 2, "test-head": 0, "test-thresholds": 0}

# %% threshold-answer
def best_threshold(labels, scores):
    """The threshold with the best F1 for one class, chosen among its scores."""
    labels, scores = np.asarray(labels), np.asarray(scores, dtype=float)
    counted = labels != 0
    positive, counted_scores = labels[counted] == 1, scores[counted]
    candidates = np.unique(scores)
    predicted = counted_scores[None, :] >= candidates[:, None]
    tp = (predicted & positive).sum(axis=1)
    f1 = 2 * tp / (predicted.sum(axis=1) + positive.sum())
    return float(candidates[np.argmax(f1)])

# %% head-answer
def make_head(n_features):
    """Dropout(0.3), then one sigmoid output per VOC class."""
    inputs = keras.Input((n_features,))
    x = keras.layers.Dropout(0.3)(inputs)
    return keras.Model(inputs, keras.layers.Dense(len(CLASSES), activation="softmax")(x))

# %% thresholds-answer
thresholds = best_threshold(labels["tune"].ravel(), tune_scores.ravel())
print(f"macro F1 at 0.5: {metrics.f1_scores(labels['tune'], tune_scores, 0.5)['macro']:.3f}; "
      f"at your thresholds: {metrics.f1_scores(labels['tune'], tune_scores, thresholds)['macro']:.3f}")
