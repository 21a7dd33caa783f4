"""Tests of lrcourse.lessons.backprop against the published worked example and torch autograd."""

from __future__ import annotations

import math

import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from lrcourse.exercises import backprop as ex
from lrcourse.lessons import backprop as bp

# ----------------------------------------------------------------------------------
# Helpers
# ----------------------------------------------------------------------------------


def assert_published(ours: float, published: str) -> None:
    """``ours`` rounds to ``published`` at the number of decimals the article shows.

    The article prints most values with 9 decimals and a few with 8 (out_o1 =
    0.75136507 and w5 = 0.35891648 are 0.751365070 and 0.358916480 with the trailing
    zero dropped; w2, w3, w4 are shown with 8 decimals). All of them are rounded,
    not truncated: out_o1, E_total, dE/dw5, w5, dE/dw1 and w4 would differ in the
    last digit if they had been truncated. So the tolerance is half a unit in
    the last decimal shown (plus a hair for the decimal-to-binary conversion).
    """
    decimals = len(published.split(".")[1])
    tolerance = 0.5 * 10.0**-decimals * (1 + 1e-9)
    assert abs(ours - float(published)) <= tolerance, (ours, published)


def torch_chain(x: float, w: float, b: float) -> dict[str, float]:
    """f = 1 / (exp(-(w*x + b)) + 1) in torch float64; df/d(node) for every node."""
    leaves = {k: torch.tensor(v, dtype=torch.float64, requires_grad=True) for k, v in
              {"x": x, "w": w, "b": b}.items()}  # fmt: skip
    nodes = {}
    nodes["a"] = leaves["w"] * leaves["x"]
    nodes["c"] = nodes["a"] + leaves["b"]
    nodes["d"] = -nodes["c"]
    nodes["e"] = torch.exp(nodes["d"])
    nodes["g"] = nodes["e"] + 1
    nodes["f"] = 1 / nodes["g"]
    for node in nodes.values():
        node.retain_grad()
    nodes["f"].backward()
    out = {f"grad_{k}": t.grad.item() for k, t in {**leaves, **nodes}.items()}
    out.update({k: t.item() for k, t in nodes.items()})
    return out


def torch_net(net: bp.TinyNetwork, train_biases: bool = False):
    """The 2-2-2 network as torch float64 tensors: W1 (2x2), W2 (2x2), b1, b2."""
    d = net.as_dict()
    W1 = torch.tensor([[d["w1"], d["w2"]], [d["w3"], d["w4"]]], dtype=torch.float64)
    W2 = torch.tensor([[d["w5"], d["w6"]], [d["w7"], d["w8"]]], dtype=torch.float64)
    b1 = torch.tensor(d["b1"], dtype=torch.float64)
    b2 = torch.tensor(d["b2"], dtype=torch.float64)
    for t in (W1, W2) + ((b1, b2) if train_biases else ()):
        t.requires_grad_(True)
    return W1, W2, b1, b2


def torch_error(W1, W2, b1, b2, inputs, targets) -> torch.Tensor:
    i = torch.tensor(inputs, dtype=torch.float64)
    t = torch.tensor(targets, dtype=torch.float64)
    out_h = torch.sigmoid(W1 @ i + b1)
    out_o = torch.sigmoid(W2 @ out_h + b2)
    return 0.5 * ((t - out_o) ** 2).sum()


def torch_grads(net: bp.TinyNetwork, inputs=bp.INPUTS, targets=bp.TARGETS) -> dict[str, float]:
    W1, W2, b1, b2 = torch_net(net, train_biases=True)
    torch_error(W1, W2, b1, b2, inputs, targets).backward()
    g1, g2 = W1.grad.flatten().tolist(), W2.grad.flatten().tolist()
    names = [f"w{k}" for k in range(1, 9)]
    return {**dict(zip(names, g1 + g2, strict=True)), "b1": b1.grad.item(), "b2": b2.grad.item()}


