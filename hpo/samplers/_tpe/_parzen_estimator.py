"""The Parzen estimator: a weighted kernel mixture over a mixed search space.

Each observation (a past trial) becomes one kernel; an optional *prior* kernel, wide and
centered on the domain, keeps every region reachable. Per parameter, a kernel is:

- for floats, a truncated Gaussian on the parameter's scale (log scale for ``log=True``);
- for stepped floats and ints, a truncated Gaussian discretized onto the grid: a value's mass
  is the Gaussian mass of its cell ``[v - step/2, v + step/2]`` (on the log scale
  ``[log(v - 1/2), log(v + 1/2)]`` for log ints); multivariate kernels are at least half a
  cell wide, so that they reach the neighboring values;
- for categoricals, a distribution over the choices that favors the observed choice, with
  mass decaying with distance when a distance function is given.

A *multivariate* estimator is one mixture of product kernels: the parameters are modelled
jointly. A *univariate* estimator is one independent mixture per parameter (each with its own
neighbor-distance bandwidths); its density is the product of the per-parameter densities.

All numeric work happens on the unit interval (see :class:`~._kernels.Layout`), so bandwidth
rules are scale-free. Sampling and density evaluation are vectorized over candidates, kernels
and parameters; nothing loops over observations.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from hpo.distributions import BaseDistribution, CategoricalDistribution
from hpo.samplers._tpe._kernels import (
    CategoricalDistanceFunc,
    categorical_distance_matrix,
    categorical_log_probs,
    layout_of,
    neighbor_sigmas,
)
from hpo.samplers._tpe._truncnorm import (
    log_normal_mass,
    log_unit_interval_mass,
    sample_truncated_normal,
)

_LOG_SQRT_2PI = 0.5 * math.log(2.0 * math.pi)
# Expanding ||(u - mu) / s||^2 into matrix products pays off from a few dimensions on, and
# loses precision for bandwidths below this (on the unit interval).
_MIN_DIMS_FOR_EXPANSION = 4
_MIN_SIGMA_FOR_EXPANSION = 1e-4
# Terms this far below a row's largest are negligible; clipping them avoids slow underflow.
_EXP_FLOOR = -100.0
_MIN_SIGMA = 1e-12
# Multiply-adds below which OpenBLAS keeps a matrix product on one thread.
_SINGLE_THREAD_PRODUCT_SIZE = 500_000
# The magic clip of multivariate kernels: none narrower than 1% of the domain.
_MULTIVARIATE_MIN_SIGMA = 0.01


@dataclass(frozen=True)
class ParzenEstimatorParameters:
    """How observations become kernels.

    Parameters
    ----------
    consider_prior:
        Add a prior kernel (centered, as wide as the domain; uniform over categories).
    prior_weight:
        The prior kernel's weight relative to an observation of weight 1.
    consider_magic_clip:
        Keep numeric bandwidths at least ``1 / min(100, 1 + n_kernels)`` of the domain
        (univariate) or 1% of it (multivariate).
    consider_endpoints:
        In the univariate neighbor rule, count the domain bounds as neighbors.
    multivariate:
        Model the parameters jointly with one bandwidth per dimension (a Scott-like rule)
        instead of independently with the neighbor-distance rule.
    multivariate_bandwidth_scale:
        The multivariate bandwidth on the unit interval is
        ``multivariate_bandwidth_scale * n_kernels ** (-1 / (n_dims + 4))``.
    multivariate_discrete_min_cells:
        With ``multivariate``, the smallest bandwidth of an int or stepped float, in grid
        cells (0 for none). Without it a parameter with a few values gets a bandwidth of a
        small fraction of one cell: every kernel is a point mass on its observation, and the
        candidates drawn from the good trials repeat them (see ``docs/tpe.md``).
    categorical_distance_func:
        Parameter name to ``distance(choice_a, choice_b) -> float`` (>= 0).
    """

    consider_prior: bool = True
    prior_weight: float = 1.0
    consider_magic_clip: bool = True
    consider_endpoints: bool = False
    multivariate: bool = False
    multivariate_bandwidth_scale: float = 0.05
    multivariate_discrete_min_cells: float = 0.5
    categorical_distance_func: Mapping[str, CategoricalDistanceFunc] = field(default_factory=dict)


def _single_threaded_product(left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """``left @ right``, in column blocks small enough for BLAS to run on one thread.

    Larger products start BLAS threads that gain little at these sizes and compete with the
    objective and other workers for the cores.
    """
    columns = max(1, _SINGLE_THREAD_PRODUCT_SIZE // max(left.shape[0] * left.shape[1], 1))
    if right.shape[1] <= columns:
        return left @ right
    out = np.empty((left.shape[0], right.shape[1]))
    for start in range(0, right.shape[1], columns):
        out[:, start : start + columns] = left @ right[:, start : start + columns]
    return out


def _logsumexp(array: np.ndarray) -> np.ndarray:
    """Log-sum-exp over the last axis; overwrites ``array``."""
    peak = array.max(axis=-1, keepdims=True)
    finite_peak = np.where(np.isfinite(peak), peak, 0.0)
    array -= finite_peak
    np.maximum(array, _EXP_FLOOR, out=array)
    np.exp(array, out=array)
    with np.errstate(divide="ignore"):
        total = np.log(array.sum(axis=-1)) + finite_peak[..., 0]
    return np.where(peak[..., 0] == -np.inf, -np.inf, total)


class ParzenEstimator:
    """A kernel mixture fitted to observations of the parameters in ``search_space``.

    Parameters
    ----------
    observations:
        Parameter name to an array of internal-representation values, one per observation,
        all of the same length ``n``.
    search_space:
        Parameter name to distribution; the estimator's dimensions, in this order.
    parameters:
        The kernel construction settings.
    weights:
        Non-negative weight of each observation, shape ``(n,)``; ones when ``None``.
    categorical_distances:
        Optional precomputed ``(C, C)`` distance matrices by parameter name; computed from
        ``parameters.categorical_distance_func`` when missing.

    Raises
    ------
    ValueError
        If the arrays' lengths disagree, a weight is negative or not finite, or a distance
        function returns a negative or non-finite value.
    TypeError
        For a distribution that is not a float, int or categorical distribution.

    Examples
    --------
    >>> from hpo.distributions import FloatDistribution
    >>> pe = ParzenEstimator(
    ...     {"x": np.array([0.2, 0.4])},
    ...     {"x": FloatDistribution(0.0, 1.0)},
    ...     ParzenEstimatorParameters(),
    ... )
    >>> samples = pe.sample(np.random.default_rng(0), 3)
    >>> pe.log_pdf(samples).shape
    (3,)
    """

    def __init__(
        self,
        observations: Mapping[str, np.ndarray],
        search_space: Mapping[str, BaseDistribution],
        parameters: ParzenEstimatorParameters,
        weights: np.ndarray | None = None,
        categorical_distances: Mapping[str, np.ndarray] | None = None,
    ) -> None:
        layout = layout_of(tuple(search_space.items()))
        names = layout.names
        n_observations = len(observations[names[0]]) if names else 0
        for name in names:
            if len(observations[name]) != n_observations:
                raise ValueError(
                    f"Parameter {name!r} has {len(observations[name])} observations, "
                    f"expected {n_observations}."
                )
        if weights is None:
            weights = np.ones(n_observations)
        weights = np.asarray(weights, dtype=float)
        if weights.shape != (n_observations,):
            raise ValueError(f"weights has shape {weights.shape}, expected ({n_observations},).")
        if not np.all(np.isfinite(weights)) or np.any(weights < 0):
            raise ValueError(f"weights must be finite and >= 0, got {weights}.")
        use_prior = parameters.consider_prior or n_observations == 0
        n_kernels = n_observations + (1 if use_prior else 0)
        mixture = np.empty(n_kernels)
        mixture[:n_observations] = weights
        if use_prior:
            mixture[-1] = parameters.prior_weight
        total = mixture.sum()
        mixture = mixture / total if total > 0 else np.full(n_kernels, 1.0 / n_kernels)
        self._layout = layout
        self._multivariate = parameters.multivariate
        self._n_kernels = n_kernels
        self._weights = mixture
        with np.errstate(divide="ignore"):
            self._log_weights = np.log(mixture)
        n_numeric = len(layout.numeric_names)
        n_continuous = len(layout.continuous_index)
        # Arrays are (parameter, kernel): per-parameter work runs over contiguous rows.
        mus_t = np.empty((n_numeric, n_kernels))
        sigmas_t = np.ones((n_numeric, n_kernels))
        # The log normalizer of each (truncated) kernel per parameter.
        log_norm_t = np.zeros((n_numeric, n_kernels))
        if n_numeric:
            values = np.empty((n_numeric, n_observations))
            for row, name in enumerate(layout.numeric_names):
                values[row] = observations[name]
            mus_t[:, :n_observations] = layout.to_unit(values.T).T
            if use_prior:
                mus_t[:, -1] = 0.5
            sigmas_t = self._bandwidths(mus_t, parameters, use_prior, len(names))
            log_norm_t = log_unit_interval_mass(mus_t, sigmas_t)
            if n_continuous:
                log_norm_t[:n_continuous] += np.log(sigmas_t[:n_continuous])
                log_norm_t[:n_continuous] += (
                    _LOG_SQRT_2PI + np.log(layout.width[:n_continuous])[:, None]
                )
        self._mus_t = mus_t
        self._sigmas_t = sigmas_t
        self._log_norm_t = log_norm_t
        self._expand = (
            self._multivariate
            and n_continuous >= _MIN_DIMS_FOR_EXPANSION
            and bool(sigmas_t[:n_continuous].min() >= _MIN_SIGMA_FOR_EXPANSION)
        )
        if self._expand:
            # -0.5 * ||(u - mu) / s||^2 - log norm + log w, expanded in u: one matrix product
            # [u^2, u, 1] @ coefficients gives every point's log kernel values.
            inverse_variance_t = 1.0 / sigmas_t[:n_continuous] ** 2
            mus_c = mus_t[:n_continuous]
            scaled_mus = mus_c * inverse_variance_t
            coefficients = np.empty((2 * n_continuous + 1, n_kernels))
            coefficients[:n_continuous] = -0.5 * inverse_variance_t
            coefficients[n_continuous : 2 * n_continuous] = scaled_mus
            coefficients[-1] = (
                -0.5 * np.sum(mus_c * scaled_mus, axis=0)
                - log_norm_t[:n_continuous].sum(axis=0)
                + self._log_weights
            )
            self._expanded_coefficients = coefficients
        self._categorical_log_probs = [
            self._categorical_kernels(
                name,
                dist,
                np.asarray(observations[name], dtype=float),
                parameters,
                use_prior,
                categorical_distances,
            )
            for name, dist in layout.categorical
        ]

    # -- construction --------------------------------------------------------------------
    def _bandwidths(
        self,
        mus_t: np.ndarray,
        parameters: ParzenEstimatorParameters,
        use_prior: bool,
        n_dims: int,
    ) -> np.ndarray:
        n_kernels = self._n_kernels
        if parameters.multivariate:
            sigma = parameters.multivariate_bandwidth_scale * n_kernels ** (-1.0 / (n_dims + 4))
            minimum = _MULTIVARIATE_MIN_SIGMA if parameters.consider_magic_clip else _MIN_SIGMA
            sigmas_t = np.full(mus_t.shape, min(max(sigma, minimum), 1.0))
            cells = parameters.multivariate_discrete_min_cells
            layout = self._layout
            if cells > 0 and len(layout.discrete_index):
                # A grid cell is 1 / n_points of the unit interval (on average, for log ints).
                floor = cells / layout.n_points[layout.discrete_index]
                discrete = sigmas_t[len(layout.continuous_index) :]
                np.clip(discrete, np.minimum(floor, 1.0)[:, None], 1.0, out=discrete)
            if use_prior:
                sigmas_t[:, -1] = 1.0
            return sigmas_t
        sigmas_t = neighbor_sigmas(mus_t, parameters.consider_endpoints)
        if use_prior:
            sigmas_t[:, -1] = 1.0
        minimum = 1.0 / min(100.0, 1.0 + n_kernels)
        if not parameters.consider_magic_clip:
            minimum = _MIN_SIGMA
        return np.clip(sigmas_t, minimum, 1.0)

    def _categorical_kernels(
        self,
        name: str,
        dist: CategoricalDistribution,
        values: np.ndarray,
        parameters: ParzenEstimatorParameters,
        use_prior: bool,
        categorical_distances: Mapping[str, np.ndarray] | None,
    ) -> np.ndarray:
        n_choices = len(dist.choices)
        distances = None
        if categorical_distances is not None and name in categorical_distances:
            distances = categorical_distances[name]
        elif name in parameters.categorical_distance_func:
            distances = categorical_distance_matrix(
                dist, parameters.categorical_distance_func[name], name
            )
        smoothing = parameters.prior_weight / max(len(values), 1)
        log_probs = categorical_log_probs(values, n_choices, smoothing, distances)
        if use_prior:
            prior = np.full((1, n_choices), -math.log(n_choices))
            log_probs = np.concatenate([log_probs, prior], axis=0)
        return log_probs

    # -- queries -------------------------------------------------------------------------
    @property
    def n_kernels(self) -> int:
        """The number of kernels (observations, plus the prior if any)."""
        return self._n_kernels

    @property
    def weights(self) -> np.ndarray:
        """The normalized kernel weights, prior last."""
        return self._weights

    def sample(self, rng: np.random.Generator, size: int) -> dict[str, np.ndarray]:
        """Draw ``size`` points from the estimator.

        A multivariate estimator picks one kernel per point; a univariate one picks a kernel
        per point and parameter.

        Parameters
        ----------
        rng:
            The random generator.
        size:
            How many points.

        Returns
        -------
        dict[str, numpy.ndarray]
            Parameter name to internal-representation values of shape ``(size,)``, on each
            distribution's grid and within its bounds.
        """
        layout = self._layout
        n_dims = len(layout.names)
        cumulative = np.cumsum(self._weights)
        draws = rng.random((size, 1 if self._multivariate else n_dims)) * cumulative[-1]
        kernels = np.minimum(np.searchsorted(cumulative, draws, side="right"), self._n_kernels - 1)
        if self._multivariate:
            kernels = np.broadcast_to(kernels, (size, n_dims))
        samples: dict[str, np.ndarray] = {}
        n_numeric = len(layout.numeric_names)
        if n_numeric:
            numeric_kernels = kernels[:, :n_numeric]
            columns = np.arange(n_numeric)
            unit = sample_truncated_normal(
                rng,
                self._mus_t[columns, numeric_kernels],
                self._sigmas_t[columns, numeric_kernels],
                0.0,
                1.0,
            )
            values = layout.from_unit(unit)
            for column, name in enumerate(layout.numeric_names):
                samples[name] = values[:, column]
        for position, ((name, _), log_probs) in enumerate(
            zip(layout.categorical, self._categorical_log_probs)
        ):
            chosen = kernels[:, n_numeric + position]
            cumulative_probs = np.cumsum(np.exp(log_probs[chosen]), axis=1)
            uniform = rng.random(size) * cumulative_probs[:, -1]
            choice = np.sum(cumulative_probs <= uniform[:, None], axis=1)
            samples[name] = np.minimum(choice, log_probs.shape[1] - 1).astype(float)
        return {name: samples[name] for name in layout.names}

    def _log_kernel_terms(
        self, samples: Mapping[str, np.ndarray], with_weights: bool, skip_continuous: bool = False
    ) -> np.ndarray:
        """Per parameter, point and kernel: the log kernel density (plus the log weight if
        ``with_weights``), shape ``(d, m, K)``, parameters in the layout's column order
        (continuous ones left out with ``skip_continuous``)."""
        layout = self._layout
        base_t = self._log_weights - self._log_norm_t if with_weights else -self._log_norm_t
        n_samples = len(samples[layout.names[0]])
        blocks: list[np.ndarray] = []
        n_numeric = len(layout.numeric_names)
        if n_numeric:
            values = np.empty((n_samples, n_numeric))
            for column, name in enumerate(layout.numeric_names):
                values[:, column] = samples[name]
            n_continuous = len(layout.continuous_index)
            if n_continuous and not skip_continuous:
                units = layout.to_unit(values)[:, :n_continuous].T
                z = units[:, :, None] - self._mus_t[:n_continuous, None, :]
                z /= self._sigmas_t[:n_continuous, None, :]
                np.square(z, out=z)
                z *= -0.5
                z += base_t[:n_continuous, None, :]
                blocks.append(z)
            if n_continuous < n_numeric:
                lower, upper = layout.cells(values[:, n_continuous:])
                mus_d = self._mus_t[n_continuous:, None, :]
                sigmas_d = self._sigmas_t[n_continuous:, None, :]
                masses = log_normal_mass(
                    (lower.T[:, :, None] - mus_d) / sigmas_d,
                    (upper.T[:, :, None] - mus_d) / sigmas_d,
                )
                masses += base_t[n_continuous:, None, :]
                blocks.append(masses)
        for (name, _), log_probs in zip(layout.categorical, self._categorical_log_probs):
            indices = np.asarray(samples[name]).astype(np.intp)
            block = log_probs[:, indices].T
            if with_weights:
                block = block + self._log_weights
            blocks.append(block[None])
        return blocks[0] if len(blocks) == 1 else np.concatenate(blocks, axis=0)

    def log_pdf_per_parameter(self, samples: Mapping[str, np.ndarray]) -> np.ndarray:
        """Return each parameter's marginal log density at each point (univariate only).

        Parameters
        ----------
        samples:
            Parameter name to internal-representation values, all of shape ``(m,)``.

        Returns
        -------
        numpy.ndarray
            Shape ``(m, n_params)``, columns in the search space's order.

        Raises
        ------
        ValueError
            For a multivariate estimator, whose parameters are not independent.
        """
        if self._multivariate:
            raise ValueError("A multivariate estimator has no independent marginals.")
        per_column = _logsumexp(self._log_kernel_terms(samples, with_weights=True))
        return per_column[self._layout.column_of_name].T

    def log_pdf(self, samples: Mapping[str, np.ndarray]) -> np.ndarray:
        """Return the log density of each point.

        Continuous parameters contribute a density with respect to the value on its scale
        (``log x`` for log-scale floats); discrete and categorical ones a probability mass.

        Parameters
        ----------
        samples:
            Parameter name to internal-representation values, all of shape ``(m,)``.

        Returns
        -------
        numpy.ndarray
            Log densities of shape ``(m,)``.
        """
        layout = self._layout
        if not layout.names:
            return np.zeros(0)
        if not self._multivariate:
            return self.log_pdf_per_parameter(samples).sum(axis=1)
        if not self._expand:
            log_kernels = self._log_kernel_terms(samples, with_weights=False).sum(axis=0)
            log_kernels += self._log_weights
            return _logsumexp(log_kernels)
        values = np.stack([np.asarray(samples[name], float) for name in layout.numeric_names], 1)
        n_continuous = len(layout.continuous_index)
        units = layout.to_unit(values)[:, :n_continuous]
        powers = np.empty((len(units), 2 * n_continuous + 1))
        np.multiply(units, units, out=powers[:, :n_continuous])
        powers[:, n_continuous : 2 * n_continuous] = units
        powers[:, -1] = 1.0
        log_kernels = _single_threaded_product(powers, self._expanded_coefficients)
        if n_continuous < len(layout.names):
            log_kernels += self._log_kernel_terms(
                samples, with_weights=False, skip_continuous=True
            ).sum(axis=0)
        return _logsumexp(log_kernels)
