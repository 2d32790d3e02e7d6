"""Data: the shipped MNIST reader and seeded toy distributions."""

from ganlib.data.mnist import MNIST_FILES, DataFileError, load_mnist, mnist_images
from ganlib.data.toy import Exponential, GaussianMixture, Normal, grid_of_gaussians, ring_of_gaussians

__all__ = [
    "MNIST_FILES", "DataFileError", "load_mnist", "mnist_images",
    "Normal", "Exponential", "GaussianMixture", "ring_of_gaussians", "grid_of_gaussians",
]
