"""``python -m ganlib bench`` prints its figure last, in the agreed format, and rejects bad input clearly."""

from __future__ import annotations

import re

import torch

from ganlib.cli import main


def test_bench_prints_steps_per_s_last(capsys) -> None:
    before = torch.get_num_threads()
    try:
        assert main(["bench", "--model", "dcgan", "--steps", "1", "--warmup", "0", "--batch", "8",
                     "--device", "cpu", "--threads", "1"]) == 0
    finally:
        torch.set_num_threads(before)
    lines = capsys.readouterr().out.strip().splitlines()
    assert "path=eager" in lines[0]
    match = re.fullmatch(r"steps_per_s=(\d+\.\d+)", lines[-1])
    assert match and float(match.group(1)) > 0


def test_bench_bad_steps(capsys) -> None:
    assert main(["bench", "--steps", "0", "--device", "cpu"]) == 2
    assert "steps must be >= 1" in capsys.readouterr().err
