"""Named training configurations: what ``python -m ganlib train NAME`` runs and the chapters load."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

import torch
from torch import nn

from ganlib.data import Exponential, Normal
from ganlib.data.splits import gan_training_images
from ganlib.nets.models import DCGANDiscriminator, DCGANGenerator, MLPDiscriminator, MLPGenerator
from ganlib.training.trainer import Sampler, TrainConfig


@dataclass(frozen=True)
class NamedConfig:
    """Models, data and hyper-parameters of one experiment of the book."""

    description: str
    models: Callable[[], tuple[nn.Module, nn.Module]]
    data: Callable[[], torch.Tensor | Sampler]
    train: dict[str, Any] = field(default_factory=dict)


CONFIGS: dict[str, NamedConfig] = {
    "dcgan-mnist": NamedConfig(
        "Standard DCGAN on the 8000 GAN-training images of the shipped MNIST t10k (ganlib.data.splits; chapter 4)",
        # Radford et al. (2016): Adam lr 2e-4, beta1 0.5 (the TrainConfig defaults), batch 128
        lambda: (DCGANGenerator(), DCGANDiscriminator()), gan_training_images,
        {"steps": 6000, "batch_size": 128}),
    "mlp-normal": NamedConfig(
        "MLP GAN with sigmoid activations learning N(7, 0.7^2) (chapter 4, essay 4.1)",
        lambda: (MLPGenerator(1, 1, 32, 2, "sigmoid"), MLPDiscriminator(1, 32, 2, "sigmoid")),
        # lr_d = 10 lr_g: with equal rates G collapses to a point that D chases around (chapter 4)
        lambda: Normal(7.0, 0.7), {"steps": 3000, "batch_size": 128, "lr_d": 1e-2, "lr_g": 1e-3}),
    "mlp-exponential": NamedConfig(
        "MLP GAN with ReLU activations learning the exponential distribution of mean 2 (chapter 4, essay 4.1)",
        lambda: (MLPGenerator(1, 1, 32, 2, "relu"), MLPDiscriminator(1, 32, 2, "relu")),
        lambda: Exponential(2.0), {"steps": 2000, "batch_size": 128, "lr_d": 1e-2, "lr_g": 1e-3}),
}


def build(name: str, seed: int = 0, **overrides: Any) -> tuple[nn.Module, nn.Module, torch.Tensor | Sampler, TrainConfig]:
    """Return (G, D, data, TrainConfig) for a named configuration; ``overrides`` replace TrainConfig fields."""
    if name not in CONFIGS:
        raise ValueError(f"unknown configuration {name!r}; choose one of {sorted(CONFIGS)}")
    named = CONFIGS[name]
    torch.manual_seed(seed)  # weight initialisation
    G, D = named.models()
    config = TrainConfig(**{**named.train, "seed": seed, **overrides})
    return G, D, named.data(), config
