"""What the stepwise LightGBM tuner tunes: its stages, their search spaces, metric directions.

Pure data and small functions; the tuner in ``_tuner.py`` runs them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

#: Trial system attribute: the stage a trial belongs to.
STEP_NAME_KEY = "lightgbm_tuner:step_name"
#: Trial system attribute: every LightGBM parameter the trial trained with (JSON object).
LGBM_PARAMS_KEY = "lightgbm_tuner:lgbm_params"
#: Trial system attribute: seconds the trial's training took.
ELAPSED_KEY = "lightgbm_tuner:elapsed_secs"
#: Trial system attribute: seconds per boosting round in that training.
ITERATION_TIME_KEY = "lightgbm_tuner:average_iteration_time"

#: The stages, in the order they run, with their trial counts.
STAGES: tuple[tuple[str, int], ...] = (
    ("feature_fraction", 7),
    ("num_leaves", 20),
    ("bagging", 10),
    ("feature_fraction_stage2", 6),
    ("regularization_factors", 20),
    ("min_child_samples", 5),
)

#: The tuned parameters' values before any stage has found better ones.
DEFAULT_TUNED_PARAMS: dict[str, Any] = {
    "lambda_l1": 0.0,
    "lambda_l2": 0.0,
    "num_leaves": 31,
    "feature_fraction": 1.0,
    "bagging_fraction": 1.0,
    "bagging_freq": 0,
    "min_child_samples": 20,
}

FEATURE_FRACTION_GRID = [round(0.4 + 0.1 * i, 10) for i in range(7)]  # 0.4, 0.5, ..., 1.0
MIN_CHILD_SAMPLES_GRID = [5, 10, 25, 50, 100]

# LightGBM's other names for the tuned parameters (from its parameter documentation).
_ALIASES: dict[str, tuple[str, ...]] = {
    "lambda_l1": ("reg_alpha", "l1_regularization"),
    "lambda_l2": ("reg_lambda", "lambda", "l2_regularization"),
    "num_leaves": ("num_leaf", "max_leaves", "max_leaf", "max_leaf_nodes"),
    "feature_fraction": ("sub_feature", "colsample_bytree"),
    "bagging_fraction": ("sub_row", "subsample", "bagging"),
    "bagging_freq": ("subsample_freq",),
    "min_child_samples": ("min_data_in_leaf", "min_data_per_leaf", "min_data"),
}
_METRIC_ALIASES = ("metrics", "metric_types")

# Metrics LightGBM maximizes, under their names and aliases; all others it minimizes.
_MAXIMIZED_METRICS = frozenset(
    {
        "auc",
        "auc_mu",
        "average_precision",
        "ndcg",
        "lambdarank",
        "rank_xendcg",
        "xendcg",
        "xe_ndcg",
        "xe_ndcg_mart",
        "xendcg_mart",
        "map",
        "mean_average_precision",
    }
)
_RANKING_OBJECTIVES = frozenset({"lambdarank", "rank_xendcg", "xendcg", "xe_ndcg", "xe_ndcg_mart"})


def normalize_params(params: Mapping[str, Any]) -> dict[str, Any]:
    """Return ``params`` with tuned parameters and ``metric`` under one name each."""
    normalized = dict(params)
    for name, aliases in _ALIASES.items():
        for alias in aliases:
            if alias in normalized:
                normalized.setdefault(name, normalized.pop(alias))
                normalized.pop(alias, None)
    for alias in _METRIC_ALIASES:
        if alias in normalized:
            normalized.setdefault("metric", normalized.pop(alias))
    return normalized


def first_metric(params: Mapping[str, Any]) -> str | None:
    """The first metric named in ``params`` (``None`` when LightGBM picks the default)."""
    metric = params.get("metric")
    if isinstance(metric, str):
        metric = [part.strip() for part in metric.split(",")]
    if not metric:
        return None
    name = str(next(iter(metric)))
    return None if name in ("", "None", "none", "null", "na", "custom") else name


def higher_is_better(params: Mapping[str, Any]) -> bool:
    """Whether LightGBM maximizes the first metric of ``params`` (e.g. AUC, NDCG)."""
    metric = first_metric(params)
    if metric is None:
        return str(params.get("objective", "")) in _RANKING_OBJECTIVES  # default metric: ndcg
    return metric.split("@")[0] in _MAXIMIZED_METRICS


def feature_fraction_stage2_grid(best_feature_fraction: float) -> list[float]:
    """Six values 0.032 apart around the best feature fraction, kept within [0.4, 1.0]."""
    values = [round(best_feature_fraction - 0.08 + 0.032 * i, 10) for i in range(6)]
    return [value for value in values if 0.4 <= value <= 1.0]


def suggest_stage(trial: Any, stage: str, base: Mapping[str, Any]) -> dict[str, Any]:
    """Ask ``trial`` for the parameters ``stage`` tunes; return them under LightGBM names."""
    if stage in ("feature_fraction", "feature_fraction_stage2"):
        return {"feature_fraction": trial.suggest_float("feature_fraction", 0.4, 1.0)}
    if stage == "num_leaves":
        return {"num_leaves": trial.suggest_int("num_leaves", 2, 256)}
    if stage == "bagging":
        return {
            "bagging_fraction": trial.suggest_float("bagging_fraction", 0.4, 1.0),
            "bagging_freq": trial.suggest_int("bagging_freq", 1, 7),
        }
    if stage == "regularization_factors":
        return {
            "lambda_l1": trial.suggest_float("lambda_l1", 1e-8, 10.0, log=True),
            "lambda_l2": trial.suggest_float("lambda_l2", 1e-8, 10.0, log=True),
        }
    if stage == "min_child_samples":
        return {"min_child_samples": trial.suggest_int("min_child_samples", 5, 100)}
    raise ValueError(f"unknown stage {stage!r}")  # pragma: no cover - internal


def grid_of(stage: str, base: Mapping[str, Any]) -> dict[str, list[Any]] | None:
    """The grid a grid stage runs (``None`` for the stages a TPE sampler searches)."""
    if stage == "feature_fraction":
        return {"feature_fraction": list(FEATURE_FRACTION_GRID)}
    if stage == "feature_fraction_stage2":
        return {"feature_fraction": feature_fraction_stage2_grid(float(base["feature_fraction"]))}
    if stage == "min_child_samples":
        return {"min_child_samples": list(MIN_CHILD_SAMPLES_GRID)}
    return None
