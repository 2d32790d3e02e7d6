"""The baseline of issue 6: the training loop of the PyTorch DCGAN example, written fresh for ganlib's MNIST DCGAN.

A DataLoader over a TensorDataset (shuffled each epoch, last incomplete batch dropped), each batch moved to the
device, fp32, Adam(2e-4, betas (0.5, 0.999)), BCE with logits, the non-saturating generator loss, one
discriminator step (real and fake batches each through D, two backward passes) then one generator step that
reuses the same fake batch; the per-step statistics are read back with ``.item()`` as the example does for its log.
The architecture is ganlib's (``DCGANGenerator``/``DCGANDiscriminator``), so only the loop differs from ganlib's.

    python benchmarks/baseline_dcgan.py --steps 50 --device cpu
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Iterator

import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from ganlib.data import mnist_images
from ganlib.nets.models import DCGANDiscriminator, DCGANGenerator


class BaselineDCGAN:
    """The example's loop, resumable batch by batch so that a benchmark can interleave it with ganlib's."""

    def __init__(self, batch_size: int = 64, device: str = "cpu", seed: int = 0) -> None:
        torch.manual_seed(seed)
        self.device = torch.device(device)
        self.netG, self.netD = DCGANGenerator().to(self.device), DCGANDiscriminator().to(self.device)
        self.criterion = nn.BCEWithLogitsLoss()
        self.optD = torch.optim.Adam(self.netD.parameters(), lr=2e-4, betas=(0.5, 0.999))
        self.optG = torch.optim.Adam(self.netG.parameters(), lr=2e-4, betas=(0.5, 0.999))
        self.loader = DataLoader(TensorDataset(mnist_images("test")), batch_size=batch_size, shuffle=True,
                                 drop_last=True)
        self.batches: Iterator | None = None
        self.nz = self.netG.nz

    def _next_batch(self) -> torch.Tensor:
        if self.batches is None:
            self.batches = iter(self.loader)
        try:
            (real,) = next(self.batches)
        except StopIteration:  # new epoch
            self.batches = iter(self.loader)
            (real,) = next(self.batches)
        return real

    def step(self) -> tuple[float, float, float, float, float]:
        """One iteration of the example's loop; returns (errD, errG, D(x), D(G(z)) before, after D's update)."""
        real = self._next_batch().to(self.device)
        b = real.shape[0]
        ones = torch.full((b,), 1.0, device=self.device)
        zeros = torch.full((b,), 0.0, device=self.device)
        # (1) update D: maximise log D(x) + log(1 - D(G(z)))
        self.netD.zero_grad()
        out = self.netD(real)
        err_real = self.criterion(out, ones)
        err_real.backward()
        d_x = torch.sigmoid(out).mean().item()
        noise = torch.randn(b, self.nz, device=self.device)
        fake = self.netG(noise)
        out = self.netD(fake.detach())
        err_fake = self.criterion(out, zeros)
        err_fake.backward()
        d_g_z1 = torch.sigmoid(out).mean().item()
        err_d = err_real + err_fake
        self.optD.step()
        # (2) update G: maximise log D(G(z)) on the same fake batch
        self.netG.zero_grad()
        out = self.netD(fake)
        err_g = self.criterion(out, ones)
        err_g.backward()
        d_g_z2 = torch.sigmoid(out).mean().item()
        self.optG.step()
        return err_d.item(), err_g.item(), d_x, d_g_z1, d_g_z2

    def run(self, steps: int) -> float:
        """Run ``steps`` iterations; returns steps per second (device work included)."""
        self.netG.train(), self.netD.train()
        if self.device.type == "cuda":
            torch.cuda.synchronize()
        start = time.perf_counter()
        for _ in range(steps):
            self.step()
        if self.device.type == "cuda":
            torch.cuda.synchronize()
        return steps / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--steps", type=int, default=50)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--device", default="cpu")
    args = parser.parse_args()
    base = BaselineDCGAN(args.batch, args.device)
    base.run(args.warmup)
    print(f"steps_per_s={base.run(args.steps):.4f}")


if __name__ == "__main__":
    main()
