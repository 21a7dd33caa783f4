import numpy as np
import pytest
import torch

from lrcourse.models import count_parameters, digits_cnn, digits_mlp, digits_resnet


@pytest.mark.parametrize("build", [digits_cnn, digits_mlp, digits_resnet])
def test_models_map_digit_images_to_ten_logits(build):
    out = build(seed=0)(torch.zeros(5, 1, 8, 8))
    assert out.shape == (5, 10)


def test_cnn_has_about_3400_weights_and_grows_with_width():
    assert count_parameters(digits_cnn()) == 80 + 1168 + 1820 + 290
    sizes = [count_parameters(digits_cnn(width=w)) for w in (1, 2, 4, 10)]
    assert sizes == sorted(sizes) and sizes[-1] > 50 * sizes[0]


def test_seed_fixes_the_initial_weights():
    a, b = digits_cnn(seed=1), digits_cnn(seed=1)
    assert all(torch.equal(p, q) for p, q in zip(a.parameters(), b.parameters(), strict=True))
    c = digits_cnn(seed=2)
    assert not torch.equal(next(a.parameters()), next(c.parameters()))


@pytest.mark.parametrize(
    "call, name",
    [
        (lambda: digits_cnn(width=0), "width"),
        (lambda: digits_mlp(depth=0), "depth"),
        (lambda: digits_resnet(channels=-2), "channels"),
        (lambda: digits_cnn(seed=-1), "seed"),
    ],
)
def test_models_reject_bad_sizes(call, name):
    with pytest.raises(ValueError, match=name):
        call()


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: digits_cnn(width=1e6), r"^width must be a number in \(0, 100\], got 1000000.0$"),
        (lambda: digits_cnn(width=True), r"^width must be a number in \(0, 100\], got True$"),
        (lambda: digits_mlp(hidden=10**9), r"^hidden must be an integer in \[1, 10000\], got "),
        (lambda: digits_resnet(blocks=2.0), r"^blocks must be an integer in \[1, 1000\], got 2.0$"),
        (lambda: digits_mlp(seed=2**64), r"^seed must be an integer in \[0, 2\*\*64 - 1\], got "),
    ],
)
def test_models_refuse_sizes_no_lesson_could_train_before_allocating(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_models_take_numpy_sizes_and_seeds():
    a = digits_mlp(hidden=np.int64(16), depth=np.array(2), seed=np.uint8(3))
    b = digits_mlp(hidden=16, depth=2, seed=3)
    assert all(torch.equal(p, q) for p, q in zip(a.parameters(), b.parameters(), strict=True))
