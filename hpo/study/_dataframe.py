"""Exporting a study's trials to a pandas DataFrame."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from hpo.trial import FrozenTrial

if TYPE_CHECKING:
    import pandas as pd

    from hpo.study._protocol import ExportedStudy

_KNOWN_ATTRS = (
    "number",
    "value",
    "values",
    "datetime_start",
    "datetime_complete",
    "duration",
    "params",
    "user_attrs",
    "system_attrs",
    "intermediate_values",
    "state",
)
# Attributes that expand into one column per key; the rest are one column each.
_NESTED = ("params", "user_attrs", "system_attrs", "intermediate_values")


def _attr_value(trial: FrozenTrial, attr: str) -> Any:
    if attr == "state":
        return trial.state.name
    if attr == "value":
        return trial._values[0] if trial._values else None
    return getattr(trial, attr)


def trials_dataframe(
    study: ExportedStudy, attrs: Sequence[str], multi_index: bool
) -> pd.DataFrame:
    """Build the DataFrame of :meth:`Study.trials_dataframe`."""
    import pandas as pd

    unknown = [a for a in attrs if a not in _KNOWN_ATTRS]
    if unknown:
        raise ValueError(f"Unknown trial attributes {unknown}; choose from {list(_KNOWN_ATTRS)}.")
    n_objectives = len(study._directions)
    attrs = list(attrs)
    if n_objectives > 1 or "values" in attrs:
        # Several objectives have no single "value": export one column per objective.
        attrs = ["values" if a == "value" else a for a in attrs]
        attrs = list(dict.fromkeys(attrs))
    value_labels: list[Any] = study.metric_names or list(range(n_objectives))
    trials = study.get_trials(deepcopy=False)

    rows: list[dict[tuple[str, Any], Any]] = []
    nested_keys: dict[str, set[Any]] = {a: set() for a in attrs if a in _NESTED}
    for trial in trials:
        row: dict[tuple[str, Any], Any] = {}
        for attr in attrs:
            if attr in _NESTED:
                for key, value in getattr(trial, attr).items():
                    row[(attr, key)] = value
                    nested_keys[attr].add(key)
            elif attr == "values":
                for index, label in enumerate(value_labels):
                    row[("values", label)] = trial._values[index] if trial._values else None
            else:
                row[(attr, "")] = _attr_value(trial, attr)
        rows.append(row)

    columns: list[tuple[str, Any]] = []
    for attr in attrs:
        if attr in _NESTED:
            columns.extend((attr, key) for key in sorted(nested_keys[attr], key=_sort_key))
        elif attr == "values":
            columns.extend(("values", label) for label in value_labels)
        else:
            columns.append((attr, ""))

    df = pd.DataFrame(rows, columns=pd.MultiIndex.from_tuples(columns) if columns else None)
    if not rows:
        df = pd.DataFrame(columns=pd.MultiIndex.from_tuples(columns) if columns else None)
    if not multi_index:
        df.columns = [
            "_".join(str(part) for part in col if part != "") for col in df.columns.to_list()
        ]
    return df


def _sort_key(key: Any) -> tuple[int, Any]:
    # Intermediate-value steps are ints, attribute keys are strings: sort each kind naturally.
    return (0, key) if isinstance(key, (int, float)) else (1, str(key))
