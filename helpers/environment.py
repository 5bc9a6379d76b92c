"""What a notebook runs on: library versions, the machine, the devices that train, and Colab's Drive.

* :func:`print_stack` prints the versions and checks TensorFlow and Keras against the tested range;
* :func:`use_all_devices` picks a ``tf.distribute`` strategy (a Colab TPU, every GPU of the
  machine, or the one default device) and makes it the default for everything built
  afterwards, so a notebook's model-building cells need no ``with strategy.scope():``;
  scale batch sizes with :func:`global_batch_size` so each device gets as many images
  as one device alone would;
* :func:`use_google_drive` keeps data and results in Google Drive on Colab;
* :func:`yardstick` reads the machine's speed, which the series' runner records beside its times.
"""

from __future__ import annotations

import importlib.metadata
import os
import platform
import sys
import time
from pathlib import Path

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


CPU_FEATURES = ("avx512f", "avx512_bf16", "amx_bf16")  # instruction sets oneDNN picks its kernels by


def cpu(cpuinfo: str | None = None) -> str:
    """The processor, e.g. ``"Intel(R) Xeon(R) Processor (family 6, model 167), avx512f avx512_bf16 amx_bf16"``:
    its name and model numbers, and which of :data:`CPU_FEATURES` it has. oneDNN picks its
    kernels by these, so a run on another host may compute other float figures; recorded
    beside run times and results. Read from ``cpuinfo`` (the text of ``/proc/cpuinfo``),
    by default the machine's own; where there is none, :func:`platform.processor`."""
    if cpuinfo is None:
        try:
            cpuinfo = Path("/proc/cpuinfo").read_text()
        except OSError:
            return platform.processor() or "unknown processor"
    first = {}
    for line in cpuinfo.split("\n\n")[0].splitlines():  # the first processor's block
        key, _, value = line.partition(":")
        first[key.strip()] = value.strip()
    name = f"{first.get('model name', 'unknown processor')} (family {first.get('cpu family', '?')}, " \
           f"model {first.get('model', '?')})"
    found = [feature for feature in CPU_FEATURES if feature in first.get("flags", "").split()]
    return f"{name}, {' '.join(found) if found else 'none of ' + ' '.join(CPU_FEATURES)}"


def yardstick() -> float:
    """Seconds this machine takes for one fixed CPU task (numpy sorts and a plain Python loop, in one
    thread: under a second on the series' 2-core machine), a reading of its speed to set beside a run's
    times: a shared machine's speed moves between runs of the same code, so a run that took longer
    with a higher reading ran on a slower machine, at least in part (the reading follows the notebooks'
    times only roughly: on 2026-12-06 it rose by about a fifth while the tiny series took a third longer)."""
    import numpy as np

    values = np.random.default_rng(0).random((1000, 1000))
    start = time.perf_counter()
    for _ in range(60):
        np.sort(values, axis=0)
    total = 0
    for i in range(3_000_000):
        total += i * i
    return round(time.perf_counter() - start, 2)


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


TESTED = {"tensorflow": ("2.20", "2.21"), "keras": ("3.13", "3.15")}
"""Oldest and newest minor versions CI runs the series with (Colab's stack and requirements.txt)."""


class UnsupportedStack(RuntimeError):
    """TensorFlow or Keras is older than the series is tested with."""


def _minor(version: str) -> tuple[int, int]:
    major, minor = version.split(".")[:2]
    return int(major), int("".join(ch for ch in minor if ch.isdigit()) or 0)


def check_stack(found: dict[str, str] | None = None) -> list[str]:
    """Check TensorFlow and Keras against :data:`TESTED`.

    Older than tested: raises :class:`UnsupportedStack` saying what to do.
    Newer than tested: returns a note (it will most likely work). Returns the
    notes; an empty list when every version is within the tested range.
    """
    found = found or versions(tuple(TESTED))
    notes = []
    for name, (oldest, newest) in TESTED.items():
        version = found.get(name, "not installed")
        if version == "not installed":
            raise UnsupportedStack(f"{name} is not installed: run  pip install -r requirements.txt  in a checkout, "
                                   "or open the notebook from its Colab badge.")
        if _minor(version) < _minor(oldest):
            where = ("On Colab: Runtime > Disconnect and delete runtime, then run this notebook again (Colab's "
                     "current runtime has a newer TensorFlow); or " if on_colab() else "")
            raise UnsupportedStack(
                f"{name} {version} is older than this series is tested with ({oldest} to {newest}). {where}"
                f"pip install \"{name}>={oldest}\" and restart the kernel; requirements.txt pins a tested set.")
        if _minor(version) > _minor(newest):
            notes.append(f"{name} {version} is newer than the series was tested with ({oldest} to {newest}); "
                         f"it most likely works. If a cell fails, pip install \"{name}=={newest}.*\" and restart.")
    return notes


