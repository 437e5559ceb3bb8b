"""LightGBMPruningCallback: report a LightGBM validation metric and stop pruned trials."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from hpo.exceptions import TrialPruned
from hpo.study import StudyDirection

if TYPE_CHECKING:
    from hpo.trial import Trial

# lightgbm.cv names its aggregated held-out folds "valid" (and "train" with eval_train_metric).
_CV_NAMES = ("valid", "train")
_DEFAULT_VALID_NAME = "valid_0"


class LightGBMPruningCallback:
    """Report a LightGBM metric to a trial after each boosting round and stop pruned trials.

    Pass it in ``callbacks`` of ``lightgbm.train``, ``lightgbm.cv`` or the ``fit`` of the
    scikit-learn estimators (``LGBMClassifier().fit(X, y, eval_X=..., eval_y=...,
    callbacks=[...])``).
    After every ``report_interval``-th round it reports the metric of the named validation set
    at step ``iteration`` (counted from 0) and, when the study's pruner says so, raises
    :class:`hpo.TrialPruned`, which ends the training and the trial. With ``lightgbm.cv`` the
    mean over the folds is reported.

    Parameters
    ----------
    trial:
        The trial whose objective trains the model.
    metric:
        A metric LightGBM evaluates, as it names it (``"binary_logloss"``, ``"auc"``,
        ``"l2"``, ``"ndcg@5"``...).
    valid_name:
        The name of the validation set in ``valid_names`` (LightGBM calls them ``"valid_0"``,
        ``"valid_1"``... when unnamed; the scikit-learn API too). With ``lightgbm.cv`` the
        default stands for the held-out folds, ``"valid"``.
    report_interval:
        Report and check every this many rounds.

    Raises
    ------
    ValueError
        At construction, if ``report_interval`` is not a positive integer; during training,
        if the set or metric is not evaluated (the message lists what is), or if the metric
        is maximized while the study minimizes or the other way round.

    Examples
    --------
    >>> import lightgbm as lgb
    >>> from sklearn.datasets import load_breast_cancer
    >>> import hpo
    >>> from hpo.integration import LightGBMPruningCallback
    >>> X, y = load_breast_cancer(return_X_y=True)
    >>> def objective(trial):
    ...     params = {"objective": "binary", "metric": "binary_logloss", "verbose": -1,
    ...               "num_leaves": trial.suggest_int("num_leaves", 2, 64, log=True)}
    ...     train = lgb.Dataset(X[:400], y[:400])
    ...     valid = lgb.Dataset(X[400:], y[400:], reference=train)
    ...     booster = lgb.train(params, train, 20, valid_sets=[valid],
    ...                         callbacks=[LightGBMPruningCallback(trial, "binary_logloss")])
    ...     return booster.best_score["valid_0"]["binary_logloss"]
    >>> study = hpo.create_study()
    >>> study.optimize(objective, n_trials=3)
    >>> len(study.trials)
    3
    """

    def __init__(
        self,
        trial: Trial,
        metric: str,
        valid_name: str = _DEFAULT_VALID_NAME,
        report_interval: int = 1,
    ) -> None:
        if (
            isinstance(report_interval, bool)
            or not isinstance(report_interval, int)
            or report_interval < 1
        ):
            raise ValueError(
                f"report_interval must be a positive integer, got {report_interval!r}."
            )
        self._trial = trial
        # LightGBM runs callbacks by ``order``: after record_evaluation (20), before
        # early_stopping (30). An instance attribute, as LightGBM reads the instance's dict.
        self.order = 25
        self._metric = metric
        self._valid_name = valid_name
        self._report_interval = report_interval

    def _find(self, results: list[Any]) -> tuple[float, bool]:
        """Return (value, is_higher_better) of this callback's entry of an evaluation list."""
        # lightgbm.train gives (set, metric, value, higher_better); lightgbm.cv adds the stdev.
        is_cv = bool(results) and len(results[0]) == 5
        valid_name = self._valid_name
        if is_cv and valid_name not in _CV_NAMES and valid_name == _DEFAULT_VALID_NAME:
            valid_name = "valid"
        for entry in results:
            if entry[0] == valid_name and entry[1] == self._metric:
                return float(entry[2]), bool(entry[3])
        evaluated = [f"{entry[0]!r}: {entry[1]!r}" for entry in results]
        raise ValueError(
            f"LightGBMPruningCallback: no metric {self._metric!r} on the set {valid_name!r}; "
            f"LightGBM evaluated {', '.join(evaluated) or 'nothing (no valid_sets?)'}."
        )

    def __call__(self, env: Any) -> None:
        """Report after the round that ``env`` (LightGBM's CallbackEnv) describes."""
        if (env.iteration + 1) % self._report_interval != 0:
            return
        value, higher_is_better = self._find(list(env.evaluation_result_list))
        direction = self._trial.study.direction
        if higher_is_better != (direction == StudyDirection.MAXIMIZE):
            goes = "maximizes" if higher_is_better else "minimizes"
            raise ValueError(
                f"LightGBMPruningCallback: LightGBM {goes} "
                f"{self._metric!r} but the study's direction is {direction.name.lower()}; "
                "use a metric that goes the same way as the objective."
            )
        self._trial.report(value, step=env.iteration)
        if self._trial.should_prune():
            raise TrialPruned(f"Trial was pruned at iteration {env.iteration}.")
