"""Tests of lrcourse.optim against torch.optim, the course's published numbers and hand arithmetic."""

from __future__ import annotations

import io
import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import event, given
from hypothesis import strategies as st

from lrcourse import optim
from lrcourse.lessons.two_steps import weight_trace

OURS = {
    "SGD": optim.SGD,
    "Adagrad": optim.Adagrad,
    "RMSprop": optim.RMSprop,
    "Adadelta": optim.Adadelta,
    "Adam": optim.Adam,
    "AdamW": optim.AdamW,
}
STEPS = 50

# ----------------------------------------------------------------------------------
# The test problem: a non-quadratic loss on a scalar, a vector and a matrix
# ----------------------------------------------------------------------------------

_gen = torch.Generator().manual_seed(1234)
SHAPES = [(), (5,), (3, 4)]
COEFFS = [torch.randn(s, generator=_gen, dtype=torch.float64) * 2 for s in SHAPES]
STARTS = [torch.randn(s, generator=_gen, dtype=torch.float64) for s in SHAPES]


def _loss(params: list[torch.Tensor]) -> torch.Tensor:
    """sum of log(1 + exp(a * w)) + 0.1 * w^4 over all weights."""
    return sum((F.softplus(a * w) + 0.1 * w**4).sum() for a, w in zip(COEFFS, params, strict=True))


def _run(make, steps: int = STEPS, group2: dict | None = None, *, starts=None, forced=None,
         use_closure: bool = True):
    """Build fresh parameters, two groups (scalar+vector, matrix), and take `steps` steps.

    `forced[t]`, when given, overwrites the weights before step t + 1 (the optimizer's
    state is left alone). Returns the parameters, the optimizer, the losses step()
    returned and the weights after every step.
    """
    params = [w.clone().requires_grad_(True) for w in (starts or STARTS)]
    groups = [{"params": params[:2]}, {"params": params[2:], **(group2 or {})}]
    opt = make(groups)
    returned, trajectory = [], []

    def closure():
        opt.zero_grad()
        loss = _loss(params)
        loss.backward()
        return loss

    for t in range(steps):
        if forced is not None:
            with torch.no_grad():
                for w, v in zip(params, forced[t], strict=True):
                    w.copy_(v)
        if use_closure:
            returned.append(opt.step(closure))
        else:
            closure()
            returned.append(opt.step())
        trajectory.append([w.detach().clone() for w in params])
    return params, opt, returned, trajectory


def _close(a: list[torch.Tensor], b: list[torch.Tensor], rtol: float = 1e-10) -> bool:
    return all(torch.allclose(x, y, rtol=rtol, atol=1e-12) for x, y in zip(a, b, strict=True))


def _same_state(our_opt, ours, their_opt, theirs, steps: int) -> bool:
    """The state, under the same key names, agrees too (and so do the step counts)."""
    for w, v in zip(ours, theirs, strict=True):
        for key, value in their_opt.state[v].items():
            if key == "step":
                assert our_opt.state[w]["step"] == int(value) == steps
            elif not _close([our_opt.state[w][key]], [value]):
                return False
    return True


def _assert_same_run(name: str, hyper: dict, group2: dict | None = None,
                     steps: int = STEPS) -> str:
    """`steps` steps of ours and of torch.optim from the same start give the same weights.

    The free-running trajectories, states and losses must agree to rtol 1e-10. Some
    settings amplify rounding (an update close to lr * sign(g) near a minimum does, and
    then a one-ulp difference in the weights grows step after step), so when the free
    runs part, ours is fed the reference's weights before every step instead and each
    of its steps must land on the reference's next weights to rtol 1e-10, its state
    (built from its own updates) agreeing too. Returns "free" or "forced", the check used.
    """
    def ours_make(g):
        return OURS[name](g, **hyper)

    def theirs_make(g):
        return getattr(torch.optim, name)(g, foreach=False, **hyper)

    ours, our_opt, our_losses, _ = _run(ours_make, steps, group2)
    theirs, their_opt, their_losses, their_path = _run(theirs_make, steps, group2)
    assert all(torch.isfinite(v).all() for v in theirs), "the reference diverged"
    if (_close(ours, theirs) and _same_state(our_opt, ours, their_opt, theirs, steps)
            and _close(our_losses, their_losses)):
        return "free"
    forced = [STARTS, *their_path[:-1]]
    ours, our_opt, our_losses, our_path = _run(ours_make, steps, group2, forced=forced)
    for t, (a, b) in enumerate(zip(our_path, their_path, strict=True)):
        assert _close(a, b), f"step {t + 1} differs from torch.optim from the same weights"
    assert _same_state(our_opt, ours, their_opt, theirs, steps)
    assert _close(our_losses, their_losses)
    return "forced"


