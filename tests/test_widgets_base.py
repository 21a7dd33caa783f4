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
