"""Helpers for the multi-label PASCAL VOC 2007 tutorial series.

Plumbing only: the notebooks teach, these modules download, parse, feed,
measure, plot and save.

* :mod:`helpers.voc`: class names, split labels, annotation parsing (and the download names);
* :mod:`helpers.download`: fetching and safely unpacking the official archives;
* :mod:`helpers.tiny`: the synthetic tiny dataset in VOC layout;
* :mod:`helpers.config`: profiles, data folders and the fit / tune / evaluate splits;
* :mod:`helpers.data`: tf.data input pipelines;
* :mod:`helpers.metrics`: mAP (VOC 2007 and area), F1, thresholds and friends;
* :mod:`helpers.plots`: the figures;
* :mod:`helpers.training`: the masked loss, the training rule's callbacks and metric, precision and schedules;
* :mod:`helpers.models`: the networks of the series, defined once;
* :mod:`helpers.transfer`: pretrained ``keras.applications`` backbones, cut in two, with cached features;
* :mod:`helpers.deploy`: a saved model that carries its class names and thresholds, and labelling a photo with it;
* :mod:`helpers.costs`: wall time, latency, peak memory, size on disk;
* :mod:`helpers.results`: the results files of each model (scores.csv, metrics.json);
* :mod:`helpers.environment`: library versions and the machine, for results files;
* :mod:`helpers.links`: Colab and GitHub links built from one repository setting;
* :mod:`helpers.series`: run the notebooks of the series with papermill;
* :mod:`helpers.report`: the README's results section, built from the results files.
"""

import os

# Keep TensorFlow's C++ log chatter out of the notebooks; set TF_CPP_MIN_LOG_LEVEL
# yourself to see it. The two CUDA-probe lines printed when TensorFlow is first
# imported on a machine without a GPU ignore this setting (tensorflow/tensorflow#100442).
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

__version__ = "0.1.0"
