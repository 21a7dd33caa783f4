"""Many trainings at once: one small model, many learning rates and optimizers.

The study this package follows trained one small CNN hundreds of times, one run
after another, to see which learning rates train it at all. Here the runs
happen side by side: ``n`` copies of the model ("members") live in one tensor
of shape ``(n, P)`` (one row of ``P`` weights per member), one forward pass
computes all their losses on the same batch, one backward pass gives every
member its own gradient, and the optimizer updates are tensor operations
that take one learning rate per row. Everything else is shared: the initial
weights, the batches, the number of steps. Only the learning rate and the
optimizer differ, so any difference in the results comes from them.

A member stops costing compute as soon as it is done: when it reaches the
target training accuracy, or when it diverges (its loss becomes NaN, infinite,
or ``divergence_factor`` times the initial loss). Its row is then removed from
every tensor.

The optimizer families are the course's registry, ``lrcourse.optim.OPTIMIZERS``
("SGD", "Momentum", "Adagrad", "Adadelta", "RMSprop", "Adam", with PyTorch's
defaults ``lrcourse.optim.DEFAULTS``).

One module per idea, in reading order:

===============================  ==================================================
``members``                      ``Member``, ``grid_members``, ``TF_RMSPROP``: who trains
``population``                   every member's weights and optimizer state as rows
``updates``                      the six optimizers' updates, one rate per row
``forward``                      ``stacked_forward``: n copies of a model in one pass
``results``                      ``Run`` and its ``Curves``, ``SweepResult``, ``PBTResult``
``inputs``                       the checks of the inputs, ``epoch_batches``
``training``                     ``train_many``: set-up, one step, recording, stopping
``population_based``             ``pbt``, ``exploit_explore``, ``grid_vs_pbt``
===============================  ==================================================

Example:
    >>> import torch
    >>> from lrcourse.models import digits_cnn
    >>> x, y = torch.randn(256, 1, 8, 8), torch.randint(0, 10, (256,))
    >>> result = train_many(lambda: digits_cnn(seed=0), grid_members(["SGD", "Adam"], [0.01, 0.1]),
    ...                     x, y, max_steps=20, progress=False)
    >>> len(result.rows)
    4
"""

from lrcourse.sweep.forward import stacked_forward
from lrcourse.sweep.inputs import epoch_batches
from lrcourse.sweep.members import TF_RMSPROP, Member, grid_members
from lrcourse.sweep.population_based import exploit_explore, grid_vs_pbt, pbt
from lrcourse.sweep.results import Curves, PBTResult, Run, SweepResult
from lrcourse.sweep.training import train_many

__all__ = [
    "TF_RMSPROP",
    "Curves",
    "Member",
    "PBTResult",
    "Run",
    "SweepResult",
    "epoch_batches",
    "exploit_explore",
    "grid_members",
    "grid_vs_pbt",
    "pbt",
    "stacked_forward",
    "train_many",
]
