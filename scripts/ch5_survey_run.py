"""Chapter 5's stored survey: every method of ``ganlib.training.survey.METHODS`` on the ring of 8 Gaussians and
the 5x5 grid, >= 10 seeds each, scored by PacGAN's protocol (``ganlib.evaluation.modes``).

    python scripts/ch5_survey_run.py --seeds 10 --steps 4000 --hidden 64 --part a --methods <first half> &
    python scripts/ch5_survey_run.py --seeds 10 --steps 4000 --hidden 64 --part b --methods <second half>
    python scripts/ch5_survey_run.py --merge

writes ``notebooks/data/ch5_survey_<dataset>[_<part>].json``; ``--merge`` then joins them into ``ch5_survey.json``
(the file the notebook reads; split the methods over two processes to use two cores). The runs of one method,
on both datasets and all seeds, are one vmapped loop (``train_survey`` with one mixture per run).
The stored file's first 17 methods predate two rewrites that compute the same maths with other float rounding
(Adam in torch.optim.Adam's fused form; minibatch discrimination's distances by ``torch.cdist``); the 18th,
"unrolled (K=5, Adam)", was added later with ``--methods`` and ``--merge``. A rerun reproduces the statistics of
the stored runs, not their digits (as on any other machine).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import platform
import time
from pathlib import Path

import torch

from ganlib.data.toy import grid_of_gaussians, ring_of_gaussians
from ganlib.evaluation.modes import mixture_stats
from ganlib.training.survey import METHODS, Arch, train_survey

DATASETS = {"ring": lambda: ring_of_gaussians(8, 1.0, 0.01), "grid": lambda: grid_of_gaussians(5, 2.0, 0.05)}
OUT = Path(__file__).resolve().parent.parent / "notebooks" / "data"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=10)
    ap.add_argument("--steps", type=int, default=600)
    ap.add_argument("--batch-size", type=int, default=64)
    ap.add_argument("--datasets", nargs="+", default=["ring", "grid"], choices=sorted(DATASETS))
    ap.add_argument("--methods", nargs="+", default=list(METHODS))
    ap.add_argument("--n-keep", type=int, default=400, help="samples of seed 0 stored for the scatter plots")
    ap.add_argument("--hidden", type=int, default=32, help="width of G's and D's hidden layers")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--part", default="", help="suffix of the output file, to split the methods over processes")
    ap.add_argument("--merge", action="store_true", help="only merge the per-dataset files into ch5_survey.json")
    args = ap.parse_args()
    if args.merge:
        parts: dict = {}
        for ds in DATASETS:
            for path in sorted(OUT.glob(f"ch5_survey_{ds}*.json")):
                part = json.loads(path.read_text())
                if ds in parts:
                    parts[ds]["methods"] |= part["methods"]
                else:
                    parts[ds] = part
        order = [m for m in METHODS]
        for ds in parts:
            parts[ds]["methods"] = {m: parts[ds]["methods"][m] for m in order if m in parts[ds]["methods"]}
        (OUT / "ch5_survey.json").write_text(json.dumps({"datasets": parts}, indent=1))
        return
    torch.set_num_threads(args.threads)
    seeds = list(range(args.seeds))
    arch = Arch(g_hidden=args.hidden, d_hidden=args.hidden)
    mixtures = {ds: DATASETS[ds]() for ds in args.datasets}
    outs = {ds: {"dataset": ds, "seeds": seeds, "steps": args.steps, "batch_size": args.batch_size,
                 "arch": dataclasses.asdict(arch), "n_eval": 2500,
                 "torch": torch.__version__, "machine": platform.machine(), "methods": {}} for ds in args.datasets}
    # the runs of one method on every dataset are one vmapped loop (run i: dataset i // seeds, seed i % seeds)
    data = [mixtures[ds] for ds in args.datasets for _ in seeds]
    for name in args.methods:
        t0 = time.time()
        res = train_survey(METHODS[name], data, seeds * len(args.datasets), steps=args.steps,
                           batch_size=args.batch_size, arch=arch)
        for j, ds in enumerate(args.datasets):
            runs = []
            for i in range(len(seeds)):
                k = j * len(seeds) + i
                st = mixture_stats(res.samples[k], mixtures[ds])
                runs.append({"modes": st.modes, "high_quality": st.high_quality,
                             "reverse_kl": None if st.reverse_kl != st.reverse_kl else st.reverse_kl,
                             "diverged": bool(res.diverged[k])})
            keep = torch.nan_to_num(res.samples[j * len(seeds), :args.n_keep], nan=1e3).double().round(decimals=4)
            outs[ds]["methods"][name] = {"runs": runs, "samples_seed0": keep.tolist(),
                                         "seconds": round(time.time() - t0, 1)}
            path = OUT / f"ch5_survey_{ds}{'_' + args.part if args.part else ''}.json"
            path.write_text(json.dumps(outs[ds], indent=1))
        print(f"{name} ({' + '.join(args.datasets)}): {time.time() - t0:.0f} s", flush=True)

if __name__ == "__main__":
    main()
