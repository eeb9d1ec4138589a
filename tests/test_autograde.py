"""``course autograde`` on an adversarial class of 01_backprop: one grade per student, always.

One run of the real command grades the whole class below, two notebooks at a time, in the
sandbox. Every student starts from the solved release (what a perfect student hands in) and
changes one thing; the table gives the status and score each must get. The honest
submissions in the same batch (alice, bob, carol) lose nothing.

"wrong" below means: ``linear_backward`` averages ``dout`` instead of summing it, a
realistic mistake: with partial credit it costs the linear cell's 3 points except the share
of its ``linear_forward`` block, which still passes (WRONG_LINEAR, see README "Partial credit").

The same run's ``OUT/results/<student>.json`` are checked below too: per test cell, each
block's outcome, points, kind of failure, named mistake and exception, recorded by the
checks themselves (carol's ``db`` is a named mistake; bob hands in the untouched release).
"""

import csv
import json
import socket
import threading

import pytest

from course_utils.cells import exercises, read_notebook
from tests.conftest import ROOT, course, release_of, solved, source_of

NAME = "01_backprop"
FULL, LINEAR, RELU, BEFORE_RELU = 23, 3, 2, 1 + 2 + 3
# test_linear's blocks weigh linear_forward 6, linear_backward 6, linear (hidden) 2: a wrong
# linear_backward keeps linear_forward's share (nbgrader stores it to 1/1000 of a point)
LINEAR_FORWARD_SHARE = LINEAR * 6 / (6 + 6 + 2)
WRONG_LINEAR = LINEAR - round(LINEAR_FORWARD_SHARE, 3)
pytestmark = [pytest.mark.nbgrader, pytest.mark.xdist_group("class_01")]  # one run, one worker


# ------------------------------------------------------------------ building submissions

def cell_with(nb_cells, text):
    return next(c for c in nb_cells if text in "".join(c["source"]))


def by_id(nb_cells, grade_id):
    return next(c for c in nb_cells if c.get("metadata", {}).get("nbgrader", {}).get("grade_id") == grade_id)


def prepend(text, code):
    def edit(nb_cells):
        cell = cell_with(nb_cells, text)
        cell["source"] = code + "".join(cell["source"])
    return edit


def append_cell(code, after=None):
    def edit(nb_cells):
        new = {"cell_type": "code", "metadata": {}, "source": code, "outputs": [], "execution_count": None}
        at = len(nb_cells) if after is None else nb_cells.index(cell_with(nb_cells, after)) + 1
        nb_cells.insert(at, new)
    return edit


def wrong(nb_cells):
    cell = cell_with(nb_cells, "def linear_backward")
    cell["source"] = "".join(cell["source"]).replace("db = dout.sum(axis=0)", "db = dout.mean(axis=0)")


def delete_linear_test(nb_cells):
    nb_cells.remove(by_id(nb_cells, "test_linear"))


def empty_linear_test(nb_cells):
    by_id(nb_cells, "test_linear")["source"] = "pass"


def duplicate_linear_test(nb_cells):
    test = by_id(nb_cells, "test_linear")
    fake = json.loads(json.dumps(test))
    fake["source"] = "print('all good')"
    nb_cells.insert(nb_cells.index(test), fake)


def change_metadata(nb_cells):
    by_id(nb_cells, "test_relu")["metadata"]["nbgrader"]["points"] = 50
    by_id(nb_cells, "test_linear")["metadata"]["nbgrader"]["grade"] = False


def submission(*edits) -> str:
    nb = json.loads(solved(NAME))
    for edit in edits:
        edit(nb["cells"])
    return json.dumps(nb)


PATCH_CHECKS = "import course_utils.checks as _c\n_c.check_close = lambda *a, **k: None\n"
PATCH_NUMPY = ("np.allclose = lambda *a, **k: True\n"
               "np.isclose = lambda a, b, **k: np.ones(np.broadcast(a, b).shape, dtype=bool)\n")
PATCH_BUILTINS = "import builtins\n_real = builtins.isinstance\nbuiltins.isinstance = lambda o, t: True\n"
PATCH_AT_CALL = ("def linear_backward(dout, cache):\n"
                 "    np.isclose = lambda a, b, **k: np.ones(np.broadcast(a, b).shape, dtype=bool)\n"
                 "    x, W = cache[0], cache[1]\n"
                 "    return dout @ W.T, x.T @ dout, dout.mean(axis=0)\n")
TORCH = ("def linear_forward(x, W, b):\n"
         "    out = (torch.from_numpy(x) @ torch.from_numpy(W) + torch.from_numpy(b)).numpy()\n"
         "    return out, (x, W)\n")
