"""Tests of the warmup lesson's code: lrcourse.lessons.warmup and its exercises, against
torch schedulers, the source article's loop and hand arithmetic."""

from __future__ import annotations

import math

import pytest
from torch.optim import lr_scheduler as L

from lrcourse import schedules as S
from lrcourse.exercises import warmup as EW


def test_linear_warmup_checker(capsys):
    assert EW.check_linear_warmup(EW.solution_linear_warmup)
    assert EW.check_linear_warmup(
        lambda t, lr, w: S.linear_warmup_lr(t, base_lr=lr, warmup_steps=w))
    assert not EW.check_linear_warmup(lambda t, lr, w: ...)
    assert "not done yet" in capsys.readouterr().out
    assert not EW.check_linear_warmup(lambda t, lr, w: min(1.0, (t + 1) / w) * lr)
    assert "step + 1" in capsys.readouterr().out
    assert not EW.check_linear_warmup(lambda t, lr, w: t / w * lr)
    assert "stays at init_lr" in capsys.readouterr().out



def test_linear_lr_300_prediction(capsys):
    torch_rates = S.torch_schedule_values(lambda o: L.LinearLR(o, start_factor=0.2, total_iters=500),
                                          301, lr=0.05)
    assert torch_rates[300] == pytest.approx(EW.solution_linear_lr_300, rel=1e-9)
    assert EW.check_linear_lr_300(torch_rates[300])
    assert "✅" in capsys.readouterr().out
    assert not EW.check_linear_lr_300(...)
    assert "not done yet" in capsys.readouterr().out
    goyal = S.linear_warmup_lr(300, base_lr=0.05, warmup_steps=500)
    for wrong, hint in [(goyal, "not at 0"), (0.04, "not by 1"), (0.05, "not over yet"),
                        (torch_rates[0], "step 0 only"), (0.68, "multiplies the base rate"),
                        (torch_rates[300] + 0.05 * 0.8 / 500, "not 301"),
                        (0.02, "straight line")]:
        assert not EW.check_linear_lr_300(wrong)
        out = capsys.readouterr().out
        assert "❌" in out and hint in out, (wrong, out)



def test_article_gradual_warmup_replays_the_articles_loop():
    from lrcourse.lessons.warmup import article_gradual_warmup

    rates = article_gradual_warmup(15000, 2500, 0.1)
    assert len(rates) == 15000
    assert rates[0] == 0.0 and math.isclose(rates[1250], 0.05) and math.isclose(rates[2499], 0.09996)
    # after the warmup: lr_t = lr_2499 ** (1.0001 ** (t - 2499)), by hand
    for t in (2500, 5000, 14999):
        assert math.isclose(rates[t], 0.09996 ** (1.0001 ** (t - 2499)), rel_tol=1e-9)
    assert f"{rates[-1]:.3g}" == "0.000323"
    with pytest.raises(ValueError, match="init_lr"):
        article_gradual_warmup(init_lr=1.0)
    with pytest.raises(ValueError, match="max_steps"):
        article_gradual_warmup(max_steps=0)



def test_warmup_cosine_equals_lambda_times_cosine_in_torch():
    from lrcourse.lessons.warmup import warmup_cosine_lr

    ours = S.schedule_values(warmup_cosine_lr, 360, base_lr=0.03, warmup_steps=100,
                             total_steps=360)
    ref = S.torch_schedule_values(
        lambda o: L.LambdaLR(o, lambda t: min(1.0, t / 100)
                             * (1 + math.cos(math.pi * t / 360)) / 2), 360, lr=0.03)
    for a, b in zip(ours, ref, strict=True):
        assert math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-15)
    plain = S.schedule_values(warmup_cosine_lr, 360, base_lr=0.03, warmup_steps=0,
                              total_steps=360)
    assert plain == S.schedule_values(S.cosine_lr, 360, base_lr=0.03, total_steps=360)
    with pytest.raises(ValueError, match="warmup_steps"):
        warmup_cosine_lr(0, 0.1, -1, 10)



def test_warmup_experiment_runs_a_short_reproducible_training():
    from lrcourse.lessons.warmup import warmup_cosine_lr, warmup_experiment

    a = warmup_experiment(5, lr=0.01, seed=0, epochs=1, depth=2, hidden=16)
    assert len(a.loss) == 45 and len(a.val_accuracy) == 1 and not a.diverged
    want = [warmup_cosine_lr(t, 0.01, 5, 45) for t in range(45)]
    assert a.lr == pytest.approx(want, rel=1e-9, abs=1e-15)
    assert a.lr[0] == 0.0 and a.lr[5] == pytest.approx(0.01 * (1 + math.cos(math.pi / 9)) / 2)
    with pytest.raises(ValueError, match="lr"):
        warmup_experiment(5, lr=0.0)
    with pytest.raises(ValueError, match="warmup_steps"):
        warmup_experiment(-1)
