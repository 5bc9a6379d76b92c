import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from helpers import plots, voc  # noqa: E402


@pytest.fixture(scope="module")
def frame(tiny_root):
    return voc.load_split(tiny_root, "val")


def test_class_frequency_has_a_bar_per_class_in_count_order(frame):
    fig = plots.class_frequency(frame)
    bars = fig.axes[0].containers[0]
    widths = [bar.get_width() for bar in bars]
    assert len(widths) == 20 and widths == sorted(widths)
    assert max(widths) == (voc.label_matrix(frame) == 1).sum().max()


def test_labels_per_image_counts_every_image(frame):
    fig = plots.labels_per_image(frame)
    assert sum(bar.get_height() for bar in fig.axes[0].containers[0]) == len(frame)


def test_cooccurrence_matrix_is_symmetric_with_class_counts_on_the_diagonal(frame):
    matrix = voc.cooccurrence_matrix(frame)
    assert matrix.shape == (20, 20) and (matrix.to_numpy() == matrix.to_numpy().T).all()
    assert (np.diag(matrix) == (voc.label_matrix(frame) == 1).sum().to_numpy()).all()
    assert plots.cooccurrence(frame).axes[0].get_title().startswith("P(")


def test_image_grid_shows_labels_boxes_and_predictions(frame, tiny_root):
    objects = voc.load_objects(tiny_root, frame["image_id"])
    predicted = [["person"]] * len(frame)
    fig = plots.image_grid(frame, n=6, columns=3, objects=objects, predicted=predicted)
    shown = [ax for ax in fig.axes if ax.images]
    assert len(shown) == 6
    assert all("pred: person" in ax.get_title() for ax in shown)
    assert sum(len(ax.patches) for ax in shown) >= 6


def test_training_curves_precision_recall_and_threshold_sweep_draw_lines(frame):
    fig = plots.training_curves({"loss": [1.0, 0.5], "val_loss": [1.1, 0.7]})
    assert len(fig.axes[0].lines) == 2
    y = voc.label_matrix(frame).to_numpy()
    scores = np.random.default_rng(0).random(y.shape) + (y == 1)
    assert len(plots.precision_recall_curves(y, scores).axes) == 20
    sweep = plots.threshold_sweep(y, scores / 2, chosen=0.4)
    assert len(sweep.axes[0].lines) == 3


def test_cam_figures_have_one_panel_per_map_and_refuse_mismatched_inputs():
    import matplotlib.pyplot as plt
    import numpy as np
    import pytest

    from helpers import plots

    image = np.full((8, 8, 3), 128.0)
    cam = np.linspace(0, 1, 64).reshape(8, 8)
    fig = plots.cam_overlays(image, {"person": cam, "horse": 1 - cam}, title="t")
    assert [ax.get_title() for ax in fig.axes] == ["image", "person", "horse"]
    grid = plots.cam_grid(np.stack([image] * 4), [cam] * 4, list("abcd"), columns=3)
    assert len(grid.axes) == 6 and sum(bool(ax.get_images()) for ax in grid.axes) == 4
    with pytest.raises(ValueError, match="one each per panel"):
        plots.cam_grid(np.stack([image] * 2), [cam], ["a", "b"])
    plt.close("all")
