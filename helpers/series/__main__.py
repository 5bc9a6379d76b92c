"""``python -m helpers.series``: run the notebooks of the series (see :mod:`helpers.series.runner`)."""

import sys

from helpers.series.runner import main

sys.exit(main())
