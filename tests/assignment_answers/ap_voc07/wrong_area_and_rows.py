"""Wrong: the area under the precision-recall curve (VOC 2010 and later) instead of 11 points (question 1), and the
mean over the first 20 images (rows) instead of the 20 classes (question 2)."""
EXPECTED = {"test-ap-six-images": 0, "test-ap-difficult-and-ties": 0, "test-random-map": 0}

# %% ap-answer
def ap_11_point(labels, scores):
    """VOC 2007 AP of one class from numpy arrays of labels (1 / 0 / -1) and scores."""
    labels, scores = np.asarray(labels), np.asarray(scores, dtype=float)
    labels, scores = labels[labels != 0], scores[labels != 0]
    hits = labels[np.argsort(-scores, kind="stable")] == 1
    tp = np.cumsum(hits)
    precision, recall = tp / np.arange(1, len(hits) + 1), tp / hits.sum()
    return float(np.sum(np.diff(np.concatenate([[0.0], recall])) * precision))

# %% random-map-answer
random_scores = np.random.default_rng(0).random(tune_labels.shape)
random_map = float(np.mean([ap_11_point(tune_labels[k], random_scores[k]) for k in range(len(CLASSES))]))
print(f"mAP of random scores on the tune split: {random_map:.3f}")
