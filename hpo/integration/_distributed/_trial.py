"""The trial every rank of a distributed objective sees; only rank 0 holds the real one.

Every call (``suggest_*``, ``report``, ``should_prune``, attributes, properties) is one
collective: rank 0 computes the answer on its real trial, and every rank sends its status with
it. So all ranks get the same answer, and an error on any rank is raised on every rank at the
next call instead of leaving the others waiting. A rank that has left the objective keeps
answering collectives, with its outcome, until every rank has left (:func:`run_objective`).
"""

from __future__ import annotations

import contextlib
import datetime
import pickle
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from hpo.distributions import BaseDistribution
from hpo.exceptions import TrialPruned
from hpo.integration._distributed._communicator import Communicator
from hpo.trial import BaseTrial

# The operation name of a rank that has left the objective.
_END = "end"
# Statuses a rank sends with each collective.
_OK = "ok"
_ERROR = "error"
_PRUNED = "pruned"


@dataclass(frozen=True)
class ErrorInfo:
    """An exception as sent to the other ranks: pickled when it can be, described always."""

    rank: int
    type_name: str
    message: str
    traceback_text: str
    pickled: bytes  # empty when the exception cannot be pickled

    @classmethod
    def from_exception(cls, error: BaseException, rank: int) -> ErrorInfo:
        """Describe ``error``, raised on ``rank``."""
        try:
            pickled = pickle.dumps(error)
            pickle.loads(pickled)  # an exception that pickles may still fail to load
        except Exception:
            pickled = b""
        return cls(
            rank=rank,
            type_name=type(error).__qualname__,
            message=str(error),
            traceback_text="".join(traceback.format_exception(error)),
            pickled=pickled,
        )

    def to_exception(self) -> BaseException:
        """Rebuild the exception on another rank, with a note saying where it was raised."""
        error: BaseException = RuntimeError(f"{self.type_name}: {self.message}")
        if self.pickled:
            # A class this rank cannot import keeps the description.
            with contextlib.suppress(Exception):
                error = pickle.loads(self.pickled)
        note = f"Raised on rank {self.rank} of the distributed objective:\n{self.traceback_text}"
        if hasattr(error, "add_note"):  # Python >= 3.11
            error.add_note(note)
        return error


class _Exchange:
    """The collectives of one trial on one rank, and the error it raised locally, if any."""

    def __init__(self, communicator: Communicator) -> None:
        self.communicator = communicator
        self.rank = communicator.rank
        self.local_error: BaseException | None = None

    def call(self, op: str, compute: Callable[[], Any] | None) -> Any:
        """Run ``compute`` on rank 0 and return its result on every rank."""
        message: tuple[str, str, Any]
        if compute is None:
            message = (op, _OK, None)
        else:
            try:
                message = (op, _OK, compute())
            except Exception as e:
                self.local_error = e
                message = (op, _ERROR, ErrorInfo.from_exception(e, self.rank))
        messages = self.communicator.allgather(message)
        for rank, (_, status, payload) in enumerate(messages):
            if status == _ERROR:
                raise self._error(rank, payload)
        for rank, (other_op, status, _) in enumerate(messages):
            if other_op == _END:
                if status == _PRUNED:
                    raise TrialPruned(f"The trial was pruned on rank {rank}.")
                raise RuntimeError(
                    f"Rank {rank} returned from the objective while rank {self.rank} called "
                    f"{op}; every rank must make the same trial calls in the same order."
                )
        ops = [m[0] for m in messages]
        if any(other_op != op for other_op in ops):
            calls = ", ".join(f"rank {r}: {o}" for r, o in enumerate(ops))
            raise RuntimeError(
                f"The ranks made different trial calls at once ({calls}); every rank must "
                "make the same trial calls in the same order."
            )
        return messages[0][2]

    def _error(self, rank: int, info: ErrorInfo) -> BaseException:
        if rank == self.rank and self.local_error is not None:
            return self.local_error
        return info.to_exception()

    def finish(self, status: str, info: ErrorInfo | None) -> list[tuple[str, str, Any]]:
        """Answer collectives with this rank's outcome until every rank has left."""
        while True:
            messages = self.communicator.allgather((_END, status, info))
            if all(m[0] == _END for m in messages):
                return messages


