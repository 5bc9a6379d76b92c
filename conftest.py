"""Test-wide settings: the tiny profile, no GUI backend, quiet TensorFlow.

Set before any test or notebook kernel starts, so the notebooks that nbval
runs (they inherit this environment) use the tiny profile too.
"""

import os

os.environ["VOC_PROFILE"] = "tiny"
os.environ.setdefault("MPLBACKEND", "Agg")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ["VOC_NO_FETCH"] = "1"  # tests never use the network: notebooks 04 and 05 read committed results only locally

# Notebooks run by nbval write their results to a folder of the test session, so the
# results committed under results/ (which notebook 04 can read from Colab) stay as they are.
if "VOC_RESULTS_DIR" not in os.environ:
    import tempfile

    os.environ["VOC_RESULTS_DIR"] = tempfile.mkdtemp(prefix="voc-test-results-")
