r"""Where a discriminator's batch-norm running statistics come from: a testable account of its evaluation mode.

A batch-norm layer normalises its input channel-wise. In training mode it uses the statistics of the batch
it is given, :math:`\mu_B, \sigma^2_B` (the variance over the batch and the spatial positions; the running
variance is updated with the unbiased one), and updates its running averages by
:math:`r \leftarrow (1 - m)\, r + m\, s_B` with momentum :math:`m` (0.1 in PyTorch). In evaluation mode it
uses :math:`r` instead. In one step of Algorithm 1 as the trainer runs it, the discriminator sees three
batches in training mode: the real batch and the fake batch of the D step, then the fake batch of the
G step (its parameters are not updated there, but its running statistics are). The running averages are
therefore a mixture of real-batch and fake-batch statistics, not real-image statistics.

**Prediction** (exponential averaging over a repeating cycle). If a cycle of :math:`k` updates is repeated
and the statistics :math:`s_j` of position :math:`j` in the cycle are stationary, the running average
converges to :math:`\sum_j w_j s_j` with
:math:`w_j = (1 - m)^{k - j} / \sum_{i=1}^{k} (1 - m)^{k - i}` (update :math:`j` has since been shrunk
:math:`k - j` times within the cycle; earlier cycles contribute the same geometric factor to every
position). For the cycle (real, fake, fake) and :math:`m = 0.1` the real share is
:math:`0.81 / 2.71 \approx 0.30` (:func:`stationary_weights`).

**Measurement.** :func:`batch_statistics` computes the average per-batch mean and unbiased variance of
each batch-norm layer's input on given images (batches of ``batch_size``, as in training);
:func:`mixture_weight` finds the :math:`\alpha` that best writes the running statistics as
:math:`\alpha\, s_{\mathrm{real}} + (1 - \alpha)\, s_{\mathrm{fake}}` (least squares over channels).
:func:`recalibrated` is the intervention: a copy of the network whose running statistics are recomputed
from real batches only (cumulative average, ``momentum=None``).
"""

from __future__ import annotations

import copy

import torch
from torch import nn


def _norms(net: nn.Module) -> list[nn.modules.batchnorm._BatchNorm]:
    norms = [m for m in net.modules() if isinstance(m, nn.modules.batchnorm._BatchNorm)]
    if not norms:
        raise ValueError("net has no batch-norm layer; its evaluation mode equals its training mode")
    return norms


def stationary_weights(cycle: list[str] | tuple[str, ...], momentum: float = 0.1) -> dict[str, float]:
    """Limit weight of each kind of batch in a running average updated by a repeating ``cycle`` of batches.

    ``cycle`` lists the batches of one step in order, e.g. ``("real", "fake", "fake")``; returns
    {kind: total weight}, summing to 1.
    """
    if not cycle:
        raise ValueError("cycle must list at least one batch kind, e.g. ('real', 'fake', 'fake')")
    if not 0 < momentum <= 1:
        raise ValueError(f"momentum must be in (0, 1], got {momentum!r}")
    k = len(cycle)
    raw = [(1 - momentum) ** (k - 1 - j) for j in range(k)]  # position j (0-based) shrunk k-1-j times
    total = sum(raw)
    out: dict[str, float] = {}
    for kind, w in zip(cycle, raw):
        out[kind] = out.get(kind, 0.0) + w / total
    return out


