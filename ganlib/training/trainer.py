r"""Algorithm 1 of the essay (chapter 2): k discriminator steps, then one generator step.

Each discriminator step draws m real and m latent samples and descends :math:`-V` (or another
discriminator loss of ``ganlib.training.losses``); the generator step draws fresh latents and descends the chosen
generator objective. With ``reuse_fake=True`` the generator step reuses the last discriminator step's
fake batch instead, as the PyTorch DCGAN example does.

With ``fast=True`` (the default) the trainer runs the same step through ``ganlib.training.fast`` where it can: on
the CPU without the discriminator's discarded weight gradients and with convolutional nets channels_last,
on CUDA as one replayed CUDA graph; the plain step below is the reference and the fallback (MPS).
"""

from __future__ import annotations

import dataclasses
import math
import os
from dataclasses import dataclass
from typing import Any, Protocol

import torch
from torch import nn
from tqdm import tqdm

from ganlib.training.checkpoint import load_checkpoint, save_checkpoint
from ganlib.training import fast as fastpath
from ganlib.device import make_generator, pick_device
from ganlib.training.losses import gradient_penalty, get_losses

HISTORY_KEYS = ("step", "d_loss", "g_loss", "d_real", "d_fake", "acc_real", "acc_fake")
CHECKPOINT_FORMAT = "ganlib-trainer-v1"


class Sampler(Protocol):
    """Anything with ``sample(n, seed)``: the toy distributions of ``ganlib.data``."""

    def sample(self, n: int, seed: Any = 0) -> torch.Tensor: ...


class TrainingDiverged(FloatingPointError):
    """A loss became NaN or infinite; the message says at which step and what to try."""


@dataclass
class TrainConfig:
    """Hyper-parameters of Algorithm 1; defaults are the DCGAN ones (Radford et al., 2016)."""

    steps: int = 1000  # generator updates
    batch_size: int = 64  # m in Algorithm 1
    d_steps: int = 1  # k in Algorithm 1: discriminator updates per generator update
    d_loss: str = "gan"
    g_loss: str = "nonsaturating"
    lr_d: float = 2e-4
    lr_g: float = 2e-4
    betas: tuple[float, float] = (0.5, 0.999)
    gp_weight: float = 0.0  # WGAN-GP weight (10 in Gulrajani et al., 2017); 0 disables
    real_label: float = 1.0  # < 1: one-sided label smoothing (d_loss="gan" only)
    reuse_fake: bool = False
    seed: int = 0
    log_every: int = 1  # record history (and check for NaN) every this many steps
    progress: bool = True
    checkpoint_every: int = 0  # 0: only at the end, if checkpoint_path is set
    checkpoint_path: str | None = None
    device: str | None = None  # None: CUDA, then MPS, then CPU
    fast: bool = True  # same step, less work (ganlib.training.fast); False: always the plain reference step

    def __post_init__(self) -> None:
        for name in ("steps", "batch_size", "d_steps", "log_every", "checkpoint_every", "seed"):
            value = getattr(self, name)
            low = 1 if name in ("batch_size", "d_steps", "log_every") else 0
            if isinstance(value, bool) or not isinstance(value, int) or value < low:
                raise ValueError(f"{name} must be an int >= {low}, got {value!r}")
        for name in ("lr_d", "lr_g"):
            if not getattr(self, name) > 0:
                raise ValueError(f"{name} must be positive, got {getattr(self, name)!r}")
        if len(self.betas) != 2 or not all(0 <= b < 1 for b in self.betas):
            raise ValueError(f"betas must be two numbers in [0, 1), got {self.betas!r}")
        self.betas = (float(self.betas[0]), float(self.betas[1]))
        if self.gp_weight < 0:
            raise ValueError(f"gp_weight must be >= 0, got {self.gp_weight}")
        if self.real_label != 1.0 and self.d_loss != "gan":
            raise ValueError("real_label (label smoothing) applies to d_loss='gan' only")
        if not isinstance(self.fast, bool):
            raise ValueError(f"fast must be True or False, got {self.fast!r}")
        get_losses(self.d_loss, self.g_loss)  # raises on unknown names


