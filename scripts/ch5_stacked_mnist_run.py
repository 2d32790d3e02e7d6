"""Chapter 5's stored Stacked MNIST run: small colour DCGANs (plain, unrolled, packed) on three stacked digits
from the GAN-training split, their modes counted by chapter 4's digit classifier.

    python scripts/ch5_stacked_mnist_run.py --variants DCGAN PacDCGAN2 --seeds 0 1 2 3 4 --part a --judge-cache /tmp/judge.pt &
    python scripts/ch5_stacked_mnist_run.py --variants "unrolled (K=5)" --seeds 0 1 --part c --judge-cache /tmp/judge.pt
    python scripts/ch5_stacked_mnist_run.py --merge

writes ``notebooks/data/ch5_stacked_mnist_<part>.json`` (after every run, so an interrupted process keeps the
runs it finished); ``--merge`` joins the parts into ``ch5_stacked_mnist.json``, the file the notebook reads
(delete the part files afterwards). The stored file was made by these commands, two processes of one thread
on a 2-core CPU (defaults: 5000 iterations of batch 64, width 32). A plain or packed run trains in five to
ten minutes of CPU time, an unrolled one about seven times longer (each generator step differentiates through
five discriminator steps), which is why the stored file has two unrolled seeds against five of the others;
each run's CPU time is stored with it. On a GPU, ``--device cuda`` trains the same runs in a fraction of the time.
The classifier is chapter 4's judge (``train_classifier`` on the GAN split, 6 epochs, seed 0), trained here on first use or
loaded from ``--judge-cache``; the real-data row counts 26 000 stacked images drawn from the held-out split,
which neither the GAN nor the judge has seen. Each run is scored on 26 000 samples, as in PacGAN's and
VEEGAN's code.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import platform
import time
from pathlib import Path

import torch

from ganlib.data import mnist_images
from ganlib.data.mnist import load_mnist
from ganlib.data.splits import mnist_splits
from ganlib.data.stacked import N_MODES, stack, stacked_labels, stacked_triples
from ganlib.evaluation.classifier import DigitClassifier, train_classifier
from ganlib.evaluation.modes import histogram_stats, stacked_mnist_stats
from ganlib.training.stacked import STACKED_VARIANTS, sample_stacked, train_stacked

OUT = Path(__file__).resolve().parent.parent / "notebooks" / "data"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--variants", nargs="+", default=list(STACKED_VARIANTS), choices=list(STACKED_VARIANTS))
    ap.add_argument("--seeds", nargs="+", type=int, default=[0])
    ap.add_argument("--steps", type=int, default=5000)
    ap.add_argument("--width", type=int, default=32, help="ngf = ndf")
    ap.add_argument("--n-eval", type=int, default=26000)
    ap.add_argument("--n-keep", type=int, default=8, help="samples of the first seed's run stored for the figure")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--device", default="cpu", help="where to train (cpu, cuda); the judge scores on the CPU")
    ap.add_argument("--part", default="")
    ap.add_argument("--merge", action="store_true")
    ap.add_argument("--judge-cache", default="", help="file to save the judge's weights to / load them from")
    args = ap.parse_args()
    if args.merge:
        parts = sorted(OUT.glob("ch5_stacked_mnist_*.json"))
        merged = None
        for p in parts:
            d = json.loads(p.read_text())
            if merged is None:
                merged = d
            else:
                for name, v in d["variants"].items():
                    merged["variants"].setdefault(name, {"config": v["config"], "runs": []})["runs"] += v["runs"]
        for v in merged["variants"].values():
            v["runs"].sort(key=lambda r: r["seed"])
        (OUT / "ch5_stacked_mnist.json").write_text(json.dumps(merged, indent=1) + "\n")
        print("merged", [p.name for p in parts])
        return
    torch.set_num_threads(args.threads)
    images, splits = mnist_images(), mnist_splits()
    labels = load_mnist("test")[1]
    cache: dict = {}

    def judge():  # trained on first use (after the first run), or loaded from --judge-cache
        if "judge" not in cache:
            path = Path(args.judge_cache) if args.judge_cache else None
            cache["judge"] = model = DigitClassifier()
            if path is not None and path.exists():
                model.load_state_dict(torch.load(path))
                model.eval()
            else:
                cache["judge"] = model = train_classifier(images[splits["gan"]], labels[splits["gan"]], epochs=6, seed=0)
                if path is not None:
                    torch.save(model.state_dict(), path)
        return cache["judge"]

    out = {"settings": {"steps": args.steps, "batch_size": STACKED_VARIANTS["DCGAN"].batch_size,
                        "width": args.width, "n_eval": args.n_eval, "nz": STACKED_VARIANTS["DCGAN"].nz,
                        "pool": "gan split of t10k (8000 digits)",
                        "judge": "train_classifier(gan split, epochs=6, seed=0)",
                        "threads": args.threads, "device": args.device, "machine": platform.processor() or platform.machine(),
                        "command": "python scripts/ch5_stacked_mnist_run.py (see its docstring)"},
           "variants": {}}

    def real_row():  # stacked held-out digits, counted by the judge and by their true labels
        g = torch.Generator().manual_seed(12345)
        held = splits["heldout"]
        triples = stacked_triples(len(held), args.n_eval, g)
        real_stats, real_conf = stacked_mnist_stats(judge(), stack(images[held], triples))
        true_stats = histogram_stats(stacked_labels(labels[held], triples).numpy(), N_MODES)
        return {"modes": real_stats.modes, "kl": real_stats.reverse_kl, "confidence": real_conf,
                "true_label_modes": true_stats.modes, "true_label_kl": true_stats.reverse_kl}

    pool = images[splits["gan"]].to(args.device)
    for seed in args.seeds:  # the first seed of every variant first
        for name in args.variants:
            cfg = dataclasses.replace(STACKED_VARIANTS[name], steps=args.steps, ngf=args.width, ndf=args.width)
            t, cpu = time.time(), time.process_time()
            G, hist = train_stacked(pool, cfg, seed)
            train_s, train_cpu = time.time() - t, time.process_time() - cpu
            x = sample_stacked(G, args.n_eval, seed=1000 + seed).cpu()
            st, conf = stacked_mnist_stats(judge(), x)
            if "real" not in out:
                out["real"] = real_row()
            finite = bool(torch.isfinite(torch.tensor(hist["g_loss"] + hist["d_loss"])).all())
            run = {"seed": seed, "modes": st.modes, "kl": st.reverse_kl, "confidence": conf,
                   "train_seconds": round(train_s, 1), "train_cpu_seconds": round(train_cpu, 1), "finite": finite,
                   "top_mode_fraction": float(st.counts.max() / args.n_eval),
                   "samples_hex": None if seed != args.seeds[0] else
                   x[:args.n_keep].mul(127.5).add(127.5).round().clamp(0, 255).to(torch.uint8).numpy().tobytes().hex()}
            entry = out["variants"].setdefault(name, {"config": dataclasses.asdict(cfg), "runs": []})
            entry["runs"].append(run)
            print(f"{name} seed {seed}: {st.modes} modes, KL {st.reverse_kl:.3f}, confidence {conf:.3f}, "
                  f"{train_s:.0f} s ({train_cpu:.0f} s CPU)", flush=True)
            (OUT / f"ch5_stacked_mnist_{args.part or 'all'}.json").write_text(json.dumps(out, indent=1) + "\n")  # after every run

if __name__ == "__main__":
    main()
