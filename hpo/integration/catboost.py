"""CatBoost integration: a callback that reports a metric to a trial and stops pruned trials.

Needs CatBoost (``pip install "hpo[catboost]"``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from hpo.exceptions import TrialPruned

try:
    import catboost  # noqa: F401
except ImportError as error:  # pragma: no cover - exercised with the library hidden
    raise ImportError(
        'hpo.integration.catboost needs CatBoost: pip install "hpo[catboost]"'
    ) from error

if TYPE_CHECKING:
    from hpo.trial import Trial

__all__ = ["CatBoostPruningCallback"]


class CatBoostPruningCallback:
    """Report a CatBoost evaluation metric to a trial after each iteration; stop pruned trials.

    Pass it in ``callbacks`` of ``fit`` with an ``eval_set``. CatBoost cannot be interrupted
    by an exception from a callback, so a pruned trial's training stops quietly and the
    objective must call :meth:`check_pruned` after ``fit``, which raises
    :class:`hpo.TrialPruned`. Steps are iterations counted from 0.

    Parameters
    ----------
    trial:
        The trial whose objective trains the model.
    metric:
        The metric as CatBoost names it (``"Logloss"``, ``"AUC"``, ``"RMSE"``...), an
        ``eval_metric`` or one of ``custom_metric``.
    eval_set_index:
        Which evaluation set to read when ``eval_set`` is a list of several: ``None`` for the
        only one (CatBoost calls it ``"validation"``), ``i`` for ``"validation_i"``.

    Raises
    ------
    ValueError
        At construction, if ``eval_set_index`` is negative or not an integer; during
        training, if CatBoost does not evaluate the metric on that set (the message lists
        what it does evaluate).

    Examples
    --------
    >>> import catboost as cb
    >>> from sklearn.datasets import load_breast_cancer
    >>> import hpo
    >>> from hpo.integration import CatBoostPruningCallback
    >>> X, y = load_breast_cancer(return_X_y=True)
    >>> def objective(trial):
    ...     model = cb.CatBoostClassifier(
    ...         iterations=10, depth=trial.suggest_int("depth", 1, 6), verbose=0,
    ...         allow_writing_files=False)
    ...     pruning = CatBoostPruningCallback(trial, "Logloss")
    ...     model.fit(X[:400], y[:400], eval_set=[(X[400:], y[400:])], callbacks=[pruning])
    ...     pruning.check_pruned()
    ...     return model.get_best_score()["validation"]["Logloss"]
    >>> study = hpo.create_study()
    >>> study.optimize(objective, n_trials=2)
    >>> len(study.trials)
    2
    """

    def __init__(self, trial: Trial, metric: str, eval_set_index: int | None = None) -> None:
        if eval_set_index is not None and (
            isinstance(eval_set_index, bool)
            or not isinstance(eval_set_index, int)
            or eval_set_index < 0
        ):
            raise ValueError(
                f"eval_set_index must be None or a non-negative integer, got {eval_set_index!r}."
            )
        self._trial = trial
        self._metric = metric
        self._set_name = "validation" if eval_set_index is None else f"validation_{eval_set_index}"
        self._pruned_message: str | None = None

    def after_iteration(self, info: Any) -> bool:
        """Report the iteration's value; return False (stop training) if the trial is pruned."""
        step = info.iteration - 1  # CatBoost counts iterations from 1
        history = info.metrics.get(self._set_name, {}).get(self._metric)
        if not history:
            evaluated = [
                f"{data!r}: {metric!r}"
                for data, metrics in info.metrics.items()
                for metric in metrics
            ]
            raise ValueError(
                f"CatBoostPruningCallback: no metric {self._metric!r} on the set "
                f"{self._set_name!r}; CatBoost evaluates {', '.join(evaluated) or 'nothing'}."
            )
        self._trial.report(float(history[-1]), step=step)
        if self._trial.should_prune():
            self._pruned_message = f"Trial was pruned at iteration {step}."
            return False
        return True

    def check_pruned(self) -> None:
        """Raise :class:`hpo.TrialPruned` if the training was stopped because of pruning.

        Raises
        ------
        hpo.TrialPruned
            If the pruner stopped the trial during ``fit``.
        """
        if self._pruned_message is not None:
            raise TrialPruned(self._pruned_message)