# ----------------------------------------------------------------------------------
# Many random settings: ours == torch.optim (single-tensor path), 50 steps, float64
# ----------------------------------------------------------------------------------

small_wd = st.one_of(st.just(0.0), st.floats(0.0, 0.1))
eps_values = st.sampled_from([1e-10, 1e-8, 1e-6, 1e-3, 0.1])


@st.composite
def sgd_settings(draw):
    nesterov = draw(st.booleans())
    momentum = draw(st.floats(0.05, 0.99) if nesterov else st.one_of(st.just(0.0),
                                                                    st.floats(0.0, 0.99)))
    dampening = 0.0 if nesterov else draw(st.one_of(st.just(0.0), st.floats(0.0, 1.0)))
    return dict(lr=draw(st.floats(1e-3, 0.1)), momentum=momentum, dampening=dampening,
                weight_decay=draw(small_wd), nesterov=nesterov)


@given(hyper=sgd_settings(), lr2=st.floats(1e-3, 0.1))
def test_sgd_matches_torch(hyper, lr2):
    event(_assert_same_run("SGD", hyper, group2={"lr": lr2}))


@given(lr=st.floats(1e-3, 0.5), lr_decay=st.one_of(st.just(0.0), st.floats(0, 0.2)),
       weight_decay=small_wd, initial_accumulator_value=st.floats(0.0, 1.0), eps=eps_values,
       wd2=small_wd)
def test_adagrad_matches_torch(lr, lr_decay, weight_decay, initial_accumulator_value, eps, wd2):
    hyper = dict(lr=lr, lr_decay=lr_decay, weight_decay=weight_decay,
                 initial_accumulator_value=initial_accumulator_value, eps=eps)
    event(_assert_same_run("Adagrad", hyper, group2={"weight_decay": wd2}))


@given(lr=st.floats(1e-4, 0.02), alpha=st.floats(0.5, 0.999), eps=eps_values,
       weight_decay=small_wd, momentum=st.one_of(st.just(0.0), st.floats(0.0, 0.9)),
       centered=st.booleans(), lr2=st.floats(1e-4, 0.02))
def test_rmsprop_matches_torch(lr, alpha, eps, weight_decay, momentum, centered, lr2):
    hyper = dict(lr=lr, alpha=alpha, eps=eps, weight_decay=weight_decay, momentum=momentum,
                 centered=centered)
    event(_assert_same_run("RMSprop", hyper, group2={"lr": lr2}))


@given(lr=st.floats(0.05, 2.0), rho=st.floats(0.0, 0.99), eps=st.sampled_from([1e-8, 1e-6, 1e-3]),
       weight_decay=small_wd)
def test_adadelta_matches_torch(lr, rho, eps, weight_decay):
    hyper = dict(lr=lr, rho=rho, eps=eps, weight_decay=weight_decay)
    event(_assert_same_run("Adadelta", hyper, group2={"lr": lr / 2}))


adam_settings = dict(lr=st.floats(1e-4, 0.1), beta1=st.floats(0.0, 0.99),
                     beta2=st.floats(0.5, 0.9999), eps=eps_values, amsgrad=st.booleans())


@given(weight_decay=small_wd, lr2=st.floats(1e-4, 0.1), **adam_settings)
def test_adam_matches_torch(lr, beta1, beta2, eps, weight_decay, amsgrad, lr2):
    hyper = dict(lr=lr, betas=(beta1, beta2), eps=eps, weight_decay=weight_decay,
                 amsgrad=amsgrad)
    event(_assert_same_run("Adam", hyper, group2={"lr": lr2}))


