"""The chapters' constructions: the optimal discriminator, the function-space flow, the dynamics of small
games, projections onto Gaussians, the MLE gradient, disjoint supports, generalisation grids, and (later
chapters) equilibria, the step selector and interval-discriminator dynamics.

What belongs here: code that exists to demonstrate or check one result of a chapter. May import anything
of ganlib below it (device, data, nets, training, distances, evaluation); never ``ganlib.book`` or the CLI.
Each chapter's constructions are importable from here (`from ganlib.theory import optimal_d`).
"""

from ganlib.theory.disjoint import Segment, generator_gradient
from ganlib.theory.dynamics import simulate, spectral_radius, update_matrix
from ganlib.theory.function_space import (criterion, function_space_descent, function_space_gradient,
                                          parametric_descent, two_mode_density)
from ganlib.theory.generalisation import (gaussian_sample, memorisation_curve, memorising_generator,
                                          nn_generalisation_grid, pair_bound, smoothed_js_grid, w1_sample_grid)
from ganlib.theory.mle_gradient import kl_gradient, mle_loss_gradient
from ganlib.theory.optimal_d import fit_critic, fit_discriminator, optimal_d, pointwise_max_d, value_on_grid
from ganlib.theory.projection import best_gaussian

__all__ = ["Segment", "generator_gradient", "simulate", "spectral_radius", "update_matrix", "criterion",
           "function_space_descent", "function_space_gradient", "parametric_descent", "two_mode_density",
           "gaussian_sample", "memorisation_curve", "memorising_generator", "nn_generalisation_grid", "pair_bound",
           "smoothed_js_grid", "w1_sample_grid", "kl_gradient", "mle_loss_gradient", "fit_critic", "fit_discriminator", "optimal_d",
           "pointwise_max_d", "value_on_grid", "best_gaussian"]
from ganlib.theory.generalisation import min_cross_distance_trials
from ganlib.theory.own_sample import ball_mass_bound, js_certificate, nearest_distance_mc, w1_lower_bound
from ganlib.theory.training_generalisation import (gaussian_expectations, hoeffding_radius, logistic_class,
                                                   sample_expectations, train_and_measure)

__all__ += ["min_cross_distance_trials", "ball_mass_bound", "js_certificate", "nearest_distance_mc",
            "w1_lower_bound", "gaussian_expectations", "hoeffding_radius", "logistic_class",
            "sample_expectations", "train_and_measure"]

from ganlib.theory.disjoint import smoothed_path_gradients
from ganlib.theory.dynamics import stable_step_bound
from ganlib.theory.nonsaturating import (nonsaturating_divergence_gradient, nonsaturating_loss_gradient,
                                         nonsaturating_objective)
from ganlib.theory.optimal_d import kinked_phi
from ganlib.theory.toy_gan import ToyGANRun, train_toy_gan

__all__ += ["smoothed_path_gradients", "stable_step_bound", "nonsaturating_divergence_gradient",
            "nonsaturating_loss_gradient", "nonsaturating_objective", "kinked_phi", "ToyGANRun", "train_toy_gan"]
