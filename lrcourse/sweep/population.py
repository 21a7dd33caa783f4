"""The population: every member's weights and optimizer state as rows of a few tensors.

``n`` members of a model with ``P`` weights live in one ``(n, P)`` tensor of
weights, one row per member. Everything else a member owns is a row too: its
learning rate and step count, its hyper-parameters as ``(n, 1)`` columns (they
broadcast over the ``P`` weights), and its optimizer buffers as ``(n, P)`` rows.
Each family keeps at most two buffers of the weights' shape, so they share two
slots, ``"a"`` and ``"b"`` (a row belongs to one family, so the slots never clash):

=============  ==============================  ===============================
family         ``"a"``                         ``"b"``
=============  ==============================  ===============================
SGD            (unused)                        (unused)
Momentum       momentum buffer b               (unused)
Adagrad        sum of squares s                (unused)
Adadelta       average of squares v            average of squared updates u
RMSprop        average of squares v            (unused)
Adam           first moment m                  second moment v
=============  ==============================  ===============================

The rows are kept grouped by family (``sort_by_family``), so each family's
update (``lrcourse.sweep.updates``) runs on one contiguous slice. Dropping a
member that is done, or copying one member over another (population-based
training), is one ``reindex``.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import torch

from lrcourse.optim import OPTIMIZERS
from lrcourse.sweep.members import Member

# The hyper-parameters as columns; Adam's betas become two columns.
_HYPER_COLUMNS = ("momentum", "lr_decay", "eps", "rho", "alpha", "beta1", "beta2")


def _hyper_row(member: Member) -> dict[str, float]:
    row = dict.fromkeys(_HYPER_COLUMNS, 0.0)
    for name, value in member.hyper.items():
        if name == "betas":
            row["beta1"], row["beta2"] = value
        elif name != "initial_accumulator_value":
            row[name] = value
    return row


class _Population:
    """Rows of members, grouped by optimizer family so each family is a slice.

    ``params`` (n, P) the weights; ``codes`` (n,) each row's family as its index in
    ``OPTIMIZERS``; ``rows`` every other per-member tensor by name; ``ids`` (n,)
    which member (index in the list given) each row holds.
    """

    def __init__(self, members: Sequence[Member], w0: torch.Tensor, dtype: torch.dtype) -> None:
        n = len(members)
        self.codes = torch.tensor([OPTIMIZERS.index(m.optimizer) for m in members])
        self.params = w0.to(dtype).unsqueeze(0).repeat(n, 1)
        col = {k: torch.tensor([[_hyper_row(m)[k]] for m in members], dtype=dtype)
               for k in _HYPER_COLUMNS}
        init = torch.tensor(
            [[m.hyper.get("initial_accumulator_value", 0.0)] for m in members], dtype=dtype
        )
        self.rows: dict[str, torch.Tensor] = {
            "lr": torch.tensor([[m.lr] for m in members], dtype=dtype),
            "step": torch.zeros(n, 1, dtype=dtype),
            "a": init.expand(n, w0.numel()).clone(),
            "b": torch.zeros(n, w0.numel(), dtype=dtype),
            **col,
        }
        self.ids = torch.arange(n)

    def __len__(self) -> int:
        return self.params.shape[0]

    def reindex(self, index: torch.Tensor, move_ids: bool = True) -> None:
        """Keep rows ``index`` (dropping members, copying members, reordering)."""
        self.params = self.params.index_select(0, index)
        self.codes = self.codes.index_select(0, index)
        self.rows = {k: v.index_select(0, index) for k, v in self.rows.items()}
        if move_ids:
            self.ids = self.ids.index_select(0, index)

    def sort_by_family(self) -> None:
        self.reindex(torch.argsort(self.codes, stable=True))

    def slices(self) -> Iterator[tuple[str, slice]]:
        """Each family present, with the slice of rows it occupies (after ``sort_by_family``)."""
        counts = torch.bincount(self.codes, minlength=len(OPTIMIZERS)).tolist()
        start = 0
        for code, count in enumerate(counts):
            if count:
                yield OPTIMIZERS[code], slice(start, start + count)
            start += count
