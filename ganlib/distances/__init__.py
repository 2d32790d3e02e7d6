"""Distances between distributions: KL, JS_pi, TV, W1 (on grids, in 1-D, exact transport between samples),
the smoothed JS estimator, the neural-net distance, and the quadrature grids they integrate on.

What belongs here: measurements of how far two distributions are. May import ``ganlib.device``,
``ganlib.data`` and ``ganlib.nets``; never the trainer, evaluation, theory or book.
"""

from ganlib.distances.divergences import js, kl, tv, w1_1d, w1_grid
from ganlib.distances.nn_distance import f_distance_all_functions, n_params, nn_distance
from ganlib.distances.smoothed_js import smoothed_js
from ganlib.distances.transport import cross_distances, nearest_support_distance, w1_empirical
from ganlib.distances.quadrature import density_on_grid, normal_pdf, normal_quantile_nodes, uniform_grid

__all__ = ["js", "kl", "tv", "w1_1d", "w1_grid", "f_distance_all_functions", "n_params", "nn_distance",
           "smoothed_js", "cross_distances", "nearest_support_distance", "w1_empirical",
           "density_on_grid", "normal_pdf", "normal_quantile_nodes", "uniform_grid"]
from ganlib.distances.nn_distance import empirical_masses, f_distance_empirical
from ganlib.distances.transport import w1_linprog

__all__ += ["empirical_masses", "f_distance_empirical", "w1_linprog"]

from ganlib.distances.f_divergence import f_conjugate, f_derivative, f_divergence, f_generator, variational_bound
from ganlib.distances.kr_dual import w1_dual_lp

__all__ += ["f_conjugate", "f_derivative", "f_divergence", "f_generator", "variational_bound", "w1_dual_lp"]
