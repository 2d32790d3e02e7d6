"""ganlib.nets.summary: hook-recorded shapes and counts against the conv arithmetic and closed-form counts."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from ganlib.nets.conv import conv_output_size, conv_transpose_output_size
from ganlib.nets.models import DCGANDiscriminator, DCGANGenerator, count_parameters
from ganlib.nets.summary import format_layer_table, layer_table


@pytest.mark.parametrize("nz,ngf", [(100, 64), (10, 8), (3, 1)])
def test_generator_rows_match_arithmetic_and_closed_form(nz, ngf):
    G = DCGANGenerator(nz, ngf)
    rows = layer_table(G, (nz,), batch_size=5)
    s1 = conv_transpose_output_size(7, 4, 2, 1)
    s2 = conv_transpose_output_size(s1, 4, 2, 1)
    assert rows[0].output_shape == (5, 2 * ngf * 49)
    assert rows[-1].output_shape == (5, 1, s2, s2) == (5, 1, 28, 28)
    closed_form = 32 * ngf**2 + 98 * nz * ngf + 313 * ngf + 1  # derived layer by layer in chapter 1
    assert sum(r.params for r in rows) == count_parameters(G) == closed_form


@pytest.mark.parametrize("ndf", [64, 8, 1])
def test_discriminator_rows_match_arithmetic_and_closed_form(ndf):
    D = DCGANDiscriminator(ndf)
    rows = layer_table(D, (1, 28, 28), batch_size=3)
    s1 = conv_output_size(28, 4, 2, 1)
    assert rows[0].output_shape == (3, ndf, s1, s1)
    assert rows[-1].output_shape == (3, 1)
    assert sum(r.params for r in rows) == count_parameters(D) == 32 * ndf**2 + 121 * ndf + 1


def test_layer_table_leaves_model_state_alone():
    G = DCGANGenerator(4, 2)
    G.train()
    before = {k: v.clone() for k, v in G.state_dict().items()}
    layer_table(G, (4,))
    assert G.training
    assert all(torch.equal(before[k], v) for k, v in G.state_dict().items())
    assert all(not m._forward_hooks for m in G.modules())


def test_format_has_one_line_per_layer_and_a_total():
    rows = layer_table(nn.Sequential(nn.Linear(3, 2), nn.ReLU()), (3,), batch_size=4)
    text = format_layer_table(rows)
    lines = text.splitlines()
    assert len(lines) == 2 + len(rows) + 2
    assert lines[-1].split() == ["total", "8"] and "(4, 2)" in lines[2]


def test_bad_inputs():
    with pytest.raises(ValueError, match="batch_size must be a positive int"):
        layer_table(nn.Linear(2, 2), (2,), batch_size=0)
    with pytest.raises(ValueError, match="input_shape must be a tuple of positive ints"):
        layer_table(nn.Linear(2, 2), (64, -2))
    with pytest.raises(ValueError, match="DCGANDiscriminator expects input of shape"):
        layer_table(DCGANDiscriminator(4), (1, 32, 32))
