"""The commands of the ``hpo`` command line, one module per subject.

:mod:`hpo.cli` builds the parser and dispatches; the modules here do the work: study commands,
trial commands, the storage command, reading ``--search-space`` and ``--sampler``, turning
studies and trials into rows, and printing rows as a table, JSON, YAML or plain values.
"""
