"""Small DCGANs for colour (multi-channel) 28x28 images: Stacked MNIST, chapter 5.

The same shapes as chapter 4's MNIST DCGAN (``ganlib.nets.models``), with ``channels`` output planes and a
discriminator that can judge ``pack`` images at once (PacGAN, Lin et al. 2018: the packed images are
concatenated along the channel axis, as in PacGAN's Stacked MNIST code). The discriminator has no batch
normalisation, so that it is a pure function of its parameters (the unrolled GAN differentiates through
its updates with ``torch.func``) and a packed batch is judged image-group by image-group.
"""

from __future__ import annotations

import torch
from torch import nn

from ganlib.nets.models import _check_input, _positive, dcgan_init


class ColourGenerator(nn.Module):
    """z (B, nz) -> images (B, channels, 28, 28) in [-1, 1]: Linear + BN + ReLU to 7x7, two transposed convs."""

    def __init__(self, nz: int = 100, ngf: int = 32, channels: int = 3) -> None:
        super().__init__()
        _positive(nz=nz, ngf=ngf, channels=channels)
        self.nz, self.ngf, self.channels = nz, ngf, channels
        self.project = nn.Sequential(nn.Linear(nz, 2 * ngf * 7 * 7), nn.BatchNorm1d(2 * ngf * 7 * 7), nn.ReLU(True))
        self.upsample = nn.Sequential(
            nn.ConvTranspose2d(2 * ngf, ngf, 4, 2, 1), nn.BatchNorm2d(ngf), nn.ReLU(True),  # (B, ngf, 14, 14)
            nn.ConvTranspose2d(ngf, channels, 4, 2, 1), nn.Tanh(),  # (B, channels, 28, 28)
        )
        dcgan_init(self)

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        _check_input(z, (self.nz,), "ColourGenerator")
        return self.upsample(self.project(z).view(-1, 2 * self.ngf, 7, 7))


class PackedDiscriminator(nn.Module):
    """Images (B, channels, 28, 28) -> logits (B / pack,): groups of ``pack`` consecutive images, stacked on channels."""

    def __init__(self, ndf: int = 32, channels: int = 3, pack: int = 1) -> None:
        super().__init__()
        _positive(ndf=ndf, channels=channels, pack=pack)
        self.ndf, self.channels, self.pack = ndf, channels, pack
        self.features = nn.Sequential(
            nn.Conv2d(channels * pack, ndf, 4, 2, 1), nn.LeakyReLU(0.2),  # (B/pack, ndf, 14, 14)
            nn.Conv2d(ndf, 2 * ndf, 4, 2, 1), nn.LeakyReLU(0.2),  # (B/pack, 2 ndf, 7, 7)
        )
        self.classify = nn.Linear(2 * ndf * 7 * 7, 1)
        dcgan_init(self)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        _check_input(x, (self.channels, 28, 28), "PackedDiscriminator")
        if x.shape[0] % self.pack:
            raise ValueError(f"batch size {x.shape[0]} is not a multiple of pack={self.pack}")
        x = x.reshape(x.shape[0] // self.pack, self.pack * self.channels, 28, 28)
        return self.classify(self.features(x).flatten(1)).squeeze(1)
