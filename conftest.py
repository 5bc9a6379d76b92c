"""Test-wide settings: the tiny profile, no GUI backend, quiet TensorFlow.

Set before any test or notebook kernel starts, so the notebooks that nbval
runs (they inherit this environment) use the tiny profile too.
"""

import os

os.environ["VOC_PROFILE"] = "tiny"
os.environ.setdefault("MPLBACKEND", "Agg")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
