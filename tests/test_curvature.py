"""Tests of lrcourse.curvature against torch.autograd.functional and torch.linalg.eigvalsh.

The references build the whole Hessian with ``torch.autograd.functional.hessian``
(independent of our Hessian-vector products) and take its eigenvalues with
``torch.linalg.eigvalsh``; the quadratics have eigenvalues written by hand.
"""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F

from lrcourse.curvature import full_hessian, hessian_vector_product, top_hessian_eigenvalue

D = torch.float64


def small_softmax(seed: int = 0, n: int = 40, features: int = 6, classes: int = 3):
    """Softmax regression on random data at random weights: a loss, its flat form, params."""
    gen = torch.Generator().manual_seed(seed)
    x = torch.randn(n, features, generator=gen, dtype=D)
    y = torch.randint(0, classes, (n,), generator=gen)
    W = (0.5 * torch.randn(features, classes, generator=gen, dtype=D)).requires_grad_()
    b = (0.5 * torch.randn(classes, generator=gen, dtype=D)).requires_grad_()

    def loss():
        return F.cross_entropy(x @ W + b, y)

    def flat_loss(theta):
        return F.cross_entropy(x @ theta[: features * classes].reshape(features, classes)
                               + theta[features * classes:], y)

    theta = torch.cat([W.detach().flatten(), b.detach()])
    return loss, flat_loss, theta, [W, b]


def small_tanh_net(seed: int = 0, n: int = 30, hidden: int = 5):
    """A tanh network with a squared error: a non-convex loss with negative curvature."""
    gen = torch.Generator().manual_seed(seed)
    x = torch.randn(n, 3, generator=gen, dtype=D)
    t = torch.randn(n, 1, generator=gen, dtype=D)
    shapes = [(3, hidden), (hidden,), (hidden, 1), (1,)]
    params = [(1.5 * torch.randn(*s, generator=gen, dtype=D)).requires_grad_() for s in shapes]

    def forward(W1, b1, W2, b2):
        return (((torch.tanh(x @ W1 + b1) @ W2 + b2) - t) ** 2).mean()

    def flat_loss(theta):
        parts, start = [], 0
        for s in shapes:
            size = torch.Size(s).numel()
            parts.append(theta[start:start + size].reshape(s))
            start += size
        return forward(*parts)

    theta = torch.cat([p.detach().flatten() for p in params])
    return (lambda: forward(*params)), flat_loss, theta, params


def reference_eigenvalues(flat_loss, theta):
    return torch.linalg.eigvalsh(torch.autograd.functional.hessian(flat_loss, theta))


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_top_eigenvalue_of_softmax_regression_matches_eigvalsh(seed):
    loss, flat_loss, theta, params = small_softmax(seed)
    expected = float(reference_eigenvalues(flat_loss, theta)[-1])
    got = top_hessian_eigenvalue(loss, params, iters=2000, tol=1e-12)
    assert got == pytest.approx(expected, rel=1e-8)


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_top_eigenvalue_of_a_non_convex_net_is_the_largest_not_the_largest_magnitude(seed):
    loss, flat_loss, theta, params = small_tanh_net(seed)
    eigenvalues = reference_eigenvalues(flat_loss, theta)
    got = top_hessian_eigenvalue(loss, params, iters=5000, tol=1e-12)
    assert got == pytest.approx(float(eigenvalues[-1]), rel=1e-6, abs=1e-9)


@pytest.mark.parametrize(("curvatures", "top"), [
    ([1.0, 50.0], 50.0),                 # lesson 07's ravine: the steep direction
    ([-5.0, -1.0, 2.0], 2.0),            # the steepest curvature points down
    ([-5.0, -1.0], -1.0),                # a maximum: every curvature negative
    ([0.0, 0.0, 3.0], 3.0),
])
def test_quadratics_with_eigenvalues_written_by_hand(curvatures, top):
    gen = torch.Generator().manual_seed(1)
    q, _ = torch.linalg.qr(torch.randn(len(curvatures), len(curvatures), generator=gen, dtype=D))
    A = q @ torch.diag(torch.tensor(curvatures, dtype=D)) @ q.T  # rotated: not axis-aligned
    w = torch.randn(len(curvatures), generator=gen, dtype=D).requires_grad_()
    got = top_hessian_eigenvalue(lambda: 0.5 * w @ A @ w, [w], iters=5000, tol=1e-13)
    assert got == pytest.approx(top, rel=1e-7, abs=1e-9)


def test_hessian_is_zero_for_a_linear_loss():
    w = torch.ones(3, dtype=D, requires_grad=True)
    assert top_hessian_eigenvalue(lambda: (2 * w).sum() + w[0] * 0, [w]) == 0.0


