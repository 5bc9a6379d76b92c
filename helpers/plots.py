"""Plots used across the series. Each function returns its matplotlib Figure."""

from __future__ import annotations

import textwrap

import matplotlib.pyplot as plt
from matplotlib.ticker import MaxNLocator
import numpy as np
import pandas as pd
from PIL import Image

from helpers.metrics import average_precision, f1_scores, precision_recall_curve
from helpers.voc import CLASSES, cooccurrence_matrix, label_matrix


def class_frequency(frame: pd.DataFrame, title: str = "Images per class") -> plt.Figure:
    """Horizontal bars: images with the class present (1), and only difficult (0)."""
    labels = label_matrix(frame)
    present = (labels == 1).sum().sort_values()
    difficult = (labels == 0).sum()[present.index]
    fig, ax = plt.subplots(figsize=(7, 6))
    ax.barh(present.index, present.values, label="present")
    ax.barh(present.index, difficult.values, left=present.values, label="difficult only", color="lightgrey")
    for y, (value, extra) in enumerate(zip(present.values, difficult.values)):
        ax.text(value + extra, y, f" {value}", va="center", fontsize=10)
    ax.set_xlabel("images")
    ax.set_title(title)
    ax.legend(loc="lower right")
    fig.tight_layout()
    return fig


def labels_per_image(frame: pd.DataFrame, title: str = "Classes per image") -> plt.Figure:
    """Histogram of the number of classes present in each image."""
    counts = (label_matrix(frame) == 1).sum(axis=1)
    values = counts.value_counts().sort_index()
    fig, ax = plt.subplots(figsize=(6, 3.5))
    ax.bar(values.index, values.values)
    for x, value in zip(values.index, values.values):
        ax.text(x, value, f"{value}", ha="center", va="bottom", fontsize=10)
    ax.set_xlabel("classes present in the image")
    ax.set_ylabel("images")
    ax.set_xticks(values.index)
    ax.set_title(title)
    fig.tight_layout()
    return fig


def cooccurrence(frame: pd.DataFrame, normalise: bool = True,
                 title: str = "P(column present | row present)") -> plt.Figure:
    """Heatmap of class co-occurrence; with ``normalise`` each row is divided
    by its class count, so a cell reads P(column | row)."""
    values = cooccurrence_matrix(frame).to_numpy(dtype=float, copy=True)
    if normalise:
        values /= np.maximum(np.diag(values), 1)[:, None]
        np.fill_diagonal(values, np.nan)
    fig, ax = plt.subplots(figsize=(8, 7))
    image = ax.imshow(values, cmap="viridis")
    ax.set_xticks(range(len(CLASSES)), CLASSES, rotation=90)
    ax.set_yticks(range(len(CLASSES)), CLASSES)
    fig.colorbar(image, ax=ax, shrink=0.8)
    ax.set_title(title)
    fig.tight_layout()
    return fig


def _label_text(row: pd.Series, names, predicted=None) -> str:
    present = [n for n in names if row[n] == 1]
    difficult = [f"({n})" for n in names if row[n] == 0]
    text = ", ".join(present + difficult) or "(none)"
    if predicted is not None:
        text += "\npred: " + (", ".join(predicted) or "(none)")
    return text


def image_grid(frame: pd.DataFrame, n: int = 12, columns: int = 4, objects: pd.DataFrame | None = None,
               predicted: list[list[str]] | None = None, seed: int = 0) -> plt.Figure:
    """A grid of images with their labels (difficult ones in brackets).

    ``objects`` (from :func:`helpers.voc.load_objects`) adds boxes, dashed
    for difficult objects; ``predicted`` (one list of class names per row of
    ``frame``) adds a second line of predicted labels. With more rows than
    ``n``, a random sample (``seed``) is shown.
    """
    rows = frame.sample(n=min(n, len(frame)), random_state=seed) if len(frame) > n else frame
    picks = [frame.index.get_loc(i) for i in rows.index]
    n_rows = int(np.ceil(len(rows) / columns))
    fig, axes = plt.subplots(n_rows, columns, figsize=(3.6 * columns, (3.6 if predicted is None else 4.2) * n_rows),
                             squeeze=False)
    for ax in axes.flat:
        ax.axis("off")
    for ax, (_, row), pick in zip(axes.flat, rows.iterrows(), picks):
        ax.imshow(Image.open(row["path"]).convert("RGB"))
        if objects is not None:
            for _, obj in objects[objects["image_id"] == row["image_id"]].iterrows():
                ax.add_patch(plt.Rectangle((obj.xmin - 1, obj.ymin - 1), obj.xmax - obj.xmin, obj.ymax - obj.ymin,
                                           fill=False, lw=1.5, color="yellow",
                                           ls="--" if obj.difficult else "-"))
        labels = _label_text(row, CLASSES, None if predicted is None else predicted[pick])
        wrapped = "\n".join(textwrap.fill(line, 36) for line in f"{row['image_id']}: {labels}".split("\n"))
        ax.set_title(wrapped, fontsize=10)
    fig.tight_layout()
    return fig


def training_curves(history: dict, metrics: tuple[str, ...] = ("loss",)) -> plt.Figure:
    """One panel per metric: the training value and, if present, ``val_<metric>``,
    against the epoch. ``history`` is ``keras.callbacks.History.history``."""
    fig, axes = plt.subplots(1, len(metrics), figsize=(5 * len(metrics), 3.5), squeeze=False)
    for ax, name in zip(axes.flat, metrics):
        _plot_history(ax, history, name)
        ax.set_xlabel("epoch")
        ax.set_title(name)
        ax.legend()
    fig.tight_layout()
    return fig


