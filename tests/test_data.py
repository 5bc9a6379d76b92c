import numpy as np
import pytest

from helpers import data, voc


@pytest.fixture(scope="module")
def frame(tiny_root):
    return voc.load_split(tiny_root, "val").iloc[:40]


def test_batches_hold_images_targets_and_masks_in_frame_order(frame):
    batches = list(data.make_dataset(frame, 32, 16))
    assert [len(b[0]) for b in batches] == [16, 16, 8]
    images = np.concatenate([b[0].numpy() for b in batches])
    targets = np.concatenate([b[1].numpy() for b in batches])
    masks = np.concatenate([b[2].numpy() for b in batches])
    assert images.shape == (40, 32, 32, 3) and images.dtype == np.float32
    assert 0 <= images.min() and images.max() <= 255 and images.max() > 100
    labels = voc.label_matrix(frame).to_numpy()
    assert (targets == (labels == 1)).all() and (masks == (labels != 0)).all()
    assert targets.dtype == np.float32 and masks.dtype == np.float32


def test_without_masks_batches_are_pairs(frame):
    batch = next(iter(data.make_dataset(frame, 32, 8, with_masks=False)))
    assert len(batch) == 2 and batch[1].shape == (8, 20)


def test_cached_and_uncached_pipelines_give_the_same_images(frame, tmp_path):
    cold = next(iter(data.make_dataset(frame, 24, 40, cache=False)))[0].numpy()
    memory = data.make_dataset(frame, 24, 40, cache=True)
    on_disk = data.make_dataset(frame, 24, 40, cache=str(tmp_path / "cache"))
    for dataset in (memory, on_disk):
        for _ in range(2):  # the second epoch reads the cache
            assert (next(iter(dataset))[0].numpy() == cold).all()


def test_shuffle_reorders_each_epoch_and_augmentation_keeps_shapes(frame):
    dataset = data.make_dataset(frame, 32, 40, shuffle=True, augment_images=True, seed=1)
    first, second = (next(iter(dataset)) for _ in range(2))
    assert first[0].shape == (40, 32, 32, 3)
    assert not np.array_equal(first[1].numpy(), second[1].numpy())


def test_augmentation_changes_pixels_but_not_labels(frame):
    plain = next(iter(data.make_dataset(frame, 32, 40)))
    augmented = next(iter(data.make_dataset(frame, 32, 40, augment_images=True, seed=2)))
    assert (plain[1].numpy() == augmented[1].numpy()).all()
    assert not np.allclose(plain[0].numpy(), augmented[0].numpy())


def test_load_images_returns_uint8_array(frame):
    images = data.load_images(frame.iloc[:5], 16)
    assert images.shape == (5, 16, 16, 3) and images.dtype == np.uint8


@pytest.mark.parametrize("bad, message", [("no path", "lacks the columns"), ("empty", "no rows")])
def test_bad_frames_are_refused(frame, bad, message):
    broken = frame.drop(columns=["path"]) if bad == "no path" else frame.iloc[:0]
    with pytest.raises(ValueError, match=message):
        data.make_dataset(broken, 32, 8)


def test_balanced_indices_take_every_positive_and_twice_as_many_negatives():
    labels = np.full((100, 2), -1)
    labels[:10, 0] = 1
    labels[10:15, 0] = 0  # difficult: never chosen
    rows = data.balanced_indices(labels, 0, 2, np.random.default_rng(0))
    assert len(rows) == 30 and len(set(rows)) == 30
    assert set(range(10)) <= set(rows) and not set(range(10, 15)) & set(rows)
    assert (labels[rows, 0] == -1).sum() == 20
    few = data.balanced_indices(labels, 0, 100, np.random.default_rng(0))  # more asked than there are
    assert (labels[few, 0] == -1).sum() == 85


def test_array_batches_give_every_row_once_per_epoch_in_a_fresh_order():
    x = np.arange(10, dtype="float32")[:, None]
    batches = data.array_batches(x, x[:, 0] * 2, x[:, 0] * 3, batch_size=4, shuffle=True, seed=1)
    epochs = [[tuple(b.numpy() for b in batch) for batch in batches] for _ in range(2)]
    for epoch in epochs:
        assert [len(xb) for xb, _, _ in epoch] == [4, 4, 2]
        xs = np.concatenate([xb[:, 0] for xb, _, _ in epoch])
        assert sorted(xs) == list(range(10))
        for xb, yb, wb in epoch:  # the rows stay together
            np.testing.assert_array_equal(yb, xb[:, 0] * 2)
            np.testing.assert_array_equal(wb, xb[:, 0] * 3)
    orders = [np.concatenate([xb[:, 0] for xb, _, _ in epoch]) for epoch in epochs]
    assert not np.array_equal(orders[0], orders[1])
    unshuffled = np.concatenate([xb.numpy()[:, 0] for xb, _ in data.array_batches(x, x[:, 0], batch_size=3)])
    np.testing.assert_array_equal(unshuffled, np.arange(10))


@pytest.mark.parametrize("rows, batch_size, message",
                         [((10, 9), 4, "one row per example"), ((10, 10), 0, "at least 1")])
def test_array_batches_refuse_bad_input(rows, batch_size, message):
    with pytest.raises(ValueError, match=message):
        data.array_batches(np.zeros((rows[0], 2)), np.zeros(rows[1]), batch_size=batch_size)