def run_objective(func: Callable[[Any], Any], trial: DistributedTrial) -> Any:
    """Run ``func(trial)`` on this rank and return or raise the outcome all ranks agree on.

    Every rank calls this once per trial. The trial fails everywhere if it failed on any rank
    (the lowest such rank's exception is raised on every rank), is pruned everywhere if it was
    pruned on any rank, and otherwise returns each rank's own return value.
    """
    exchange = trial._exchange
    returned: Any = None
    local: BaseException | None = None
    try:
        returned = func(trial)
        status, info = _OK, None
    except TrialPruned as e:
        local = e
        status, info = _PRUNED, None
    except BaseException as e:  # every rank must reach finish(), whatever was raised
        local = e
        status, info = _ERROR, ErrorInfo.from_exception(e, exchange.rank)
    messages = exchange.finish(status, info)
    for rank, (_, other_status, payload) in enumerate(messages):
        if other_status == _ERROR:
            raise local if rank == exchange.rank and local is not None else payload.to_exception()
    for rank, (_, other_status, _) in enumerate(messages):
        if other_status == _PRUNED:
            if local is not None:
                raise local
            raise TrialPruned(f"The trial was pruned on rank {rank}.")
    return returned


class DistributedTrial(BaseTrial):
    """A trial shared by the ranks of a :class:`Communicator`.

    Rank 0 passes the real trial, the other ranks ``None``. Every method is collective: all
    ranks call the same methods in the same order; the values come from rank 0.

    Parameters
    ----------
    trial:
        The trial on rank 0; ``None`` on the other ranks.
    communicator:
        The process group.

    Raises
    ------
    ValueError
        If rank 0 passes ``None``, or another rank passes a trial.
    """

    def __init__(self, trial: BaseTrial | None, communicator: Communicator) -> None:
        rank = communicator.rank
        if rank == 0 and trial is None:
            raise ValueError("Rank 0 must pass the trial it runs, got trial=None.")
        if rank != 0 and trial is not None:
            raise ValueError(
                f"Only rank 0 passes a trial; rank {rank} got {trial!r}, pass None there."
            )
        self._trial = trial
        self._exchange = _Exchange(communicator)
        self._number: int | None = None
        self._datetime_start: tuple[datetime.datetime | None] | None = None

    def _real(self) -> BaseTrial:
        assert self._trial is not None
        return self._trial

    def _call(self, op: str, compute: Callable[[], Any]) -> Any:
        return self._exchange.call(op, compute if self._trial is not None else None)

    def _suggest(self, name: str, distribution: BaseDistribution) -> Any:
        return self._call(f"suggest {name!r}", lambda: self._real()._suggest(name, distribution))

    def report(self, value: float, step: int) -> None:
        """Report an intermediate value on rank 0 (collective; see ``Trial.report``)."""
        self._call("report", lambda: self._real().report(value, step))

    def should_prune(self) -> bool:
        """Return rank 0's pruning decision on every rank (collective)."""
        return bool(self._call("should_prune", lambda: self._real().should_prune()))

    def set_user_attr(self, key: str, value: Any) -> None:
        """Set a user attribute of the trial, written once by rank 0 (collective)."""
        self._call("set_user_attr", lambda: self._real().set_user_attr(key, value))

    def set_system_attr(self, key: str, value: Any) -> None:
        """Set a system attribute of the trial, written once by rank 0 (collective)."""
        self._call("set_system_attr", lambda: self._real().set_system_attr(key, value))

    @property
    def params(self) -> dict[str, Any]:
        """The parameters suggested so far (collective)."""
        return dict(self._call("params", lambda: self._real().params))

    @property
    def distributions(self) -> dict[str, BaseDistribution]:
        """The distributions of the parameters suggested so far (collective)."""
        return dict(self._call("distributions", lambda: self._real().distributions))

    @property
    def user_attrs(self) -> dict[str, Any]:
        """The trial's user attributes (collective)."""
        return dict(self._call("user_attrs", lambda: self._real().user_attrs))

    @property
    def system_attrs(self) -> dict[str, Any]:
        """The trial's system attributes (collective)."""
        return dict(self._call("system_attrs", lambda: self._real().system_attrs))

    @property
    def datetime_start(self) -> datetime.datetime | None:
        """When the trial started (collective on first access, then kept)."""
        if self._datetime_start is None:
            start = self._call("datetime_start", lambda: self._real().datetime_start)
            self._datetime_start = (start,)
        return self._datetime_start[0]

    @property
    def number(self) -> int:
        """The trial's number in its study (collective on first access, then kept)."""
        if self._number is None:
            self._number = int(self._call("number", lambda: self._real().number))
        return self._number