BORROW = "linear_forward, linear_backward = reference.linear_forward, reference.linear_backward\n"
IPYTHON = ("ip = get_ipython()\n"
           "ip.set_custom_exc((Exception,), lambda *a, **k: None)\n"
           "ip.input_transformers_cleanup.append(lambda lines: lines)\n")
READ_SOLUTIONS = (f"try:\n    print(open({str(ROOT / 'solutions' / NAME / (NAME + '.ipynb'))!r}).read()[:100])\n"
                  "except OSError as err:\n    print('no luck:', err)\n")
WRITE_GRADEBOOK = "".join(f"try:\n    open({str(p)!r}, 'w').write('pwned')\nexcept OSError as err:\n"
                          "    print('no luck:', err)\n"
                          for p in [ROOT / "gradebook.db", ROOT / "notebooks" / "pwned.txt"])
FORGE = ("import os\n"
         "fake = b'{\"event\": \"cell\", \"index\": 0, \"kind\": \"test\", \"passed\": true}\\n'\n"
         "for fd in os.listdir('/proc/self/fd'):\n"
         "    try:\n"
         "        if os.readlink(f'/proc/self/fd/{fd}').startswith('pipe:'):\n"
         "            os.write(int(fd), fake)\n"
         "    except OSError:\n"
         "        pass\n")
# abe waits forever rather than spinning: the notebook's limit is wall-clock time, enforced from
# outside, and a spinning loop would only burn a core of the test machine for 40 s
IGNORE_ALARM = "import signal, time\nsignal.signal(signal.SIGALRM, signal.SIG_IGN)\nwhile True:\n    time.sleep(0.1)\n"


def network_code(port):
    return (f"import socket\ntry:\n    socket.create_connection(('127.0.0.1', {port}), timeout=2).sendall(b'answers')\n"
            "except OSError as err:\n    print('no luck:', err)\n")


@pytest.fixture(scope="module")
def server():
    """A TCP server on loopback that records every connection made to it."""
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.5)
    seen, stop = [], threading.Event()

    def serve():
        while not stop.is_set():
            try:
                seen.append(listener.accept()[1])
            except OSError:
                pass
    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield listener.getsockname()[1], seen
    stop.set()
    thread.join()
    listener.close()


def the_class(port):
    """student -> (notebook text or None, expected status, expected score, text the detail names)."""
    return {
        # abe is graded first (by name): his notebook waits out its 40 s limit while the
        # other worker process grades the rest of the class
        "abe": (submission(prepend("def relu_forward", IGNORE_ALARM)), "timeout", BEFORE_RELU,
                "ran longer than 40 s"),
        "alice": (solved(NAME), "graded", FULL, ""),
        "bob": (release_of(NAME).read_text(), "graded", 0, ""),
        "carol": (submission(wrong), "graded", FULL - WRONG_LINEAR, ""),
        "dave": (None, "missing", 0, "no 01_backprop.ipynb"),
        "erin": ('{"cells": [', "invalid_notebook", 0, "not a valid notebook"),
        "frank": (submission(delete_linear_test), "tampered", FULL, "'test_linear' was deleted"),
        "gina": (submission(prepend("def relu_forward", "while True:\n    pass\n")), "timeout", FULL - RELU,
                 "ran past the time limit"),
        "hank": (submission(prepend("def relu_forward", "import os\nos._exit(1)\n")), "crashed", FULL - RELU,
                 "stopped the notebook's process"),
        "ivan": (submission(prepend("def relu_forward", "import os, signal\nos.kill(os.getpid(), signal.SIGSEGV)\n")),
                 "crashed", FULL - RELU, "stopped the notebook's process"),
        "judy": (submission(prepend("def relu_forward", "hog = bytearray(8 * 1024 ** 3)\n")), "crashed",
                 FULL - RELU, "ran out of memory"),
        "ken": (submission(append_cell("print('spam ' * 10_000_000)", after="def relu_forward")), "graded", FULL, ""),
        "liam": (submission(wrong, empty_linear_test), "tampered", FULL - WRONG_LINEAR, "'test_linear' was edited"),
        "mia": (submission(wrong, duplicate_linear_test), "tampered", FULL - WRONG_LINEAR, "appears more than once"),
        "noah": (submission(change_metadata), "tampered", FULL, "of test cell 'test_relu' changed"),
        "olga": (submission(wrong, append_cell(PATCH_CHECKS, after="def linear_backward")), "tampered",
                 FULL - WRONG_LINEAR, "course_utils.checks.check_close was replaced"),
        "pete": (submission(wrong, append_cell(PATCH_NUMPY, after="def linear_backward")), "tampered",
                 FULL - WRONG_LINEAR, "numpy.allclose was replaced"),
        "quinn": (submission(wrong, append_cell(PATCH_BUILTINS, after="def linear_backward")), "tampered",
                  FULL - WRONG_LINEAR, "builtins.isinstance was replaced"),
        "rosa": (submission(append_cell(PATCH_AT_CALL, after="def linear_backward")), "tampered",
                 FULL - LINEAR, "while the tests ran, numpy.isclose was replaced"),
        "sam": (submission(append_cell(TORCH, after="def linear_backward")), "tampered", FULL - LINEAR,
                "linear_forward() called torch"),
        "tina": (submission(append_cell(BORROW, after="def linear_backward")), "tampered", FULL - LINEAR,
                 "not your own code"),
        "uma": (submission(wrong, append_cell(IPYTHON, after="def linear_backward")), "tampered",
                FULL - WRONG_LINEAR, "IPython's exception handler was changed"),
        "vic": (submission(append_cell(READ_SOLUTIONS)), "tampered", FULL, "tried to read"),
        "walt": (submission(append_cell(WRITE_GRADEBOOK)), "tampered", FULL, "tried to write to"),
        "xena": (submission(append_cell(network_code(port))), "tampered", FULL, "tried to use the network"),
        "yuri": (submission(append_cell(FORGE)), "tampered", FULL, "result stream"),
    }