def print_stack() -> None:
    """Print Python's and the libraries' versions and the machine, and check
    TensorFlow and Keras (:func:`check_stack`)."""
    for name, version in versions().items():
        print(f"{name:>24}: {version}")
    print(f"{'machine':>24}: {machine()}")
    for note in check_stack():
        print(note)


DRIVE_FOLDER = "voc2007-multilabel"
"""The folder of "My Drive" that keeps data and results on Colab."""


def use_google_drive(folder: str = DRIVE_FOLDER, mount_point: str = "/content/drive") -> str:
    """On Colab: mount Google Drive and keep data (``VOC_DATA_DIR``) and results
    (``VOC_RESULTS_DIR``) in ``My Drive/<folder>``, so every notebook and every
    later session finds what an earlier one downloaded, trained or saved.
    Returns the folder's path."""
    from google.colab import drive  # only on Colab

    drive.mount(mount_point)
    base = os.path.join(mount_point, "MyDrive", folder)
    for variable, name in (("VOC_DATA_DIR", "data"), ("VOC_RESULTS_DIR", "results")):
        os.environ[variable] = os.path.join(base, name)
        os.makedirs(os.environ[variable], exist_ok=True)
    print(f"Data and results are kept in Google Drive: My Drive/{folder}/data and /results.")
    return base


# --- Devices ---------------------------------------------------------------------------------------------------

def tpu_attached() -> bool:
    """Whether a TPU is attached: a TPU device TensorFlow already sees, Colab's
    ``COLAB_TPU_ADDR`` or a ``TPU_NAME``, or the ``/dev/accel*`` files of a TPU VM."""
    if os.environ.get("COLAB_TPU_ADDR") or os.environ.get("TPU_NAME"):
        return True
    tf = import_tensorflow()
    if tf.config.list_physical_devices("TPU"):
        return True
    return any(Path("/dev").glob("accel*"))


def connect_tpu() -> "tf.distribute.Strategy":
    """A ``TPUStrategy`` on the attached TPU (TensorFlow's documented recipe)."""
    tf = import_tensorflow()
    resolver = tf.distribute.cluster_resolver.TPUClusterResolver(tpu=os.environ.get("TPU_NAME", "local"))
    tf.config.experimental_connect_to_cluster(resolver)
    tf.tpu.experimental.initialize_tpu_system(resolver)
    return tf.distribute.TPUStrategy(resolver)


def choose_strategy(devices: list[str] | None = None) -> "tf.distribute.Strategy":
    """The strategy for this machine.

    ``devices`` (e.g. ``["/cpu:0", "/cpu:1"]``) forces a ``MirroredStrategy``
    over exactly those devices. Otherwise: a ``TPUStrategy`` when a TPU is
    attached and answers, a ``MirroredStrategy`` over all GPUs when there are
    two or more, else TensorFlow's default strategy (one device, nothing changes).
    """
    tf = import_tensorflow()
    if devices:
        return tf.distribute.MirroredStrategy(devices)
    if tpu_attached():
        try:
            return connect_tpu()
        except (ValueError, RuntimeError, tf.errors.OpError) as error:
            print(f"A TPU seems attached but did not answer ({error}); training on the other devices.")
    gpus = tf.config.list_logical_devices("GPU")
    if len(gpus) > 1:
        return tf.distribute.MirroredStrategy([gpu.name for gpu in gpus])
    return tf.distribute.get_strategy()


def describe(strategy: "tf.distribute.Strategy") -> str:
    """One line: which strategy and how many replicas train in step."""
    tf = import_tensorflow()
    replicas = strategy.num_replicas_in_sync
    if replicas == 1:
        device = "one GPU" if tf.config.list_logical_devices("GPU") else "the CPU"
        return f"Training on {device} (no tf.distribute strategy needed); batch sizes as set."
    return (f"Training on {replicas} devices in step ({type(strategy).__name__}); each batch size is multiplied "
            f"by {replicas}, so every device sees as many images per step as one device alone would.")


def use_all_devices(devices: list[str] | None = None, verbose: bool = True) -> "tf.distribute.Strategy":
    """Choose a strategy (:func:`choose_strategy`), make it the default for every
    model, layer and optimizer created afterwards, and return it.

    Call it once, before building any model. On one device this changes nothing.
    """
    tf = import_tensorflow()
    strategy = choose_strategy(devices)
    if strategy.num_replicas_in_sync > 1 or devices:
        tf.distribute.experimental_set_strategy(strategy)
    if verbose:
        print(describe(strategy))
    return strategy


def global_batch_size(per_device: int, strategy: "tf.distribute.Strategy" | None = None) -> int:
    """``per_device`` images for each replica: the batch size to give ``fit``
    (``strategy``: the current default one when not given)."""
    tf = import_tensorflow()
    strategy = strategy or tf.distribute.get_strategy()
    return per_device * strategy.num_replicas_in_sync
