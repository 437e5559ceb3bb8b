"""A live web dashboard of the studies in a storage.

Start it from a shell with ``hpo dashboard sqlite:///study.db`` and open the printed address,
or from Python with :func:`run_server` (blocks) or :func:`start_in_background` (returns a
handle, e.g. in a notebook). The pages follow running studies without reloading; a study of
100,000 trials is read in pieces, with its first plot drawn from the first piece. Needs the
``dashboard`` extra: ``pip install "hpo[dashboard]"``.
"""

from hpo.dashboard._app import create_app
from hpo.dashboard._server import DashboardHandle, run_server, start_in_background

__all__ = ["DashboardHandle", "create_app", "run_server", "start_in_background"]
