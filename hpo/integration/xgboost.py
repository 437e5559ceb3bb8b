"""XGBoost integration: a callback that reports a metric to a trial and stops pruned trials.

Needs XGBoost (``pip install "hpo[xgboost]"``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from hpo.exceptions import TrialPruned

try:
    import xgboost as _xgboost
except ImportError as error:  # pragma: no cover - exercised with the library hidden
    raise ImportError(
        'hpo.integration.xgboost needs XGBoost: pip install "hpo[xgboost]"'
    ) from error

if TYPE_CHECKING:
    from hpo.trial import Trial

__all__ = ["XGBoostPruningCallback"]


class XGBoostPruningCallback(_xgboost.callback.TrainingCallback):
    """Report an XGBoost evaluation metric to a trial after each round; stop pruned trials.

    Pass it in ``callbacks`` of ``xgboost.train``, ``xgboost.cv`` or a scikit-learn estimator
    (``XGBClassifier(callbacks=[...]).fit(X, y, eval_set=[...])``). After every round it
    reports the metric at step ``epoch`` (counted from 0) and, when the study's pruner says so,
    raises :class:`hpo.TrialPruned`, which ends the training and the trial. With
    ``xgboost.cv`` the mean over the folds is reported.

    Parameters
    ----------
    trial:
        The trial whose objective trains the model.
    observation_key:
        ``"<set>-<metric>"`` as XGBoost names its evaluation results: ``"validation-logloss"``
        for ``evals=[(dvalid, "validation")]``, ``"validation_0-logloss"`` for the first
        ``eval_set`` of the scikit-learn API, ``"test-rmse"`` for ``xgboost.cv``.

    Raises
    ------
    ValueError
        At construction, if ``observation_key`` is not ``"<set>-<metric>"``; during
        training, if XGBoost does not evaluate it (the message lists what it does evaluate).

    Examples
    --------
    >>> import xgboost as xgb
    >>> from sklearn.datasets import load_breast_cancer
    >>> import hpo
    >>> from hpo.integration import XGBoostPruningCallback
    >>> X, y = load_breast_cancer(return_X_y=True)
    >>> def objective(trial):
    ...     pruning = XGBoostPruningCallback(trial, "validation_0-logloss")
    ...     model = xgb.XGBClassifier(
    ...         n_estimators=20, max_depth=trial.suggest_int("max_depth", 1, 6),
    ...         eval_metric="logloss", callbacks=[pruning])
    ...     model.fit(X[:400], y[:400], eval_set=[(X[400:], y[400:])], verbose=False)
    ...     return model.evals_result()["validation_0"]["logloss"][-1]
    >>> study = hpo.create_study()
    >>> study.optimize(objective, n_trials=3)
    >>> len(study.trials)
    3
    """

    def __init__(self, trial: Trial, observation_key: str) -> None:
        if not isinstance(observation_key, str) or "-" not in observation_key.strip("-"):
            raise ValueError(
                f"observation_key must be '<set>-<metric>' such as 'validation-logloss', "
                f"got {observation_key!r}."
            )
        self._trial = trial
        self._observation_key = observation_key

    def __deepcopy__(self, memo: dict[int, Any]) -> XGBoostPruningCallback:
        # scikit-learn's clone deep-copies an estimator's callbacks; the copy reports to the
        # same trial instead of copying the trial, its study and its storage.
        return type(self)(self._trial, self._observation_key)

    def _latest(self, evals_log: Any) -> float:
        data_name, _, metric = self._observation_key.partition("-")
        history = evals_log.get(data_name, {}).get(metric)
        if history:
            latest = history[-1]
            # xgboost.cv logs (mean, standard deviation) pairs.
            return float(latest[0] if isinstance(latest, tuple) else latest)
        evaluated = [
            f"{data}-{metric}" for data, metrics in evals_log.items() for metric in metrics
        ]
        raise ValueError(
            f"XGBoostPruningCallback: XGBoost does not evaluate {self._observation_key!r}; it "
            f"evaluates {', '.join(repr(key) for key in evaluated) or 'nothing (no evals?)'}."
        )

    def after_iteration(self, model: Any, epoch: int, evals_log: Any) -> bool:
        """Report the round's value; raise :class:`hpo.TrialPruned` if the trial is pruned."""
        self._trial.report(self._latest(evals_log), step=epoch)
        if self._trial.should_prune():
            raise TrialPruned(f"Trial was pruned at iteration {epoch}.")
        return False
