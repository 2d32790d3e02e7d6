"""ganlib.nets.models: shapes, parameter counts from closed forms, initialisation, bad inputs."""

import pytest
import torch

from ganlib.nets.models import (DCGANDiscriminator, DCGANGenerator, MLPDiscriminator, MLPGenerator, count_parameters,
                           mlp)


def test_dcgan_shapes():
    G, D = DCGANGenerator(), DCGANDiscriminator()
    x = G(torch.randn(8, 100))
    assert x.shape == (8, 1, 28, 28) and x.min() >= -1 and x.max() <= 1
    assert D(x).shape == (8,)


def test_dcgan_parameter_counts_match_closed_form():
    nz, ngf, ndf = 100, 64, 64
    g = (nz * 2 * ngf * 49 + 2 * ngf * 49) + 2 * (2 * ngf * 49) \
        + (2 * ngf * ngf * 16 + ngf) + 2 * ngf + (ngf * 1 * 16 + 1)
    d = (1 * ndf * 16 + ndf) + (ndf * 2 * ndf * 16 + 2 * ndf) + 2 * (2 * ndf) + (2 * ndf * 49 + 1)
    assert count_parameters(DCGANGenerator(nz, ngf)) == g
    assert count_parameters(DCGANDiscriminator(ndf)) == d


def test_dcgan_init_statistics():
    G = DCGANGenerator()
    w = G.upsample[0].weight
    assert abs(w.mean().item()) < 2e-3 and abs(w.std().item() - 0.02) < 2e-3


def test_mlp_shapes_and_depth():
    net = mlp(3, 2, hidden=16, depth=3, activation="tanh")
    assert len([m for m in net if isinstance(m, torch.nn.Linear)]) == 4
    assert MLPGenerator(2, 5)(torch.randn(7, 2)).shape == (7, 5)
    assert MLPDiscriminator(5)(torch.randn(7, 5)).shape == (7,)


@pytest.mark.parametrize("model,x,msg", [
    (DCGANDiscriminator(), torch.randn(4, 28, 28), r"\(B, 1, 28, 28\)"),
    (DCGANGenerator(), torch.randn(4, 64), r"\(B, 100\)"),
    (MLPDiscriminator(2), torch.randn(4, 3), r"\(B, 2\)"),
])
def test_wrong_input_shapes(model, x, msg):
    with pytest.raises(ValueError, match=msg):
        model(x)


def test_bad_constructor_arguments():
    with pytest.raises(ValueError, match="hidden must be a positive int"):
        mlp(1, 1, hidden=0)
    with pytest.raises(ValueError, match="activation must be one of"):
        mlp(1, 1, activation="swish")
    with pytest.raises(ValueError, match="ngf must be a positive int"):
        DCGANGenerator(ngf=-1)
