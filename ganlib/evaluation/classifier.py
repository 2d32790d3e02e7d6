r"""A small MNIST digit classifier as an independent judge of generated digits (chapter 4).

The classifier is trained on real labelled digits only; it never sees a generator. Its class probabilities
:math:`p(y \mid x)` on generated images give three numbers:

- the *confidence* :math:`\mathbb E_x \max_y p(y \mid x)`: a clean digit is classified confidently, a blob is not;
- the *class histogram* of :math:`\arg\max_y p(y \mid x)`: a generator that drops digits (mode collapse) shows
  empty classes;
- the *classifier score* of :cite:t:`salimans2016improved` (their Inception score, with this classifier in
  place of the Inception network), :math:`\exp\big(\mathbb E_x\, \mathrm{KL}(p(y \mid x) \,\|\, p(y))\big)` with
  :math:`p(y) = \mathbb E_x\, p(y \mid x)`. It lies in :math:`[1, K]` for K classes: K when every image is
  classified with certainty and the classes are used equally, 1 when all images get the same distribution.
"""

from __future__ import annotations

import torch
from torch import nn

from ganlib.device import Seed, make_generator


class DigitClassifier(nn.Module):
    """LeNet-style CNN: (B, 1, 28, 28) in [-1, 1] -> 10 class logits."""

    def __init__(self, width: int = 16) -> None:
        super().__init__()
        if isinstance(width, bool) or not isinstance(width, int) or width < 1:
            raise ValueError(f"width must be a positive int, got {width!r}")
        self.net = nn.Sequential(
            nn.Conv2d(1, width, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),  # (B, w, 14, 14)
            nn.Conv2d(width, 2 * width, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),  # (B, 2w, 7, 7)
            nn.Flatten(), nn.Linear(2 * width * 49, 64), nn.ReLU(), nn.Linear(64, 10))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if x.ndim != 4 or tuple(x.shape[1:]) != (1, 28, 28):
            raise ValueError(f"DigitClassifier expects images of shape (B, 1, 28, 28), got {tuple(x.shape)}")
        return self.net(x)


def train_classifier(images: torch.Tensor, labels: torch.Tensor, epochs: int = 3, batch_size: int = 64,
                     lr: float = 1e-3, seed: Seed = 0) -> DigitClassifier:
    """Fit a :class:`DigitClassifier` by Adam on cross-entropy; seeded (weights and batch order)."""
    if images.ndim != 4 or labels.shape != (len(images),) or labels.dtype != torch.long:
        raise ValueError(f"images must be (N, 1, 28, 28) and labels an int64 tensor (N,), got "
                         f"{tuple(images.shape)} and {labels.dtype} {tuple(labels.shape)}")
    if isinstance(epochs, bool) or not isinstance(epochs, int) or epochs < 1:
        raise ValueError(f"epochs must be a positive int, got {epochs!r}")
    g = make_generator(seed)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(int(torch.randint(2 ** 31, (1,), generator=g)))
        model = DigitClassifier().to(images.device)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    model.train()
    for _ in range(epochs):
        order = torch.randperm(len(images), generator=g).to(images.device)
        for i in range(0, len(images) - batch_size + 1, batch_size):
            idx = order[i:i + batch_size]
            loss = nn.functional.cross_entropy(model(images[idx]), labels[idx])
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
    return model.eval()


@torch.no_grad()
def class_probabilities(model: nn.Module, x: torch.Tensor, batch_size: int = 500) -> torch.Tensor:
    """p(y | x) for each image, (n, 10), in float64."""
    model.eval()
    dev = next(model.parameters()).device
    return torch.cat([model(x[i:i + batch_size].to(dev)).double().softmax(1).cpu()
                      for i in range(0, len(x), batch_size)])


def confidence(probs: torch.Tensor) -> float:
    """Mean over images of max_y p(y | x)."""
    return probs.max(dim=1).values.mean().item()


def classifier_score(probs: torch.Tensor) -> float:
    """exp(E_x KL(p(y|x) || p(y))), the Inception score of Salimans et al. (2016) with this classifier."""
    if probs.ndim != 2 or probs.shape[0] == 0:
        raise ValueError(f"probs must be (n, K) with n >= 1, got {tuple(probs.shape)}")
    p = probs.double()
    marginal = p.mean(dim=0, keepdim=True)  # (1, K)
    kl = torch.where(p > 0, p * (p.log() - marginal.log()), torch.zeros_like(p)).sum(dim=1)  # (n,)
    return kl.mean().exp().item()
