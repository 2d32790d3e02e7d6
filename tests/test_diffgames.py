"""Tests for ganlib.theory.diffgames, dirac_gan and gan_jacobian: closed-form eigenvalues, finite differences,
chapter 2's closed-form V = xy updates."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from ganlib.theory.dirac_gan import dirac_gan_eigenvalues, dirac_gan_field
from ganlib.theory.diffgames import consensus_field, eigenvalues, jacobian, simulate, step, zero_sum_field
from ganlib.theory.dynamics import simulate as simulate_xy
from ganlib.theory.gan_jacobian import equilibrium_game

ORIGIN = torch.zeros(2, dtype=torch.float64)
CASES = [("gan", "none", {}), ("wgan", "none", {}), ("gan", "r1", {"gamma": 0.3}), ("gan", "r1", {"gamma": 2.0}),
         ("wgan", "r1", {"gamma": 0.5}), ("gan", "noise", {"sigma": 0.7}), ("gan", "noise", {"sigma": 3.0}),
         ("wgan", "noise", {"sigma": 1.0})]


def _fd_jacobian(field, z, eps=1e-6):
    eye = torch.eye(len(z), dtype=z.dtype)
    return torch.stack([(field(z + eps * eye[i]) - field(z - eps * eye[i])) / (2 * eps) for i in range(len(z))], 1)


@pytest.mark.parametrize("loss,reg,kw", CASES)
def test_dirac_gan_eigenvalues_match_closed_form(loss, reg, kw) -> None:
    field = dirac_gan_field(loss, reg, **kw)
    assert field(ORIGIN).abs().max() < 1e-15  # (0, 0) is an equilibrium
    ev = eigenvalues(jacobian(field, ORIGIN))
    assert np.allclose(ev, dirac_gan_eigenvalues(loss, reg, **kw), atol=1e-10)
    assert np.allclose(ev, eigenvalues(_fd_jacobian(field, ORIGIN)), atol=1e-7)


@pytest.mark.parametrize("loss", ["gan", "wgan"])
def test_consensus_eigenvalues_match_closed_form(loss) -> None:
    w = consensus_field(dirac_gan_field(loss), gamma=0.8)
    assert np.allclose(eigenvalues(jacobian(w, ORIGIN)), dirac_gan_eigenvalues(loss, "consensus", gamma=0.8), atol=1e-10)


def test_consensus_field_is_v_minus_gamma_jt_v() -> None:
    field = dirac_gan_field("gan", "r1", gamma=0.4)
    z = torch.tensor([0.7, -1.3], dtype=torch.float64)
    j = jacobian(field, z)
    assert torch.allclose(consensus_field(field, 0.6)(z), field(z) - 0.6 * j.T @ field(z), atol=1e-14)


def test_dirac_wgan_is_the_bilinear_game_of_chapter_2() -> None:
    """L = psi theta is V = x y with x = psi (maximiser) and y = theta: same iterates as ganlib.theory.dynamics."""
    field = dirac_gan_field("wgan")
    z0 = torch.tensor([0.5, 1.0], dtype=torch.float64)  # (theta, psi)
    for ours, theirs in [("simultaneous", "simultaneous"), ("alternating", "alternating")]:
        traj = simulate(field, z0, 0.3, 50, method=ours, n_first=1, first="max")
        xy = simulate_xy(theirs, (1.0, 0.5), 0.3, 50)  # (x, y) = (psi, theta)
        assert np.allclose(traj.numpy()[:, ::-1], xy, atol=1e-12)


def test_simultaneous_steps_grow_by_the_closed_form() -> None:
    h = 0.2
    traj = simulate(dirac_gan_field("wgan"), torch.tensor([1.0, 0.0], dtype=torch.float64), h, 30)
    r = traj.norm(dim=1)
    assert torch.allclose(r[1:] / r[:-1], torch.full((30,), np.sqrt(1 + h**2), dtype=torch.float64), rtol=1e-13)
    traj = simulate(dirac_gan_field("gan"), torch.tensor([1e-4, 0.0], dtype=torch.float64), h, 200)
    r = traj.norm(dim=1)
    assert float((r[-1] / r[0]) ** (1 / 200)) == pytest.approx(np.sqrt(1 + h**2 / 4), abs=1e-8)


def test_jacobian_of_a_nonlinear_game_matches_finite_differences() -> None:
    loss = lambda z: torch.sin(z[0] * z[2]) + z[1] ** 2 * z[2] - torch.exp(0.3 * z[2] * z[0]) + z[1] * z[0] ** 3
    field = zero_sum_field(loss, n_first=2)
    z = torch.tensor([0.3, -0.8, 1.1], dtype=torch.float64)
    assert torch.allclose(jacobian(field, z), _fd_jacobian(field, z), atol=1e-8)


def test_equilibrium_game_structure() -> None:
    loss, z_bar, k, _, _ = equilibrium_game(hidden=4, n=16, seed=1)
    field = zero_sum_field(loss, k)
    assert field(z_bar).abs().max() < 1e-14
    j = jacobian(field, z_bar)
    assert torch.allclose(j, _fd_jacobian(field, z_bar), atol=1e-7)
    assert j[:k, :k].abs().max() < 1e-14 and torch.allclose(j[k:, :k], -j[:k, k:].T, atol=1e-14)
    assert torch.linalg.eigvalsh(j[k:, k:]).max() < 1e-13
    assert eigenvalues(j).real.max() < 1e-12


def test_bad_inputs_raise() -> None:
    with pytest.raises(ValueError, match="loss"):
        dirac_gan_field("lsgan")
    with pytest.raises(ValueError, match="gamma"):
        dirac_gan_field("gan", "r1", gamma=0.0)
    with pytest.raises(ValueError, match="sigma"):
        dirac_gan_eigenvalues("gan", "noise")
    with pytest.raises(ValueError, match="not differentiable"):
        dirac_gan_eigenvalues("wgan", "gp", gamma=1.0)
    with pytest.raises(ValueError, match="n_first"):
        step(dirac_gan_field(), ORIGIN, 0.1, method="alternating")
    with pytest.raises(ValueError, match="method"):
        step(dirac_gan_field(), ORIGIN, 0.1, method="newton")
    with pytest.raises(ValueError, match="z must"):
        jacobian(dirac_gan_field(), torch.zeros(2, 1))
    with pytest.raises(ValueError, match="square"):
        eigenvalues(np.zeros((2, 3)))


@pytest.mark.parametrize("loss,a", [("gan", 0.5), ("wgan", 1.0)])
def test_alternating_step_map_has_determinant_one(loss, a) -> None:
    """Discriminator first: psi' = psi + h a theta, theta' = theta - h a psi' (linearised); jacrev of the step map
    is [[1 - h^2 a^2, -h a], [h a, 1]], det 1, eigenvalues on the unit circle for h a < 2."""
    h = 0.3
    m = jacobian(lambda z: step(dirac_gan_field(loss), z, h, "alternating", n_first=1), ORIGIN)
    assert torch.allclose(m, torch.tensor([[1 - h**2 * a**2, -h * a], [h * a, 1.0]], dtype=torch.float64), atol=1e-14)
    assert np.allclose(np.abs(eigenvalues(m)), 1.0, atol=1e-12)


def test_wgan_gp_field_jumps_at_the_equilibrium() -> None:
    """Either side of psi = 0 the WGAN-GP Jacobian is the R1 one, but v jumps by 2 gamma g0: no linearisation."""
    gamma, g0 = 0.7, 1.3
    field = dirac_gan_field("wgan", "gp", gamma=gamma, g0=g0)
    for s in (1e-9, -1e-9):
        z = torch.tensor([0.0, s], dtype=torch.float64)
        assert np.allclose(eigenvalues(jacobian(field, z)), dirac_gan_eigenvalues("wgan", "r1", gamma=gamma), atol=1e-12)
        assert float(field(z)[1]) == pytest.approx(np.sign(s) * gamma * g0, abs=1e-8)
