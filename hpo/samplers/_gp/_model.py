"""A Gaussian-process regressor: Matérn-5/2 ARD kernel, fitted by maximum a posteriori.

Inputs live in the unit cube. Numerical columns enter the kernel through squared
differences; categorical columns (holding a choice index) through a Hamming term, 1 when
the choices differ and 0 when they agree. With ``r^2 = sum_j w_j * D_j(x, x')`` (``w_j`` the
inverse squared length scales, ``D_j`` the squared difference or the Hamming indicator), the
kernel is ``s * (1 + sqrt(5) r + 5/3 r^2) * exp(-sqrt(5) r)`` with signal variance ``s``.

The Hamming term is exactly a one-hot encoding whose columns share one length scale (two
different one-hot vectors are at squared distance 2): the same kernel with one
hyperparameter per categorical parameter instead of one per choice, which matters with the
few observations Bayesian optimization has, and the acquisition search moves between
choices directly instead of rounding a relaxed one-hot vector.

The hyperparameters ``(log w, log s, log noise)`` maximize the log marginal likelihood plus
log priors, by L-BFGS-B with the analytic gradient:

* ``log length scale ~ Normal(log(0.5) + log(d) / 2, sqrt(3))`` per dimension: a wide
  prior whose centre grows like ``sqrt(d)``, as distances in the unit cube do (the scaling
  argument of Hvarfner et al. (2024), "Vanilla Bayesian Optimization Performs Great in High
  Dimensions", with a shorter base length scale suited to low-dimensional problems);
* ``log s ~ Normal(0, 1)`` (targets are standardized, so ``s`` is near 1);
* ``noise ~ Gamma(1.1, rate=100)`` (mode 0.001, mean 0.011): small noise unless the data
  insist, so that deterministic functions are interpolated rather than smoothed.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import scipy.linalg
import scipy.optimize
from scipy.spatial.distance import cdist

_SQRT5 = math.sqrt(5.0)
#: Noise variance used when the objective is deterministic (targets are standardized).
DETERMINISTIC_NOISE_VAR = 1e-6
_MIN_NOISE_VAR = 1e-6
_MAX_NOISE_VAR = 10.0
_LOG_ISL_BOUNDS = (math.log(1e-4), math.log(1e4))
_LOG_SCALE_BOUNDS = (math.log(1e-2), math.log(1e2))
_NOISE_SHAPE, _NOISE_RATE = 1.1, 100.0
_LOG_LENGTHSCALE_MEDIAN = math.log(0.5)
_LENGTHSCALE_SIGMA = math.sqrt(3.0)
_STD_FLOOR = 1e-10
_ALWAYS_FRESH_BELOW = 40


def standardize(values: np.ndarray) -> tuple[np.ndarray, float, float]:
    """Shift and scale ``values`` to mean 0 and standard deviation 1.

    Parameters
    ----------
    values:
        Array of shape ``(n,)`` of finite numbers.

    Returns
    -------
    tuple[numpy.ndarray, float, float]
        ``(standardized, mean, std)``; ``std`` is floored at a tiny positive number, so a
        constant input gives zeros instead of a division by zero.

    Examples
    --------
    >>> z, mean, std = standardize(np.array([1.0, 3.0]))
    >>> z.tolist(), mean, std
    ([-1.0, 1.0], 2.0, 1.0)
    """
    values = np.asarray(values, dtype=float)
    mean = float(values.mean()) if values.size else 0.0
    std = float(values.std()) if values.size else 1.0
    std = max(std, _STD_FLOOR)
    return (values - mean) / std, mean, std


def _distance_terms(A: np.ndarray, B: np.ndarray, is_categorical: np.ndarray) -> np.ndarray:
    """Per-dimension distances ``D_j``, shape ``(len(A), len(B), d)``."""
    diff = A[:, None, :] - B[None, :, :]
    return np.where(is_categorical, (diff != 0.0).astype(float), diff * diff)


def _weighted_r2(
    A: np.ndarray, B: np.ndarray, is_categorical: np.ndarray, weights: np.ndarray
) -> np.ndarray:
    """``sum_j w_j D_j(a, b)`` for all pairs, shape ``(len(A), len(B))``, without a 3-D array."""
    numerical = ~is_categorical
    root = np.sqrt(weights[numerical])
    r2 = cdist(A[:, numerical] * root, B[:, numerical] * root, "sqeuclidean")
    for j in np.flatnonzero(is_categorical):
        r2 += weights[j] * (A[:, j, None] != B[None, :, j])
    return r2


def _matern52(r2: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Matérn-5/2 with unit variance as a function of ``r^2``, and its derivative in ``r^2``."""
    r = np.sqrt(np.maximum(r2, 0.0))
    exp_term = np.exp(-_SQRT5 * r)
    value = (1.0 + _SQRT5 * r + (5.0 / 3.0) * r2) * exp_term
    # d/d(r^2) of the above: -(5/6) (1 + sqrt(5) r) exp(-sqrt(5) r); no singularity at r = 0.
    derivative = -(5.0 / 6.0) * (1.0 + _SQRT5 * r) * exp_term
    return value, derivative