@given(weight_decay=st.floats(0.0, 0.5), wd2=st.floats(0.0, 0.5), **adam_settings)
def test_adamw_matches_torch(lr, beta1, beta2, eps, weight_decay, amsgrad, wd2):
    hyper = dict(lr=lr, betas=(beta1, beta2), eps=eps, weight_decay=weight_decay,
                 amsgrad=amsgrad)
    event(_assert_same_run("AdamW", hyper, group2={"weight_decay": wd2}))


@pytest.mark.parametrize("name", list(OURS))
def test_defaults_match_torch(name):
    ours = OURS[name]([torch.zeros(1, requires_grad=True)]).defaults
    theirs = getattr(torch.optim, name)([torch.zeros(1, requires_grad=True)]).defaults
    for key, value in ours.items():
        if key != "decoupled_weight_decay" or name == "Adam":
            assert theirs[key] == value, key
    _assert_same_run(name, {}, steps=10)  # the default settings themselves


@pytest.mark.parametrize("name", list(OURS))
def test_maximize_matches_torch(name):
    hyper = {"lr": 0.01, "maximize": True}
    _assert_same_run(name, hyper, steps=5)


# ----------------------------------------------------------------------------------
# The course's numbers (gradient descent and optimizer lessons): loss w^2 / 2 from w = 1, float32
# ----------------------------------------------------------------------------------

def _trace(make, steps=2, w0=1.0):
    """(g_t, w_t) for each step on w^2/2, whose gradient g_t is the weight w_{t-1}."""
    ws = weight_trace(make, steps, w0)
    return list(zip(ws[:-1], ws[1:], strict=True))


# (our optimizer, hyper-parameters, published [(g_1, w_1), (g_2, w_2)])
PUBLISHED = {
    "sgd_momentum": ("SGD", dict(lr=0.01, momentum=0.9), [(1.0, 0.99), (0.99, 0.9711)]),
    "adagrad": ("Adagrad", dict(lr=0.01), [(1.0, 0.99), (0.99, 0.98296458)]),
    "rmsprop": ("RMSprop", dict(lr=0.01, alpha=0.9), [(1.0, 0.96837723), (0.96837723, 0.94578803)]),
    "adam": ("Adam", dict(lr=0.01, betas=(0.9, 0.99)), [(1.0, 0.99), (0.99, 0.98000252)]),
}


@pytest.mark.parametrize("case", list(PUBLISHED))
def test_two_steps_reproduce_published_numbers(case):
    name, hyper, published = PUBLISHED[case]
    ours = _trace(lambda p: OURS[name](p, **hyper))
    theirs = _trace(lambda p: getattr(torch.optim, name)(p, **hyper))
    assert len(ours) == 2
    for (g, w), (g_ref, w_ref), (g_pub, w_pub) in zip(ours, theirs, published, strict=True):
        # the published values have 8 decimals; float32 has a spacing of 6e-8 near 1
        assert g == pytest.approx(g_pub, abs=1e-7) and w == pytest.approx(w_pub, abs=1e-7)
        assert g == pytest.approx(g_ref, abs=1.2e-7) and w == pytest.approx(w_ref, abs=1.2e-7)


def test_two_steps_match_hand_arithmetic():
    """The same four examples, by hand in double precision (g = w for this loss)."""
    # SGD momentum 0.9: v_1 = g_1 = 1; v_2 = 0.9 * 1 + 0.99
    sgd = [1 - 0.01 * 1, 0.99 - 0.01 * (0.9 * 1 + 0.99)]
    # AdaGrad: s_1 = 1, s_2 = 1 + 0.99^2
    adagrad = [1 - 0.01 / (1 + 1e-10), 0.99 - 0.01 * 0.99 / (math.sqrt(1 + 0.99**2) + 1e-10)]
    # RMSProp alpha 0.9: v_1 = 0.1, v_2 = 0.9 * 0.1 + 0.1 * w_1^2
    r1 = 1 - 0.01 / (math.sqrt(0.1) + 1e-8)
    rmsprop = [r1, r1 - 0.01 * r1 / (math.sqrt(0.09 + 0.1 * r1**2) + 1e-8)]
    # Adam (0.9, 0.99): m_2 = 0.09 + 0.1 * 0.99, v_2 = 0.0099 + 0.01 * 0.99^2
    m2, v2 = 0.09 + 0.1 * 0.99, 0.0099 + 0.01 * 0.99**2
    adam = [1 - 0.01 * 1 / (1 + 1e-8),
            0.99 - 0.01 * (m2 / (1 - 0.9**2)) / (math.sqrt(v2 / (1 - 0.99**2)) + 1e-8)]
    for case, hand in zip(PUBLISHED, [sgd, adagrad, rmsprop, adam], strict=True):
        name, hyper, published = PUBLISHED[case]
        ours = _trace(lambda p, name=name, hyper=hyper: OURS[name](p, **hyper))
        assert [w for _, w in ours] == pytest.approx(hand, abs=1.2e-7), case
        # the published values are float32 results printed with 8 decimals
        assert [w for _, w in published] == pytest.approx(hand, abs=1.2e-7), case


