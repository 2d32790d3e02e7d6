"""Layer-by-layer output shapes and parameter counts, via forward hooks (chapter 1, ``prop-dcgan-parameters``).

Only leaf modules (those without children) are listed, in the order they run; reshapes done inside
``forward`` (such as the generator's ``view`` to (B, 128, 7, 7)) are not modules and show up as the next
layer's input. Parameters are trainable scalars; batch-norm running statistics are buffers and not counted.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn


@dataclass(frozen=True)
class LayerRow:
    """One leaf module: its dotted name, class, output shape (with the batch axis) and parameter count."""

    name: str
    kind: str
    output_shape: tuple[int, ...]
    params: int


def layer_table(model: nn.Module, input_shape: tuple[int, ...], batch_size: int = 64) -> list[LayerRow]:
    """Run ``model`` once on zeros of shape (batch_size, *input_shape) and record every leaf module's output.

    The model is run in eval mode under ``torch.no_grad()`` (so batch-norm statistics are untouched) and
    its training flag is restored afterwards. The input lives on the model's device, in its dtype.
    """
    if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
        raise ValueError(f"batch_size must be a positive int, got {batch_size!r}")
    if not all(isinstance(d, int) and not isinstance(d, bool) and d >= 1 for d in input_shape):
        raise ValueError(f"input_shape must be a tuple of positive ints without the batch axis, got {input_shape!r}")
    first = next(model.parameters(), None)
    device, dtype = (first.device, first.dtype) if first is not None else (torch.device("cpu"), torch.float32)
    rows: list[LayerRow] = []
    names = {m: name for name, m in model.named_modules()}

    def record(module: nn.Module, _inputs: tuple, output: torch.Tensor) -> None:
        params = sum(p.numel() for p in module.parameters() if p.requires_grad)
        rows.append(LayerRow(names[module], type(module).__name__, tuple(output.shape), params))

    leaves = [m for m in model.modules() if not list(m.children())]
    handles = [m.register_forward_hook(record) for m in leaves]
    was_training = model.training
    try:
        model.eval()
        with torch.no_grad():
            model(torch.zeros(batch_size, *input_shape, device=device, dtype=dtype))
    finally:
        model.train(was_training)
        for h in handles:
            h.remove()
    return rows


def format_layer_table(rows: list[LayerRow]) -> str:
    """Aligned plain-text table of ``rows`` with a total line, for printing in a notebook."""
    header = ("layer", "type", "output shape", "parameters")
    body = [(r.name, r.kind, str(r.output_shape), f"{r.params:,}") for r in rows]
    body.append(("total", "", "", f"{sum(r.params for r in rows):,}"))
    widths = [max(len(line[i]) for line in [header, *body]) for i in range(4)]

    def fmt(line: tuple[str, ...]) -> str:
        return "  ".join([line[0].ljust(widths[0]), line[1].ljust(widths[1]), line[2].ljust(widths[2]),
                          line[3].rjust(widths[3])]).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([fmt(header), rule, *map(fmt, body[:-1]), rule, fmt(body[-1])])
