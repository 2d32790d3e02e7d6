"""Training (Algorithm 1): the trainer, the losses, checkpoints, named configurations, the fast paths
(CPU eager step, CUDA graphs), the vectorised ensemble of small GANs, sampling and the benchmark.

What belongs here: anything that updates parameters by gradient steps. May import ``ganlib.device``,
``ganlib.data`` and ``ganlib.nets``; never distances, evaluation, theory or book. Inside, the trainer
chooses a fast path and calls ``fast``; ``fast`` never imports the trainer.
"""

from ganlib.training.checkpoint import load_checkpoint, save_checkpoint
from ganlib.training.losses import get_losses, gradient_penalty, value_function
from ganlib.training.sampling import sample
from ganlib.training.trainer import HISTORY_KEYS, Sampler, TrainConfig, Trainer, TrainingDiverged, train
from ganlib.training.configs import CONFIGS, build
from ganlib.training.losses import (d_loss_gan, d_loss_hinge, d_loss_least_squares, d_loss_wasserstein, g_loss_hinge,
                                    g_loss_least_squares, g_loss_minimax, g_loss_mle, g_loss_nonsaturating,
                                    g_loss_wasserstein)

__all__ = ["load_checkpoint", "save_checkpoint", "get_losses", "gradient_penalty", "value_function", "sample",
           "HISTORY_KEYS", "Sampler", "TrainConfig", "Trainer", "TrainingDiverged", "train",
           "CONFIGS", "build", "d_loss_gan", "d_loss_hinge", "d_loss_least_squares", "d_loss_wasserstein", "g_loss_hinge", "g_loss_least_squares", "g_loss_minimax", "g_loss_mle", "g_loss_nonsaturating", "g_loss_wasserstein"]
