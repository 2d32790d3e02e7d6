"""The networks (ground floor): dense and convolutional models, activations, hand-written back-propagation
and convolution arithmetic (chapter 1), and the layer summary.

What belongs here: ``nn.Module`` definitions and the maths of single layers. May import only
``ganlib.device`` (and torch); never training, distances, evaluation, theory or book.
"""

from ganlib.nets.models import (DCGANDiscriminator, DCGANGenerator, MLPDiscriminator, MLPGenerator,
                                count_parameters, dcgan_init, mlp)
from ganlib.nets import activations, backprop, conv
from ganlib.nets.summary import format_layer_table, layer_table

__all__ = ["DCGANDiscriminator", "DCGANGenerator", "MLPDiscriminator", "MLPGenerator", "count_parameters",
           "dcgan_init", "mlp",
           "activations", "backprop", "conv", "format_layer_table", "layer_table"]
