"""course_utils.grading.guard: replaced state is found and put back; torch calls are attributed."""

import functools
import sys
import warnings

import numpy as np
import pytest
import torch

from course_utils import checks, reference
from course_utils.grading.guard import StateGuard, TorchWatch, borrowed_answer


@pytest.fixture
def guard():
    g = StateGuard()
    yield g
    g.restore()


def test_nothing_changed_nothing_reported(guard):
    assert guard.changes() == []
    assert guard.restore() == []


def test_replaced_functions_are_named_and_put_back(guard):
    real_allclose, real_check = np.allclose, checks.check_close
    np.allclose = lambda *a, **k: True
    checks.check_close = lambda *a, **k: None
    import builtins
    real_len = builtins.len
    builtins.len = lambda x: 0
    found = guard.restore()
    assert found[0] == "builtins.len was replaced"          # builtins first
    assert {"numpy.allclose was replaced", "course_utils.checks.check_close was replaced"} <= set(found)
    assert np.allclose is real_allclose and checks.check_close is real_check and builtins.len is real_len


def test_replaced_methods_of_guarded_classes_are_put_back(guard):
    real = torch.Tensor.numpy
    torch.Tensor.numpy = lambda self: np.zeros(1)
    assert guard.restore() == ["torch.Tensor.numpy was replaced"]
    assert torch.Tensor.numpy is real


def test_innocent_settings_are_put_back_silently(guard):
    torch.set_default_dtype(torch.float64)
    np.seterr(all="raise")
    warnings.simplefilter("ignore")
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(200)
    assert guard.restore() == []
    assert torch.get_default_dtype() == torch.float32
    assert np.geterr()["divide"] == "warn"
    assert sys.getrecursionlimit() == limit


def test_a_librarys_own_wrapper_is_accepted(guard):
    original = torch.manual_seed
    # what torch does itself: a wrapper defined in a torch file, with __wrapped__ set
    wrapper = functools.wraps(original)(torch._compile._disable_dynamo(original))
    torch.manual_seed = wrapper
    try:
        assert guard.changes() == []
    finally:
        torch.manual_seed = original
        guard.restore()


class _AlwaysEqual:
    def __eq__(self, other):
        return True

    __hash__ = object.__hash__

    def __call__(self, *args, **kwargs):
        return True


def test_a_replacement_that_claims_equality_or_a_deleted_function_is_still_found(guard):
    real_allclose, real_isclose = np.allclose, np.isclose
    np.allclose = _AlwaysEqual()        # == says it is the recorded function: only identity counts
    del np.isclose
    found = guard.restore()
    assert {"numpy.allclose was replaced", "numpy.isclose was replaced"} <= set(found)
    assert np.allclose is real_allclose and np.isclose is real_isclose


def test_library_files_are_told_apart_from_notebook_code_every_time(tmp_path):
    watch = TorchWatch()
    own = tmp_path / "helper.py"
    for _ in range(2):                  # the second answer is the remembered one
        assert watch._is_library(np.__file__) and watch._is_library(torch.__file__)
        assert watch._is_library("<frozen importlib._bootstrap>")
        assert not watch._is_library("<ipython-input-3-abc>") and not watch._is_library(str(own))


def student(src, name, namespace):
    """Define function ``name`` from ``src`` as a notebook cell would (IPython's file name)."""
    exec(compile(src, "<ipython-input-7-abc>", "exec"), namespace)
    return namespace[name]


def watched(watch, func, *args):
    sys.setprofile(watch.profile)
    try:
        return func(*args)
    finally:
        sys.setprofile(None)


def test_torch_called_by_student_code_is_recorded():
    watch = TorchWatch()
    f = student("def f(x):\n    return torch.from_numpy(x).relu().numpy()\n", "f", {"torch": torch})
    watched(watch, f, np.ones(3))
    assert watch.calls and all(c.startswith("f() called torch") for c in watch.calls)


def test_torch_through_course_utils_reference_is_still_the_students():
    watch = TorchWatch()
    f = student("def f(x):\n    return reference.relu_forward(x)[0]\n", "f", {"reference": reference})
    watched(watch, f, np.ones(3))
    assert any(c.startswith("f() called torch") for c in watch.calls)


def test_numpy_only_student_code_is_not_recorded():
    watch = TorchWatch()
    f = student("def f(x):\n    return np.maximum(x, 0)\n", "f", {"np": np})
    watched(watch, f, np.ones(3))
    assert watch.calls == []


def test_torch_called_by_trusted_test_code_is_not_recorded():
    watch = TorchWatch()
    code = compile("out = torch.relu(torch.ones(2))\n", "<test cell t>", "exec")
    watch.trust(code)
    watched(watch, exec, code, {"torch": torch})
    assert watch.calls == []


def test_a_substituted_reference_may_call_torch_for_the_student():
    watch = TorchWatch()
    namespace = {"np": np}
    net = student("def net(x):\n    return relu_forward(x)[0].sum()\n", "net", namespace)
    with checks.substituted(net, relu_forward=reference.relu_forward):
        watched(watch, net, np.ones(3))
    assert watch.calls == []


def test_borrowed_answers():
    assert borrowed_answer("linear_forward", reference.linear_forward) == \
        "linear_forward is course_utils.reference.layer_from_torch.<locals>.forward, not your own code"
    assert borrowed_answer("relu", torch.relu).startswith("relu is torch")
    assert borrowed_answer("relu", np.maximum) is None
    assert borrowed_answer("df_dx", 3.0) is None
