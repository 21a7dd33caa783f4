import random

import numpy as np
import pytest
import torch

import lrcourse


def test_setup_seeds_every_generator_the_same_way():
    lrcourse.setup(seed=3, verbose=False)
    first = (random.random(), np.random.rand(), torch.rand(1).item())
    lrcourse.setup(seed=3, verbose=False)
    assert (random.random(), np.random.rand(), torch.rand(1).item()) == first


def test_setup_fixes_the_thread_count():
    lrcourse.setup(threads=2, verbose=False)
    assert torch.get_num_threads() == 2
    lrcourse.setup(verbose=False)
    assert torch.get_num_threads() == 1


def test_setup_prints_versions_once(capsys):
    lrcourse.setup()
    out = capsys.readouterr().out
    assert out.count("\n") == 1
    assert torch.__version__ in out and np.__version__ in out


@pytest.mark.parametrize("kwargs", [{"seed": -1}, {"seed": 1.5}, {"threads": 0}, {"threads": True}])
def test_setup_rejects_bad_arguments(kwargs):
    name = next(iter(kwargs))
    with pytest.raises(ValueError, match=name):
        lrcourse.setup(**kwargs, verbose=False)


def test_device_can_be_forced(monkeypatch):
    monkeypatch.setenv("LRCOURSE_DEVICE", "cpu")
    assert lrcourse.device() == "cpu"


def test_unknown_attribute_is_an_attribute_error():
    with pytest.raises(AttributeError, match="no_such_module"):
        lrcourse.no_such_module  # noqa: B018
