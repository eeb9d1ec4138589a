"""Interactive demos: ipywidgets controls that redraw a matplotlib figure.

``explore(draw, **controls)`` is the one helper every notebook uses. With a live widget
frontend (JupyterLab, Binder) it shows the controls and redraws on every change. The same
output also carries the figure for the controls' initial values as a plain image, which
is what a viewer without widgets shows (a notebook executed headless, nbconvert's HTML, a
repository's notebook preview). While grading, or where ipywidgets is unavailable, it
just draws that figure once, so the notebook also runs without any frontend.
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
        None (so that a cell ending in ``explore(...)`` shows the demo once).
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
    display({**box._repr_mimebundle_(), **static_images(draw, values)}, raw=True)
    redraw()
    return None


def static_images(draw, values: dict) -> dict:
    """The figures ``draw(**values)`` makes, as a mime bundle of images (``image/png`` of
    the first, ``text/html`` with all): the fallback a viewer without widgets shows."""
    import base64
    import io

    before = set(plt.get_fignums())
    draw(**values)
    pngs = []
    for number in sorted(set(plt.get_fignums()) - before):
        buffer = io.BytesIO()
        figure = plt.figure(number)
        figure.savefig(buffer, format="png", bbox_inches="tight")
        plt.close(figure)
        pngs.append(base64.b64encode(buffer.getvalue()).decode("ascii"))
    if not pngs:
        return {}
    html = "".join(f'<img src="data:image/png;base64,{png}"/>' for png in pngs)
    return {"image/png": pngs[0], "text/html": html}
