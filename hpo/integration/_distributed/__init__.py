"""Distributed objectives: one real trial on rank 0, mirrors on the other ranks.

The pieces every backend shares: a :class:`Communicator` (rank, size, two collectives), the
trial wrapper that decides every call on rank 0 and sends the answer to all ranks, and the
study wrapper that runs the objective on every rank. ``hpo.integration.mpi`` and
``hpo.integration.pytorch_distributed`` add a communicator each.
"""

from __future__ import annotations

from hpo.integration._distributed._communicator import Communicator
from hpo.integration._distributed._study import DistributedStudy
from hpo.integration._distributed._trial import DistributedTrial

__all__ = ["Communicator", "DistributedStudy", "DistributedTrial"]
