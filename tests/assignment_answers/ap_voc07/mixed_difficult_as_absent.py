"""Mixed: difficult images counted as absent instead of left out (question 1); the mAP of question 2 is right for that
function, so it keeps its points."""
EXPECTED = {"test-ap-six-images": 2, "test-ap-difficult-and-ties": 0, "test-random-map": 2}

# %% ap-answer
def ap_11_point(labels, scores):
    """VOC 2007 AP of one class from numpy arrays of labels (1 / 0 / -1) and scores."""
    labels, scores = np.asarray(labels), np.asarray(scores, dtype=float)
    hits = labels[np.argsort(-scores, kind="stable")] == 1
    tp = np.cumsum(hits)
    precision, recall = tp / np.arange(1, len(hits) + 1), tp / hits.sum()
    return float(np.mean([precision[recall >= k / 10].max(initial=0) for k in range(11)]))

# %% random-map-answer
random_scores = np.random.default_rng(0).random(tune_labels.shape)
random_map = float(np.mean([ap_11_point(tune_labels[:, k], random_scores[:, k]) for k in range(len(CLASSES))]))
print(f"mAP of random scores on the tune split: {random_map:.3f}")