def test_plain_sgd_one_liner_gives_0_9():
    """The one-liner of the gradient-descent lesson: SGD(lr=0.1) on w^2/2 from w = 1: w = 1 - 0.1 * 1."""
    [(g, w)] = _trace(lambda p: optim.SGD(p, lr=0.1), steps=1)
    assert g == 1.0
    assert w == pytest.approx(0.9, abs=1e-7)
    assert w == _trace(lambda p: torch.optim.SGD(p, lr=0.1), steps=1)[0][1]


def test_sgd_at_rate_one_half_halves_w_from_any_start():
    trace = _trace(lambda p: optim.SGD(p, lr=0.5), steps=4, w0=-2.0)
    # plain SGD on w^2/2 halves w each step at lr 0.5
    assert trace == [(-2.0, -1.0), (-1.0, -0.5), (-0.5, -0.25), (-0.25, -0.125)]


# ----------------------------------------------------------------------------------
# Details where the optimizers differ, by hand on the scalar loss w^2 / 2 (g = w)
# ----------------------------------------------------------------------------------


def _weights(make, steps: int, w0: float = 1.0) -> list[float]:
    """Weights after each step on w^2 / 2, in float64."""
    w = torch.tensor(w0, dtype=torch.float64, requires_grad=True)
    opt = make([w])
    out = []
    for _ in range(steps):
        opt.zero_grad()
        (w * w / 2).backward()
        opt.step()
        out.append(w.item())
    return out


def test_sgd_first_buffer_is_undampened_and_nesterov_looks_ahead():
    mu, tau, lr = 0.9, 0.5, 0.1
    w1 = 1 - lr * 1  # v_1 = g_1, dampening ignored
    w2 = w1 - lr * (mu * 1 + (1 - tau) * w1)
    assert _weights(lambda p: optim.SGD(p, lr=lr, momentum=mu, dampening=tau), 2) == \
        pytest.approx([w1, w2], rel=1e-15)
    n1 = 1 - lr * (1 + mu * 1)  # d_1 = g_1 + mu * v_1 with v_1 = g_1
    v2 = mu * 1 + n1
    n2 = n1 - lr * (n1 + mu * v2)
    assert _weights(lambda p: optim.SGD(p, lr=lr, momentum=mu, nesterov=True), 2) == \
        pytest.approx([n1, n2], rel=1e-15)


def test_weight_decay_l2_versus_decoupled():
    """With a zero gradient, AdamW shrinks w by exactly 1 - lr*lambda; Adam's L2 moves it ~lr."""
    lr, lam = 0.1, 0.2
    adam_l2 = 1 - lr * 0.2 / (0.2 + 1e-8)  # g = lambda * w = 0.2, hat m = g, sqrt(hat v) = |g|
    for cls, expected in [(optim.AdamW, 1 - lr * lam), (optim.Adam, adam_l2)]:
        w = torch.tensor([1.0], dtype=torch.float64, requires_grad=True)
        opt = cls([w], lr=lr, weight_decay=lam)
        w.grad = torch.zeros_like(w)
        opt.step()
        assert w.item() == pytest.approx(expected, rel=1e-12), cls.__name__
    # SGD's L2: g = 0 + lambda * w
    w = torch.tensor([1.0], dtype=torch.float64, requires_grad=True)
    opt = optim.SGD([w], lr=lr, weight_decay=lam)
    w.grad = torch.zeros_like(w)
    opt.step()
    assert w.item() == pytest.approx(1 - lr * lam, rel=1e-15)


