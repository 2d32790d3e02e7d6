"""MNIST from its IDX files (LeCun et al., 1998), md5-verified; chapter 4 trains on it.

The t10k split (10,000 images) ships inside ganlib (``ganlib/assets/mnist``), so a fresh
clone or a Colab session needs no download. The 60k training split is not shipped: put
``train-images-idx3-ubyte.gz`` and ``train-labels-idx1-ubyte.gz`` in a folder and pass it
as ``root`` (or set ``GANLIB_MNIST_DIR``).
"""

from __future__ import annotations

import gzip
import hashlib
import os
from pathlib import Path

import numpy as np
import torch

SHIPPED_DIR = Path(__file__).resolve().parent.parent / "assets" / "mnist"

# split -> (images file, md5, labels file, md5); md5s of the files distributed by LeCun et al.
MNIST_FILES: dict[str, tuple[str, str, str, str]] = {
    "test": ("t10k-images-idx3-ubyte.gz", "9fb629c4189551a2d022fa330f9573f3",
             "t10k-labels-idx1-ubyte.gz", "ec29112dd5afa0611ce80d1b7f02629c"),
    "train": ("train-images-idx3-ubyte.gz", "f68b3c2dcbeaaa9fbdd348bbdeb94873",
              "train-labels-idx1-ubyte.gz", "d53e105ee54ea40749a09fcbcd1e9432"),
}
_IMAGES_MAGIC, _LABELS_MAGIC = 2051, 2049


class DataFileError(ValueError):
    """A data file is missing, corrupt, or not the file it claims to be."""


def _md5(path: Path) -> str:
    h = hashlib.md5()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _read_idx(path: Path, expected_md5: str, magic: int, verify: bool) -> np.ndarray:
    """Read one gzipped IDX file after checking its md5; returns a uint8 array."""
    if verify and (got := _md5(path)) != expected_md5:
        raise DataFileError(f"{path} is corrupt: md5 {got}, expected {expected_md5}; "
                            "replace it with a fresh copy of the original MNIST file")
    try:
        with gzip.open(path, "rb") as f:
            raw = f.read()
    except (OSError, EOFError) as exc:
        raise DataFileError(f"{path} is not a readable gzip file ({exc}); replace it") from exc
    header = np.frombuffer(raw[:4], dtype=">u4")
    if len(header) != 1 or int(header[0]) != magic:
        raise DataFileError(f"{path} does not start with the IDX magic number {magic}")
    ndim = magic & 0xFF
    dims = [int(v) for v in np.frombuffer(raw[4:4 + 4 * ndim], dtype=">u4")]
    body = np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim)
    if body.size != int(np.prod(dims)):
        raise DataFileError(f"{path} holds {body.size} bytes of data, its header promises {dims}")
    return body.reshape(dims)


def load_mnist(split: str = "test", root: str | os.PathLike | None = None,
               verify: bool = True) -> tuple[torch.Tensor, torch.Tensor]:
    """Return (images uint8 (N, 28, 28), labels int64 (N,)) of an MNIST split.

    ``root`` defaults to ``$GANLIB_MNIST_DIR`` if set, else the copy shipped with ganlib.
    """
    if split not in MNIST_FILES:
        raise ValueError(f"split must be one of {sorted(MNIST_FILES)}, got {split!r}")
    if root is None:
        root = os.environ.get("GANLIB_MNIST_DIR", SHIPPED_DIR)
    root = Path(root)
    img_name, img_md5, lab_name, lab_md5 = MNIST_FILES[split]
    for name in (img_name, lab_name):
        if not (root / name).is_file():
            hint = (" ganlib ships only the 10k test split; for the 60k training split, download"
                    f" {img_name} and {lab_name} from the MNIST distribution into a folder and pass"
                    " it as root=... or set GANLIB_MNIST_DIR" if split == "train" else
                    " the shipped copy should be in ganlib/assets/mnist; reinstall ganlib")
            raise DataFileError(f"MNIST {split} file {root / name} is missing;{hint}")
    images = _read_idx(root / img_name, img_md5, _IMAGES_MAGIC, verify)
    labels = _read_idx(root / lab_name, lab_md5, _LABELS_MAGIC, verify)
    if images.shape[0] != labels.shape[0] or images.shape[1:] != (28, 28):
        raise DataFileError(f"MNIST {split}: images {images.shape} do not match labels {labels.shape}")
    return torch.from_numpy(images.copy()), torch.from_numpy(labels.astype(np.int64))


def mnist_images(split: str = "test", root: str | os.PathLike | None = None,
                 device: str | torch.device = "cpu") -> torch.Tensor:
    """MNIST images scaled to [-1, 1] as float32 (N, 1, 28, 28): the range of a tanh generator."""
    images, _ = load_mnist(split, root)
    x = images.to(device=device, dtype=torch.float32).div_(127.5).sub_(1.0)
    return x.unsqueeze(1)  # (N, 1, 28, 28)
