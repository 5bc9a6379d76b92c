"""What a run ran on: library versions and the machine, for printing and results files."""

from __future__ import annotations

import importlib.metadata
import os
import platform
import sys

LIBRARIES = ("tensorflow", "keras", "numpy", "pandas", "scikit-learn", "matplotlib", "voc-multilabel-helpers")


def versions(libraries=LIBRARIES) -> dict[str, str]:
    """Installed version of Python and of each library (``"not installed"`` if absent)."""
    found = {"python": platform.python_version()}
    for name in libraries:
        try:
            found[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            found[name] = "not installed"
    return found


def machine() -> str:
    """A one-line description, e.g. ``"x86_64, 2 cores, 23.4 GiB, Linux, no GPU"``.

    The GPU count is asked of TensorFlow only when it is already imported, so
    describing the machine never loads it; otherwise the GPU part is left out.
    """
    import psutil

    gib = psutil.virtual_memory().total / 2**30
    text = f"{platform.machine()}, {os.cpu_count()} cores, {gib:.1f} GiB, {platform.system()}"
    if "tensorflow" in sys.modules:
        found = sys.modules["tensorflow"].config.list_physical_devices("GPU")
        text += f", {len(found)} GPU" if found else ", no GPU"
    return text


def import_tensorflow():
    """Import TensorFlow with the C++ start-up lines silenced, and return it.

    On a machine without a GPU, TensorFlow's first import and first device
    query print "Could not find cuda drivers" and similar lines straight to the
    process's error stream, where no log level reaches them
    (tensorflow/tensorflow#100442). They are harmless; this keeps them out of
    the notebooks. Python errors still surface as usual.
    """
    if "tensorflow" in sys.modules:
        return sys.modules["tensorflow"]
    sys.stderr.flush()
    saved, devnull = os.dup(2), os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    try:
        import tensorflow as tf

        tf.config.list_physical_devices("GPU")  # the CUDA probe, while the lines are silenced
    finally:
        os.dup2(saved, 2)
        os.close(devnull)
        os.close(saved)
    return tf


def on_colab() -> bool:
    """Whether this is running in Google Colab."""
    return "google.colab" in sys.modules
