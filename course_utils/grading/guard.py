"""Keeping the tests honest while they run next to a student's code (used by runner.py).

A notebook's tests run in the same process as the student's code, which can change what
the tests rely on. Four guards, each answering one question:

- :class:`StateGuard` -- did the student's code replace something the tests use
  (``numpy.allclose``, ``course_utils.checks.check_close``, ``builtins.isinstance``,
  ``torch.nn.functional.cross_entropy``, a method of a Python class in those packages)?
  It records the state before any student code runs, puts it back after every cell, and
  names whatever had been replaced. Settings a student may change innocently (warning
  filters, torch's default dtype, ...) are put back without comment.
- :class:`TorchWatch` -- did the student's code call PyTorch while a test ran an exercise
  that must be written in NumPy? A profile hook looks at each call into torch and walks up
  the stack: a call made on behalf of student code is recorded; calls made by the tests,
  the setup cells or the reference layers that a test swapped in are not.
- :class:`ShellHooks` -- did a student cell rewire IPython's input transformers or its
  exception handler? (The tests do not run through IPython; trying is still reported.)
- :func:`install_audit_hook` -- a Python audit hook (it cannot be removed once added) that
  refuses network access, new processes, reading protected paths, writing outside the
  sandbox, rewiring the profiler, and walking the interpreter's objects (``gc``).

None of this can stop code that deliberately corrupts the interpreter's memory; the
sandbox (sandbox.py) is what keeps such code away from the gradebook and other students.
"""

from __future__ import annotations

import builtins
import functools
import os
import sys
import types
import warnings
from operator import is_not
from pathlib import Path

# Modules whose functions the tests use, directly or through course_utils.checks.
GUARDED_PACKAGES = ("builtins", "numpy", "torch", "course_utils", "math", "json", "copy",
                    "functools", "itertools", "operator", "contextlib", "traceback", "inspect",
                    "re", "time")


MAX_REMEMBERED_FILES = 10_000     # file names TorchWatch remembers (code can make any number)


def _guarded(name: str) -> bool:
    return name.split(".")[0] in GUARDED_PACKAGES


def _guarded_class(value) -> bool:
    """Classes whose methods are guarded: course_utils' own, and torch's Tensor and Module.
    (Other torch classes patch themselves: an optimizer wraps its class's ``step``.)"""
    if not isinstance(value, type):
        return False
    module = getattr(value, "__module__", "") or ""
    return module.split(".")[0] == "course_utils" or \
        f"{module}.{value.__qualname__}" in ("torch.Tensor", "torch.nn.modules.module.Module")


def _watched(value) -> bool:
    """Values whose replacement would change a test: functions, classes, modules."""
    return callable(value) or isinstance(value, types.ModuleType)


def _any_other(recorded: dict, current) -> bool:
    """Whether any value in ``current`` (a module's or class's ``__dict__``) is not the
    object ``recorded`` under its name (or is missing): identity only, no ``__eq__``."""
    return any(map(is_not, map(current.get, recorded), recorded.values()))