class Trainer:
    """Trains (G, D) on ``data`` by Algorithm 1, records a history, and checkpoints/resumes exactly.

    ``data`` is either a tensor of real samples (N, ...), read without replacement in a fresh
    random order each epoch (the last incomplete batch of an epoch is dropped), or a ``Sampler``
    drawn from afresh at every step. The models and the data move to the chosen device.
    ``path`` says which step runs: "plain", "eager" or "cuda-graph" (``ganlib.training.fast.choose_path``).
    """

    def __init__(self, G: nn.Module, D: nn.Module, data: torch.Tensor | Sampler,
                 config: TrainConfig | None = None) -> None:
        self.config = config = config or TrainConfig()
        self.device = pick_device(config.device)
        if not isinstance(getattr(G, "nz", None), int):
            raise ValueError("G must have an int attribute nz (the latent dimension), as ganlib's generators do")
        self.G, self.D = G.to(self.device), D.to(self.device)
        if torch.is_tensor(data):
            if data.ndim < 2 or data.shape[0] < config.batch_size:
                raise ValueError(f"data must be a tensor (N, ...) with N >= batch_size={config.batch_size}, "
                                 f"got shape {tuple(data.shape)}")
            self.data: torch.Tensor | None = data.to(self.device)
            self.sampler: Sampler | None = None
        elif hasattr(data, "sample"):
            self.data, self.sampler = None, data
        else:
            raise ValueError(f"data must be a tensor of samples or have a sample(n, seed) method, got {type(data)}")
        self.path = fastpath.choose_path(self.device, config.fast, self.data is not None, config.gp_weight)
        if self.path != "plain":
            fastpath.prepare_models(self)  # channels_last for conv nets (and image data)
        self._fast_step: Any = None  # built at the first step, rebuilt after load_state_dict
        self.d_loss_fn, self.g_loss_fn = get_losses(config.d_loss, config.g_loss)
        self.opt_d = torch.optim.Adam(self.D.parameters(), lr=config.lr_d, betas=config.betas)
        self.opt_g = torch.optim.Adam(self.G.parameters(), lr=config.lr_g, betas=config.betas)
        self.z_rng = make_generator(config.seed, self.device)  # latents, penalty weights
        self.data_rng = make_generator(config.seed + 1)  # epoch order or sampler draws (CPU)
        self.step = 0
        self.history: dict[str, list[float]] = {k: [] for k in HISTORY_KEYS}
        self._perm = torch.empty(0, dtype=torch.long)
        self._pos = 0

    # --- one iteration of Algorithm 1 -------------------------------------------------
    def real_batch(self) -> torch.Tensor:
        """The next m real samples."""
        m = self.config.batch_size
        if self.sampler is not None:
            return self.sampler.sample(m, self.data_rng).to(self.device)
        if self._pos + m > len(self._perm):  # new epoch
            self._perm = torch.randperm(self.data.shape[0], generator=self.data_rng)
            self._pos = 0
        idx = self._perm[self._pos:self._pos + m].to(self.device)
        self._pos += m
        return self.data[idx]

    def latent(self, n: int) -> torch.Tensor:
        """n draws from the prior p_z = N(0, I)."""
        return torch.randn(n, self.G.nz, device=self.device, generator=self.z_rng)

    def d_step(self, keep_fake: bool = False) -> tuple[torch.Tensor, ...]:
        """One discriminator update; returns (loss, real outputs, fake outputs, fake batch)."""
        real = self.real_batch()
        z = self.latent(real.shape[0])
        with torch.set_grad_enabled(keep_fake):
            fake = self.G(z)
        real_out, fake_out = self.D(real), self.D(fake.detach())
        if self.config.d_loss == "gan":
            loss = self.d_loss_fn(real_out, fake_out, self.config.real_label)
        else:
            loss = self.d_loss_fn(real_out, fake_out)
        if self.config.gp_weight > 0:
            loss = loss + self.config.gp_weight * gradient_penalty(self.D, real, fake, self.z_rng)
        self.opt_d.zero_grad(set_to_none=True)
        loss.backward()
        self.opt_d.step()
        return loss.detach(), real_out.detach(), fake_out.detach(), fake

    def g_step(self, fake: torch.Tensor | None = None) -> torch.Tensor:
        """One generator update, on fresh latents unless ``fake`` (with its graph) is given."""
        if fake is None:
            fake = self.G(self.latent(self.config.batch_size))
        loss = self.g_loss_fn(self.D(fake))
        self.opt_g.zero_grad(set_to_none=True)
        loss.backward()
        self.opt_g.step()
        return loss.detach()

    def train_step(self) -> dict[str, torch.Tensor]:
        """k discriminator steps, then one generator step; returns the step's statistics as tensors.

        On the cuda-graph path the returned tensors are the graph's outputs, overwritten by the next step.
        """
        if self.path != "plain":
            if self._fast_step is None:
                self._fast_step = fastpath.make_step(self, self.path)
            stats = self._fast_step()
            self.step += 1
            return stats
        k = self.config.d_steps
        for i in range(k):
            d_loss, real_out, fake_out, fake = self.d_step(keep_fake=self.config.reuse_fake and i == k - 1)
        g_loss = self.g_step(fake if self.config.reuse_fake else None)
        self.step += 1
        return {"d_loss": d_loss, "g_loss": g_loss,
                "d_real": torch.sigmoid(real_out).mean(), "d_fake": torch.sigmoid(fake_out).mean(),
                "acc_real": (real_out > 0).float().mean(), "acc_fake": (fake_out < 0).float().mean()}

    # --- the loop --------------------------------------------------------------------
    def fit(self, steps: int | None = None) -> dict[str, list[float]]:
        """Train until ``steps`` generator updates in total (default ``config.steps``); returns the history."""
        cfg = self.config
        target = cfg.steps if steps is None else steps
        if target < self.step:
            raise ValueError(f"steps={target} is fewer than the {self.step} steps already done")
        self.G.train(), self.D.train()
        with tqdm(total=target, initial=self.step, disable=not cfg.progress, desc="train", leave=False) as bar:
            while self.step < target:
                stats = self.train_step()
                if self.step % cfg.log_every == 0 or self.step == target:
                    self._record(stats)
                    bar.set_postfix(d=f"{self.history['d_loss'][-1]:.3f}", g=f"{self.history['g_loss'][-1]:.3f}")
                if cfg.checkpoint_path and cfg.checkpoint_every and self.step % cfg.checkpoint_every == 0:
                    self.save(cfg.checkpoint_path)
                bar.update(1)
        if cfg.checkpoint_path:
            self.save(cfg.checkpoint_path)
        return self.history

    def _record(self, stats: dict[str, torch.Tensor]) -> None:
        values = torch.stack([stats[k].float() for k in HISTORY_KEYS[1:]]).tolist()  # one host sync
        for key, value in zip(HISTORY_KEYS[1:], values):
            if not math.isfinite(value) and key.endswith("loss"):
                raise TrainingDiverged(
                    f"{key} became {value} at step {self.step}; lower the learning rates (lr_d={self.config.lr_d}, "
                    f"lr_g={self.config.lr_g}), check the data for NaN, or use a bounded loss")
        self.history["step"].append(self.step)
        for key, value in zip(HISTORY_KEYS[1:], values):
            self.history[key].append(value)

    # --- checkpoints -----------------------------------------------------------------
    def state_dict(self) -> dict[str, Any]:
        """Everything needed to continue exactly where this run is: weights, optimisers, RNGs, data order."""
        return {"format": CHECKPOINT_FORMAT, "step": self.step, "config": dataclasses.asdict(self.config),
                "G": self.G.state_dict(), "D": self.D.state_dict(),
                "opt_g": fastpath.portable_optimizer_state(self.opt_g),
                "opt_d": fastpath.portable_optimizer_state(self.opt_d),
                "z_rng": self.z_rng.get_state(), "data_rng": self.data_rng.get_state(),
                "perm": self._perm, "pos": self._pos, "history": self.history}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Restore a ``state_dict()``; the models and config must match the checkpoint's."""
        if state.get("format") != CHECKPOINT_FORMAT:
            raise ValueError(f"not a ganlib trainer checkpoint (format {state.get('format')!r}, "
                             f"expected {CHECKPOINT_FORMAT!r})")
        self.G.load_state_dict(state["G"])
        self.D.load_state_dict(state["D"])
        self.opt_g.load_state_dict(state["opt_g"])
        self.opt_d.load_state_dict(state["opt_d"])
        self.z_rng.set_state(state["z_rng"].cpu())
        self.data_rng.set_state(state["data_rng"].cpu())
        self._perm, self._pos = state["perm"].cpu(), int(state["pos"])
        self.step = int(state["step"])
        self.history = {k: list(v) for k, v in state["history"].items()}
        self._fast_step = None  # a CUDA graph captured the old optimiser state: capture again

    def save(self, path: str | os.PathLike) -> None:
        """Atomically write a resumable checkpoint."""
        save_checkpoint(self.state_dict(), path)

    def resume(self, path: str | os.PathLike) -> "Trainer":
        """Load a checkpoint written by ``save`` (``torch.load(weights_only=True)``); returns self."""
        self.load_state_dict(load_checkpoint(path, map_location=self.device))
        return self


def train(G: nn.Module, D: nn.Module, data: torch.Tensor | Sampler, config: TrainConfig | None = None,
          resume_from: str | os.PathLike | None = None) -> Trainer:
    """Build a Trainer, optionally resume it from a checkpoint, and fit it; returns the trainer."""
    trainer = Trainer(G, D, data, config)
    if resume_from is not None and os.path.exists(resume_from):
        trainer.resume(resume_from)
    trainer.fit()
    return trainer
