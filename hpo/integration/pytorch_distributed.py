"""Objectives that train on every process of a ``torch.distributed`` process group.

:class:`TorchDistributedTrial` is the trial every process sees: rank 0 wraps its real trial,
the other ranks pass ``None``, and every ``suggest_*``, ``report``, ``should_prune`` and
attribute call returns rank 0's answer on all ranks. With :class:`TorchDistributedStudy`
every rank runs the objective under one loop, and an exception raised on any rank, anywhere
in the objective, is raised on every rank and fails the trial::

    import torch.distributed as dist
    import hpo
    from hpo.integration import TorchDistributedStudy

    dist.init_process_group("gloo")
    study = hpo.create_study() if dist.get_rank() == 0 else None
    TorchDistributedStudy(study).optimize(objective, n_trials=20)

torch is an optional dependency: ``pip install "hpo[torch]"``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from hpo.integration._distributed import Communicator, DistributedStudy, DistributedTrial
from hpo.trial import BaseTrial

try:
    import torch.distributed as dist
except ImportError as e:  # pragma: no cover - exercised only without torch
    raise ImportError(
        'hpo.integration.pytorch_distributed needs PyTorch: pip install "hpo[torch]".'
    ) from e

if TYPE_CHECKING:
    from hpo.study import Study

__all__ = ["TorchDistributedCommunicator", "TorchDistributedStudy", "TorchDistributedTrial"]


class TorchDistributedCommunicator(Communicator):
    """The :class:`Communicator` of a ``torch.distributed`` process group.

    Parameters
    ----------
    group:
        The process group; ``None`` for the default (world) group.

    Raises
    ------
    RuntimeError
        If ``torch.distributed`` is not initialized (call ``init_process_group`` first).
    """

    def __init__(self, group: Any = None) -> None:
        if not (dist.is_available() and dist.is_initialized()):
            raise RuntimeError(
                "torch.distributed is not initialized: call "
                "torch.distributed.init_process_group() before creating the trial."
            )
        self.group = group
        # broadcast_object_list names its source by global rank.
        self._root = 0 if group is None else dist.get_global_rank(group, 0)

    @property
    def rank(self) -> int:
        """This process's rank in the group."""
        return int(dist.get_rank(self.group))

    @property
    def size(self) -> int:
        """The number of processes of the group."""
        return int(dist.get_world_size(self.group))

    def broadcast(self, obj: Any, root: int = 0) -> Any:
        """Return the group rank ``root``'s ``obj`` on every rank."""
        source = self._root if root == 0 else dist.get_global_rank(self.group, root)
        holder = [obj]
        dist.broadcast_object_list(holder, src=source, group=self.group)
        return holder[0]

    def allgather(self, obj: Any) -> list[Any]:
        """Return every rank's ``obj`` on every rank."""
        gathered: list[Any] = [None] * self.size
        dist.all_gather_object(gathered, obj, group=self.group)
        return gathered


class TorchDistributedTrial(DistributedTrial):
    """A trial shared by the processes of a ``torch.distributed`` group.

    Rank 0 wraps its real trial; the other ranks pass ``None``. It has the methods of
    :class:`hpo.Trial` (``suggest_*``, ``report``, ``should_prune``, ``set_user_attr``,
    ``params``, ``number``, ...); each call is collective (every rank calls the same methods in
    the same order) and returns rank 0's answer on every rank. An exception raised by rank 0's
    trial (an invalid range, ...) is raised on every rank. Used inside
    :class:`TorchDistributedStudy`, an exception raised by any rank's own code reaches the
    other ranks too.

    Parameters
    ----------
    trial:
        The trial on rank 0; ``None`` on the other ranks.
    group:
        The process group; ``None`` for the default group.

    Raises
    ------
    ValueError
        If rank 0 passes ``None`` or another rank passes a trial.
    RuntimeError
        If ``torch.distributed`` is not initialized.

    Examples
    --------
    >>> def objective(trial):  # doctest: +SKIP
    ...     trial = TorchDistributedTrial(trial if dist.get_rank() == 0 else None)
    ...     lr = trial.suggest_float("lr", 1e-5, 1e-1, log=True)  # equal on every rank
    ...     return train(lr)
    """

    def __init__(self, trial: BaseTrial | None, group: Any = None) -> None:
        communicator = (
            group if isinstance(group, Communicator) else TorchDistributedCommunicator(group)
        )
        super().__init__(trial, communicator)


class TorchDistributedStudy(DistributedStudy):
    """A study whose objective runs on every process of a ``torch.distributed`` group.

    All ranks construct it and call :meth:`optimize` together; ``func`` receives a
    :class:`TorchDistributedTrial` on every rank. Rank 0 runs :meth:`hpo.Study.optimize` and
    writes the study. An exception on any rank is raised on every rank, and rank 0 records
    the trial FAIL (PRUNED for ``TrialPruned``).

    Parameters
    ----------
    study:
        The study on rank 0; other ranks may pass the same study or ``None``.
    group:
        The process group; ``None`` for the default group.

    Raises
    ------
    TypeError
        If rank 0 passes no study.
    RuntimeError
        If ``torch.distributed`` is not initialized.

    Examples
    --------
    >>> study = hpo.create_study() if dist.get_rank() == 0 else None  # doctest: +SKIP
    >>> TorchDistributedStudy(study).optimize(objective, n_trials=10)  # doctest: +SKIP
    """

    def __init__(self, study: Study | None, group: Any = None) -> None:
        super().__init__(
            study, TorchDistributedCommunicator(group), trial_class=TorchDistributedTrial
        )
