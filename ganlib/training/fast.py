r"""Fast paths for Algorithm 1 (chapter 2; issue 6): the same training step, computed with less work.

The plain step of :class:`ganlib.training.trainer.Trainer` is the reference; every path here computes the same update,
from the same random draws (the trainer's own ``z_rng`` and ``data_rng``, drawn in the same order), so that
the losses agree with the plain path to float rounding:

- ``"eager"`` (CPU, and the fallback everywhere): the discriminator's parameters are frozen
  (``requires_grad_(False)``) during the generator step, so the backward pass through D computes only the
  gradient with respect to its input, :math:`\partial \ell / \partial x`, never the weight gradients that the
  plain path computes and then throws away (``zero_grad`` before the next D step). This is exact. Models
  with 2-D convolutions, and image data, are also stored ``channels_last`` (NHWC), where oneDNN's
  convolutions, above all the one-channel ones, are faster; this changes the order of float sums only.
  For the DCGAN discriminator, the D step sends real and fake through D as one batch of 2m whose batch
  norms normalise each half on its own (the same statistics and running-average updates as two passes),
  and the final flatten is done in channels_last order (:func:`discriminator_forward`). Dense (MLP)
  models get only the frozen-D change, so their training is bit-for-bit the plain path's. On the CPU, the
  DCGAN nets' convolutions with a single channel on one side (their image side) run as unfold + matrix
  product or matrix product + fold, fused with their activations, a few times cheaper than oneDNN's kernels
  for them (:mod:`ganlib.training.dcgan_cpu`, :func:`model_forwards`). Also on the CPU: Adam's update
  of conv nets runs fused (one kernel for all parameters; rounding differs from the per-tensor loop only
  in the last bits), and malloc keeps freed activations for the next step (:mod:`ganlib.training.allocator`).
- ``"cuda-graph"`` (CUDA, tensor data, no gradient penalty): the data lives on the GPU; each step gathers its
  real batch and draws its latents into fixed buffers, then replays one CUDA graph holding the whole
  D step(s) + G step, Adam updates included (``capturable=True``). No host synchronisation per step: the
  statistics stay on the GPU until the trainer records them (every ``log_every`` steps).

On MPS, or with ``fast=False``, the trainer uses the plain step. :func:`choose_path` says which applies.
"""

from __future__ import annotations

import warnings
from typing import Any, Callable, Protocol

import torch
from torch import nn

from ganlib.training import allocator, dcgan_cpu
from ganlib.nets.models import DCGANDiscriminator, DCGANGenerator



class Trainer(Protocol):
    """What a fast step reads of the trainer (``ganlib.training.trainer.Trainer`` has it); a protocol, so that
    this module never imports the trainer: the trainer chooses the path and calls in, never the reverse."""

    config: Any
    G: nn.Module
    D: nn.Module
    data: torch.Tensor | None
    device: torch.device
    opt_d: torch.optim.Optimizer
    opt_g: torch.optim.Optimizer
    z_rng: torch.Generator
    data_rng: torch.Generator
    d_loss_fn: Callable[..., torch.Tensor]
    g_loss_fn: Callable[..., torch.Tensor]
    _perm: torch.Tensor  # the epoch permutation and the position in it (the CUDA-graph path draws batches itself)
    _pos: int

    def real_batch(self) -> torch.Tensor: ...

    def latent(self, n: int) -> torch.Tensor: ...

PATHS = ("plain", "eager", "cuda-graph")
# Adam's fused kernel exists for CPU tensors from torch 2.4 on (ganlib supports torch >= 2.1)
CPU_FUSED_ADAM = tuple(int(v) for v in torch.__version__.split("+")[0].split(".")[:2]) >= (2, 4)


def has_conv(module: nn.Module) -> bool:
    """True if ``module`` holds a 2-D (transposed) convolution, where channels_last pays."""
    return any(isinstance(m, (nn.Conv2d, nn.ConvTranspose2d)) for m in module.modules())


def choose_path(device: torch.device, fast: bool, tensor_data: bool, gp_weight: float) -> str:
    """Which step the trainer runs: ``"plain"``, ``"eager"`` or ``"cuda-graph"`` (see the module docstring)."""
    if not fast or device.type not in ("cpu", "cuda"):
        return "plain"
    if device.type == "cuda" and torch.cuda.is_available() and tensor_data and gp_weight == 0:
        return "cuda-graph"
    return "eager"


def prepare_models(trainer: "Trainer") -> None:
    """Store convolutional models and image data channels_last (NHWC); a no-op for dense models."""
    cl = torch.channels_last
    for model in (trainer.G, trainer.D):
        if has_conv(model):
            model.to(memory_format=cl)
    if trainer.data is not None and trainer.data.ndim == 4 and has_conv(trainer.D):
        trainer.data = trainer.data.contiguous(memory_format=cl)


