"""course_utils.grading.roster and late: the roster file checked line by line, the roster
kept in the gradebook, strangers set apart, and the late-penalty plugin."""

import pytest

from course_utils.course import CourseError
from course_utils.grading import roster
from course_utils.grading.late import DAY, PercentPerDay
from course_utils.grading.submissions import Class, Submission


def write(tmp_path, text):
    path = tmp_path / "roster.csv"
    path.write_text(text)
    return path


@pytest.mark.parametrize("text, message", [
    ("first_name,last_name\nA,B\n", "with an 'id' column"),
    ("id,name\nalice,A\n", "unknown column(s) name"),
    ("id\nalice\nalice\n", "line 3: student 'alice' is listed twice"),
    ("id\nal ice\n", "line 2: 'al ice' is not a usable student id"),
    ("id,lms_id\nalice,7\nbob,7\n", "line 3: LMS id 7 is also 'alice'"),
    ("id\n", "no students"),
])
def test_a_bad_roster_file_is_refused_with_its_line(tmp_path, text, message):
    with pytest.raises(CourseError, match=message.replace("(", r"\(").replace(")", r"\)")):
        roster.read_csv(write(tmp_path, text))


def test_import_keeps_the_roster_in_the_gradebook_and_sets_strangers_apart(tmp_path):
    book = tmp_path / "book"
    path = write(tmp_path, "id,first_name,last_name,email,lms_id\ns2,Bo,Li,b@x,12\ns1,Al,Ng,,\n")
    assert roster.load(book, "c") is None
    imported = roster.import_csv(book, "c", path)
    again = roster.load(book, "c")
    assert again.ids == imported.ids == ["s2", "s1"] and again.lms_ids == {"12": "s2"}
    assert again.students[0] == {"id": "s2", "first_name": "Bo", "last_name": "Li", "email": "b@x",
                                 "lms_user_id": "12"}
    found = Class()
    for student, nb in [("s1", tmp_path / "s1.ipynb"), ("zed", tmp_path / "zed.ipynb"), ("nobody", None)]:
        found.add(Submission(student, nb, source=f"{student}.ipynb"))
    roster.restrict(found, again)
    assert sorted(found) == ["s1", "s2"] and found["s2"] is None          # s2: on the roster, missing
    assert [f for f, _ in found.unrecognised] == ["zed.ipynb"]          # nobody handed in nothing


@pytest.mark.parametrize("seconds, days", [(0, 0), (1, 1), (DAY, 1), (DAY + 1, 2), (30 * DAY, 10)])
def test_percent_per_started_day_up_to_the_cap(seconds, days):
    plugin = PercentPerDay(percent=10, max_percent=100)
    assert plugin.late_submission_penalty("s", 20.0, seconds) == pytest.approx(20.0 * days / 10)
