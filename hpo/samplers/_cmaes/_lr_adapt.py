"""Learning-rate adaptation for CMA-ES (Nomura, Akimoto and Ono, GECCO 2023).

Each generation, the standard CMA-ES update proposes a change of the mean and of the
covariance ``sigma^2 C``. The changes, taken in the local coordinates of the current
distribution, are accumulated in evolution paths; their signal-to-noise ratio
``(|E|^2 - beta / (2 - beta) V) / (V - |E|^2)`` says how consistent the updates are. The
learning rate ``eta`` of each part (mean, covariance) grows while that ratio exceeds
``alpha * eta`` and shrinks otherwise, and only ``eta`` of the proposed change is applied.
On noisy or rugged functions the ratio is small and the distribution moves more carefully.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

_ALPHA = 1.4
_BETA_MEAN = 0.1
_BETA_COV = 0.03
_GAMMA = 0.1


class _Path:
    """An evolution path of one part's changes and the learning rate it drives."""

    def __init__(self, size: int, beta: float) -> None:
        self.beta = beta
        self.mean_change = np.zeros(size)
        self.mean_square = 0.0
        self.eta = 1.0

    def update(self, change: np.ndarray) -> float:
        beta = self.beta
        self.mean_change = (1 - beta) * self.mean_change + beta * change
        self.mean_square = (1 - beta) * self.mean_square + beta * float(change @ change)
        signal = float(self.mean_change @ self.mean_change)
        noise = self.mean_square - signal
        if noise > 0:
            snr = (signal - beta / (2 - beta) * self.mean_square) / noise
            step = float(np.clip(snr / (_ALPHA * self.eta) - 1, -1.0, 1.0))
            self.eta = min(1.0, self.eta * math.exp(min(_GAMMA * self.eta, beta) * step))
        return self.eta

    def to_json(self) -> dict[str, Any]:
        return {
            "mean_change": self.mean_change.tolist(),
            "mean_square": self.mean_square,
            "eta": self.eta,
        }

    def load(self, state: dict[str, Any]) -> None:
        self.mean_change = np.array(state["mean_change"], dtype=float)
        self.mean_square = float(state["mean_square"])
        self.eta = float(state["eta"])


class LearningRates:
    """The adapted learning rates of the mean and of the covariance.

    Parameters
    ----------
    dim:
        Number of coordinates.

    Examples
    --------
    >>> rates = LearningRates(2)
    >>> rng = np.random.default_rng(0)
    >>> for _ in range(100):  # changes that are pure noise
    ...     eta_mean, eta_cov = rates.update(rng.standard_normal(2), rng.standard_normal(4))
    >>> eta_mean < 0.5
    True
    """

    def __init__(self, dim: int) -> None:
        self.mean = _Path(dim, _BETA_MEAN)
        self.cov = _Path(dim * dim, _BETA_COV)

    def update(
        self, local_mean_change: np.ndarray, local_cov_change: np.ndarray
    ) -> tuple[float, float]:
        """Record one generation's changes (local coordinates); return the new rates.

        Parameters
        ----------
        local_mean_change:
            ``Sigma^{-1/2} (m' - m)``, shape ``(n,)``.
        local_cov_change:
            ``Sigma^{-1/2} (Sigma' - Sigma) Sigma^{-1/2}`` flattened, shape ``(n * n,)``.

        Returns
        -------
        tuple[float, float]
            The learning rates of the mean and of the covariance, in ``(0, 1]``.
        """
        return self.mean.update(local_mean_change), self.cov.update(local_cov_change)

    def to_json(self) -> dict[str, Any]:
        """Return the state as JSON-compatible values."""
        return {"mean": self.mean.to_json(), "cov": self.cov.to_json()}

    @classmethod
    def from_json(cls, state: dict[str, Any]) -> LearningRates:
        """Rebuild a state written by :meth:`to_json`."""
        rates = cls(len(state["mean"]["mean_change"]))
        rates.mean.load(state["mean"])
        rates.cov.load(state["cov"])
        return rates
