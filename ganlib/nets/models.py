"""Generators and discriminators: MLPs for the toy chapters, the standard MNIST DCGAN (chapter 4).

Discriminators return a logit l (shape (B,)); the probability the essay calls D(x) is sigmoid(l).
Working with logits is what lets ``ganlib.training.losses`` compute log D and log(1 - D) stably.
"""

from __future__ import annotations

import torch
from torch import nn

_ACTIVATIONS = {"relu": nn.ReLU, "sigmoid": nn.Sigmoid, "tanh": nn.Tanh,
                "leaky_relu": lambda: nn.LeakyReLU(0.2), "softplus": nn.Softplus}


def _activation(name: str) -> nn.Module:
    if name not in _ACTIVATIONS:
        raise ValueError(f"activation must be one of {sorted(_ACTIVATIONS)}, got {name!r}")
    return _ACTIVATIONS[name]()


def _positive(**kwargs: int) -> None:
    for name, value in kwargs.items():
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError(f"{name} must be a positive int, got {value!r}")


def _check_input(x: torch.Tensor, shape: tuple[int, ...], what: str) -> None:
    if x.ndim != len(shape) + 1 or tuple(x.shape[1:]) != shape:
        raise ValueError(f"{what} expects input of shape (B, {', '.join(map(str, shape))}), "
                         f"got {tuple(x.shape)}")


def mlp(d_in: int, d_out: int, hidden: int = 64, depth: int = 2, activation: str = "relu") -> nn.Sequential:
    """d_in -> [Linear(hidden) + activation] x depth -> Linear(d_out): the dense net of section 1.1."""
    _positive(d_in=d_in, d_out=d_out, hidden=hidden, depth=depth)
    layers: list[nn.Module] = []
    width = d_in
    for _ in range(depth):
        layers += [nn.Linear(width, hidden), _activation(activation)]
        width = hidden
    layers.append(nn.Linear(width, d_out))
    return nn.Sequential(*layers)


class MLPGenerator(nn.Module):
    """G: R^nz -> R^d_out, a dense net (essay 4.1 uses sigmoid for the normal, ReLU for the exponential)."""

    def __init__(self, nz: int = 1, d_out: int = 1, hidden: int = 64, depth: int = 2,
                 activation: str = "relu") -> None:
        super().__init__()
        self.nz, self.d_out = nz, d_out
        self.net = mlp(nz, d_out, hidden, depth, activation)

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        _check_input(z, (self.nz,), "MLPGenerator")
        return self.net(z)


class MLPDiscriminator(nn.Module):
    """D: R^d_in -> R, returns the logit l(x); D(x) = sigmoid(l(x))."""

    def __init__(self, d_in: int = 1, hidden: int = 64, depth: int = 2, activation: str = "relu") -> None:
        super().__init__()
        self.d_in = d_in
        self.net = mlp(d_in, 1, hidden, depth, activation)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        _check_input(x, (self.d_in,), "MLPDiscriminator")
        return self.net(x).squeeze(1)  # (B,)


class DCGANGenerator(nn.Module):
    """The standard MNIST DCGAN generator (Radford et al., 2016): z (B, nz) -> image (B, 1, 28, 28) in [-1, 1]."""

    def __init__(self, nz: int = 100, ngf: int = 64) -> None:
        super().__init__()
        _positive(nz=nz, ngf=ngf)
        self.nz, self.ngf = nz, ngf
        self.project = nn.Sequential(nn.Linear(nz, 2 * ngf * 7 * 7), nn.BatchNorm1d(2 * ngf * 7 * 7), nn.ReLU(True))
        self.upsample = nn.Sequential(
            nn.ConvTranspose2d(2 * ngf, ngf, 4, 2, 1), nn.BatchNorm2d(ngf), nn.ReLU(True),  # (B, ngf, 14, 14)
            nn.ConvTranspose2d(ngf, 1, 4, 2, 1), nn.Tanh(),  # (B, 1, 28, 28)
        )
        dcgan_init(self)

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        _check_input(z, (self.nz,), "DCGANGenerator")
        h = self.project(z).view(-1, 2 * self.ngf, 7, 7)  # (B, 2*ngf, 7, 7)
        return self.upsample(h)


class DCGANDiscriminator(nn.Module):
    """The standard MNIST DCGAN discriminator: image (B, 1, 28, 28) -> logit (B,)."""

    def __init__(self, ndf: int = 64) -> None:
        super().__init__()
        _positive(ndf=ndf)
        self.ndf = ndf
        self.features = nn.Sequential(
            nn.Conv2d(1, ndf, 4, 2, 1), nn.LeakyReLU(0.2, True),  # (B, ndf, 14, 14)
            nn.Conv2d(ndf, 2 * ndf, 4, 2, 1), nn.BatchNorm2d(2 * ndf), nn.LeakyReLU(0.2, True),  # (B, 2*ndf, 7, 7)
        )
        self.classify = nn.Linear(2 * ndf * 7 * 7, 1)
        dcgan_init(self)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        _check_input(x, (1, 28, 28), "DCGANDiscriminator")
        h = self.features(x).flatten(1)  # (B, 2*ndf*7*7)
        return self.classify(h).squeeze(1)  # (B,)


def dcgan_init(module: nn.Module) -> None:
    """DCGAN initialisation (Radford et al., 2016): weights N(0, 0.02), batch-norm scales N(1, 0.02)."""
    for m in module.modules():
        if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d, nn.Linear)):
            nn.init.normal_(m.weight, 0.0, 0.02)
            nn.init.zeros_(m.bias)
        elif isinstance(m, (nn.BatchNorm1d, nn.BatchNorm2d)):
            nn.init.normal_(m.weight, 1.0, 0.02)
            nn.init.zeros_(m.bias)


def count_parameters(module: nn.Module) -> int:
    """Number of trainable scalars in ``module``."""
    return sum(p.numel() for p in module.parameters() if p.requires_grad)
