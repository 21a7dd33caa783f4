"""Tests of what lesson 03 adds to lrcourse.lessons.backprop: its figures and the numbers it derives.

The published numbers of the worked example are tested in test_backprop.py; here are
the intermediate factors the lesson prints on the way to dE/dw5 and dE/dw1 (the
values the well-known worked example shows), checked by hand arithmetic, and the
product along the sigmoid's path.
"""

from __future__ import annotations

import math

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from lrcourse.lessons import backprop as bp  # noqa: E402
from lrcourse.plots import backprop as bpp  # noqa: E402


def test_sigmoid_path_product_is_a_quarter_by_hand():
    chain = bp.sigmoid_chain(1.0, 0.0, 0.0)
    # g = exp(0) + 1 = 2, so df/dg = -1/4; de/dd = exp(0) = 1; dd/dc = -1; da/dw = x = 1
    factors = [chain.df_dg, chain.dg_de, chain.de_dd, chain.dd_dc, chain.dc_da, chain.da_dw]
    assert factors == [-0.25, 1.0, 1.0, -1.0, 1.0, 1.0]
    assert math.prod(factors) == 0.25 == chain.df_dw
    assert math.prod(factors[:-2] + [chain.dc_db]) == 0.25 == chain.df_db
    # the sigmoid's own derivative f (1 - f) gives the same number in one step
    assert chain.f * (1 - chain.f) == 0.25


def test_factors_of_the_output_weight_w5():
    fwd, grads = bp.forward(), bp.backward()
    assert round(grads.dE_dout_o1, 8) == 0.74136507  # out_o1 - target_o1
    assert round(grads.dout_o1_dnet_o1, 9) == 0.186815602  # out_o1 (1 - out_o1)
    assert grads.dnet_o1_dw5 == fwd.out_h1
    assert round(grads.delta_o1, 9) == 0.138498562
    assert math.prod(v for _, v in grads.chain("w5")) == pytest.approx(grads.dE_dw5, rel=1e-15)


def test_factors_of_the_hidden_weight_w1():
    grads = bp.backward()
    assert round(grads.dEo1_dout_h1, 9) == 0.055399425  # delta_o1 * w5
    # delta_o2 * w7 = (0.772928465 - 0.99) * 0.772928465 * 0.227071535 * 0.5; worked with
    # rounded intermediates, as on paper, this shows as -0.019049119 in the last digit
    assert round(grads.dEo2_dout_h1, 9) == -0.019049118
    on_paper = round((0.772928465 - 0.99) * 0.772928465 * (1 - 0.772928465), 9) * 0.5
    assert round(on_paper, 9) == -0.019049119
    assert round(grads.dE_dout_h1, 9) == 0.036350306  # the two paths added
    assert round(grads.dout_h1_dnet_h1, 9) == 0.241300709
    by_hand = 0.036350306 * 0.241300709 * 0.05
    assert by_hand == pytest.approx(grads.dE_dw1, rel=1e-7)
    assert round(grads.dE_dw1, 9) == 0.000438568


def test_error_after_one_update_is_lower():
    new = bp.update(bp.TinyNetwork(), bp.backward(), lr=0.5)
    assert round(bp.forward(new).E_total, 9) == 0.291027774
    assert bp.train(1) == [bp.forward().E_total, bp.forward(new).E_total]


def test_figures_have_titles_labels_and_legends():
    chain = bp.sigmoid_chain(1.0, 0.0, 0.0)
    fig, axes = plt.subplots(1, 3)
    bpp.plot_sigmoid_graph(chain, axes[0])
    bpp.plot_network(bp.TinyNetwork(), bp.forward(), bp.backward(), axes[1])
    bpp.plot_training_error(bp.train(20), axes[2], lr=0.5)
    for ax in axes:
        assert ax.get_title() and ax.get_xlabel() and ax.get_legend() is not None
    texts = [t.get_text() for t in axes[0].texts]
    assert "∂f/∂w = 0.25" in texts and "∂f/∂b = 0.25" in texts and "0.5" in texts
    net_texts = " ".join(t.get_text() for t in axes[1].texts)
    assert "w5 = 0.4" in net_texts and "0.7514" in net_texts and "∂E/∂w5 = 0.0822" in net_texts
    assert axes[2].get_yscale() == "log" and len(axes[2].lines[0].get_xdata()) == 21
    plt.close(fig)


def test_network_figure_without_values_shows_only_weights():
    fig, ax = plt.subplots()
    bpp.plot_network(bp.TinyNetwork(), ax=ax)
    texts = " ".join(t.get_text() for t in ax.texts)
    assert "w8 = 0.55" in texts and "∂E" not in texts and "target" not in texts
    plt.close(fig)


def test_training_plot_rejects_too_short_histories():
    with pytest.raises(ValueError, match="^errors must"):
        bpp.plot_training_error([0.3])


def test_training_figure_reports_the_published_run():
    from matplotlib.figure import Figure

    from lrcourse.widgets import backprop as bpw

    before = plt.get_fignums()
    fig, text = bpw.training_figure(0.5, 10_000)
    assert isinstance(fig, Figure) and plt.get_fignums() == before  # not pyplot
    assert text == "lr = 0.5, biases fixed: E_total 0.298371 → 3.51019e-05 after 10,000 updates"
    ax = fig.axes[0]
    assert ax.get_title() and ax.get_xlabel() and ax.get_ylabel() and ax.get_legend()
    trained = bpw.training_figure(0.5, 200, update_biases=True)[1]
    assert "biases trained" in trained
    assert float(trained.split("→ ")[1].split()[0]) == pytest.approx(
        bp.train(200, update_biases=True)[-1], rel=1e-5)


def test_training_explorer_redraws_when_a_control_moves():
    from lrcourse.widgets import backprop as bpw

    panel = bpw.training_explorer(lr=0.5, steps=100)
    assert "after 100 updates" in panel.message.value and "biases fixed" in panel.message.value
    panel.controls["update_biases"].value = True
    assert "biases trained" in panel.message.value
    panel.controls["steps"].value = 300
    assert "after 300 updates" in panel.message.value
    assert len(panel.output.outputs) == 1 and repr(panel).startswith("<lrcourse widget:")