class StateGuard:
    """The state of the guarded modules and of the process, as it was before any student
    code ran; :meth:`restore` puts it back and says what had changed."""

    def __init__(self):
        self.modules = {}      # module name -> (module, {attribute: value})
        self.classes = {}      # Python class -> (qualified name, {attribute: value})
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for name, module in list(sys.modules.items()):
                if module is None or not _guarded(name) or not hasattr(module, "__dict__"):
                    continue
                attrs = {k: v for k, v in vars(module).items() if _watched(v)}
                self.modules[name] = (module, attrs)
                for value in attrs.values():
                    if _guarded_class(value) and value not in self.classes:
                        self.classes[value] = (f"{value.__module__}.{value.__qualname__}",
                                               {k: v for k, v in vars(value).items() if _watched(v)})
        self.process = self.process_state()
        self.libraries = _library_roots()

    # -- process-wide settings the tests depend on ---------------------------------
    @staticmethod
    def process_state() -> dict:
        import numpy as np
        state = {"recursion limit": sys.getrecursionlimit(), "numpy error handling": np.geterr(),
                 "warning filters": list(warnings.filters), "working directory": os.getcwd(),
                 "environment": dict(os.environ), "profile hook": sys.getprofile(),
                 "trace hook": sys.gettrace()}
        torch = sys.modules.get("torch")
        if torch is not None:
            state["torch default dtype"] = torch.get_default_dtype()
            state["torch grad mode"] = torch.is_grad_enabled()
        return state

    def _set_process_state(self, key, value) -> None:
        import numpy as np
        if key == "recursion limit":
            sys.setrecursionlimit(value)
        elif key == "numpy error handling":
            np.seterr(**value)
        elif key == "warning filters":
            warnings.filters[:] = value
            warnings._filters_mutated()
        elif key == "working directory":
            os.chdir(value)
        elif key == "environment":
            os.environ.clear()
            os.environ.update(value)
        elif key == "torch default dtype":
            sys.modules["torch"].set_default_dtype(value)
        elif key == "torch grad mode":
            sys.modules["torch"].set_grad_enabled(value)
        # the profile and trace hooks are reset by the runner itself (see runner.py)

    # -- checking and restoring --------------------------------------------------------
    def _replaced(self, attrs: dict, current: dict, key: str) -> bool:
        """Whether ``current[key]`` replaces the recorded value. A library's own wrapper
        around the recorded function (torch wraps ``torch.manual_seed`` the first time an
        optimizer is built) is accepted and becomes the recorded value."""
        old, new = attrs[key], current.get(key)
        if new is old:
            return False
        code = getattr(new, "__code__", None)
        if code is not None and os.path.realpath(code.co_filename).startswith(self.libraries):
            inner = getattr(new, "__wrapped__", None)
            while inner is not None and inner is not old:
                inner = getattr(inner, "__wrapped__", None)
            if inner is old:
                attrs[key] = new
                return False
        return True

    def changes(self) -> list[str]:
        """What differs from the recorded state, one line each (nothing is changed).
        Tens of thousands of attributes are compared after every cell: a module or class
        whose attributes are all the recorded objects (most of them) is passed over in one
        C-level pass, :meth:`_replaced` looks at the others one attribute at a time."""
        found = []
        for name, (module, attrs) in self.modules.items():
            if sys.modules.get(name) is not module:
                found.append(f"sys.modules[{name!r}] was replaced")
            current = vars(module)
            if _any_other(attrs, current):
                found += [f"{name}.{k} was replaced" for k in list(attrs) if self._replaced(attrs, current, k)]
        for cls, (qualname, attrs) in self.classes.items():
            current = vars(cls)
            if _any_other(attrs, current):
                found += [f"{qualname}.{k} was replaced" for k in list(attrs) if self._replaced(attrs, current, k)]
            # a new class attribute shadows an inherited one (Tensor.numpy lives in TensorBase)
            if any(_watched(current[k]) and not k.startswith("__") for k in current.keys() - attrs.keys()):
                found += [f"{qualname}.{k} was replaced" for k, v in current.items()
                          if k not in attrs and _watched(v) and not k.startswith("__")]
        return found

    def restore_builtins(self) -> list[str]:
        """Put the builtins back first, with plain dict operations only: until then a
        replaced ``isinstance`` or ``len`` can break any other code, the grader's included."""
        found = []
        current = builtins.__dict__
        for key, value in self.modules["builtins"][1].items():
            if current.get(key) is not value:
                current[key] = value
                found.append("builtins." + key + " was replaced")
        return found

    def restore(self) -> list[str]:
        """Put the recorded state back; return the replaced attributes (see :meth:`changes`).

        Process settings a student may change innocently (warning filters, NumPy's error
        handling, torch's default dtype, the working directory, ...) are put back silently.
        """
        found = self.restore_builtins()
        # settings before attributes: torch.set_default_dtype also rebinds torch.Storage
        now = self.process_state()
        for key, value in self.process.items():
            if key not in ("profile hook", "trace hook") and now.get(key) != value:
                self._set_process_state(key, value)
        found += self.changes()
        if not found:
            return found
        for name, (module, attrs) in self.modules.items():
            sys.modules[name] = module
            current = vars(module)
            for k, v in attrs.items():
                if current.get(k) is not v:
                    setattr(module, k, v)
        for cls, (_, attrs) in self.classes.items():
            current = vars(cls)
            for k, v in attrs.items():
                if current.get(k) is not v:
                    setattr(cls, k, v)
            for k in [k for k, v in current.items() if k not in attrs and _watched(v) and not k.startswith("__")]:
                delattr(cls, k)
        return found


# ------------------------------------------------------------------------ IPython's hooks


class ShellHooks:
    """Did a student cell rewire IPython (input or AST transformers, the exception
    handler)? The tests do not run through IPython, so this cannot touch them, but trying
    is worth reporting."""

    def __init__(self, shell):
        self.shell = shell
        self.seen = self._hooks()

    def _hooks(self) -> dict:
        shell = self.shell
        return {"IPython's input transformers were": list(shell.input_transformers_cleanup)
                + list(shell.input_transformers_post),
                "IPython's AST transformers were": list(shell.ast_transformers),
                "IPython's exception handler was": [shell.custom_exceptions, shell.CustomTB]}

    def changed(self) -> list[str]:
        """What changed since the last call, one line each."""
        now = self._hooks()
        found = [f"{what} changed" for what, value in now.items()
                 if len(value) != len(self.seen[what])
                 or any(a is not b for a, b in zip(value, self.seen[what]))]
        self.seen = now
        return found


