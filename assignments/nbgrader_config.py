"""nbgrader settings of the series' assignments (course directory: this folder).

Build: python -m helpers.series.assignments (from the checkout). See the README, "For instructors".
"""

from helpers.series import assignments

c = get_config()  # noqa: F821 (provided by nbgrader)

c.CourseDirectory.course_id = "voc2007-multilabel"

# Time limits per cell: 3 times the solution's time on the small profile (results/small/assignments.json), at least
# 30 s; a cell stopped says so in plain words. Knobs: c.TimedExecute.factor and c.TimedExecute.minimum_timeout.
c.Autograde.autograde_preprocessors = assignments.autograde_preprocessors()
c.GenerateSolution.preprocessors = assignments.solution_preprocessors()
# Only for cells of the assignments that have not been measured yet, and for `nbgrader validate` in this folder.
c.Execute.timeout = assignments.FALLBACK

# The feedback students get shows no hidden test: the autograded notebooks (the instructor's view) keep them.
c.GenerateFeedback.preprocessors = assignments.feedback_preprocessors()
