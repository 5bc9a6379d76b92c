"""Mixed: the loss averages over every label, the difficult ones too (question 1 wrong); the output layer a Dense(20)
then a sigmoid Activation layer in a keras.Sequential, right, and question 3 trains with it."""
EXPECTED = {"test-bce-one-image": 0, "test-bce-against-keras": 0, "test-output-layer": 2, "test-learns": 2}

# %% bce-answer
def masked_bce(y_true, y_pred, mask):
    """Mean binary cross-entropy over the entries where ``mask`` is 1 (numpy arrays of one shape)."""
    y_true, y_pred, mask = (np.asarray(a, dtype=float) for a in (y_true, y_pred, mask))
    p = np.clip(y_pred, 1e-7, 1 - 1e-7)
    return float(np.mean(-(y_true * np.log(p) + (1 - y_true) * np.log(1 - p))))

# %% output-answer
def output_layer():
    """Model 3's last layer."""
    return keras.Sequential([keras.layers.Dense(len(CLASSES)), keras.layers.Activation("sigmoid")])