finite = st.floats(-3.0, 3.0, allow_nan=False)
unit = st.floats(0.0, 1.0, allow_nan=False)
networks = st.builds(bp.TinyNetwork, *([finite] * 10))


# ----------------------------------------------------------------------------------
# 1. The sigmoid chain
# ----------------------------------------------------------------------------------


def test_sigmoid_chain_reproduces_the_lesson_numbers():
    chain = bp.sigmoid_chain(1.0, 0.0, 0.0)
    assert chain.f == 0.5
    assert chain.df_dw == 0.25
    assert chain.df_db == 0.25
    # by hand: g = exp(0) + 1 = 2, df/dg = -1/4, then times 1, exp(0) = 1, -1, 1, x = 1
    assert (chain.g, chain.df_dg, chain.grad_d, chain.grad_c) == (2.0, -0.25, -0.25, 0.25)


def test_sigmoid_chain_matches_autograd_at_every_node_of_the_worked_point():
    chain = bp.sigmoid_chain(1.0, 0.0, 0.0)
    for key, value in torch_chain(1.0, 0.0, 0.0).items():
        assert getattr(chain, key) == pytest.approx(value, rel=1e-15, abs=1e-15), key


@given(x=finite, w=finite, b=finite)
def test_sigmoid_chain_matches_autograd_on_random_inputs(x, w, b):
    chain = bp.sigmoid_chain(x, w, b)
    for key, value in torch_chain(x, w, b).items():
        assert getattr(chain, key) == pytest.approx(value, rel=1e-12, abs=1e-14), key
    # the composite is the sigmoid, whose derivative is f (1 - f)
    assert chain.f == pytest.approx(1 / (1 + math.exp(-(w * x + b))), rel=1e-14)
    assert chain.df_db == pytest.approx(chain.f * (1 - chain.f), rel=1e-10, abs=1e-15)


def test_sigmoid_chain_rows_multiply_down_the_chain():
    rows = {row.name: row for row in bp.sigmoid_chain(0.7, -1.3, 0.4).rows()}
    assert [r for r in rows] == ["x", "w", "b", "a", "c", "d", "e", "g", "f"]
    assert rows["f"].gradient == 1.0
    # each node's gradient is its consumer's gradient times the consumer's local derivative
    for node, consumer in [("g", "f"), ("e", "g"), ("d", "e"), ("c", "d"), ("a", "c"), ("w", "a")]:
        expected = rows[consumer].gradient * rows[consumer].local
        assert rows[node].gradient == pytest.approx(expected, rel=1e-15)
    assert rows["a"].value == pytest.approx(-1.3 * 0.7)
    assert rows["x"].local is None and rows["x"].local_name == ""


def test_sigmoid_chain_table_lists_every_node_backward():
    text = bp.sigmoid_chain(1.0, 0.0, 0.0).table(digits=2)
    lines = text.splitlines()
    assert len(lines) == 2 + 9
    assert lines[2].split()[0] == "f" and lines[-1].split()[0] == "x"
    assert "-0.25" in lines[2] and "-0.00" not in text


@pytest.mark.parametrize("arg", ["x", "w", "b"])
@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf, "1", None, True])
def test_sigmoid_chain_rejects_non_finite_input(arg, bad):
    kwargs = {"x": 1.0, "w": 0.0, "b": 0.0, arg: bad}
    with pytest.raises(ValueError, match=f"^{arg} must be a finite number"):
        bp.sigmoid_chain(**kwargs)


def test_sigmoid_chain_rejects_overflowing_exponent_and_bad_digits():
    with pytest.raises(ValueError, match="w \\* x \\+ b"):
        bp.sigmoid_chain(1.0, -800.0, 0.0)
    with pytest.raises(ValueError, match="digits"):
        bp.sigmoid_chain(1.0, 0.0, 0.0).table(digits=-1)


# ----------------------------------------------------------------------------------
# 2. The 2-2-2 network: the published numbers
# ----------------------------------------------------------------------------------