# ------------------------------------------------------------------------ torch watch


def code_objects(code: types.CodeType):
    """``code`` and every code object nested in it (functions, lambdas, comprehensions)."""
    yield code
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            yield from code_objects(const)


def _library_roots() -> tuple[str, ...]:
    """Folders of library code: Python's, the installed packages', and course_utils."""
    import numpy
    import torch
    roots = {sys.prefix, sys.base_prefix, sys.exec_prefix, os.path.dirname(os.__file__),
             str(Path(numpy.__file__).parent.parent), str(Path(torch.__file__).parent.parent),
             str(Path(__file__).parent.parent)}
    return tuple(os.path.realpath(r) + os.sep for r in roots)


class TorchWatch:
    """Records calls into PyTorch made on behalf of student code.

    ``trusted`` code objects (setup cells, test cells and what they define) may call torch,
    and so may functions a test swapped in with ``checks.substituted``. Library code
    (NumPy, PyTorch, the standard library, course_utils) is transparent: the walk up the
    stack continues through it, so a student function that calls
    ``course_utils.reference`` is caught too. The first other frame is the student's: the
    call is recorded as theirs.
    """

    def __init__(self, set_profile=sys.setprofile):
        import torch
        self.torch_dir = os.path.dirname(os.path.realpath(torch.__file__)) + os.sep
        self.libraries = _library_roots()
        self.trusted: set[types.CodeType] = set()
        self.calls: list[str] = []
        self._library_files: dict[str, bool] = {}     # file name -> _is_library's answer
        self._set_profile = set_profile    # the runner's, which the audit hook lets through

    def trust(self, code: types.CodeType) -> None:
        self.trusted.update(code_objects(code))

    def start(self, test_code: types.CodeType) -> None:
        """Get ready for one test cell: trust its code, forget earlier calls."""
        self.trust(test_code)
        self.calls = []

    def on(self) -> None:
        self._set_profile(self.profile)

    def off(self) -> None:
        self._set_profile(None)

    def watched(self, func):
        """``func`` with the watch switched on while it runs (and off after). Watching only
        the student's functions keeps a test fast: the tests' own torch references run
        unwatched. The wrapper has the student's globals, so ``checks.substituted`` still
        reaches them."""
        # Aliases taken now, before student code runs: a patched TorchWatch cannot reach the wrapper.
        depth, on, off = [0], self.on, self.off

        def watched(*args, **kwargs):
            if depth[0]:
                return func(*args, **kwargs)
            depth[0] += 1
            on()
            try:
                return func(*args, **kwargs)
            finally:
                off()
                depth[0] -= 1

        wrapper = types.FunctionType(watched.__code__, func.__globals__, func.__name__,
                                     None, watched.__closure__)
        return functools.update_wrapper(wrapper, func)

    def _is_torch_builtin(self, func) -> bool:
        module = getattr(func, "__module__", None) or ""
        if module.split(".")[0] == "torch":
            return True
        owner = getattr(func, "__self__", None)
        owner_module = getattr(type(owner), "__module__", "") or ""
        objclass = getattr(func, "__objclass__", None)
        return (owner_module.split(".")[0] == "torch"
                or (getattr(objclass, "__module__", "") or "").split(".")[0] == "torch")

    def _is_library(self, filename: str) -> bool:
        """Library code: files under the library folders, and code generated with a
        pseudo file name (``<frozen importlib>``, a dataclass's ``<string>``) -- except the
        notebook's own cells (``<ipython-input-...>``). Remembered per file name: the walk
        asks about the same few files for every torch call, and resolving a path takes a
        system call per folder in it (most of a watched test's time, unremembered)."""
        known = self._library_files.get(filename)
        if known is None:
            if filename.startswith("<"):
                known = not filename.startswith("<ipython-input-")
            else:
                known = os.path.realpath(filename).startswith(self.libraries)
            if len(self._library_files) < MAX_REMEMBERED_FILES:
                self._library_files[filename] = known
        return known

    def _initiator(self, frame) -> str | None:
        """The student's frame on whose behalf a torch call is made, or None."""
        from ..checks import active_substitutes
        substitutes = {getattr(f, "__code__", None) for f in active_substitutes()}
        while frame is not None:
            code = frame.f_code
            if code in self.trusted or code in substitutes:
                return None
            if not self._is_library(code.co_filename):
                return code.co_name
            frame = frame.f_back
        return None

    def profile(self, frame, event, arg):
        if event == "c_call":
            if not self._is_torch_builtin(arg):
                return
            name, caller = getattr(arg, "__qualname__", repr(arg)), frame
        elif event == "call":
            filename = frame.f_code.co_filename
            if not filename.startswith(self.torch_dir):
                return
            back = frame.f_back
            if back is not None and back.f_code.co_filename.startswith(self.torch_dir):
                return              # a call inside torch, not into it
            name, caller = frame.f_code.co_qualname, back
        else:
            return
        student = self._initiator(caller)
        if student is not None and len(self.calls) < 20:
            call = f"{student}() called torch ({name})"
            if call not in self.calls:
                self.calls.append(call)


