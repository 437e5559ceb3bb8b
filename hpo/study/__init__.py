"""Studies: create, load and run optimization tasks."""

from hpo._frozen_study import FrozenStudy
from hpo._study_direction import StudyDirection
from hpo.study._callbacks import MaxTrialsCallback
from hpo.study._management import (
    copy_study,
    create_study,
    delete_study,
    get_all_study_names,
    get_all_study_summaries,
    load_study,
)
from hpo.study._study import ObjectiveFuncType, Study
from hpo.study._summary import StudySummary

__all__ = [
    "FrozenStudy",
    "MaxTrialsCallback",
    "ObjectiveFuncType",
    "Study",
    "StudyDirection",
    "StudySummary",
    "copy_study",
    "create_study",
    "delete_study",
    "get_all_study_names",
    "get_all_study_summaries",
    "load_study",
]
