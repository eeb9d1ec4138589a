"""Interactive demos: ipywidgets controls that redraw a matplotlib figure.

``explore(draw, **controls)`` is the one helper every notebook uses. With a live widget
frontend (JupyterLab, Binder) it shows the controls and redraws on every change; while
grading, or where ipywidgets is unavailable, it draws the figure once with the controls'
initial values, as a plain static figure, so the notebook also runs headless.
"""

from __future__ import annotations

import os

import matplotlib.pyplot as plt

from .runtime import is_grading


def _static() -> bool:
    if is_grading() or os.environ.get("COURSE_STATIC_WIDGETS"):
        return True
    try:
        import ipywidgets  # noqa: F401
        from IPython import get_ipython
    except ImportError:
        return True
    return get_ipython() is None or not hasattr(get_ipython(), "kernel")


def explore(draw, **controls):
    """Show ``draw(**values)`` with one control per keyword argument.

    Args:
        draw: a function of the control values that draws one matplotlib figure
            (it creates its own figure; it need not call ``plt.show()``).
        **controls: name -> an ipywidgets control (``IntSlider``, ``Dropdown``, ...);
            the name is the keyword ``draw`` receives.

    Returns:
        the ipywidgets container (interactive mode) or None (static mode).
    """
    if not callable(draw):
        raise TypeError("explore: draw must be a function that draws a figure")
    if not controls:
        raise ValueError("explore: give at least one control, e.g. depth=IntSlider(...)")
    for name, control in controls.items():
        if not hasattr(control, "value"):
            raise TypeError(f"explore: control {name!r} must be an ipywidgets control "
                            f"with a .value, got {type(control).__name__}")
    values = {name: control.value for name, control in controls.items()}
    if _static():
        draw(**values)
        plt.show()
        return None

    import ipywidgets
    from IPython.display import display

    out = ipywidgets.Output()

    def redraw(_=None):
        with out:
            out.clear_output(wait=True)
            draw(**{name: c.value for name, c in controls.items()})
            plt.show()

    for control in controls.values():
        control.observe(redraw, names="value")
    box = ipywidgets.VBox([ipywidgets.HBox(list(controls.values())), out])
    display(box)
    redraw()
    return box