class GPRegressor:
    """A Gaussian process conditioned on observations, with fixed hyperparameters.

    Parameters
    ----------
    X:
        Observed inputs, shape ``(n, d)``, columns in ``[0, 1]`` (categorical columns hold
        the choice index).
    y:
        Observed (standardized) targets, shape ``(n,)``.
    is_categorical:
        Bool array of shape ``(d,)``: which columns are categorical.
    inverse_squared_lengthscales:
        Shape ``(d,)``, positive.
    kernel_scale:
        Signal variance, positive.
    noise_var:
        Observation noise variance, positive.

    Examples
    --------
    >>> gp = GPRegressor(np.array([[0.0], [1.0]]), np.array([0.0, 1.0]),
    ...                  np.array([False]), np.array([1.0]), 1.0, 1e-6)
    >>> mean, var = gp.posterior(np.array([[0.0]]))
    >>> round(float(mean[0]), 4), bool(var[0] < 1e-5)
    (0.0, True)
    """

    def __init__(
        self,
        X: np.ndarray,
        y: np.ndarray,
        is_categorical: np.ndarray,
        inverse_squared_lengthscales: np.ndarray,
        kernel_scale: float,
        noise_var: float,
    ) -> None:
        self.X = np.asarray(X, dtype=float).reshape(len(y), -1)
        self.y = np.asarray(y, dtype=float)
        self.is_categorical = np.asarray(is_categorical, dtype=bool)
        self.inverse_squared_lengthscales = np.asarray(inverse_squared_lengthscales, dtype=float)
        self.kernel_scale = float(kernel_scale)
        self.noise_var = float(noise_var)
        gram = self.kernel(self.X, self.X)
        self._cholesky = _jittered_cholesky(gram, self.noise_var)
        self._alpha = scipy.linalg.cho_solve((self._cholesky, True), self.y)

    def kernel(self, A: np.ndarray, B: np.ndarray) -> np.ndarray:
        """Kernel matrix (signal variance included, no noise), shape ``(len(A), len(B))``.

        Parameters
        ----------
        A, B:
            Inputs of shapes ``(m, d)`` and ``(k, d)``.

        Returns
        -------
        numpy.ndarray
            The matrix of ``k(A[i], B[j])``.
        """
        A = np.asarray(A, dtype=float)
        B = np.asarray(B, dtype=float)
        r2 = _weighted_r2(A, B, self.is_categorical, self.inverse_squared_lengthscales)
        return self.kernel_scale * _matern52(r2)[0]

    def posterior(self, X_new: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Posterior mean and variance of the latent function (no noise) at each row.

        Parameters
        ----------
        X_new:
            Inputs of shape ``(m, d)``.

        Returns
        -------
        tuple[numpy.ndarray, numpy.ndarray]
            ``(mean, variance)``, each of shape ``(m,)``; the variance is ``>= 0``.
        """
        X_new = np.asarray(X_new, dtype=float).reshape(-1, self.X.shape[1])
        cross = self.kernel(X_new, self.X)
        mean = cross @ self._alpha
        v = scipy.linalg.solve_triangular(self._cholesky, cross.T, lower=True)
        variance = self.kernel_scale - np.einsum("ij,ij->j", v, v)
        return mean, np.maximum(variance, 0.0)

    def posterior_with_grad(
        self, X_new: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Posterior mean and variance with their gradients in the inputs.

        The gradient of a categorical column is zero (the Hamming term is flat).

        Parameters
        ----------
        X_new:
            Inputs of shape ``(m, d)``.

        Returns
        -------
        tuple[numpy.ndarray, numpy.ndarray, numpy.ndarray, numpy.ndarray]
            ``(mean, variance, mean_grad, variance_grad)``; the gradients have shape
            ``(m, d)``.
        """
        X_new = np.asarray(X_new, dtype=float).reshape(-1, self.X.shape[1])
        diff = X_new[:, None, :] - self.X[None, :, :]
        terms = np.where(self.is_categorical, (diff != 0.0).astype(float), diff * diff)
        value, derivative = _matern52(terms @ self.inverse_squared_lengthscales)
        cross = self.kernel_scale * value
        # d k(x, x_i) / d x_j = s * dk/d(r^2) * 2 w_j (x_j - x_ij) on numerical columns.
        weights = np.where(self.is_categorical, 0.0, 2.0 * self.inverse_squared_lengthscales)
        cross_grad = (self.kernel_scale * derivative)[:, :, None] * diff * weights
        mean = cross @ self._alpha
        mean_grad = np.einsum("mnd,n->md", cross_grad, self._alpha)
        solved = scipy.linalg.cho_solve((self._cholesky, True), cross.T)  # (n, m)
        variance = self.kernel_scale - np.einsum("mn,nm->m", cross, solved)
        variance_grad = -2.0 * np.einsum("mnd,nm->md", cross_grad, solved)
        clipped = variance <= 0.0
        variance_grad[clipped] = 0.0
        return mean, np.maximum(variance, 0.0), mean_grad, variance_grad

    def condition_on(self, X_extra: np.ndarray, y_extra: np.ndarray) -> GPRegressor:
        """Return a regressor with the same hyperparameters and extra observations.

        Parameters
        ----------
        X_extra:
            Extra inputs, shape ``(k, d)``.
        y_extra:
            Their targets, shape ``(k,)``.

        Returns
        -------
        GPRegressor
            The new regressor; this one is unchanged.
        """
        X_extra = np.asarray(X_extra, dtype=float).reshape(-1, self.X.shape[1])
        return GPRegressor(
            np.vstack([self.X, X_extra]),
            np.concatenate([self.y, np.asarray(y_extra, dtype=float)]),
            self.is_categorical,
            self.inverse_squared_lengthscales,
            self.kernel_scale,
            self.noise_var,
        )

    def log_marginal_likelihood(self) -> float:
        """Log marginal likelihood of the observations under the hyperparameters.

        Returns
        -------
        float
            ``log p(y | X, hyperparameters)``.
        """
        n = len(self.y)
        return float(
            -0.5 * self.y @ self._alpha
            - np.log(np.diag(self._cholesky)).sum()
            - 0.5 * n * math.log(2.0 * math.pi)
        )


def _jittered_cholesky(gram: np.ndarray, noise_var: float) -> np.ndarray:
    """Lower Cholesky factor of ``gram + noise_var * I``, adding jitter if it is not PD."""
    n = gram.shape[0]
    jitter = 0.0
    for _ in range(8):
        try:
            return np.linalg.cholesky(gram + (noise_var + jitter) * np.eye(n))
        except np.linalg.LinAlgError:
            jitter = 1e-8 if jitter == 0.0 else jitter * 10.0
    raise np.linalg.LinAlgError("The kernel matrix is not positive definite, even with jitter.")


def _lengthscale_prior_mean(d: int) -> float:
    """Prior mean of ``log w`` (``w = 1 / length scale^2``)."""
    return -2.0 * (_LOG_LENGTHSCALE_MEDIAN + 0.5 * math.log(max(d, 1)))


def _log_prior_and_grad(
    log_isl: np.ndarray, log_scale: float, log_noise: float
) -> tuple[float, np.ndarray]:
    d = log_isl.size
    mu = _lengthscale_prior_mean(d)
    # log w = -2 log(length scale), so its standard deviation is 2 * sigma.
    sigma = 2.0 * _LENGTHSCALE_SIGMA
    centered = log_isl - mu
    value = -0.5 * float(centered @ centered) / sigma**2 - 0.5 * log_scale**2
    noise = math.exp(log_noise)
    # Gamma(a, b) density on the noise, written in the log-noise coordinate (with Jacobian).
    value += _NOISE_SHAPE * log_noise - _NOISE_RATE * noise
    grad = np.concatenate([-centered / sigma**2, [-log_scale, _NOISE_SHAPE - _NOISE_RATE * noise]])
    return value, grad


def _negative_log_posterior(
    theta: np.ndarray,
    distances: np.ndarray,
    y: np.ndarray,
    fixed_noise: float | None,
) -> tuple[float, np.ndarray]:
    """Minus (log marginal likelihood + log prior) and its gradient in ``theta``."""
    d = distances.shape[2]
    n = y.size
    log_isl = theta[:d]
    log_scale = float(theta[d])
    log_noise = math.log(fixed_noise) if fixed_noise is not None else float(theta[d + 1])
    isl = np.exp(log_isl)
    scale = math.exp(log_scale)
    noise = math.exp(log_noise)
    value, derivative = _matern52(distances @ isl)
    gram = scale * value
    try:
        chol = np.linalg.cholesky(gram + noise * np.eye(n))
    except np.linalg.LinAlgError:
        return 1e25, np.zeros_like(theta)
    alpha = scipy.linalg.cho_solve((chol, True), y)
    lower_inverse, info = scipy.linalg.lapack.dpotri(chol, lower=1)
    if info != 0:
        return 1e25, np.zeros_like(theta)
    inverse = np.tril(lower_inverse) + np.tril(lower_inverse, -1).T
    lml = -0.5 * y @ alpha - np.log(np.diag(chol)).sum() - 0.5 * n * math.log(2.0 * math.pi)
    # d lml / d theta = 1/2 tr((alpha alpha^T - K^-1) dK/d theta).
    outer = np.outer(alpha, alpha) - inverse
    weighted = outer * (scale * derivative)
    grad_isl = 0.5 * isl * (weighted.ravel() @ distances.reshape(n * n, d))
    grad_scale = 0.5 * float(np.sum(outer * gram))
    grad_noise = 0.5 * noise * float(np.trace(outer))
    prior, prior_grad = _log_prior_and_grad(log_isl, log_scale, log_noise)
    grad = np.concatenate([grad_isl, [grad_scale, grad_noise]]) + prior_grad
    total = float(lml) + prior
    if fixed_noise is not None:
        grad = grad[: d + 1]
    return -total, -grad


def _initial_theta(d: int) -> np.ndarray:
    return np.concatenate([np.full(d, _lengthscale_prior_mean(d)), [0.0, math.log(1e-3)]])


def fit_gp(
    X: np.ndarray,
    y: np.ndarray,
    is_categorical: np.ndarray,
    *,
    deterministic_objective: bool = False,
    seed: int | None = None,
    warm_start: GPRegressor | None = None,
) -> GPRegressor:
    """Fit the kernel hyperparameters to ``(X, y)`` and return the conditioned regressor.

    Parameters
    ----------
    X:
        Inputs of shape ``(n, d)``, columns normalized to ``[0, 1]``; categorical columns
        hold the choice index as a float.
    y:
        Standardized targets of shape ``(n,)`` (see :func:`standardize`).
    is_categorical:
        Bool array of shape ``(d,)``.
    deterministic_objective:
        Fix the noise variance at a tiny floor instead of fitting it.
    seed:
        Seed of the random restart used when the optimization fails from every start.
    warm_start:
        A previous fit on the same columns; its hyperparameters are one start point (refits
        after one more observation take few iterations from it), the prior's centre is the
        other; the better optimum wins.

    Returns
    -------
    GPRegressor
        The regressor with the fitted hyperparameters.

    Examples
    --------
    >>> X = np.linspace(0, 1, 8)[:, None]
    >>> y, _, _ = standardize(np.sin(6 * X[:, 0]))
    >>> gp = fit_gp(X, y, np.array([False]))
    >>> bool(gp.noise_var < 0.1)
    True
    """
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    is_categorical = np.asarray(is_categorical, dtype=bool)
    n, d = X.shape
    if y.shape != (n,) or is_categorical.shape != (d,):
        raise ValueError(
            f"Shapes do not match: X {X.shape}, y {y.shape}, is_categorical "
            f"{is_categorical.shape}."
        )
    fixed_noise = DETERMINISTIC_NOISE_VAR if deterministic_objective else None
    bounds = [_LOG_ISL_BOUNDS] * d + [_LOG_SCALE_BOUNDS]
    if fixed_noise is None:
        bounds.append((math.log(_MIN_NOISE_VAR), math.log(_MAX_NOISE_VAR)))
    lows = np.array([b[0] for b in bounds])
    highs = np.array([b[1] for b in bounds])
    # Two starts: the previous fit and the prior's centre (a fresh look, so that a fit stuck
    # in the "all noise, no signal" optimum can leave it). With many observations the fresh
    # start runs on every fourth fit only: the optimum moves little from one fit to the next.
    starts = [_initial_theta(d)[: len(bounds)]]
    if (
        warm_start is not None
        and warm_start.inverse_squared_lengthscales.shape == (d,)
        and n > _ALWAYS_FRESH_BELOW
        and n % 4 != 0
    ):
        starts = []
    if warm_start is not None and warm_start.inverse_squared_lengthscales.shape == (d,):
        previous = np.concatenate(
            [
                np.log(warm_start.inverse_squared_lengthscales),
                [math.log(warm_start.kernel_scale), math.log(warm_start.noise_var)],
            ]
        )
        starts.insert(0, previous[: len(bounds)])
    starts = [np.clip(start, lows, highs) for start in starts]

    distances = _distance_terms(X, X, is_categorical)
    rng = np.random.default_rng(seed)
    best_theta = starts[0]
    best_value = math.inf
    for attempt in range(len(starts) + 1):
        if attempt == len(starts) and best_value < 1e24:
            break  # the random restart is only for when every start failed
        x0 = starts[attempt] if attempt < len(starts) else rng.uniform(lows, highs)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            result = scipy.optimize.minimize(
                _negative_log_posterior,
                x0,
                args=(distances, y, fixed_noise),
                jac=True,
                method="L-BFGS-B",
                bounds=bounds,
                options={"maxiter": 200},
            )
        if np.isfinite(result.fun) and result.fun < best_value:
            best_theta, best_value = result.x, float(result.fun)
    noise = fixed_noise if fixed_noise is not None else math.exp(best_theta[d + 1])
    return GPRegressor(
        X, y, is_categorical, np.exp(best_theta[:d]), math.exp(best_theta[d]), noise
    )