def test_tiny_network_defaults_are_the_worked_example():
    net = bp.TinyNetwork()
    assert [net.w1, net.w2, net.w3, net.w4] == [0.15, 0.20, 0.25, 0.30]
    assert [net.w5, net.w6, net.w7, net.w8] == [0.40, 0.45, 0.50, 0.55]
    assert (net.b1, net.b2) == (0.35, 0.60)
    assert bp.INPUTS == (0.05, 0.10) and bp.TARGETS == (0.01, 0.99)


def test_forward_reproduces_the_published_values():
    fwd = bp.forward()
    assert_published(fwd.out_h1, "0.593269992")
    assert_published(fwd.out_h2, "0.596884378")
    assert_published(fwd.out_o1, "0.75136507")
    assert_published(fwd.out_o2, "0.772928465")
    assert_published(fwd.E_total, "0.298371109")
    # by hand: net_h1 = 0.15 * 0.05 + 0.2 * 0.1 + 0.35
    assert fwd.net_h1 == pytest.approx(0.3775, abs=1e-15)
    assert fwd.E_total == fwd.E_o1 + fwd.E_o2


def test_backward_reproduces_the_published_gradients():
    grads = bp.backward()
    assert_published(grads.dE_dw5, "0.082167041")
    assert_published(grads.dE_dw1, "0.000438568")
    # the factors the worked example prints along the way
    assert_published(grads.dE_dout_o1, "0.74136507")
    assert_published(grads.dout_o1_dnet_o1, "0.186815602")
    assert_published(grads.dE_dout_h1, "0.036350306")
    assert_published(grads.dout_h1_dnet_h1, "0.241300709")
    assert math.prod(v for _, v in grads.chain("w5")) == pytest.approx(grads.dE_dw5, rel=1e-15)
    assert math.prod(v for _, v in grads.chain("w1")) == pytest.approx(grads.dE_dw1, rel=1e-15)


def test_one_update_reproduces_the_published_weights():
    new = bp.update(bp.TinyNetwork(), bp.backward(), lr=0.5)
    published = {
        "w5": "0.35891648",
        "w6": "0.408666186",
        "w7": "0.511301270",
        "w8": "0.561370121",
        "w1": "0.149780716",
        "w2": "0.19956143",
        "w3": "0.24975114",
        "w4": "0.29950229",
    }
    for name, value in published.items():
        assert_published(getattr(new, name), value)
    assert (new.b1, new.b2) == (0.35, 0.60)  # biases untouched, as in the example


def test_update_biases_option_steps_the_biases_too():
    grads = bp.backward()
    new = bp.update(bp.TinyNetwork(), grads, lr=0.5, update_biases=True)
    assert new.b1 == 0.35 - 0.5 * (grads.delta_h1 + grads.delta_h2)
    assert new.b2 == 0.60 - 0.5 * (grads.delta_o1 + grads.delta_o2)
    assert new.w5 == bp.update(bp.TinyNetwork(), grads, lr=0.5).w5


def test_assert_published_rejects_a_value_off_in_the_last_digit():
    with pytest.raises(AssertionError):
        assert_published(bp.forward().out_h1 + 1e-9, "0.593269992")


# ----------------------------------------------------------------------------------
# 2. The 2-2-2 network against autograd
# ----------------------------------------------------------------------------------


def test_backward_matches_autograd_on_the_worked_network():
    ours = bp.backward().as_dict()
    theirs = torch_grads(bp.TinyNetwork())
    for name in ours:
        assert ours[name] == pytest.approx(theirs[name], rel=1e-13, abs=1e-17), name


@given(net=networks, i1=finite, i2=finite, t1=unit, t2=unit)
def test_backward_matches_autograd_on_random_networks(net, i1, i2, t1, t2):
    ours = bp.backward(net, (i1, i2), (t1, t2)).as_dict()
    theirs = torch_grads(net, (i1, i2), (t1, t2))
    W1, W2, b1, b2 = torch_net(net)
    E = torch_error(W1, W2, b1, b2, (i1, i2), (t1, t2)).item()
    assert bp.forward(net, (i1, i2), (t1, t2)).E_total == pytest.approx(E, rel=1e-13, abs=1e-300)
    for name in ours:
        assert ours[name] == pytest.approx(theirs[name], rel=1e-10, abs=1e-15), name