@torch.no_grad()
def batch_statistics(net: nn.Module, x: torch.Tensor, batch_size: int = 64) -> list[tuple[torch.Tensor, torch.Tensor]]:
    """Per batch-norm layer: (mean, unbiased variance) of its input per channel, averaged over batches of x.

    Runs a copy of ``net`` in training mode on consecutive batches of ``batch_size`` (whole batches only),
    recording each layer's input; ``net`` itself is left unchanged. Returned in float64 on the CPU.
    """
    if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 2:
        raise ValueError(f"batch_size must be an int >= 2, got {batch_size!r}")
    n = len(x) - len(x) % batch_size
    if n == 0:
        raise ValueError(f"need at least batch_size={batch_size} images, got {len(x)}")
    work = copy.deepcopy(net).train()
    norms = _norms(work)
    sums: list[list[torch.Tensor]] = [[torch.zeros(0), torch.zeros(0)] for _ in norms]
    count = 0

    def hook(i: int):
        def record(_module: nn.Module, inputs: tuple[torch.Tensor, ...]) -> None:
            h = inputs[0].double()
            dims = [0] + list(range(2, h.ndim))  # batch and spatial dimensions
            mean, var = h.mean(dims).cpu(), h.var(dims, unbiased=True).cpu()  # (C,) each
            sums[i][0] = mean if sums[i][0].numel() == 0 else sums[i][0] + mean
            sums[i][1] = var if sums[i][1].numel() == 0 else sums[i][1] + var
        return record

    handles = [bn.register_forward_pre_hook(hook(i)) for i, bn in enumerate(norms)]
    try:
        dev = next(work.parameters()).device
        for i in range(0, n, batch_size):
            work(x[i:i + batch_size].to(dev))
            count += 1
    finally:
        for h in handles:
            h.remove()
    return [(m / count, v / count) for m, v in sums]


def running_statistics(net: nn.Module) -> list[tuple[torch.Tensor, torch.Tensor]]:
    """Per batch-norm layer: (running mean, running variance), float64 on the CPU."""
    return [(bn.running_mean.detach().double().cpu(), bn.running_var.detach().double().cpu()) for bn in _norms(net)]


def mixture_weight(running: torch.Tensor, real: torch.Tensor, fake: torch.Tensor) -> float:
    r"""The least-squares :math:`\alpha` in running :math:`\approx \alpha\,` real :math:`+ (1 - \alpha)\,` fake."""
    r, a, b = (torch.as_tensor(t, dtype=torch.float64).flatten() for t in (running, real, fake))
    if not r.shape == a.shape == b.shape:
        raise ValueError(f"running, real and fake must have the same shape, got {r.shape}, {a.shape}, {b.shape}")
    d = a - b
    if float(d.dot(d)) == 0.0:
        raise ValueError("real and fake statistics are identical: the mixture weight is undetermined")
    return float((r - b).dot(d) / d.dot(d))


@torch.no_grad()
def recalibrated(net: nn.Module, batches: list[torch.Tensor]) -> nn.Module:
    """A copy of ``net`` in eval mode whose running statistics are the plain average over ``batches`` only.

    Each batch goes through the copy in training mode, in order (``momentum=None``: a cumulative average),
    so ``[real_1, fake_1, fake_1', real_2, ...]`` gives the statistics of a training cycle at fixed weights.
    """
    batches = list(batches)
    if not batches or any(not torch.is_tensor(b) or b.ndim < 2 or len(b) < 2 for b in batches):
        raise ValueError("batches must be a non-empty list of tensors (B, ...) with B >= 2")
    work = copy.deepcopy(net).train()
    saved = []
    for bn in _norms(work):
        saved.append(bn.momentum)
        bn.reset_running_stats()
        bn.momentum = None  # cumulative moving average: the plain mean over the batches seen
    dev = next(work.parameters()).device
    for b in batches:
        work(b.to(dev))
    for bn, m in zip(_norms(work), saved):
        bn.momentum = m
    return work.eval()


def training_cycle(real: torch.Tensor, fake: torch.Tensor, fake_g: torch.Tensor, batch_size: int) -> list[torch.Tensor]:
    """The batches a discriminator sees in training, in order: real, fake (D step), fake (G step), repeated."""
    if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 2:
        raise ValueError(f"batch_size must be an int >= 2, got {batch_size!r}")
    n = min(len(real), len(fake), len(fake_g)) // batch_size
    if n == 0:
        raise ValueError(f"need at least batch_size={batch_size} images of each kind")
    out = []
    for i in range(0, n * batch_size, batch_size):
        out += [real[i:i + batch_size], fake[i:i + batch_size], fake_g[i:i + batch_size]]
    return out