def test_adam_eps_is_added_after_the_bias_corrected_root():
    eps, lr = 1.0, 0.1  # a large eps makes the placement visible
    # step 1: hat m = g = 1, sqrt(hat v) = 1, so the step is lr / (1 + eps), whatever the betas
    assert _weights(lambda p: optim.Adam(p, lr=lr, eps=eps), 1) == pytest.approx([1 - lr / 2])


def test_amsgrad_keeps_the_largest_second_moment():
    w = torch.tensor([1.0], dtype=torch.float64, requires_grad=True)
    opt = optim.Adam([w], lr=0.01, betas=(0.0, 0.5), amsgrad=True)
    for g in [4.0, 0.0, 0.0]:
        w.grad = torch.tensor([g], dtype=torch.float64)
        opt.step()
    # v_t = 8, 4, 2 while the kept maximum stays at 8
    assert opt.state[w]["exp_avg_sq"].item() == 2.0
    assert opt.state[w]["max_exp_avg_sq"].item() == 8.0


def test_adagrad_decayed_rate_and_initial_sum_by_hand():
    lr, decay, s0, eps = 0.1, 0.5, 2.0, 1e-10
    w, s, expected = 1.0, s0, []
    for t in (1, 2, 3):
        g = w
        s += g * g
        w -= lr / (1 + (t - 1) * decay) * g / (math.sqrt(s) + eps)
        expected.append(w)
    ours = _weights(lambda p: optim.Adagrad(p, lr=lr, lr_decay=decay,
                                            initial_accumulator_value=s0), 3)
    assert ours == pytest.approx(expected, rel=1e-14)


def test_rmsprop_centered_and_momentum_first_step_by_hand():
    lr, alpha, mu = 0.01, 0.9, 0.5
    v1, gbar1 = (1 - alpha) * 1, (1 - alpha) * 1
    r1 = math.sqrt(v1 - gbar1**2) + 1e-8  # = sqrt(0.09): the centered root
    w1 = 1 - lr * 1 / r1  # b_1 = mu * 0 + g_1 / r_1: the buffer starts at zero
    got = _weights(lambda p: optim.RMSprop(p, lr=lr, alpha=alpha, momentum=mu, centered=True), 1)
    assert got == pytest.approx([w1], rel=1e-14)


def test_adadelta_eps_inside_the_roots_by_hand():
    rho, eps, lr = 0.9, 1e-6, 1.0
    delta1 = math.sqrt(0 + eps) / math.sqrt((1 - rho) * 1 + eps) * 1
    w1 = 1 - lr * delta1
    u1 = (1 - rho) * delta1**2
    delta2 = math.sqrt(u1 + eps) / math.sqrt(rho * (1 - rho) + (1 - rho) * w1**2 + eps) * w1
    got = _weights(lambda p: optim.Adadelta(p), 2)
    assert got == pytest.approx([w1, w1 - lr * delta2], rel=1e-13)


# ----------------------------------------------------------------------------------
# The course's momentum form
# ----------------------------------------------------------------------------------


@given(beta=st.floats(0.0, 0.99), lr=st.floats(1e-3, 0.1))
def test_ema_momentum_equals_sgd_with_dampening_equal_to_momentum(beta, lr):
    ours, _, _, _ = _run(lambda g: optim.EMAMomentum(g, lr=lr, beta=beta), steps=100)
    theirs, _, _, _ = _run(lambda g: torch.optim.SGD(g, lr=lr, momentum=beta, dampening=beta,
                                                  foreach=False), steps=100)
    for w, v in zip(ours, theirs, strict=True):
        torch.testing.assert_close(w, v, rtol=1e-12, atol=1e-14)


def test_ema_momentum_equals_the_hand_recursion():
    beta, lr = 0.9, 0.05
    w, s, expected = 1.0, None, []
    for _ in range(30):
        g = w
        s = g if s is None else beta * s + (1 - beta) * g
        w -= lr * s
        expected.append(w)
    assert _weights(lambda p: optim.EMAMomentum(p, lr=lr, beta=beta), 30) == \
        pytest.approx(expected, rel=1e-14)
    # and it is not PyTorch's default momentum (no dampening), which sums instead
    plain = _weights(lambda p: optim.SGD(p, lr=lr, momentum=beta), 30)
    assert abs(plain[1] - expected[1]) > 1e-3