class _SplitBatchNorm:
    """Context manager: every BatchNorm of ``module`` normalises the two halves of its batch separately.

    Inside it, ``D(cat([real, fake]))`` computes exactly ``cat([D(real), D(fake)])`` for a net whose only
    cross-sample layers are batch norms: each half gets its own batch statistics, and the running
    statistics are updated with the real half first, then the fake half, as two separate calls would.
    """

    def __init__(self, module: nn.Module) -> None:
        self.norms = [m for m in module.modules() if isinstance(m, nn.modules.batchnorm._BatchNorm)]

    def __enter__(self) -> None:
        for bn in self.norms:
            bn.forward = _split_forward(bn)  # instance attribute shadows the class's forward

    def __exit__(self, *exc: object) -> None:
        for bn in self.norms:
            del bn.forward


def _split_forward(bn: nn.Module) -> Callable[[torch.Tensor], torch.Tensor]:
    plain = type(bn).forward

    def forward(x: torch.Tensor) -> torch.Tensor:
        first, second = x.chunk(2)
        return torch.cat([plain(bn, first), plain(bn, second)])

    return forward


# layers that act on each sample separately (batch norm aside, which _SplitBatchNorm handles)
_PER_SAMPLE = (nn.Conv2d, nn.ConvTranspose2d, nn.Linear, nn.ReLU, nn.LeakyReLU, nn.Sigmoid, nn.Tanh, nn.ELU,
               nn.GELU, nn.SiLU, nn.Softplus, nn.Identity, nn.Flatten, nn.Sequential,
               nn.modules.batchnorm._BatchNorm)


def can_pair(D: nn.Module) -> bool:
    """True if real and fake batches go through D as one batch: the DCGAN discriminator, per-sample layers.

    Not dense nets: a matrix product over 2m rows rounds differently from two over m, and the toy
    chapters' MLP runs stay bit-for-bit those of the plain path.
    """
    return type(D) is DCGANDiscriminator and \
        all(isinstance(m, _PER_SAMPLE) for m in D.modules() if m is not D)


def discriminator_forward(D: nn.Module) -> Callable[[torch.Tensor], torch.Tensor]:
    """D's forward, with the DCGAN discriminator's flatten done in channels_last order (``classify_nhwc``)."""
    if type(D) is not DCGANDiscriminator or not D.classify.weight.is_contiguous():
        return D

    def forward(x: torch.Tensor) -> torch.Tensor:
        if x.ndim != 4 or tuple(x.shape[1:]) != (1, 28, 28):
            return D(x)  # the module's own shape check and message
        return dcgan_cpu.classify_nhwc(D.classify, D.features(x))  # features (B, 2*ndf, 7, 7)

    return forward


class _FrozenD:
    """Context manager: D's trainable parameters do not require grad inside (the G step)."""

    def __init__(self, D: nn.Module) -> None:
        self.params = [p for p in D.parameters() if p.requires_grad]

    def __enter__(self) -> None:
        for p in self.params:
            p.requires_grad_(False)

    def __exit__(self, *exc: object) -> None:
        for p in self.params:
            p.requires_grad_(True)


Forward = Callable[[torch.Tensor], torch.Tensor]


