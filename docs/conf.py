"""Sphinx configuration of hpo's documentation site.

Build it with ``tox -e docs`` or ``sphinx-build -W --keep-going -b html docs docs/_build/html``.
The build needs no network: no intersphinx, no remote images, no CDN.
"""

from __future__ import annotations

import hpo

project = "hpo"
author = "hpo developers"
copyright = "hpo developers"
version = release = hpo.__version__

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
]
# No sphinx.ext.viewcode: its ~80 source pages would double the time the test suite spends
# building the site.

source_suffix = {".md": "markdown", ".rst": "restructuredtext"}
root_doc = "index"
exclude_patterns = ["_build", "Thumbs.db", ".DS_Store"]
templates_path: list[str] = []

# MyST: anchors for headings, so that links like ``cli.md#choosing-the-storage`` and
# ``(#differences-from-the-optuna-command)`` resolve. No syntax extensions: the guides are
# plain CommonMark with tables, and read the same on GitHub.
myst_heading_anchors = 3

# Docstrings are numpy style.
napoleon_google_docstring = False
napoleon_numpy_docstring = True
napoleon_use_rtype = False
napoleon_use_ivar = True

autodoc_member_order = "bysource"
# "On this page" lists methods by their own name, not repeated under each class name.
toc_object_entries_show_parents = "hide"
autodoc_typehints = "signature"
autodoc_default_options = {"members": True}

html_theme = "furo"
html_title = f"hpo {release}"
html_static_path: list[str] = []
