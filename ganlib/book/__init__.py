"""The book's helpers: the setup call at the top of every chapter, plotting, and the stored runs that
chapters load (shipped generators, histories).

What belongs here: what only the notebooks need. May import anything of ganlib except ``ganlib.cli``.
"""

from ganlib.book.notebook import Session, setup
from ganlib.book.artifacts import (DISCRIMINATOR_PATH, GENERATOR_PATH, SAMPLE_SEED, load_discriminator, load_generator,
                                  load_run)
from ganlib.book.plotting import image_grid, moving_average

__all__ = ["Session", "setup",
           "DISCRIMINATOR_PATH", "GENERATOR_PATH", "SAMPLE_SEED", "load_discriminator", "load_generator", "load_run", "image_grid", "moving_average"]