def borrowed_answer(name: str, value) -> str | None:
    """Why the answer ``name`` is not the student's own code, or None: a function or class
    taken from course_utils or torch (``linear_forward = reference.linear_forward``)."""
    if not callable(value):
        return None
    module = getattr(value, "__module__", None) or ""
    if module.split(".")[0] in ("course_utils", "torch"):
        qualname = getattr(value, "__qualname__", type(value).__name__)
        return f"{name} is {module}.{qualname}, not your own code"
    return None


# ------------------------------------------------------------------------ audit hook

_NETWORK, _PROGRAMS, _FORK = "use the network", "start a program", "fork the process"
_OBJECTS, _CTYPES = "inspect the grader's objects (gc)", "use ctypes"
_BLOCKED = {  # audit event -> what the code tried to do
    "socket.connect": _NETWORK, "socket.bind": _NETWORK, "socket.sendto": _NETWORK,
    "socket.getaddrinfo": _NETWORK,
    "subprocess.Popen": _PROGRAMS, "os.system": _PROGRAMS, "os.exec": _PROGRAMS,
    "os.posix_spawn": _PROGRAMS, "os.spawn": _PROGRAMS, "pty.spawn": _PROGRAMS,
    "os.fork": _FORK, "os.forkpty": _FORK,
    "gc.get_objects": _OBJECTS, "gc.get_referrers": _OBJECTS, "gc.get_referents": _OBJECTS,
    # reading or writing raw memory (loading a library is not refused: torch does it lazily)
    "ctypes.cdata": _CTYPES, "ctypes.string_at": _CTYPES, "ctypes.PyObj_FromPtr": _CTYPES,
}
_HOOK_EVENTS = ("sys.setprofile", "sys.settrace")


def _inside(path: str, roots) -> bool:
    return any(path == r or path.startswith(r.rstrip(os.sep) + os.sep) for r in roots)


def install_audit_hook(writable, protected, readable_inside_protected, attempts: list):
    """Refuse, from now on, what grading code never needs (see ``_BLOCKED``), writes
    outside ``writable`` and reads inside ``protected`` (except inside
    ``readable_inside_protected``). Every refusal is appended to ``attempts``, as what
    the code tried to do ("read /course/solutions/...", "use the network (socket.connect)").

    Returns ``allow_hooks``: a one-item list; the runner sets ``allow_hooks[0] = True``
    around its own ``sys.setprofile`` calls, which are refused otherwise.
    """
    writable = [os.path.realpath(p) for p in writable]
    protected = [os.path.realpath(p) for p in protected]
    readable = [os.path.realpath(p) for p in readable_inside_protected]
    allow_hooks = [False]
    # Aliases taken now, before student code runs: the hook keeps working if os.path is patched.
    realpath, fspath, refuse = os.path.realpath, os.fspath, PermissionError

    def note(what):
        if len(attempts) < 50 and what not in attempts:
            attempts.append(what)

    def hook(event, args):
        if event == "open":
            path, mode, flags = (list(args) + [None, None, None])[:3]
            if isinstance(path, int):
                return
            try:
                path = realpath(fspath(path if not isinstance(path, bytes) else path.decode()))
            except (TypeError, ValueError):
                return
            writing = (mode is not None and any(c in str(mode) for c in "wax+")) or \
                (mode is None and flags is not None and flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT))
            if _inside(path, protected) and not _inside(path, readable):
                note(f"{'write to' if writing else 'read'} {path}")
                raise refuse(f"grading: {path} is not accessible")
            if writing and not _inside(path, writable):
                note(f"write to {path}")
                raise refuse(f"grading: writing {path} is not allowed (only the working directory)")
        elif event in _BLOCKED:
            note(f"{_BLOCKED[event]} ({event})")
            raise refuse(f"grading: you may not {_BLOCKED[event]} while grading ({event})")
        elif event in _HOOK_EVENTS and not allow_hooks[0]:
            note(f"replace the grader's profiler ({event})")
            raise refuse("grading: the profiler and tracer belong to the grader")

    sys.addaudithook(hook)
    return allow_hooks


__all__ = ["StateGuard", "ShellHooks", "TorchWatch", "install_audit_hook", "borrowed_answer"]