# ----------------------------------------------------------------------------------
# Closure, parameters without gradients, state_dict
# ----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(OURS))
def test_step_returns_closure_loss_and_skips_params_without_grad(name):
    w = torch.tensor([1.0, -2.0], requires_grad=True)
    frozen = torch.tensor([3.0], requires_grad=True)
    opt = OURS[name]([w, frozen], lr=0.1)

    def closure():
        opt.zero_grad()
        loss = (w**2).sum()
        loss.backward()
        return loss

    with torch.no_grad():  # the closure still gets gradients, as in torch.optim
        loss = opt.step(closure)
    assert loss.item() == 5.0
    assert opt.step() is None
    assert frozen.item() == 3.0 and len(opt.state[frozen]) == 0
    assert opt.state[w]["step"] == 2


STATEFUL = {
    "SGD": dict(lr=0.05, momentum=0.9, nesterov=True, weight_decay=0.01),
    "Adagrad": dict(lr=0.1, lr_decay=0.05, initial_accumulator_value=0.1),
    "RMSprop": dict(lr=0.01, momentum=0.5, centered=True),
    "Adadelta": dict(lr=1.0, rho=0.8),
    "Adam": dict(lr=0.05, amsgrad=True),
    "AdamW": dict(lr=0.05, weight_decay=0.1),
}


def _continued(make_first, make_second, steps: int = 10):
    """Run `steps` steps, save the state to bytes, reload it into a fresh optimizer, go on."""
    params, opt, _, _ = _run(make_first, steps=steps)
    buffer = io.BytesIO()
    torch.save({"weights": [w.detach() for w in params], "opt": opt.state_dict()}, buffer)
    buffer.seek(0)
    saved = torch.load(buffer, weights_only=True)
    fresh = [w.clone().requires_grad_(True) for w in saved["weights"]]
    opt2 = make_second([{"params": fresh[:2]}, {"params": fresh[2:]}])
    opt2.load_state_dict(saved["opt"])
    for _ in range(steps):
        opt2.zero_grad()
        _loss(fresh).backward()
        opt2.step()
    return fresh


@pytest.mark.parametrize("name", list(OURS))
def test_state_dict_round_trip_continues_exactly(name):
    def make(groups):
        return OURS[name](groups, **STATEFUL[name])

    resumed = _continued(make, make)
    straight, _, _, _ = _run(make, steps=20)
    for w, v in zip(resumed, straight, strict=True):
        assert torch.equal(w.detach(), v.detach())


@pytest.mark.parametrize("name", list(OURS))
def test_state_dict_moves_between_ours_and_torch(name):
    def ours(groups):
        return OURS[name](groups, **STATEFUL[name])

    def theirs(groups):
        return getattr(torch.optim, name)(groups, foreach=False, **STATEFUL[name])

    straight, _, _, _ = _run(theirs, steps=20)
    for first, second in [(theirs, ours), (ours, theirs)]:
        resumed = _continued(first, second)
        for w, v in zip(resumed, straight, strict=True):
            torch.testing.assert_close(w, v, rtol=1e-10, atol=1e-12)


# ----------------------------------------------------------------------------------
# Bad input
# ----------------------------------------------------------------------------------

