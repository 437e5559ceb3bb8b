"""The attribute keys hpo itself reads and writes, defined once.

This module sits at the bottom of the package's layers (it imports nothing), so every layer
can name a key without reaching upwards. The values are part of the stored format and of
Optuna's conventions: changing one makes existing studies unreadable to hpo.
"""

from __future__ import annotations

#: Trial system attribute: why hpo failed a trial (a string), e.g. an invalid objective value.
FAIL_REASON_KEY = "fail_reason"

#: Trial system attribute of an enqueued trial: the parameter values it must run with.
FIXED_PARAMS_KEY = "fixed_params"

#: Trial system attribute: the constraint values of a COMPLETE trial; it is feasible when
#: every value is ``<= 0``.
CONSTRAINTS_KEY = "constraints"

#: Study system attribute: the objectives' names, set by ``Study.set_metric_names``.
METRIC_NAMES_KEY = "study:metric_names"

#: Trial system attribute: the cross-validation scores of a trial (a JSON list of floats), kept
#: by ``hpo.terminator.report_cross_validation_scores``.
CV_SCORES_KEY = "terminator:cv_scores"
