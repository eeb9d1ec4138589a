"""The course's late-submission penalty: an nbgrader late-submission plugin.

nbgrader's own ``LateSubmissionPlugin`` knows only "none" and "zero"; this one takes a
share of the score per started day late, as nbgrader_config.py sets it::

    c.AssignLatePenalties.plugin_class = "course_utils.grading.late.PercentPerDay"
    c.PercentPerDay.percent = 10           # of the score, per started day late
    c.PercentPerDay.max_percent = 100

``course grades`` (final.py) applies whichever plugin is configured.
"""

from __future__ import annotations

import math

from nbgrader.plugins import LateSubmissionPlugin
from traitlets import Float

DAY = 24 * 3600


class PercentPerDay(LateSubmissionPlugin):
    """``percent`` of the score per started day late, at most ``max_percent``."""

    percent = Float(10.0, help="Share of the score taken per started day late, in percent.").tag(config=True)
    max_percent = Float(100.0, help="The largest share taken, in percent.").tag(config=True)

    def late_submission_penalty(self, student_id: str, score: float, total_seconds_late: float) -> float:
        days = math.ceil(total_seconds_late / DAY) if total_seconds_late > 0 else 0
        return score * min(self.percent * days, self.max_percent) / 100
