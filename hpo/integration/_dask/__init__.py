"""The pieces of ``hpo.integration.dask``: the scheduler-side storage and the trial tasks."""