def test_hessian_vector_product_matches_torch_hvp():
    loss, flat_loss, theta, params = small_tanh_net(4)
    gen = torch.Generator().manual_seed(9)
    v = torch.randn(theta.shape, generator=gen, dtype=D)
    _, expected = torch.autograd.functional.hvp(flat_loss, theta, v)
    parts, start = [], 0
    for p in params:
        parts.append(v[start:start + p.numel()].reshape(p.shape))
        start += p.numel()
    got = torch.cat([h.flatten() for h in hessian_vector_product(loss, params, parts)])
    torch.testing.assert_close(got, expected, rtol=1e-10, atol=1e-12)


def test_full_hessian_matches_torch_hessian():
    loss, flat_loss, theta, params = small_softmax(5)
    expected = torch.autograd.functional.hessian(flat_loss, theta)
    torch.testing.assert_close(full_hessian(loss, params), expected, rtol=1e-10, atol=1e-12)


def test_parameters_and_their_grad_are_left_alone():
    loss, _, theta, params = small_softmax(0)
    before = [p.detach().clone() for p in params]
    top_hessian_eigenvalue(loss, params)
    for p, old in zip(params, before, strict=True):
        assert torch.equal(p.detach(), old)
        assert p.grad is None


def test_the_start_vector_does_not_change_the_answer():
    loss, _, _, params = small_softmax(3)
    a = top_hessian_eigenvalue(loss, params, iters=2000, tol=1e-12, seed=0)
    b = top_hessian_eigenvalue(loss, params, iters=2000, tol=1e-12, seed=7)
    assert a == pytest.approx(b, rel=1e-8)
    assert top_hessian_eigenvalue(loss, params, seed=3) == top_hessian_eigenvalue(loss, params, seed=3)


def test_a_model_in_float32_works_too():
    torch.manual_seed(0)
    net = torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.Tanh(), torch.nn.Linear(3, 2)).float()
    x, y = torch.randn(20, 4), torch.randint(0, 2, (20,))
    got = top_hessian_eigenvalue(lambda: F.cross_entropy(net(x), y), list(net.parameters()),
                                 iters=3000, tol=1e-7)
    net64 = net.double()
    theta = torch.cat([p.detach().flatten() for p in net64.parameters()])
    shapes = [p.shape for p in net64.parameters()]

    def flat_loss(t):
        parts, start = [], 0
        for s in shapes:
            parts.append(t[start:start + s.numel()].reshape(s))
            start += s.numel()
        h = torch.tanh(x.double() @ parts[0].T + parts[1])
        return F.cross_entropy(h @ parts[2].T + parts[3], y)

    assert got == pytest.approx(float(reference_eigenvalues(flat_loss, theta)[-1]), rel=1e-3)


# ----------------------------------------------------------------------------------
# Bad input
# ----------------------------------------------------------------------------------


def test_bad_arguments_name_themselves():
    w = torch.ones(2, dtype=D, requires_grad=True)
    good = lambda: (w**2).sum()  # noqa: E731
    with pytest.raises(ValueError, match="params must hold at least one tensor"):
        top_hessian_eigenvalue(good, [])
    with pytest.raises(ValueError, match=r"params\[0\] must be a floating-point tensor"):
        top_hessian_eigenvalue(good, [torch.ones(2)])
    with pytest.raises(ValueError, match="params must be a list of tensors"):
        top_hessian_eigenvalue(good, 3)
    with pytest.raises(ValueError, match="loss_fn must be a function"):
        top_hessian_eigenvalue(0.5, [w])
    with pytest.raises(ValueError, match="loss_fn must return a tensor holding one float"):
        top_hessian_eigenvalue(lambda: w**2, [w])
    with pytest.raises(ValueError, match="loss_fn must return a finite loss"):
        top_hessian_eigenvalue(lambda: (w * float("nan")).sum(), [w])
    with pytest.raises(ValueError, match="iters must be an integer >= 1"):
        top_hessian_eigenvalue(good, [w], iters=0)
    with pytest.raises(ValueError, match="tol must be a finite number > 0"):
        top_hessian_eigenvalue(good, [w], tol=0.0)
    with pytest.raises(ValueError, match="seed must be an integer"):
        top_hessian_eigenvalue(good, [w], seed=-1)
    with pytest.raises(ValueError, match="vector must hold one tensor per parameter"):
        hessian_vector_product(good, [w], [torch.ones(3)])
    big = torch.ones(20_001, dtype=D, requires_grad=True)
    with pytest.raises(ValueError, match="at most 20,000 weights"):
        full_hessian(lambda: (big**2).sum(), [big])
