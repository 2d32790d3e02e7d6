r"""How well a discriminator separates real from generated images (chapter 4): accuracy and AUC.

With logits :math:`\ell` (``D(x) = sigmoid(l(x))``):

- *accuracy* at the threshold :math:`\ell = 0`: the mean of the fraction of real images with :math:`\ell > 0`
  and the fraction of fakes with :math:`\ell < 0`; 1/2 is chance, but so is a discriminator that ranks
  perfectly with a shifted threshold;
- *AUC*: the probability that a random real image gets a larger logit than a random fake,
  :math:`P(\ell(x) > \ell(\tilde x)) + \tfrac12 P(\ell(x) = \ell(\tilde x))` (the Mann-Whitney statistic
  divided by :math:`n_{\mathrm{real}} n_{\mathrm{fake}}`). It ignores the threshold: 1/2 means D cannot tell
  the two apart at all, 1 that every real image scores above every fake.

A discriminator with batch normalisation gives different logits in training mode (each batch normalised by
its own statistics, real and fake batches separately as in training) and in evaluation mode (running
averages); :func:`separation` measures either.
"""

from __future__ import annotations

import copy

import torch
from torch import nn


def auc(real_logits: torch.Tensor, fake_logits: torch.Tensor) -> float:
    """P(real logit > fake logit) + P(equal)/2, over all pairs."""
    r, f = real_logits.flatten().double(), fake_logits.flatten().double()
    if r.numel() == 0 or f.numel() == 0:
        raise ValueError("real_logits and fake_logits must both be non-empty")
    all_scores = torch.cat([r, f])
    ranks = _average_ranks(all_scores)
    u = ranks[:len(r)].sum() - len(r) * (len(r) + 1) / 2  # Mann-Whitney U of the real scores
    return (u / (len(r) * len(f))).item()


def _average_ranks(x: torch.Tensor) -> torch.Tensor:
    """Ranks 1..n of x, ties sharing the mean of their ranks."""
    order = torch.argsort(x)
    _, inverse, counts = torch.unique_consecutive(x[order], return_inverse=True, return_counts=True)
    first = torch.cumsum(counts, 0) - counts + 1  # rank of each group's first member
    mean_rank = (first + (counts - 1) / 2).to(x.dtype)  # (groups,)
    ranks = torch.empty_like(x)
    ranks[order] = mean_rank[inverse]
    return ranks


@torch.no_grad()
def separation(D: nn.Module, real: torch.Tensor, fake: torch.Tensor, mode: str = "eval",
               batch_size: int = 64) -> dict[str, float]:
    """Accuracy (real, fake, mean) and AUC of D's logits; ``mode="train"`` uses per-batch statistics.

    In training mode real and fake go through D in separate batches of ``batch_size``, as in Algorithm 1, and
    a copy of D is used, so that its running statistics are left as they were.
    """
    if mode not in ("eval", "train"):
        raise ValueError(f"mode must be 'eval' or 'train', got {mode!r}")
    if batch_size < 1:
        raise ValueError(f"batch_size must be >= 1, got {batch_size}")
    net = copy.deepcopy(D).train(mode == "train")
    dev = next(net.parameters()).device

    def logits(x: torch.Tensor) -> torch.Tensor:
        n = len(x) - len(x) % batch_size if mode == "train" else len(x)  # whole batches only in training mode
        if n == 0:
            raise ValueError(f"need at least batch_size={batch_size} images in training mode, got {len(x)}")
        return torch.cat([net(x[i:i + batch_size].to(dev)) for i in range(0, n, batch_size)]).cpu()

    lr, lf = logits(real), logits(fake)
    acc_real, acc_fake = (lr > 0).double().mean().item(), (lf < 0).double().mean().item()
    return {"acc_real": acc_real, "acc_fake": acc_fake, "accuracy": (acc_real + acc_fake) / 2, "auc": auc(lr, lf)}
