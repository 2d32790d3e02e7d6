"""``python -m ganlib bench`` prints its figure last, in the agreed format, and rejects bad input clearly."""

from __future__ import annotations

import re

import pytest
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


def _compare(*args: str, rc: int = 0) -> list[str]:
    import os
    import subprocess
    import sys
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    out = subprocess.run([sys.executable, os.path.join(root, "benchmarks", "compare.py"), "--rounds", "2",
                          "--steps", "1", "--warmup", "0", "--batch", "8", "--threads", "1", *args],
                         capture_output=True, text=True, env={**os.environ, "PYTHONPATH": root}, timeout=300)
    assert out.returncode == rc, out.stderr
    return (out.stdout if rc == 0 else out.stderr).strip().splitlines()


def test_compare_script_two_processes_and_one() -> None:
    """benchmarks/compare.py: each loop in its own worker process by default, or both in one."""
    for args, processes in (((), "two"), (("--same-process",), "one")):
        lines = _compare(*args)
        assert f"processes={processes}" in lines[0] and "path=eager" in lines[0]
        assert sum(line.startswith("round ") for line in lines) == 2
        assert re.fullmatch(r"median ratio over 2 rounds: \d+\.\d{3} \(min .*\)", lines[-1])


@pytest.mark.skipif(torch.cuda.is_available(), reason="needs a machine without CUDA")
def test_compare_script_rejects_a_missing_device() -> None:
    err = _compare("--device", "cuda", rc=2)
    assert "CUDA is not available" in err[-1] and "Traceback" not in "\n".join(err)
