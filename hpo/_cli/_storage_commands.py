"""Storage command: ``storage upgrade``, which applies the schema migrations to a database."""

from __future__ import annotations

import argparse

from hpo._cli._errors import usage_error
from hpo._cli._storage import RDB_CLASS, storage_location


def storage_upgrade(args: argparse.Namespace) -> int:
    """Upgrade a database to the schema this hpo uses (an empty one gets the whole schema)."""
    from hpo.storages._rdb._migrations import upgrade

    location = storage_location(args)
    kind = getattr(args, "storage_class", None)
    if kind not in (None, RDB_CLASS):
        raise usage_error(f"storage upgrade applies to databases only, not to a {kind}.")
    before, after = upgrade(location)
    if before == after:
        print(f"The storage is up to date (revision {after}).")
    elif before is None:
        print(f"Created the schema at revision {after}.")
    else:
        print(f"Upgraded the storage from revision {before} to {after}.")
    return 0
