"""Stop a study automatically once more trials are unlikely to improve it.

A :class:`Terminator` compares an improvement evaluator (how much the best value could still
improve) with an error evaluator (how noisy the objective is) and tells the study to stop when
the first falls below the second; :class:`TerminatorCallback` applies it during
:meth:`~hpo.study.Study.optimize`.
"""

from hpo.terminator._callback import TerminatorCallback
from hpo.terminator._emmr import EMMREvaluator
from hpo.terminator._error import (
    BaseErrorEvaluator,
    CrossValidationErrorEvaluator,
    StaticErrorEvaluator,
    report_cross_validation_scores,
)
from hpo.terminator._history import ImprovementHistory, improvement_history
from hpo.terminator._improvement import BaseImprovementEvaluator, BestValueStagnationEvaluator
from hpo.terminator._median_error import MedianErrorEvaluator
from hpo.terminator._regret_bound import RegretBoundEvaluator
from hpo.terminator._terminator import BaseTerminator, Terminator

__all__ = [
    "BaseErrorEvaluator",
    "BaseImprovementEvaluator",
    "BaseTerminator",
    "BestValueStagnationEvaluator",
    "CrossValidationErrorEvaluator",
    "EMMREvaluator",
    "ImprovementHistory",
    "MedianErrorEvaluator",
    "RegretBoundEvaluator",
    "StaticErrorEvaluator",
    "Terminator",
    "TerminatorCallback",
    "improvement_history",
    "report_cross_validation_scores",
]