def step_from_inputs(trainer: "Trainer", draw: Callable[[int], tuple[torch.Tensor, torch.Tensor]],
                     draw_g: Callable[[], torch.Tensor], pair: bool = False,
                     forwards: tuple[Forward, Forward] | None = None) -> dict[str, torch.Tensor]:
    r"""One iteration of Algorithm 1: k D steps on ``draw(i) = (real, z)``, then one G step.

    The G step reuses the last fake batch if ``config.reuse_fake``, else it generates from ``draw_g()``.
    Inputs are drawn when the plain path draws them (the gradient penalty's weights come from ``z_rng`` in
    between). Same arithmetic as ``Trainer.d_step``/``g_step``; D is frozen during the G step.
    ``forwards`` = (G's forward, D's forward) replaces the modules' own (:func:`model_forwards`).
    """
    cfg = trainer.config
    k = cfg.d_steps
    G, D = forwards or (trainer.G, discriminator_forward(trainer.D))
    for i in range(k):
        real, z = draw(i)
        keep = cfg.reuse_fake and i == k - 1
        with torch.set_grad_enabled(keep):
            fake = G(z)
        if pair and real.shape == fake.shape:  # one pass through D, batch statistics per half
            with _SplitBatchNorm(trainer.D):
                real_out, fake_out = D(torch.cat([real, fake.detach()])).chunk(2)
        else:
            real_out, fake_out = D(real), D(fake.detach())
        if cfg.d_loss == "gan":
            d_loss = trainer.d_loss_fn(real_out, fake_out, cfg.real_label)
        else:
            d_loss = trainer.d_loss_fn(real_out, fake_out)
        if cfg.gp_weight > 0:
            from ganlib.training.losses import gradient_penalty
            d_loss = d_loss + cfg.gp_weight * gradient_penalty(trainer.D, real, fake, trainer.z_rng)
        trainer.opt_d.zero_grad(set_to_none=True)
        d_loss.backward()
        trainer.opt_d.step()
    if not cfg.reuse_fake:
        fake = G(draw_g())
    with _FrozenD(trainer.D):
        g_loss = trainer.g_loss_fn(D(fake))
        trainer.opt_g.zero_grad(set_to_none=True)
        g_loss.backward()
    trainer.opt_g.step()
    real_out, fake_out = real_out.detach(), fake_out.detach()
    return {"d_loss": d_loss.detach(), "g_loss": g_loss.detach(),
            "d_real": torch.sigmoid(real_out).mean(), "d_fake": torch.sigmoid(fake_out).mean(),
            "acc_real": (real_out > 0).float().mean(), "acc_fake": (fake_out < 0).float().mean()}


def model_forwards(trainer: "Trainer") -> tuple[Forward, Forward] | None:
    """On the CPU, the DCGAN nets' forwards of :mod:`ganlib.training.dcgan_cpu`; None elsewhere."""
    G, D = trainer.G, trainer.D
    if trainer.device.type != "cpu" or type(G) is not DCGANGenerator or type(D) is not DCGANDiscriminator:
        return None

    def d_forward(x: torch.Tensor) -> torch.Tensor:
        if x.ndim != 4 or tuple(x.shape[1:]) != (1, 28, 28):
            return D(x)  # the module's own shape check and message
        return dcgan_cpu.discriminator_forward(D, x)

    return (lambda z: dcgan_cpu.generator_forward(G, z) if z.ndim == 2 else G(z)), d_forward


class EagerStep:
    """The ``"eager"`` path: draws like the plain path, then :func:`step_from_inputs`."""

    path = "eager"

    def __init__(self, trainer: "Trainer") -> None:
        self.trainer = trainer
        self.pair = can_pair(trainer.D)
        self.forwards = model_forwards(trainer)
        # freed activations stay in malloc's heap for the next step instead of page-faulting back in
        self.keeps_memory = allocator.keep_freed_memory() if trainer.device.type == "cpu" else False
        if trainer.device.type == "cpu" and (has_conv(trainer.G) or has_conv(trainer.D)) and CPU_FUSED_ADAM:
            for opt in (trainer.opt_d, trainer.opt_g):  # dense nets keep the plain path's bits
                use_fused(opt)

    def __call__(self) -> dict[str, torch.Tensor]:
        t = self.trainer

        def draw(i: int) -> tuple[torch.Tensor, torch.Tensor]:
            real = t.real_batch()
            return real, t.latent(real.shape[0])

        return step_from_inputs(t, draw, lambda: t.latent(t.config.batch_size), self.pair, self.forwards)


