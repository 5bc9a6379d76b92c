"""What a run ran on: library versions and the machine, for printing and results files."""

from __future__ import annotations

import importlib.metadata
import os
import platform

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
    """A one-line description, e.g. ``"x86_64, 2 cores, 23.4 GiB, Linux, no GPU"``."""
    import psutil

    gib = psutil.virtual_memory().total / 2**30
    gpus = "no GPU"
    try:
        import tensorflow as tf

        found = tf.config.list_physical_devices("GPU")
        if found:
            gpus = f"{len(found)} GPU"
    except ImportError:
        pass
    return f"{platform.machine()}, {os.cpu_count()} cores, {gib:.1f} GiB, {platform.system()}, {gpus}"


def on_colab() -> bool:
    """Whether this is running in Google Colab."""
    import sys

    return "google.colab" in sys.modules