def test_ten_thousand_steps_reach_the_published_error_and_match_torch_sgd():
    errors = bp.train(10_000, lr=0.5)
    assert len(errors) == 10_001
    assert_published(errors[0], "0.298371109")
    assert 3.0e-5 <= errors[-1] <= 4.0e-5
    # the article's 0.0000351085 is the error its 10,000th forward pass sees,
    # before that step's update
    assert_published(errors[9_999], "0.0000351085")

    W1, W2, b1, b2 = torch_net(bp.TinyNetwork())  # biases frozen
    opt = torch.optim.SGD([W1, W2], lr=0.5)
    torch_errors = []
    for _ in range(10_000):
        opt.zero_grad()
        loss = torch_error(W1, W2, b1, b2, bp.INPUTS, bp.TARGETS)
        torch_errors.append(loss.item())
        loss.backward()
        opt.step()
    torch_errors.append(torch_error(W1, W2, b1, b2, bp.INPUTS, bp.TARGETS).item())
    assert errors[-1] == pytest.approx(torch_errors[-1], rel=1e-9)
    for k in (0, 1, 10, 100, 1000, 5000):
        assert errors[k] == pytest.approx(torch_errors[k], rel=1e-11), k


def test_training_with_biases_matches_torch_sgd_on_all_parameters():
    net, errors = bp.train_network(50, lr=0.5, update_biases=True)
    params = torch_net(bp.TinyNetwork(), train_biases=True)
    opt = torch.optim.SGD(params, lr=0.5)
    for _ in range(50):
        opt.zero_grad()
        torch_error(*params, bp.INPUTS, bp.TARGETS).backward()
        opt.step()
    W1, W2, b1, b2 = params
    assert [net.w1, net.w2, net.w3, net.w4] == pytest.approx(W1.flatten().tolist(), rel=1e-12)
    assert [net.w5, net.w6, net.w7, net.w8] == pytest.approx(W2.flatten().tolist(), rel=1e-12)
    assert (net.b1, net.b2) == pytest.approx((b1.item(), b2.item()), rel=1e-12)
    assert errors[-1] < bp.train(50)[-1]  # training the biases too helps here


def test_train_zero_steps_and_zero_lr_leave_the_error_unchanged():
    assert bp.train(0) == [bp.forward().E_total]
    assert bp.train(3, lr=0.0) == [bp.forward().E_total] * 4


# ----------------------------------------------------------------------------------
# Bad input
# ----------------------------------------------------------------------------------


@pytest.mark.parametrize("field", ["w1", "w8", "b2"])
@pytest.mark.parametrize("bad", [math.nan, math.inf, "0.1"])
def test_tiny_network_rejects_non_finite_weights(field, bad):
    with pytest.raises(ValueError, match=f"^{field} must be a finite number"):
        bp.TinyNetwork(**{field: bad})


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        ({"inputs": (0.05, math.nan)}, "inputs"),
        ({"inputs": (0.05,)}, "inputs"),
        ({"targets": (math.inf, 0.99)}, "targets"),
        ({"targets": "ab"}, "targets"),
        ({"net": {"w1": 0.15}}, "net"),
    ],
)
def test_forward_and_backward_reject_bad_arguments(kwargs, name):
    for function in (bp.forward, bp.backward):
        with pytest.raises(ValueError, match=rf"^{name}(\[[01]\])? must be"):
            function(**kwargs)


@pytest.mark.parametrize(("steps", "lr", "name"), [(-1, 0.5, "steps"), (1.5, 0.5, "steps"),
                         (True, 0.5, "steps"), (10, -0.1, "lr"), (10, math.nan, "lr"),
                         (10, math.inf, "lr")])  # fmt: skip
