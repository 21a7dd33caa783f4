import ipywidgets as W
import pytest
from matplotlib.figure import Figure

from lrcourse.widgets import Panel


def _figure(lr):
    fig = Figure()
    fig.add_subplot().plot([0, 1], [0, lr])
    return fig, f"lr = {lr}"


def test_panel_redraws_when_a_control_changes():
    slider = W.FloatSlider(value=0.1, min=0.0, max=1.0, description="lr")
    panel = Panel("demo", [slider], _figure)
    assert panel.message.value == "lr = 0.1"
    slider.value = 0.5
    assert panel.message.value == "lr = 0.5"
    assert len(panel.output.outputs) == 1


def test_panel_has_a_stable_text_form():
    panel = Panel("demo", [W.FloatSlider(value=0.1, description="lr")], _figure)
    assert repr(panel) == "<lrcourse widget: demo>"


def test_panel_rejects_mismatched_names():
    with pytest.raises(ValueError, match="names"):
        Panel("demo", [W.FloatSlider(description="lr")], _figure, names=["a", "b"])
    with pytest.raises(ValueError, match="controls"):
        Panel("demo", [], _figure)


# --- starting values outside a control's range are refused, not clamped --------------

import re  # noqa: E402

import numpy as np  # noqa: E402

from lrcourse.widgets._base import checkbox, dropdown, slider  # noqa: E402
from lrcourse.widgets.backprop import training_explorer  # noqa: E402
from lrcourse.widgets.cyclical import clr_explorer  # noqa: E402
from lrcourse.widgets.decay import schedule_designer  # noqa: E402
from lrcourse.widgets.descent import descent_explorer, first_step_widget  # noqa: E402
from lrcourse.widgets.surfaces import optimizer_race  # noqa: E402
from lrcourse.widgets.temperatures import beta_explorer  # noqa: E402
from lrcourse.widgets.two_steps import first_steps_explorer  # noqa: E402
from lrcourse.widgets.variants import batch_size_explorer  # noqa: E402

# (builder, argument, bad value, what the message must say it allows)
OUT_OF_RANGE = [
    (training_explorer, "lr", 20.0, "[0.01, 10]"),
    (training_explorer, "lr", 0.001, "[0.01, 10]"),
    (training_explorer, "steps", 50, "[100, 20000]"),
    (training_explorer, "steps", 10**6, "[100, 20000]"),
    (training_explorer, "update_biases", "yes", "True or False"),
    (clr_explorer, "base_lr", 2.0, "[1e-06, 1]"),
    (clr_explorer, "max_lr", float("nan"), "[1e-06, 1]"),
    (clr_explorer, "step_size", 0, "[10, 400]"),
    (clr_explorer, "mode", "cosine", "('triangular', 'triangular2', 'exp_range')"),
    (descent_explorer, "lr", 0.5, "[0, 0.3]"),
    (descent_explorer, "lr", -0.1, "[0, 0.3]"),
    (descent_explorer, "steps", 31, "[1, 30]"),
    (descent_explorer, "steps", 2.5, "[1, 30]"),
    (first_step_widget, "lr", 3.0, "[0, 2.5]"),
    (beta_explorer, "beta", 0.995, "[0, 0.99]"),
    (beta_explorer, "bias_correction", 1, "True or False"),
    (first_steps_explorer, "optimizer", "adam", "one of ("),
    (first_steps_explorer, "lr", 2.0, "[0.001, 1]"),
    (first_steps_explorer, "beta", 1.0, "[0, 0.999]"),
    (first_steps_explorer, "steps", 0, "[1, 100]"),
    (optimizer_race, "surface", "bowl", "one of ("),
    (optimizer_race, "optimizer", "Lion", "one of ("),
    (optimizer_race, "steps", 5000, "[10, 2000]"),
    (schedule_designer, "schedule", "cyclic", "one of ('step', 'multistep'"),
    (batch_size_explorer, "batch_size", 33, "one of (1, "),
    (batch_size_explorer, "lr", 5.0, "[0.001, 3.16228]"),
    (batch_size_explorer, "epochs", 21, "[1, 20]"),
]


@pytest.mark.parametrize(("build", "name", "value", "allowed"), OUT_OF_RANGE)
def test_explorers_refuse_values_outside_their_controls(build, name, value, allowed):
    with pytest.raises(ValueError) as info:
        build(**{name: value})
    message = str(info.value)
    assert message.startswith(f"{name} must be ") and allowed in message, message
    assert message.endswith(f"got {value!r}")


@pytest.mark.parametrize(
    ("build", "kwargs"),
    [(descent_explorer, dict(lr=np.float64(0.3), steps=np.int64(30))),
     (clr_explorer, dict(base_lr=1e-6, max_lr=1.0, step_size=400))],
)
def test_explorers_take_the_ends_of_their_ranges_and_numpy_numbers(build, kwargs):
    panel = build(**kwargs)
    for name, value in kwargs.items():
        assert panel.controls[name].value == pytest.approx(float(value))


def test_control_helpers_check_before_building():
    log = slider(W.FloatLogSlider, "lr", 1e-2, base=10, min=-2, max=1)
    assert log.value == pytest.approx(1e-2)
    with pytest.raises(ValueError, match=re.escape("lr must be a number in [0.01, 10], got 11")):
        slider(W.FloatLogSlider, "lr", 11, base=10, min=-2, max=1)
    with pytest.raises(ValueError, match=re.escape("k must be one of ('a', 'b'), got 'c'")):
        dropdown("k", "c", ["a", "b"])
    with pytest.raises(ValueError, match="^flag must be True or False, got None$"):
        checkbox("flag", None)