class CudaGraphStep:
    """The ``"cuda-graph"`` path: fixed input buffers and one captured graph for the whole step.

    Per step, outside the graph: k gathers of real batches from the GPU-resident data (indices from the
    epoch permutation, copied to the GPU once per epoch) and the latent draws from ``z_rng``, each written
    into its buffer; then ``graph.replay()``. The first ``warmup`` steps run eagerly on a side stream (as
    CUDA graph capture requires); they are ordinary training steps.
    """

    path = "cuda-graph"

    def __init__(self, trainer: "Trainer", warmup: int = 3) -> None:
        if trainer.device.type != "cuda" or not torch.cuda.is_available():
            raise ValueError("the cuda-graph path needs a CUDA device; use the eager path")
        self.trainer, self.warmup = trainer, warmup
        self.pair = can_pair(trainer.D)
        cfg, dev = trainer.config, trainer.device
        m, k = cfg.batch_size, cfg.d_steps
        shape = tuple(trainer.data.shape[1:])
        fmt = torch.channels_last if trainer.data.ndim == 4 and has_conv(trainer.D) else torch.contiguous_format
        self.reals = [torch.empty((m, *shape), device=dev, dtype=trainer.data.dtype, memory_format=fmt)
                      for _ in range(k)]
        self.zs = [torch.empty(m, trainer.G.nz, device=dev) for _ in range(k)]
        self.z_g = None if cfg.reuse_fake else torch.empty(m, trainer.G.nz, device=dev)
        self._perm_dev: torch.Tensor | None = None  # the trainer's epoch permutation, on the GPU
        self._perm_src: torch.Tensor | None = None
        for opt in (trainer.opt_d, trainer.opt_g):
            make_capturable(opt, dev)
        self.graph: torch.cuda.CUDAGraph | None = None
        self.stats: dict[str, torch.Tensor] | None = None
        self.done = 0
        self.failed = False

    def _fill(self) -> None:
        """Write the next real batches and latents into the buffers, in the plain path's draw order."""
        t, m = self.trainer, self.trainer.config.batch_size
        for real, z in zip(self.reals, self.zs):
            if t._pos + m > len(t._perm):  # new epoch, drawn on the CPU exactly as the plain path does
                t._perm = torch.randperm(t.data.shape[0], generator=t.data_rng)
                t._pos = 0
            if self._perm_src is not t._perm:  # once per epoch (or after a resume)
                self._perm_dev = t._perm.pin_memory().to(t.device, non_blocking=True)
                self._perm_src = t._perm
            real.copy_(t.data[self._perm_dev[t._pos:t._pos + m]])  # gather on the GPU, no host sync
            t._pos += m
            z.normal_(generator=t.z_rng)  # same stream as torch.randn(m, nz, generator=z_rng)
        if self.z_g is not None:
            self.z_g.normal_(generator=t.z_rng)

    def _eager(self) -> dict[str, torch.Tensor]:
        return step_from_inputs(self.trainer, lambda i: (self.reals[i], self.zs[i]), lambda: self.z_g, self.pair)

    def _capture(self) -> None:
        t = self.trainer
        t.opt_d.zero_grad(set_to_none=True)
        t.opt_g.zero_grad(set_to_none=True)
        graph = torch.cuda.CUDAGraph()
        with torch.cuda.graph(graph):
            self.stats = self._eager()
        self.graph = graph

    def __call__(self) -> dict[str, torch.Tensor]:
        self._fill()
        if self.failed:
            return self._eager()
        if self.done < self.warmup:
            side = torch.cuda.Stream()
            side.wait_stream(torch.cuda.current_stream())
            with torch.cuda.stream(side):
                stats = self._eager()
            torch.cuda.current_stream().wait_stream(side)
            self.done += 1
            return stats
        if self.graph is None:
            try:
                self._capture()
            except Exception as exc:  # capture unsupported here: keep training on the eager path
                warnings.warn(f"CUDA graph capture failed ({type(exc).__name__}: {exc}); using the eager fast path",
                              RuntimeWarning, stacklevel=2)
                self.failed, self.graph = True, None
                torch.cuda.synchronize()
                return self._eager()
        self.graph.replay()
        self.done += 1
        return self.stats


def make_capturable(opt: torch.optim.Optimizer, device: torch.device) -> None:
    """Switch an Adam optimiser to ``capturable=True`` (its step counts on the GPU), keeping its state."""
    for group in opt.param_groups:
        if "capturable" not in group:
            raise ValueError(f"{type(opt).__name__} has no capturable mode; the cuda-graph path needs Adam")
        group["capturable"] = True
    for state in opt.state.values():
        if "step" in state and torch.is_tensor(state["step"]):
            state["step"] = state["step"].to(device=device, dtype=torch.float32)


def use_fused(opt: torch.optim.Optimizer) -> None:
    """Run Adam's update as one fused kernel over all parameters (one call instead of ~10 per tensor)."""
    for group in opt.param_groups:
        if "fused" not in group:
            raise ValueError(f"{type(opt).__name__} has no fused mode")
        group["fused"], group["foreach"] = True, False


def portable_optimizer_state(opt: torch.optim.Optimizer) -> dict:
    """``opt.state_dict()`` as the plain path writes it (capturable and fused off, step counts on the CPU)."""
    state = opt.state_dict()
    groups = [{**g, "capturable": False, "fused": None, "foreach": None} if "capturable" in g else g
              for g in state["param_groups"]]
    inner = {i: {k: (v.cpu() if k == "step" and torch.is_tensor(v) else v) for k, v in s.items()}
             for i, s in state["state"].items()}
    return {"state": inner, "param_groups": groups}


def make_step(trainer: "Trainer", path: str) -> EagerStep | CudaGraphStep | None:
    """The step object for ``path`` (None for the plain path)."""
    if path == "plain":
        return None
    if path == "cuda-graph":
        return CudaGraphStep(trainer)
    if path == "eager":
        return EagerStep(trainer)
    raise ValueError(f"path must be one of {PATHS}, got {path!r}")
