"""TerminatorCallback: stop ``Study.optimize`` when a terminator says so."""

from __future__ import annotations

from typing import TYPE_CHECKING

from hpo.logging import get_logger
from hpo.terminator._terminator import BaseTerminator, Terminator
from hpo.trial import FrozenTrial

if TYPE_CHECKING:
    from hpo.study import Study

_logger = get_logger(__name__)


class TerminatorCallback:
    """A :meth:`~hpo.study.Study.optimize` callback that stops the study via a terminator.

    After each trial it asks ``terminator.should_terminate(study)`` and, on ``True``, calls
    :meth:`~hpo.study.Study.stop`: running trials finish, no new one starts.

    Parameters
    ----------
    terminator:
        The terminator to ask; a default :class:`Terminator` if ``None``.

    Raises
    ------
    TypeError
        If ``terminator`` is not a :class:`BaseTerminator`.

    Examples
    --------
    >>> import hpo
    >>> from hpo.terminator import BestValueStagnationEvaluator, Terminator
    >>> terminator = Terminator(BestValueStagnationEvaluator(3), min_n_trials=1)
    >>> study = hpo.create_study()
    >>> study.optimize(lambda trial: 1.0, n_trials=100, callbacks=[TerminatorCallback(terminator)])
    >>> len(study.trials)
    5
    """

    def __init__(self, terminator: BaseTerminator | None = None) -> None:
        if terminator is None:
            terminator = Terminator()
        if not isinstance(terminator, BaseTerminator):
            raise TypeError(f"terminator must be a BaseTerminator, got {terminator!r}.")
        self._terminator = terminator

    def __call__(self, study: Study, trial: FrozenTrial) -> None:
        if self._terminator.should_terminate(study):
            _logger.info("The study was stopped by the terminator after trial %d.", trial.number)
            study.stop()

    def __repr__(self) -> str:
        return f"{type(self).__name__}(terminator={self._terminator!r})"
