"""course_utils.checks: every check fails when it should, and says something useful."""

import numpy as np
import pytest

from course_utils.checks import (
    CheckFailure,
    NotAttempted,
    active_substitutes,
    check_close,
    check_equal,
    check_keys,
    check_raises,
    check_returns,
    check_shape,
    check_unchanged,
    clear_substitutes,
    exercise,
    question,
    substituted,
)


def cell_function(source: str, name: str):
    """The function ``name`` defined by ``source`` compiled as a notebook cell of its own."""
    namespace = {"np": np}
    exec(compile(source, "<student cell>", "exec"), namespace)
    return namespace[name]


def failure(fn, *args, **kwargs) -> str:
    with pytest.raises(CheckFailure) as err:
        fn(*args, **kwargs)
    return str(err.value)


def test_check_close_accepts_equal_values_and_lists():
    check_close("out", [1.0, 2.0], np.array([1.0, 2.0]))
    check_close("loss", np.float64(0.5), 0.5)


def test_check_close_says_where_and_what():
    expected = np.zeros((6, 3))
    got = expected.copy()
    got[3:6, 1] = 1.0
    msg = failure(check_close, "dW", got, expected)
    assert "dW is wrong in 3 of 18 elements in rows 3..5" in msg
    assert "At index (3, 1): expected 0, got 1" in msg


def test_check_close_names_known_mistakes_and_generic_ones():
    x = np.arange(6.0).reshape(2, 3)
    msg = failure(check_close, "out", x, x + 1, mistakes={"forgot to add the bias": x})
    assert "exactly what you get if you forgot to add the bias" in msg
    assert "sign is flipped" in failure(check_close, "dx", -(x + 1), x + 1)
    assert "same factor 0.5" in failure(check_close, "db", (x + 1) / 2, x + 1)


def test_check_close_shape_hints():
    a = np.ones((2, 3))
    assert "looks transposed" in failure(check_close, "dW", a.T, a)
    assert "One dimension is missing" in failure(check_close, "db", np.ones(2), a)
    assert "single number" in failure(check_close, "db", 1.0, np.ones(3))


def test_check_close_flags_nan_none_and_tuples():
    assert "NaN or inf" in failure(check_close, "loss", np.nan, 1.0)
    nan_only = failure(check_close, "grads", np.array([1.0, np.nan]), np.ones(2))   # w / |w| at w = 0
    assert "0/0" in nan_only and "overflow" not in nan_only
    inf_only = failure(check_close, "probs", np.array([np.inf, 1.0]), np.ones(2))
    assert "overflow" in inf_only and "0/0" not in inf_only
    assert "did you forget a `return`" in failure(check_close, "out", None, 1.0)
    assert "tuple of 2 items" in failure(check_close, "out", (np.ones(2), None), np.ones(2))
    assert "number or a NumPy array" in failure(check_close, "out", "abc", 1.0)


def test_check_shape_and_equal_and_keys_and_returns():
    check_shape("x", np.ones((2, 3)), (2, 3))
    assert "shape (3, 2), expected (2, 3)" in failure(check_shape, "x", np.ones((3, 2)), (2, 3))
    check_equal("label", "c", "c")
    assert "expected 'c', got 'a'" in failure(check_equal, "answer", "a", "c")
    check_keys("grads", {"W": 1, "b": 2}, ["b", "W"])
    msg = failure(check_keys, "grads", {"dW": 1, "b": 2}, ["W", "b"])
    assert "missing ['W']" in msg and "unexpected ['dW']" in msg
    assert check_returns("f", (1, 2), 2, "(out, cache)") == (1, 2)
    assert "must return (out, cache) (2 items), got ndarray" in \
        failure(check_returns, "f", np.ones(2), 2, "(out, cache)")


def test_check_close_shows_enough_digits_to_tell_the_numbers_apart():
    msg = failure(check_close, "m", np.array([-0.7928371234]), np.array([-0.7928374321]), rtol=1e-9)
    assert "expected -0.7928374321, got -0.7928371234" in msg
    assert "expected 2, got 3." in failure(check_close, "x", 3.0, 2.0)


class AlwaysEqual(str):
    """What a student might hand in to fool an equality test."""
    def __eq__(self, other):
        return True

    __hash__ = str.__hash__

    def strip(self):
        return self

    def lower(self):
        return self


def test_check_equal_is_not_fooled_by_a_custom_eq():
    assert "expected 'b'" in failure(check_equal, "answer", AlwaysEqual("a"), "b")

    class Yes:
        def __eq__(self, other):
            return True
    for expected in ("b", 3, 2.5, True, (1, 2)):
        failure(check_equal, "answer", Yes(), expected)
    check_equal("count", np.int64(3), 3)
    check_equal("flag", np.bool_(True), True)
    check_equal("pair", (1, 2), (1, 2))
    assert "expected True" in failure(check_equal, "flag", 1, True)


