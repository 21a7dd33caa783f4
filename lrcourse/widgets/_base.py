"""Building blocks shared by the course's widgets.

Every widget of the course follows one pattern, so that its logic can be tested
without a browser and its stored output stays identical run after run:

1. a pure *update* function turns the controls' values into a matplotlib
   ``Figure`` (built with ``matplotlib.figure.Figure``, never ``pyplot``, so no
   stray copy of the figure is shown when the cell ends) and, where useful, a
   line of text;
2. :class:`Panel` lays the controls and an ``Output`` area out and calls the
   update function whenever a control changes, writing with
   ``Output.append_display_data`` (printing inside ``with output:`` would be
   recorded differently when the notebook is executed again);
3. the panel's text form is a fixed one-line description, so what a notebook
   stores for it does not depend on the figure's bytes.

The controls are made with :func:`slider`, :func:`dropdown` and :func:`checkbox`,
which check the starting value first: an ipywidgets slider silently clamps a value
outside its range, and a drop-down fails with a trait error that does not list
its options.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import ipywidgets as W
from matplotlib.figure import Figure

from lrcourse._checks import (
    check_bool,
    check_choice,
    check_int,
    check_length,
    check_nonempty,
    check_range,
)


class Panel(W.VBox):
    """Controls above an output area that redraws when any control changes.

    Args:
        title: one line naming the widget, also its text form.
        controls: the ipywidgets whose ``value`` feeds ``update``; each needs a
            ``description`` unless given a name in ``names``.
        update: called as ``update(**values)``; returns a ``Figure``, or a
            ``(Figure, str)`` pair whose text is shown under the figure.
        names: keyword names for the controls, in the same order; by default
            their ``description`` lower-cased.
    """

    def __init__(
        self,
        title: str,
        controls: Sequence[W.ValueWidget],
        update: Callable[..., Any],
        names: Sequence[str] | None = None,
    ) -> None:
        check_nonempty("controls", controls, "widget")
        names = list(names) if names is not None else [c.description.lower() for c in controls]
        check_length("names", names, len(controls), "control")
        self.title = title
        self.controls = dict(zip(names, controls, strict=True))
        self.update_function = update
        self.output = W.Output()
        self.message = W.HTML()
        super().__init__([W.HTML(f"<b>{title}</b>"), *controls, self.output, self.message])
        for control in controls:
            control.observe(self._on_change, names="value")
        self.refresh()

    def values(self) -> dict[str, Any]:
        """The controls' current values, by keyword name."""
        return {name: control.value for name, control in self.controls.items()}

    def refresh(self) -> Any:
        """Call the update function with the current values and show its result."""
        result = self.update_function(**self.values())
        figure, text = result if isinstance(result, tuple) else (result, "")
        self.output.outputs = ()
        if isinstance(figure, Figure):
            self.output.append_display_data(figure)
        self.message.value = text
        return result

    def _on_change(self, _change: dict) -> None:
        self.refresh()

    def __repr__(self) -> str:
        return f"<lrcourse widget: {self.title}>"


def slider(cls: type, name: str, value: Any, **kw: Any) -> W.ValueWidget:
    """A slider of class ``cls`` (``IntSlider``, ``FloatSlider``, ``FloatLogSlider``)
    starting at ``value``, which must lie in the slider's range.

    ``min`` and ``max`` are ipywidgets' own: exponents of ``base`` for a log slider,
    so ``FloatLogSlider`` with ``min=-2, max=1`` takes values in [0.01, 10].
    """
    if cls is W.FloatLogSlider:
        base = kw.get("base", 10)
        low, high = base ** kw["min"], base ** kw["max"]
    else:
        low, high = kw["min"], kw["max"]
    if cls is W.IntSlider:
        value = check_int(name, value, low, high)
    else:
        value = check_range(name, value, low, high)
    return cls(value=value, **kw)


def dropdown(name: str, value: Any, options: Sequence[Any], **kw: Any) -> W.Dropdown:
    """A drop-down over ``options`` starting at ``value``, which must be one of them."""
    return W.Dropdown(options=list(options), value=check_choice(name, value, options), **kw)


def checkbox(name: str, value: Any, **kw: Any) -> W.Checkbox:
    """A check box starting at ``value``, which must be True or False."""
    return W.Checkbox(value=check_bool(name, value), **kw)
