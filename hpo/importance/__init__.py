"""Parameter importances: which hyperparameters drove the objective.

:func:`get_param_importances` evaluates a study with one of the evaluators:
:class:`FanovaImportanceEvaluator` (the default), :class:`MeanDecreaseImpurityImportanceEvaluator`
and :class:`PedAnovaImportanceEvaluator`; a custom one derives from
:class:`BaseImportanceEvaluator`.
"""

from hpo.importance._api import get_param_importances
from hpo.importance._base import BaseImportanceEvaluator
from hpo.importance._fanova import FanovaImportanceEvaluator
from hpo.importance._mdi import MeanDecreaseImpurityImportanceEvaluator
from hpo.importance._ped_anova import PedAnovaImportanceEvaluator

__all__ = [
    "BaseImportanceEvaluator",
    "FanovaImportanceEvaluator",
    "MeanDecreaseImpurityImportanceEvaluator",
    "PedAnovaImportanceEvaluator",
    "get_param_importances",
]
