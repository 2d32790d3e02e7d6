"""Judging a trained generator: nearest neighbours, the digit-classifier judge, the separation of real and
fake by a discriminator, goodness of fit in 1-D, and the birthday-paradox test of support size.

What belongs here: measurements of samples. May import ``ganlib.device``, ``ganlib.data``, ``ganlib.nets``
and ``ganlib.distances``, and ``ganlib.training`` only to train a judge; never theory or book.
"""

from ganlib.evaluation.classifier import (DigitClassifier, class_probabilities, classifier_score, confidence,
                                          train_classifier)
from ganlib.evaluation.fit1d import ks_statistic, w1_to_law
from ganlib.evaluation.nearest import knn_vote, nearest_distance, scramble_pixels
from ganlib.evaluation.separation import auc, separation

__all__ = ["DigitClassifier", "class_probabilities", "classifier_score", "confidence", "train_classifier",
           "ks_statistic", "w1_to_law", "knn_vote", "nearest_distance", "scramble_pixels", "auc", "separation"]
