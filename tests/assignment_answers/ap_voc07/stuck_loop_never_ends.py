"""Stuck: question 1 right (levels np.arange(11) / 10); question 2's loop forgets to move on to the next class and
never ends, so its cell is stopped at its time limit and its test fails."""
EXPECTED = {"test-ap-six-images": 2, "test-ap-difficult-and-ties": 2, "test-random-map": 0}

# %% ap-answer
def ap_11_point(labels, scores):
    """VOC 2007 AP of one class from numpy arrays of labels (1 / 0 / -1) and scores."""
    labels, scores = np.asarray(labels), np.asarray(scores, dtype=float)
    keep = labels != 0
    hits = labels[keep][np.argsort(-scores[keep], kind="stable")] == 1
    precision = np.cumsum(hits) / np.arange(1, len(hits) + 1)
    recall = np.cumsum(hits) / hits.sum()
    return float(np.mean([max(precision[recall >= level], default=0.0) for level in np.arange(11) / 10]))

# %% random-map-answer
random_scores = np.random.default_rng(0).random(tune_labels.shape)
total, k = 0.0, 0
while k < len(CLASSES):
    total += ap_11_point(tune_labels[:, k], random_scores[:, k])
random_map = total / len(CLASSES)
print(f"mAP of random scores on the tune split: {random_map:.3f}")
