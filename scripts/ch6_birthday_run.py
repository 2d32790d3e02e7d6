"""Chapter 6's heavy runs: the birthday test calibrated over K up to 10,000, and applied to our GANs.

    python scripts/ch6_birthday_run.py            # writes notebooks/data/ch6_birthday.json (~15 min on 2 busy CPU cores)

Splits of the shipped MNIST t10k images (the only MNIST split ganlib ships):
  A = [0, 5000)      trains the feature network (the chapter-4 digit classifier);
  B1 = [5000, 7500)  calibrates both duplicate thresholds (pixel and feature space);
  B2 = [7500, 10000) checks the calibrated false-duplicate rate on digits used for neither.
Known-support generators (NoisyCopies): pixel space over K images of all of t10k, feature space over K
images of B = B1 + B2 only (digits the classifier never saw). The batch size of every test is chosen from a
pilot sample (``suggest_batch_size``), never from the true K.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np
import torch
from torch import nn

from ganlib.book.artifacts import load_generator, to_uint8
from ganlib.data import load_mnist, mnist_images
from ganlib.evaluation.classifier import class_probabilities, train_classifier
from ganlib.evaluation.collisions import birthday_test, closest_pairs
from ganlib.evaluation.duplicates import NoisyCopies, calibrate_threshold, feature_embedding, pair_collision_rate, \
    suggest_batch_size
from ganlib.nets.models import MLPDiscriminator, MLPGenerator, count_parameters
from ganlib.training.sampling import sample
from ganlib.training.trainer import TrainConfig, Trainer

OUT = Path(__file__).resolve().parent.parent / "notebooks" / "data" / "ch6_birthday.json"
FALSE_RATE = 1e-5  # fraction of distinct held-out real pairs allowed below the threshold
NOISE = 0.05  # pixel noise of the known-support generators (images in [-1, 1])


def run_test(sampler, tau, embed=None, batches=200, seed=0, k_max=2048, pilot=2000, max_samples=50_000):
    """Pilot -> batch size -> the birthday test on fresh draws (at most ``max_samples``); a dict for the JSON."""
    p = sampler(pilot, seed + 10_000)
    k = suggest_batch_size(embed(p) if embed else p, tau, k_max=k_max)
    batches = max(20, min(batches, max_samples // k))
    r = birthday_test(sampler=sampler, threshold=tau, batch_size=k, n_batches=batches, embed=embed, seed=seed)
    return {key: (None if isinstance(v, float) and not np.isfinite(v) else v) for key, v in r.__dict__.items()}


def pair_images(images, n=8):
    """The n closest pairs among ``images`` in pixel space, as uint8 lists (2n, 28, 28) and their distances."""
    d, p = closest_pairs(images, n)
    return {"distances": d.tolist(), "images": to_uint8(images[p.flatten()]).reshape(-1, 28, 28).tolist()}


class TanhMLPGenerator(nn.Module):
    """ganlib's MLPGenerator (nz -> 256 -> 256 -> 784, ReLU) with a tanh output: pixels in [-1, 1] like the data."""

    def __init__(self, nz: int) -> None:
        super().__init__()
        self.nz, self.body = nz, MLPGenerator(nz, 784, 256, 2, "relu")

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        return torch.tanh(self.body(z))


