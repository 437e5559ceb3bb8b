"""Objectives that run on every process of an MPI job (mpi4py).

Rank 0 of the communicator runs the study; every rank runs each trial's objective and sees
the same parameters and pruning decisions, decided on rank 0. The study is written by rank 0
only. An exception on any rank is raised on every rank, so no rank waits forever::

    from mpi4py import MPI
    import hpo
    from hpo.integration import MPIStudy

    comm = MPI.COMM_WORLD
    study = hpo.create_study() if comm.rank == 0 else None
    MPIStudy(study, comm).optimize(objective, n_trials=20)

Run it with ``mpirun -n 4 python script.py``. mpi4py is an optional dependency:
``pip install "hpo[mpi]"``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from hpo.integration._distributed import Communicator, DistributedStudy, DistributedTrial
from hpo.trial import BaseTrial

try:
    from mpi4py import MPI
except ImportError as e:  # pragma: no cover - exercised only without mpi4py
    raise ImportError(
        'hpo.integration.mpi needs mpi4py: pip install "hpo[mpi]" (and an MPI library such '
        "as Open MPI)."
    ) from e

if TYPE_CHECKING:
    from hpo.study import Study

__all__ = ["MPICommunicator", "MPIStudy", "MPITrial"]


class MPICommunicator(Communicator):
    """The :class:`Communicator` of an mpi4py communicator.

    Parameters
    ----------
    comm:
        An ``mpi4py.MPI.Comm`` (intra-communicator), e.g. ``MPI.COMM_WORLD``.

    Raises
    ------
    TypeError
        If ``comm`` is not an mpi4py intra-communicator.
    """

    def __init__(self, comm: Any) -> None:
        if not isinstance(comm, MPI.Intracomm):
            raise TypeError(f"comm must be an mpi4py.MPI.Intracomm, got {comm!r}.")
        self.comm = comm

    @property
    def rank(self) -> int:
        """This process's rank in ``comm``."""
        return int(self.comm.Get_rank())

    @property
    def size(self) -> int:
        """The number of processes of ``comm``."""
        return int(self.comm.Get_size())

    def broadcast(self, obj: Any, root: int = 0) -> Any:
        """Return rank ``root``'s ``obj`` on every rank (``comm.bcast``)."""
        return self.comm.bcast(obj, root=root)

    def allgather(self, obj: Any) -> list[Any]:
        """Return every rank's ``obj`` on every rank (``comm.allgather``)."""
        return list(self.comm.allgather(obj))


def _as_communicator(comm: Any) -> Communicator:
    return comm if isinstance(comm, Communicator) else MPICommunicator(comm)


class MPITrial(DistributedTrial):
    """The trial an :class:`MPIStudy` objective receives, on every rank.

    It has the methods of :class:`hpo.Trial` (``suggest_*``, ``report``, ``should_prune``,
    ``set_user_attr``, ``params``, ``number``, ...). Each call is collective: every rank
    calls the same methods in the same order, rank 0 answers from its real trial and every
    rank gets that answer. A call raises on every rank if any rank has raised.

    Parameters
    ----------
    trial:
        The real trial on rank 0; ``None`` on the other ranks.
    comm:
        An mpi4py communicator (or an :class:`MPICommunicator`).

    Raises
    ------
    ValueError
        If rank 0 passes ``None`` or another rank passes a trial.
    TypeError
        If ``comm`` is not an mpi4py communicator.

    Examples
    --------
    >>> def objective(trial):  # doctest: +SKIP
    ...     x = trial.suggest_float("x", -10, 10)  # the same value on every rank
    ...     return x**2
    """

    def __init__(self, trial: BaseTrial | None, comm: Any) -> None:
        super().__init__(trial, _as_communicator(comm))


class MPIStudy(DistributedStudy):
    """A study whose objective runs on every process of an MPI communicator.

    All ranks construct it and call :meth:`optimize` together. Rank 0 runs
    :meth:`hpo.Study.optimize` and writes the study; each trial runs ``func`` on every rank
    with an :class:`MPITrial`. Other attributes (``best_trial``, ``trials``, ...) are the
    study's own, on ranks that passed the study.

    Parameters
    ----------
    study:
        The study on rank 0. Other ranks may pass the same study (loaded from a shared
        storage) or ``None``.
    comm:
        An mpi4py communicator such as ``MPI.COMM_WORLD``.

    Raises
    ------
    TypeError
        If rank 0 passes no study, or ``comm`` is not an mpi4py communicator.

    Examples
    --------
    >>> from mpi4py import MPI  # doctest: +SKIP
    >>> study = hpo.create_study() if MPI.COMM_WORLD.rank == 0 else None  # doctest: +SKIP
    >>> MPIStudy(study, MPI.COMM_WORLD).optimize(objective, n_trials=10)  # doctest: +SKIP
    """

    def __init__(self, study: Study | None, comm: Any) -> None:
        super().__init__(study, _as_communicator(comm), trial_class=MPITrial)