NAN, INF = float("nan"), float("inf")
BAD = [
    ("SGD", dict(lr=-0.1), "lr"),
    ("SGD", dict(lr=NAN), "lr"),
    ("SGD", dict(lr=INF), "lr"),
    ("SGD", dict(momentum=-0.1), "momentum"),
    ("SGD", dict(momentum=1.0), "momentum"),
    ("SGD", dict(dampening=1.5), "dampening"),
    ("SGD", dict(weight_decay=-1e-4), "weight_decay"),
    ("SGD", dict(nesterov=True), "nesterov"),
    ("SGD", dict(nesterov=True, momentum=0.9, dampening=0.1), "nesterov"),
    ("Adagrad", dict(lr=-1.0), "lr"),
    ("Adagrad", dict(lr_decay=-0.1), "lr_decay"),
    ("Adagrad", dict(weight_decay=-0.1), "weight_decay"),
    ("Adagrad", dict(initial_accumulator_value=-0.1), "initial_accumulator_value"),
    ("Adagrad", dict(eps=-1e-10), "eps"),
    ("RMSprop", dict(lr=NAN), "lr"),
    ("RMSprop", dict(alpha=1.0), "alpha"),
    ("RMSprop", dict(alpha=-0.5), "alpha"),
    ("RMSprop", dict(eps=-1e-8), "eps"),
    ("RMSprop", dict(weight_decay=-0.1), "weight_decay"),
    ("RMSprop", dict(momentum=-0.1), "momentum"),
    ("Adadelta", dict(lr=-1.0), "lr"),
    ("Adadelta", dict(rho=1.0), "rho"),
    ("Adadelta", dict(rho=NAN), "rho"),
    ("Adadelta", dict(eps=-1e-6), "eps"),
    ("Adadelta", dict(weight_decay=-0.1), "weight_decay"),
    ("Adam", dict(lr=-1e-3), "lr"),
    ("Adam", dict(betas=(1.0, 0.999)), r"betas\[0\]"),
    ("Adam", dict(betas=(0.9, -0.1)), r"betas\[1\]"),
    ("Adam", dict(betas=(0.9,)), "betas"),
    ("Adam", dict(eps=-1e-8), "eps"),
    ("Adam", dict(weight_decay=-0.1), "weight_decay"),
    ("AdamW", dict(lr=NAN), "lr"),
    ("AdamW", dict(betas=(0.9, 1.5)), r"betas\[1\]"),
    ("AdamW", dict(eps=-1.0), "eps"),
    ("AdamW", dict(weight_decay=-0.01), "weight_decay"),
]


@pytest.mark.parametrize(("name", "hyper", "arg"), BAD)
def test_bad_hyper_parameters_raise(name, hyper, arg):
    w = torch.zeros(1, requires_grad=True)
    with pytest.raises(ValueError, match=arg) as info:
        OURS[name]([w], **hyper)
    value = next(iter(hyper.values())) if len(hyper) == 1 else hyper["nesterov"]
    shown = value if isinstance(value, tuple) else (value,)  # betas: the offending entry
    assert any(repr(v) in str(info.value) for v in shown), "the message must show the value"
    # the same value in a parameter group is caught too
    if "nesterov" not in hyper:
        with pytest.raises(ValueError, match=arg):
            OURS[name]([{"params": [w], **hyper}])


@pytest.mark.parametrize(("hyper", "arg"), [(dict(lr=-0.1), "lr"), (dict(lr=0.1, beta=1.0), "beta"),
                                             (dict(lr=0.1, beta=-0.1), "beta")])
def test_ema_momentum_bad_input(hyper, arg):
    with pytest.raises(ValueError, match=arg):
        optim.EMAMomentum([torch.zeros(1, requires_grad=True)], **hyper)


@pytest.mark.parametrize("lr", [np.float32(0.5), np.array(0.5), torch.tensor(0.5)])
def test_numpy_and_0d_tensor_rates_step_like_a_float(lr):
    ours, ref = torch.ones(2, requires_grad=True), torch.ones(2, requires_grad=True)
    opt = optim.Adam([ours], lr=lr, betas=(np.float64(0.9), torch.tensor(0.99)))
    torch_opt = torch.optim.Adam([ref], lr=0.5, betas=(0.9, 0.99))
    for w, o in ((ours, opt), (ref, torch_opt)):
        (w**2).sum().backward()
        o.step()
    assert opt.param_groups[0]["lr"] == 0.5 and type(opt.param_groups[0]["lr"]) is float
    torch.testing.assert_close(ours, ref)


@pytest.mark.parametrize(("name", "flag"), [("SGD", "maximize"), ("SGD", "nesterov"),
                                            ("RMSprop", "centered"), ("Adam", "amsgrad")])
def test_switches_must_be_true_or_false(name, flag):
    w = torch.zeros(1, requires_grad=True)
    with pytest.raises(ValueError, match=rf"^{flag} must be True or False, got 'yes'$"):
        OURS[name]([w], lr=0.1, **{flag: "yes"})


def test_a_param_group_that_is_not_a_dict_is_refused():
    opt = optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1)
    with pytest.raises(ValueError, match=r"^param_group must be a dict, got list \["):
        opt.add_param_group([torch.zeros(1, requires_grad=True)])
