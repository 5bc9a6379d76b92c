"""Correct: the loss as np.average weighted by the mask, the log picked per label with np.where; the output layer a
Dense whose activation is the function keras.ops.sigmoid."""
EXPECTED = {"test-bce-one-image": 2, "test-bce-against-keras": 2, "test-output-layer": 2, "test-learns": 2}

# %% bce-answer
def masked_bce(y_true, y_pred, mask):
    """Mean binary cross-entropy over the entries where ``mask`` is 1 (numpy arrays of one shape)."""
    y_true, y_pred, mask = (np.asarray(a, dtype=float) for a in (y_true, y_pred, mask))
    p = np.clip(y_pred, 1e-7, 1 - 1e-7)
    per_label = -np.where(y_true == 1, np.log(p), np.log(1 - p))
    return float(np.average(per_label, weights=mask))

# %% output-answer
def output_layer():
    """Model 3's last layer."""
    return keras.layers.Dense(units=len(CLASSES), activation=keras.ops.sigmoid)