def test_check_unchanged():
    a = np.arange(3.0)
    check_unchanged("x", a.copy(), a)
    b = a.copy()
    b[0] = 9
    assert "modified its input x in place" in failure(check_unchanged, "x", a, b)


def test_exercise_prefixes_and_classifies_failures(capsys):
    with exercise("f"):
        pass
    assert "\u2713 f: tests passed" in capsys.readouterr().out
    with pytest.raises(CheckFailure, match=r"^f: out is wrong"):
        with exercise("f"):
            check_close("out", 1.0, 2.0)
    with pytest.raises(NotAttempted, match="not attempted yet"):
        with exercise("f"):
            raise NotImplementedError()
    with pytest.raises(NotAttempted, match="not defined"):
        with exercise("f"):
            undefined_name  # noqa: B018, F821


# as in a notebook, the student's function comes from another cell than the test
student_function = cell_function("def student_function(x):\n    return x.reshape(7)\n", "student_function")


def test_exercise_reports_crashes_in_the_student_code():
    with pytest.raises(CheckFailure) as err:
        with exercise("f"):
            student_function(np.ones(3))
    msg = str(err.value)
    assert msg.startswith("f: calling your code raised ValueError")
    assert "function student_function" in msg


def test_question_says_answer_recorded_never_passed(capsys):
    """A multiple-choice question's visible test sees only the format: a pass is no ✓."""
    with question("question 7.1"):
        check_equal("answer type", isinstance("z", str), True)   # a wrong answer, well formed
    out = capsys.readouterr().out
    assert "question 7.1: answer recorded -- it is graded when you submit" in out
    assert "\u2713" not in out and "passed" not in out
    with pytest.raises(CheckFailure, match=r"^question 7.1: answer is one of a-d"):
        with question("question 7.1"):
            check_equal("answer is one of a-d", False, True)
    with pytest.raises(NotAttempted, match="not defined"):
        with question("question 7.1"):
            answer_not_given  # noqa: B018, F821
    assert "answer recorded" not in capsys.readouterr().out
    with pytest.raises(TypeError, match="question: name must be a non-empty string"):
        with question(""):
            pass


def test_question_reports_crashes_with_the_student_line():
    with pytest.raises(CheckFailure) as err:
        with question("question 1.1"):
            student_function(np.ones(3))
    assert "function student_function" in str(err.value)


def test_check_failure_renders_without_traceback():
    lines = CheckFailure("f: out is wrong\n  At index 0")._render_traceback_()
    assert "CheckFailure" in lines[0] and "f: out is wrong" in lines[0]
    assert lines[1] == "  At index 0"


def helper():
    return "student"


def composite():
    return helper()


def test_substituted_swaps_globals_and_restores_them():
    with substituted(composite, helper=lambda: "reference"):
        assert composite() == "reference"
    assert composite() == "student"
    with substituted(composite, brand_new=1):
        assert composite.__globals__["brand_new"] == 1
    assert "brand_new" not in composite.__globals__


# as in a notebook: the student's functions come from another cell than the test
validates = cell_function("def validates(p):\n"
                          "    if not 0 <= p <= 1:\n"
                          "        raise ValueError(f'p must be in [0, 1], got {p}')\n"
                          "    return p\n", "validates")
divides = cell_function("def divides(n):\n    return 1 / (n - 1)\n", "divides")


def test_check_raises_passes_and_returns_the_expected_exception():
    err = check_raises("validates(1.5)", lambda: validates(1.5))
    assert isinstance(err, ValueError) and "1.5" in str(err)
    check_raises("validates(2)", lambda: validates(2), (TypeError, ValueError))
    check_raises("validates(-1)", lambda: validates(-1), ValueError, message_contains="-1")


def test_check_raises_says_when_nothing_was_raised():
    msg = failure(check_raises, "validates(0.5)", lambda: validates(0.5), hint="check 0 <= p <= 1")
    assert msg.startswith("validates(0.5) did not raise ValueError (it returned normally).")
    assert msg.endswith("\n  Hint: check 0 <= p <= 1")
    assert "expected True" not in msg
    msg = failure(check_raises, "validates(0.5)", lambda: validates(0.5), (ValueError, TypeError))
    assert "did not raise ValueError or TypeError" in msg


def test_check_raises_names_another_exception_and_where_it_came_from():
    msg = failure(check_raises, "divides(1)", lambda: divides(1))
    assert msg.startswith("divides(1) raised ZeroDivisionError: division by zero instead of ValueError.")
    assert msg.endswith("\n  in your code, function divides")
    msg = failure(check_raises, "a lookup", lambda: {}["softplus"], ValueError, hint="raise ValueError")
    assert msg.startswith("a lookup raised KeyError: 'softplus' instead of ValueError.")
    assert msg.endswith("Hint: raise ValueError")


