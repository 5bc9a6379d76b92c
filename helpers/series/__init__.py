"""The series' own machinery, apart from the modules the notebooks teach with.

* :mod:`helpers.series.runner`: run the notebooks with papermill (``python -m helpers.series``);
* :mod:`helpers.series.report`: the README's results section and the targets, from the results files;
* :mod:`helpers.series.runtimes`: the run-time table at the top of each notebook, from measured runs;
* :mod:`helpers.series.links`: Colab and GitHub links and releases, from one repository setting;
* :mod:`helpers.series.assignments`: the nbgrader assignments, built and checked.
"""
