"""Hand-written back-propagation against torch.autograd and central finite differences."""

from __future__ import annotations

import pytest
import torch

from ganlib.nets.backprop import dense_params, finite_difference_grad, max_relative_error, mlp_backward, mlp_forward
from ganlib.nets.models import mlp


def _net_and_data(activation: str, seed: int = 0):
    torch.manual_seed(seed)
    net = mlp(3, 2, hidden=5, depth=3, activation=activation).double()
    x = torch.randn(7, 3, dtype=torch.float64)
    t = torch.randn(7, 2, dtype=torch.float64)
    return net, x, t


@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "relu", "softplus"])
def test_forward_matches_module_and_backward_matches_autograd(activation):
    net, x, t = _net_and_data(activation)
    y_torch = net(x)
    loss = 0.5 * ((y_torch - t) ** 2).sum()
    loss.backward()
    auto = [(m.weight.grad, m.bias.grad) for m in net if isinstance(m, torch.nn.Linear)]
    params = dense_params(net)
    y, cache = mlp_forward(params, x, activation)
    assert torch.max(torch.abs(y - y_torch.detach())).item() < 1e-13
    hand = mlp_backward(params, cache, y - t)  # dL/dy for L = 0.5 ||y - t||^2
    assert max_relative_error(hand, auto) < 1e-12


@pytest.mark.parametrize("activation", ["tanh", "softplus"])
def test_backward_matches_finite_differences(activation):
    net, x, t = _net_and_data(activation, seed=1)
    params = dense_params(net)

    def loss(p):
        return 0.5 * ((mlp_forward(p, x, activation)[0] - t) ** 2).sum()

    y, cache = mlp_forward(params, x, activation)
    hand = mlp_backward(params, cache, y - t)
    fd = finite_difference_grad(loss, params, eps=1e-6)
    assert max_relative_error(hand, fd) < 1e-7
    # the oracle itself must notice a wrong gradient
    wrong = [(W * 1.01, b) for W, b in hand]
    assert max_relative_error(wrong, fd) > 1e-4


def test_bad_inputs_name_the_argument():
    net, x, t = _net_and_data("tanh")
    params = dense_params(net)
    with pytest.raises(ValueError, match="x must have shape"):
        mlp_forward(params, x[:, :2])
    with pytest.raises(ValueError, match="params must be a non-empty list"):
        mlp_forward([], x)
    with pytest.raises(ValueError, match=r"params\[1\]\[0\] has 4 input columns"):
        mlp_forward([params[0], (params[1][0][:, :4], params[1][1])], x)
    with pytest.raises(ValueError, match="activation must be one of"):
        mlp_forward(params, x, "gelu")
    y, cache = mlp_forward(params, x)
    with pytest.raises(ValueError, match="grad_output must have the output's shape"):
        mlp_backward(params, cache, (y - t)[:, :1])
    with pytest.raises(ValueError, match="eps must be positive"):
        finite_difference_grad(lambda p: torch.tensor(0.0), params, eps=0.0)
    with pytest.raises(ValueError, match="no nn.Linear"):
        dense_params(torch.nn.ReLU())