def test_check_raises_checks_the_message_when_asked():
    def bare():
        raise ValueError()
    msg = failure(check_raises, "bare()", bare, message_contains="softplus", hint="name it")
    assert msg.startswith("bare() raised ValueError(''), whose message does not mention 'softplus'.")
    assert msg.endswith("Hint: name it")


def test_check_raises_lets_not_attempted_through_to_exercise():
    def blank(p):
        raise NotImplementedError()
    with pytest.raises(NotAttempted, match="not attempted yet"):
        with exercise("dropout_forward"):
            check_raises("dropout_forward(x, p=1.5)", lambda: blank(1.5))
    with pytest.raises(NotAttempted, match="not defined"):
        with exercise("dropout_forward"):
            check_raises("dropout_forward(x, p=1.5)", lambda: undefined_function(1.5))  # noqa: F821
    with pytest.raises(CheckFailure, match=r"^f: divides\(1\) raised ZeroDivisionError"):
        with exercise("f"):
            check_raises("divides(1)", lambda: divides(1))


def test_check_raises_rejects_a_wrong_use():
    with pytest.raises(TypeError, match="function of no arguments"):
        check_raises("validates(2)", validates(0.5))
    with pytest.raises(TypeError, match="exception type"):
        check_raises("validates(2)", lambda: validates(2), "ValueError")
    with pytest.raises(TypeError, match="exception type"):
        check_raises("validates(2)", lambda: validates(2), ())


def test_clear_substitutes_forgets_every_active_substitute():
    reference = lambda: "reference"  # noqa: E731
    block = substituted(composite, helper=reference)
    block.__enter__()                 # a test cell cut short: its block has not exited
    assert active_substitutes() == (reference,)
    clear_substitutes()
    assert active_substitutes() == ()
    block.__exit__(None, None, None)  # a late exit still restores the names, without an error
    assert composite() == "student" and active_substitutes() == ()


# ------------------------------------------------------------ structured results (issue 15)

def _failure(call) -> CheckFailure:
    with pytest.raises(CheckFailure) as info:
        call()
    return info.value


def test_a_failure_carries_its_kind_and_the_named_mistake():
    x = np.arange(6.0).reshape(2, 3)
    named = _failure(lambda: check_close("out", x, x + 1, mistakes={"forgot the bias": x}))
    assert (named.kind, named.mistake, named.exception) == ("wrong_value", "forgot the bias", None)
    generic = _failure(lambda: check_close("out", -(x + 1), x + 1, mistakes={"forgot the bias": x}))
    assert (generic.kind, generic.mistake) == ("wrong_value", None)      # a sign flip is not a named mistake
    assert _failure(lambda: check_close("out", x.T, x)).kind == "wrong_shape"
    assert _failure(lambda: check_returns("f", 1.0, 2, "(out, cache)")).kind == "wrong_shape"
    assert _failure(lambda: check_equal("n", 2, 3)).kind == "wrong_value"


def test_exercise_keeps_the_attributes_and_classifies_what_the_student_code_raised():
    x = np.zeros(3)

    def block(body):
        def run():
            with exercise("f", quiet=True):
                body()
        return _failure(run)

    kept = block(lambda: check_close("out", x, x + 1, mistakes={"forgot the bias": x}))
    assert (kept.kind, kept.mistake) == ("wrong_value", "forgot the bias") and str(kept).startswith("f: ")
    crashed = block(lambda: 1 / 0)
    assert (crashed.kind, crashed.exception) == ("exception", "ZeroDivisionError")

    def not_done():
        raise NotImplementedError()
    todo = block(not_done)
    assert isinstance(todo, NotAttempted) and (todo.kind, todo.exception) == ("not_attempted", "NotImplementedError")
    wrong_error = _failure(lambda: check_raises("f(-1)", lambda: [][1]))
    assert (wrong_error.kind, wrong_error.exception) == ("exception", "IndexError")
    assert _failure(lambda: check_raises("f(-1)", lambda: None)).kind == "other"


def test_a_check_failure_subclass_from_student_code_is_reported_as_a_plain_failure():
    class Mine(CheckFailure):
        def __init__(self, *args, **kwargs):
            raise RuntimeError("my constructor ran in the grader")

    def student_code():
        err = CheckFailure.__new__(Mine)
        CheckFailure.__init__(err, "all fine", kind="not_attempted")
        raise err
    reported = _failure(lambda: _raise_in_block(student_code))
    assert type(reported) is CheckFailure and str(reported) == "f: all fine"


def _raise_in_block(code):
    with exercise("f", quiet=True):
        code()