def _plot_history(ax, history: dict, name: str) -> None:
    """Draw ``name`` (fit) and ``val_<name>`` (tune) against whole-numbered epochs."""
    for key, label in ((name, "fit"), (f"val_{name}", "tune")):
        if key in history:
            ax.plot(np.arange(1, len(history[key]) + 1), history[key], marker=".", label=label)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))


def training_curves_by_model(histories: dict[str, dict], metrics: tuple[str, ...] = ("loss", "auc_pr"),
                             ) -> plt.Figure:
    """One row per model (``histories`` maps a name to ``History.history``), one
    panel per metric, fit and tune values against the epoch."""
    fig, axes = plt.subplots(len(histories), len(metrics), figsize=(4.5 * len(metrics), 2.8 * len(histories)),
                             squeeze=False)
    for row, (model_name, history) in zip(axes, histories.items()):
        for ax, name in zip(row, metrics):
            _plot_history(ax, history, name)
            ax.set_title(f"{model_name}: {name}")
            ax.legend(fontsize=10)
    for ax in axes[-1]:
        ax.set_xlabel("epoch")
    fig.tight_layout()
    return fig


def precision_recall_curves(y_true, y_score, classes=CLASSES, columns: int = 5) -> plt.Figure:
    """One precision-recall curve per class (difficult entries left out), titled with the
    class's AP (VOC07), and a dotted line at its prevalence: the precision of random scores."""
    y_true, y_score = np.asarray(y_true), np.asarray(y_score, dtype=float)
    ap = average_precision(y_true, y_score)
    n_rows = int(np.ceil(len(classes) / columns))
    fig, axes = plt.subplots(n_rows, columns, figsize=(3.4 * columns, 2.9 * n_rows), squeeze=False,
                             sharex=True, sharey=True)
    for k, (ax, name) in enumerate(zip(axes.flat, classes)):
        precision, recall = precision_recall_curve(y_true[:, k], y_score[:, k])
        ax.plot(recall, precision)
        counted = y_true[:, k] != 0
        ax.axhline((y_true[counted, k] == 1).mean(), color="grey", ls=":", lw=1)
        ax.set_title(f"{name}: AP {ap[k]:.2f}", fontsize=11)
        ax.tick_params(labelsize=10)
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1.02)
    for ax in axes[-1]:
        ax.set_xlabel("recall")
    for ax in axes[:, 0]:
        ax.set_ylabel("precision")
    fig.tight_layout()
    return fig


def threshold_sweep(y_true, y_score, thresholds=np.linspace(0.01, 0.99, 99),
                    chosen: float | None = None) -> plt.Figure:
    """Macro and micro F1 against one global threshold; ``chosen`` draws a line."""
    scores = [f1_scores(y_true, y_score, t) for t in thresholds]
    macro, micro = [s["macro"] for s in scores], [s["micro"] for s in scores]
    fig, ax = plt.subplots(figsize=(6, 3.5))
    ax.plot(thresholds, macro, label="macro F1")
    ax.plot(thresholds, micro, label="micro F1")
    if chosen is not None:
        ax.axvline(chosen, color="grey", ls="--", label=f"chosen {chosen:.2f}")
    ax.set_xlabel("threshold")
    ax.set_ylabel("F1")
    ax.legend()
    fig.tight_layout()
    return fig


def _cam_panel(ax, image: np.ndarray, cam: np.ndarray, caption: str) -> None:
    """``image`` (size, size, 3) in [0, 255] with ``cam`` (size, size) in [0, 1] over it."""
    ax.imshow(np.clip(image, 0, 255).astype("uint8"))
    ax.imshow(cam, cmap="jet", alpha=0.45, vmin=0, vmax=1)
    ax.set_title(caption, fontsize=10)
    ax.axis("off")


def cam_overlays(image: np.ndarray, maps: dict[str, np.ndarray], captions: dict[str, str] | None = None,
                 title: str | None = None) -> plt.Figure:
    """An image, then one panel per class with that class's map over it.
    ``image``: (size, size, 3) in [0, 255]; ``maps``: class name -> (size, size) in [0, 1]."""
    fig, axes = plt.subplots(1, 1 + len(maps), figsize=(3.4 * (1 + len(maps)), 3.8), squeeze=False)
    axes[0, 0].imshow(np.clip(image, 0, 255).astype("uint8"))
    axes[0, 0].set_title("image", fontsize=10)
    axes[0, 0].axis("off")
    for ax, (name, cam) in zip(axes[0, 1:], maps.items()):
        _cam_panel(ax, image, cam, (captions or {}).get(name, name))
    if title:
        fig.suptitle(title, fontsize=11)
    fig.tight_layout()
    return fig


def cam_grid(images: np.ndarray, cams, captions, columns: int = 3) -> plt.Figure:
    """A grid of images (n, size, size, 3) in [0, 255], each with its map
    (size, size) in [0, 1] over it and its caption."""
    if not (len(images) == len(cams) == len(captions)):
        raise ValueError(f"{len(images)} images, {len(cams)} maps and {len(captions)} captions: one each per panel.")
    n_rows = max(1, int(np.ceil(len(images) / columns)))
    fig, axes = plt.subplots(n_rows, columns, figsize=(3.3 * columns, 3.6 * n_rows), squeeze=False)
    for ax in axes.flat:
        ax.axis("off")
    for ax, image, cam, caption in zip(axes.flat, images, cams, captions):
        _cam_panel(ax, image, cam, caption)
    fig.tight_layout()
    return fig
