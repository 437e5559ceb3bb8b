"""An incremental reader of a study's finished trials.

Finished trials never change, so each is read once. Trials come back from the storage in
number order; the cursor moves past the prefix of finished trials, and finished trials beyond
a still-running one are remembered so they are not read twice.
"""

from __future__ import annotations

from collections.abc import Sequence

from hpo.trial import FrozenTrial, TrialState


class FinishedTrialCursor:
    """Yield each finished trial of a number-ordered trial list exactly once."""

    __slots__ = ("_position", "_seen_ahead")

    def __init__(self) -> None:
        self._position = 0
        self._seen_ahead: set[int] = set()

    def new_finished(self, trials: Sequence[FrozenTrial]) -> list[FrozenTrial]:
        """Return the trials of ``trials`` that finished since the last call.

        Parameters
        ----------
        trials:
            All trials of the study in number order (``get_trials(deepcopy=False)``).

        Returns
        -------
        list[FrozenTrial]
            Newly finished trials (COMPLETE, PRUNED or FAIL), in number order.
        """
        return self.scan(trials)[0]

    def scan(self, trials: Sequence[FrozenTrial]) -> tuple[list[FrozenTrial], list[FrozenTrial]]:
        """Return the newly finished trials and the currently RUNNING ones.

        Parameters
        ----------
        trials:
            All trials of the study in number order (``get_trials(deepcopy=False)``).

        Returns
        -------
        tuple[list[FrozenTrial], list[FrozenTrial]]
            Trials finished since the last call, and all RUNNING trials; both in number order.
        """
        found: list[FrozenTrial] = []
        running: list[FrozenTrial] = []
        position = self._position
        seen_ahead = self._seen_ahead
        prefix = True
        for index in range(position, len(trials)):
            trial = trials[index]
            state = trial.state
            if state == TrialState.RUNNING:
                running.append(trial)
                prefix = False
                continue
            if state == TrialState.WAITING:
                prefix = False
                continue
            number = trial.number
            if number in seen_ahead:
                if prefix:
                    seen_ahead.discard(number)
            else:
                found.append(trial)
                if not prefix:
                    seen_ahead.add(number)
            if prefix:
                position = index + 1
        self._position = position
        return found, running