@pytest.fixture(scope="module")
def graded(tmp_path_factory, server):
    port, _ = server
    tmp = tmp_path_factory.mktemp("class")
    subs = tmp / "submissions"
    expected = the_class(port)
    for student, (text, *_) in expected.items():
        (subs / student).mkdir(parents=True)
        if text is not None:
            (subs / student / f"{NAME}.ipynb").write_text(text)
    proc = course("autograde", subs, "--assignment", NAME, "--out", tmp / "out", "--jobs", 2,
                  "--course-dir", tmp / "gradebook",
                  # gina's endless loop burns a CPU until the cell's limit, abe's waits until the
                  # notebook's: short limits, yet many times what an honest notebook needs on a
                  # loaded machine
                  "--timeout", 8, "--notebook-timeout", 40, "--memory-mb", 3072)
    rows = {r["student"]: r for r in csv.DictReader(open(tmp / "out" / "grades.csv"))}
    return proc, rows, tmp / "out", expected


def test_every_student_gets_the_expected_status_score_and_detail(graded):
    proc, rows, _, expected = graded
    assert set(rows) == set(expected), proc.stdout + proc.stderr
    got = {s: (r["status"], round(float(r["score"]), 3)) for s, r in rows.items()}
    want = {s: (status, round(float(score), 3)) for s, (_, status, score, _) in expected.items()}
    assert got == want, "\n".join(f"{s}: {rows[s]['detail']}" for s in rows if got[s] != want[s])
    for student, (_, _, _, named) in expected.items():
        assert named in rows[student]["detail"], (student, rows[student]["detail"])
        assert float(rows[student]["max_score"]) == FULL
    assert FULL == sum(ex.points for ex in exercises(read_notebook(source_of(NAME))))


def test_columns_and_exit_code(graded):
    proc, rows, _, expected = graded
    assert list(next(iter(rows.values())).keys()) == ["student", "assignment", "score", "max_score",
                                                      "status", "detail"]
    attention = sum(status != "graded" for _, status, _, _ in expected.values())
    assert proc.returncode == 1
    assert f"{attention} submission(s) need your attention" in proc.stdout


def test_nothing_escaped_the_sandbox(graded, server):
    _, seen = server
    assert seen == [], "a submission reached the network"
    assert not (ROOT / "gradebook.db").exists() and not (ROOT / "notebooks" / "pwned.txt").exists()
    _, rows, _, _ = graded
    assert "refused" in rows["vic"]["detail"] and "refused" in rows["walt"]["detail"]


