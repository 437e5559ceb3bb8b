"""Exceptions raised by hpo.

Every error hpo raises on purpose derives from :class:`HpoError`, which is also exported as
``OptunaError`` so that ``except optuna.exceptions.OptunaError`` keeps working for code that
imports ``hpo as optuna``.
"""

from __future__ import annotations


class HpoError(Exception):
    """Base class of hpo's own errors."""


OptunaError = HpoError


class TrialPruned(HpoError):
    """Raised by an objective to tell the study that the trial was stopped early.

    Examples
    --------
    >>> import hpo
    >>> def objective(trial):
    ...     for step in range(10):
    ...         trial.report(float(step), step)
    ...         if trial.should_prune():
    ...             raise hpo.TrialPruned()
    ...     return 0.0
    """


class TrialTimeout(BaseException):
    """Raised inside an objective whose trial has run longer than ``trial_timeout``.

    With ``study.optimize(objective, trial_timeout=seconds)``, the trial's first
    ``suggest_*``, ``report``, ``should_prune`` or ``set_user_attr`` call after the deadline
    raises it; ``optimize`` records the trial as FAIL with the system attribute
    ``fail_reason`` set to ``"timeout"`` and goes on with the next trial, whatever ``catch``
    says.

    It derives from ``BaseException``, as ``KeyboardInterrupt`` does, and not from
    ``Exception``: an objective's ``except Exception:`` around its training loop cannot
    swallow it and run on past its time limit. Clean up in ``finally`` or ``with`` blocks.

    Examples
    --------
    >>> import hpo
    >>> issubclass(hpo.exceptions.TrialTimeout, Exception)
    False
    """


class CLIUsageError(HpoError):
    """Raised when the command line interface is used incorrectly."""


class StorageInternalError(HpoError):
    """Raised when a storage fails in a way that is not the caller's fault."""


class DuplicatedStudyError(HpoError):
    """Raised when a study is created with a name that already exists in the storage."""


class UpdateFinishedTrialError(HpoError, RuntimeError, ValueError):
    """Raised when a finished (COMPLETE, PRUNED or FAIL) trial is modified.

    It is also a ``ValueError``, so code that catches ``ValueError`` around ``Study.tell``
    keeps working.
    """


class StorageVersionError(HpoError):
    """Raised when a database was written by an older or newer schema version of hpo."""


class HpoWarning(UserWarning):
    """Base class of the warnings hpo emits."""


class ExperimentalWarning(HpoWarning):
    """Emitted when an experimental feature is used."""