def test_train_rejects_bad_steps_and_lr(steps, lr, name):
    with pytest.raises(ValueError, match=f"^{name} must be"):
        bp.train(steps, lr=lr)


def test_update_rejects_bad_lr_and_grads():
    with pytest.raises(ValueError, match="^lr must be"):
        bp.update(bp.TinyNetwork(), bp.backward(), lr=-0.5)
    with pytest.raises(ValueError, match="^grads must be"):
        bp.update(bp.TinyNetwork(), {"w1": 0.1})
    with pytest.raises(ValueError, match="^name must be"):
        bp.backward().chain("b1")


# ----------------------------------------------------------------------------------
# The exercise checkers
# ----------------------------------------------------------------------------------


def test_reference_solutions_equal_the_module_values():
    fwd, net = bp.forward(), bp.TinyNetwork()
    assert ex.solution_dE_dw7(fwd) == pytest.approx(bp.backward().dE_dw7, rel=1e-15)
    assert ex.solution_dE_dw2(fwd, net) == pytest.approx(bp.backward().dE_dw2, rel=1e-15)
    # dnet_h1/dw2 = i2 = 2 * i1, so dE/dw2 is exactly twice the published dE/dw1
    assert ex.solution_dE_dw2(fwd, net) == pytest.approx(2 * 0.000438568, rel=1e-6)


def test_checkers_accept_the_right_answers(capsys):
    assert ex.check_dE_dw7(ex.solution_dE_dw7) is True
    assert ex.check_dE_dw2(ex.solution_dE_dw2) is True
    assert capsys.readouterr().out.count("✅") == 2


def _delta(f, k):
    out, target = getattr(f, f"out_o{k}"), getattr(f, f"target_o{k}")
    return (out - target) * out * (1 - out)


WRONG_DW7 = {
    "sigmoid's derivative": lambda f: (f.out_o2 - f.target_o2) * f.out_h1,
    "the sign": lambda f: (f.target_o2 - f.out_o2) * f.out_o2 * (1 - f.out_o2) * f.out_h1,
    "out_h1, not out_h2": lambda f: _delta(f, 2) * f.out_h2,
    "not o1": lambda f: _delta(f, 1) * f.out_h1,
    "multiply by dnet_o2/dw7": lambda f: _delta(f, 2),
}

WRONG_DW2 = {
    "both outputs": lambda f, n: _delta(f, 1) * n.w5 * f.out_h1 * (1 - f.out_h1) * f.i2,
    "only the path through o2": lambda f, n: _delta(f, 2) * n.w7 * f.out_h1 * (1 - f.out_h1) * f.i2,
    "sigmoid derivative": lambda f, n: (_delta(f, 1) * n.w5 + _delta(f, 2) * n.w7) * f.i2,
    "i2, not i1": lambda f, n: ex.solution_dE_dw2(f, n) / f.i2 * f.i1,
}


@pytest.mark.parametrize("hint", list(WRONG_DW7))
def test_check_dE_dw7_rejects_a_missing_factor_and_names_it(capsys, hint):
    assert ex.check_dE_dw7(WRONG_DW7[hint]) is False
    out = capsys.readouterr().out
    assert "❌" in out and hint in out


@pytest.mark.parametrize("hint", list(WRONG_DW2))
def test_check_dE_dw2_rejects_a_missing_factor_and_names_it(capsys, hint):
    assert ex.check_dE_dw2(WRONG_DW2[hint]) is False
    out = capsys.readouterr().out
    assert "❌" in out and hint in out


def test_checkers_catch_an_answer_right_only_on_the_worked_network(capsys):
    worked = bp.backward().dE_dw7
    assert ex.check_dE_dw7(lambda f: worked) is False
    assert "random network 1" in capsys.readouterr().out


def test_checkers_say_a_stub_is_not_done(capsys):
    def stub(fwd, net): ...

    assert ex.check_dE_dw2(stub) is False
    assert "not done yet" in capsys.readouterr().out
