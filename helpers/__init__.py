"""Helpers for the multi-label PASCAL VOC 2007 tutorial series.

Plumbing only: the notebooks teach, these modules download, parse, feed,
measure, plot and save.

* :mod:`helpers.voc`: class names, split labels, annotation parsing (and the download names);
* :mod:`helpers.download`: fetching and safely unpacking the official archives;
* :mod:`helpers.tiny` and :mod:`helpers.small`: the synthetic tiny dataset and the small real subset, in VOC layout;
* :mod:`helpers.config`: profiles and data folders; :mod:`helpers.splits`: the fit / tune / evaluate splits;
* :mod:`helpers.data`: tf.data input pipelines;
* :mod:`helpers.metrics`: mAP (VOC 2007 and area), F1, thresholds, bootstrap intervals and the verdict rule;
* :mod:`helpers.plots`: the figures;
* :mod:`helpers.training`: the masked loss, the training rule's callbacks and metric, precision and schedules;
* :mod:`helpers.models`: the networks of the series, defined once;
* :mod:`helpers.transfer`: pretrained ``keras.applications`` backbones, cut in two, with cached features;
* :mod:`helpers.deploy`: a saved model that carries its class names and thresholds, and labelling a photo with it;
* :mod:`helpers.evaluation`: one model's quality and costs (wall time, latency, size on disk), comparisons;
* :mod:`helpers.results`: the results files of each model (scores.csv, metrics.json) and the reference results;
* :mod:`helpers.environment`: library versions, the machine and its devices, Google Drive;
* :mod:`helpers.exercises`: the notebooks' check cells;
* :mod:`helpers.series`: the series' own machinery: running the notebooks with papermill, the README's results,
  the run-time tables, the Colab and GitHub links, the nbgrader assignments.
"""

import os

# Keep TensorFlow's C++ log chatter out of the notebooks; set TF_CPP_MIN_LOG_LEVEL
# yourself to see it. The two CUDA-probe lines printed when TensorFlow is first
# imported on a machine without a GPU ignore this setting (tensorflow/tensorflow#100442).
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

__version__ = "0.1.0"