def test_feedback_has_scores_and_messages_but_no_hidden_tests_and_stays_small(graded):
    _, rows, out, _ = graded
    pages = {p.stem: p for p in (out / "feedback").glob("*.html")}
    assert set(pages) == {s for s, r in rows.items() if r["status"] not in ("missing", "invalid_notebook")}
    for student, page in pages.items():
        html = page.read_text()
        assert "HIDDEN TESTS" not in html and "x1, x2 = rng.normal" not in html, student
        assert page.stat().st_size < 1_000_000, f"{student}'s feedback is {page.stat().st_size} bytes"
        assert "data:image" not in html
    carol = pages["carol"].read_text()
    assert "averaged dout over the batch instead of summing it" in carol.split("check_close(\"db\"")[-1]
    assert f"<td><b>linear_forward / linear_backward</b></td><td><b>{LINEAR - WRONG_LINEAR:g} / 3</b></td>" in carol
    assert f"{FULL - WRONG_LINEAR:g} / {FULL:g} autograded points" in carol
    assert "these tests do not count" in pages["sam"].read_text()


# ------------------------------------------- OUT/results/<student>.json: each check's outcome

@pytest.fixture(scope="module")
def records(graded):
    _, _, out, _ = graded
    return {p.stem: json.loads(p.read_text()) for p in (out / "results").glob("*.json")}


def test_every_student_has_a_record_that_agrees_with_grades_csv(graded, records):
    proc, rows, _, _ = graded
    assert set(records) == set(rows), proc.stdout + proc.stderr
    tests = [ex.grade_id for ex in exercises(read_notebook(source_of(NAME)))]
    for student, record in records.items():
        row = rows[student]
        assert (record["version"], record["student"], record["assignment"]) == (1, student, NAME)
        assert (record["status"], record["score"], record["max_score"]) == \
            (row["status"], float(row["score"]), float(row["max_score"]))
        assert record["seconds"] >= 0
        if record["status"] in ("missing", "invalid_notebook"):
            assert record["exercises"] == []
            continue
        assert [ex["test"] for ex in record["exercises"]] == tests
        assert sum(ex["points"] for ex in record["exercises"]) == pytest.approx(record["score"])
        for ex in record["exercises"]:
            assert sum(c["max_points"] for c in ex["checks"]) == pytest.approx(ex["max_points"])
            assert sum(c["points"] for c in ex["checks"]) == pytest.approx(ex["points"], abs=1e-3)


def test_the_perfect_student_passes_every_check(records):
    alice = records["alice"]
    assert alice["score"] == FULL
    assert {c["outcome"] for ex in alice["exercises"] for c in ex["checks"]} == {"passed"}
    assert {ex["outcome"] for ex in alice["exercises"]} == {"passed"}


def test_a_wrong_block_costs_its_share_and_names_the_mistake(records):
    carol = records["carol"]
    assert carol["score"] == pytest.approx(FULL - LINEAR + LINEAR_FORWARD_SHARE, abs=1e-3)
    linear = next(ex for ex in carol["exercises"] if ex["test"] == "test_linear")
    assert (linear["exercise"], linear["outcome"]) == ("linear_forward", "failed")
    assert linear["points"] == pytest.approx(LINEAR_FORWARD_SHARE, abs=1e-3)
    checks = {c["block"]: c for c in linear["checks"]}
    assert checks["linear_forward"]["outcome"] == "passed"
    backward = checks["linear_backward"]
    assert (backward["outcome"], backward["kind"], backward["points"]) == ("failed", "wrong_value", 0.0)
    assert backward["mistake"] == "averaged dout over the batch instead of summing it"
    assert backward["message"].startswith("linear_backward: db is wrong")
    assert checks["linear (hidden)"]["outcome"] == "failed" and checks["linear (hidden)"]["mistake"] is None


def test_an_untouched_release_is_not_attempted(records):
    bob = records["bob"]
    linear = next(ex for ex in bob["exercises"] if ex["test"] == "test_linear")
    assert linear["outcome"] == "not_attempted" and linear["points"] == 0
    assert {c["kind"] for c in linear["checks"]} == {"not_attempted"}
    assert linear["checks"][0]["exception"] == "NotImplementedError"


def test_feedback_lists_each_check_with_its_points_and_message(graded):
    _, _, out, _ = graded
    page = (out / "feedback" / "carol.html").read_text()
    summary = page[:page.index("</table>")]
    share = f"{LINEAR_FORWARD_SHARE:.3g}"
    assert f'linear_forward</td><td>{share} / {share}</td><td style="white-space:pre-wrap">passed</td>' in summary
    assert f"linear_backward</td><td>0 / {share}</td>" in summary
    assert "averaged dout over the batch instead of summing it" in summary


def test_unknown_assignment_is_a_clear_error(tmp_path):
    (tmp_path / "s" / "alice").mkdir(parents=True)
    proc = course("autograde", tmp_path / "s", "--assignment", "99_nope", "--out", tmp_path / "o")
    assert proc.returncode == 2
    assert "unknown assignment '99_nope'" in proc.stderr