def train_mlp_gan(flat, nz, width, steps, seed=0):
    torch.manual_seed(seed)
    G, D = TanhMLPGenerator(nz), MLPDiscriminator(784, width, 2, "relu")
    trainer = Trainer(G, D, flat, TrainConfig(steps=steps, batch_size=64, progress=False, seed=seed))
    trainer.fit()
    return G.eval(), count_parameters(D)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(OUT))
    parser.add_argument("--batches", type=int, default=200)
    parser.add_argument("--steps", type=int, default=3000, help="training steps of each MLP GAN")
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    t0 = time.time()
    x = mnist_images("test")
    labels = load_mnist()[1]
    A, B1, B2, B = x[:5000], x[5000:7500], x[7500:], x[5000:]
    out = {"splits": {"classifier": [0, 5000], "calibration": [5000, 7500], "check": [7500, 10000]},
           "false_rate": FALSE_RATE, "noise": NOISE, "batches": args.batches}

    clf = train_classifier(A, labels[:5000], epochs=3, seed=0)
    out["classifier_accuracy_B"] = float((class_probabilities(clf, B).argmax(1) == labels[5000:]).double().mean())
    embed = feature_embedding(clf)
    spaces = {"pixel": (None, lambda z: z), "feature": (embed, embed)}
    taus = {}
    for name, (e, f) in spaces.items():
        taus[name] = calibrate_threshold(f(B1), FALSE_RATE)
        c, n = pair_collision_rate(f(B2), taus[name])
        out[f"{name}_threshold"] = taus[name]
        out[f"{name}_false_rate_check"] = c / n
    print(f"thresholds {taus} ({time.time() - t0:.0f} s)", flush=True)

    g = torch.Generator().manual_seed(0)
    calib = {"pixel": [], "feature": []}
    for K in [100, 200, 500, 1000, 2000, 5000, 10000]:
        for name, (e, _) in spaces.items():
            pool = x if name == "pixel" else B
            if K > len(pool):
                continue
            stored = pool[torch.randperm(len(pool), generator=g)[:K]]
            res = run_test(NoisyCopies(stored, NOISE), taus[name], e, args.batches, seed=K)
            calib[name].append({"K": K, **res})
            print(f"{name} K={K}: k={res['batch_size']} N^={res['support']:.0f} "
                  f"[{res['support_low']:.0f}, {res['support_high']}] ({time.time() - t0:.0f} s)", flush=True)
    out["calibration"] = calib

    G_dcgan, _ = load_generator()
    flat = x.flatten(1)
    gans = {"MNIST t10k (support 10,000)": lambda n, s: NoisyCopies(x, 0.0)(n, s),
            "chapter-4 DCGAN": lambda n, s: sample(G_dcgan, n, seed=s)}
    G_col, _ = train_mlp_gan(flat, nz=16, width=4, steps=args.steps)  # the width study's narrowest discriminator
    gans["MLP GAN, D width 4 (collapsed)"] = lambda n, s: sample(G_col, n, seed=s).view(-1, 1, 28, 28)
    out["gans"] = {}
    for name, sampler in gans.items():
        out["gans"][name] = {space: run_test(sampler, taus[space], e, args.batches, seed=1)
                             for space, (e, _) in spaces.items()}
        out["gans"][name]["closest_pairs"] = pair_images(sampler(1000, 2))
        print(name, {s: out["gans"][name][s]["support"] for s in spaces}, f"({time.time() - t0:.0f} s)", flush=True)
    out["closest_real_pairs"] = pair_images(B2[:1000])

    widths = []
    for width in [4, 16, 64, 256]:
        G_w, params = (G_col, count_parameters(MLPDiscriminator(784, 4, 2))) if width == 4 else \
            train_mlp_gan(flat, nz=16, width=width, steps=args.steps)
        sampler = lambda n, s, G_w=G_w: sample(G_w, n, seed=s).view(-1, 1, 28, 28)
        widths.append({"width": width, "parameters": params,
                       "samples": to_uint8(sampler(16, 5)).reshape(-1, 28, 28).tolist(),
                       **{space: run_test(sampler, taus[space], e, args.batches, seed=3)
                          for space, (e, _) in spaces.items()}})
        print(f"D width {width}: pixel N^={widths[-1]['pixel']['support']} ({time.time() - t0:.0f} s)", flush=True)
    out["width_study"] = {"nz": 16, "steps": args.steps, "runs": widths}
    out["seconds"] = round(time.time() - t0)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(out))
    print(f"wrote {args.out} in {out['seconds']} s")


if __name__ == "__main__":
    main()
