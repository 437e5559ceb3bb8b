"""LightGBM integration: a pruning callback and the stepwise tuner, under Optuna's names.

``import hpo.integration.lightgbm as lgb`` gives a drop-in for the ``lightgbm`` module:
LightGBM's own public names (``lgb.Dataset``, ``lgb.cv``, ``lgb.early_stopping``...) pass
through, and :func:`train` tunes the parameters before it trains. Needs LightGBM
(``pip install "hpo[lightgbm]"``).
"""

from __future__ import annotations

from hpo.integration._lightgbm import lightgbm as _lightgbm
from hpo.integration._lightgbm._pruning import LightGBMPruningCallback
from hpo.integration._lightgbm._tuner import LightGBMTuner, LightGBMTunerCV, train

__all__ = ["LightGBMPruningCallback", "LightGBMTuner", "LightGBMTunerCV", "train"]

# LightGBM's public names, so this module stands in for ``lightgbm`` itself.
for _name in _lightgbm.__all__:
    if _name not in __all__ and _name != "train":
        globals()[_name] = getattr(_lightgbm, _name)
del _name
