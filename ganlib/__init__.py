"""ganlib: the small PyTorch library behind the GAN theory course companion.

Each module holds one concept and names the chapter and result it implements.
"""

from ganlib.device import pick_device, seed_everything, make_generator

__version__ = "0.1.0"
__all__ = ["pick_device", "seed_everything", "make_generator", "__version__"]
