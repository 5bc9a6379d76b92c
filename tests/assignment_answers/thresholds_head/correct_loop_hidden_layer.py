"""Correct: thresholds scanned from the highest score down in a loop (ties in F1 go to the higher threshold); a
functional head with a hidden Dense(128) layer, Dropout(0.3) and keras.activations.sigmoid; the thresholds filled in
a loop."""
EXPECTED = {"test-threshold-rare": 2, "test-threshold-more": 2, "test-head": 2, "test-thresholds": 2}

# %% threshold-answer
def best_threshold(labels, scores):
    """The threshold with the best F1 for one class, chosen among its scores."""
    labels, scores = np.asarray(labels), np.asarray(scores, dtype=float)
    keep = labels != 0
    truth, kept = labels[keep] == 1, scores[keep]
    best, best_f1 = None, -1.0
    for t in np.unique(scores)[::-1]:
        predicted = kept >= t
        tp = np.sum(predicted & truth)
        fp = np.sum(predicted & ~truth)
        fn = np.sum(~predicted & truth)
        f1 = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
        if f1 > best_f1:
            best, best_f1 = t, f1
    return float(best)

# %% head-answer
def make_head(n_features):
    """Dropout(0.3), then one sigmoid output per VOC class."""
    inputs = keras.Input(shape=(n_features,))
    x = keras.layers.Dense(128, activation="relu")(inputs)
    x = keras.layers.Dropout(rate=0.3)(x)
    outputs = keras.layers.Dense(len(CLASSES), activation=keras.activations.sigmoid)(x)
    return keras.Model(inputs, outputs, name="head")

# %% thresholds-answer
thresholds = np.empty(len(CLASSES))
for k in range(len(CLASSES)):
    thresholds[k] = best_threshold(labels["tune"][:, k], tune_scores[:, k])
print(f"macro F1 at 0.5: {metrics.f1_scores(labels['tune'], tune_scores, 0.5)['macro']:.3f}; "
      f"at your thresholds: {metrics.f1_scores(labels['tune'], tune_scores, thresholds)['macro']:.3f}")
