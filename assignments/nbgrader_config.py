"""nbgrader settings of the series' assignments (course directory: this folder).

Build: python -m helpers.assignments (from the checkout). See the README, "For instructors".
"""

c = get_config()  # noqa: F821 (provided by nbgrader)

c.CourseDirectory.course_id = "voc2007-multilabel"
# nbgrader stops any cell after 30 s by default; these cells load images, compute features or train a small
# network, which takes up to a few minutes on the small profile on a 2-core CPU.
c.Execute.timeout = 600
