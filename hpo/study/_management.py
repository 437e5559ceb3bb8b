"""Creating, loading, deleting, copying and listing studies."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from hpo import logging
from hpo._study_direction import StudyDirection
from hpo.exceptions import DuplicatedStudyError
from hpo.pruners import BasePruner
from hpo.samplers import BaseSampler
from hpo.storages import BaseStorage, get_storage
from hpo.storages._optuna import StudySnapshot
from hpo.study._arguments import (
    check_pruner,
    check_sampler,
    check_study_name,
    check_trial_to_add,
)
from hpo.study._study import Study
from hpo.study._summary import StudySummary
from hpo.trial import TrialState

_logger = logging.get_logger(__name__)

DirectionLike = Literal["minimize", "maximize"] | StudyDirection


def _to_direction(direction: object) -> StudyDirection:
    if isinstance(direction, StudyDirection) and direction != StudyDirection.NOT_SET:
        return direction
    if isinstance(direction, str) and direction.lower() in ("minimize", "maximize"):
        return StudyDirection[direction.upper()]
    raise ValueError(
        f"direction={direction!r} is not valid; use 'minimize', 'maximize' or a StudyDirection."
    )


def _parse_directions(
    direction: DirectionLike | None, directions: Sequence[DirectionLike] | None
) -> list[StudyDirection]:
    if direction is not None and directions is not None:
        raise ValueError("Give direction or directions, not both.")
    if directions is None:
        return [_to_direction(direction if direction is not None else "minimize")]
    if isinstance(directions, str) or not isinstance(directions, Sequence):
        raise ValueError(f"directions must be a list such as ['minimize'], got {directions!r}.")
    if len(directions) == 0:
        raise ValueError("directions must name at least one direction.")
    return [_to_direction(d) for d in directions]


def create_study(
    *,
    storage: str | BaseStorage | None = None,
    sampler: BaseSampler | None = None,
    pruner: BasePruner | None = None,
    study_name: str | None = None,
    direction: DirectionLike | None = None,
    load_if_exists: bool = False,
    directions: Sequence[DirectionLike] | None = None,
) -> Study:
    """Create a study (or open it, with ``load_if_exists``).

    Parameters
    ----------
    storage:
        ``None`` for memory, a database URL (``"sqlite:///study.db"``) or a storage object.
    sampler:
        The sampler; TPE by default.
    pruner:
        The pruner; the median rule by default.
    study_name:
        The name; generated when ``None``.
    direction:
        ``"minimize"`` (default) or ``"maximize"`` for a single objective.
    load_if_exists:
        Open the existing study of that name instead of raising.
    directions:
        One direction per objective, for multi-objective studies.

    Returns
    -------
    Study
        The study.

    Raises
    ------
    TypeError
        If ``sampler`` or ``pruner`` is not a sampler or pruner object (a string such as
        ``"tpe"`` is not), or ``study_name`` is not a str. Arguments are checked before the
        storage is opened, so nothing is created then.
    ValueError
        For invalid directions (``"max"`` is not one), both ``direction`` and ``directions``,
        an invalid storage URL, or an existing study whose directions differ from the
        requested ones.
    DuplicatedStudyError
        If the name exists and ``load_if_exists`` is false.

    Examples
    --------
    >>> import hpo
    >>> study = hpo.create_study(direction="maximize")
    >>> study.optimize(lambda t: -(t.suggest_float("x", -1, 1) ** 2), n_trials=5)
    """
    check_sampler(sampler)
    check_pruner(pruner)
    check_study_name(study_name, optional=True)
    parsed = _parse_directions(direction, directions)
    storage_obj = get_storage(storage)
    try:
        study_id = storage_obj.create_new_study(parsed, study_name)
    except DuplicatedStudyError:
        if not load_if_exists:
            raise
        assert study_name is not None
        existing = storage_obj.get_study_directions(storage_obj.get_study_id_from_name(study_name))
        if (direction is not None or directions is not None) and existing != parsed:
            raise ValueError(
                f"Study {study_name!r} exists with directions "
                f"{[d.name.lower() for d in existing]}, not {[d.name.lower() for d in parsed]}."
            ) from None
        _logger.info("Using the existing study %r.", study_name)
        study_id = storage_obj.get_study_id_from_name(study_name)
    name = storage_obj.get_study_name_from_id(study_id)
    return Study(name, storage_obj, sampler=sampler, pruner=pruner)


def load_study(
    *,
    study_name: str | None,
    storage: str | BaseStorage,
    sampler: BaseSampler | None = None,
    pruner: BasePruner | None = None,
) -> Study:
    """Open an existing study.

    Parameters
    ----------
    study_name:
        Its name; ``None`` is allowed when the storage holds exactly one study.
    storage:
        A database URL or a storage object.
    sampler, pruner:
        As in :func:`create_study`.

    Returns
    -------
    Study
        The study.

    Raises
    ------
    KeyError
        If there is no study of that name.
    TypeError
        If ``sampler`` or ``pruner`` is not a sampler or pruner object, or ``study_name`` is
        not a str or None.
    ValueError
        If ``study_name`` is ``None`` and the storage does not hold exactly one study.
    """
    check_sampler(sampler)
    check_pruner(pruner)
    check_study_name(study_name, optional=True)
    storage_obj = get_storage(storage)
    if study_name is None:
        names = [s.study_name for s in storage_obj.get_all_studies()]
        if len(names) != 1:
            raise ValueError(
                f"study_name is required: the storage holds {len(names)} studies {names}."
            )
        study_name = names[0]
    return Study(study_name, storage_obj, sampler=sampler, pruner=pruner)


def delete_study(*, study_name: str, storage: str | BaseStorage) -> None:
    """Delete a study and all its trials.

    Raises
    ------
    KeyError
        If there is no study of that name.
    TypeError
        If ``study_name`` is not a str.
    """
    check_study_name(study_name, optional=False)
    storage_obj = get_storage(storage)
    storage_obj.delete_study(storage_obj.get_study_id_from_name(study_name))


def copy_study(
    *,
    from_study_name: str,
    from_storage: str | BaseStorage,
    to_storage: str | BaseStorage,
    to_study_name: str | None = None,
) -> None:
    """Copy a study, with its attributes and all its trials, into another storage.

    Trials are copied as they are, RUNNING ones included: the copy is a snapshot of the
    source. The copy is created and filled in one transaction on database storages (and
    removed again if filling it fails elsewhere): it is never left half-written.

    ``from_storage`` may also be the URL of a database written by **Optuna** 3.0 to 5.x
    (SQLite or PostgreSQL): the study is then read from it strictly read-only, with every
    trial, parameter, distribution, value, intermediate value, attribute and constraint, as
    ``hpo storage import-optuna`` does. Optuna's datetimes, written in local time without a
    zone, are read as this machine's local time.

    Parameters
    ----------
    from_study_name:
        The study to copy.
    from_storage, to_storage:
        Source and destination storages (URLs or objects).
    to_study_name:
        The copy's name; the source name when ``None``.

    Raises
    ------
    KeyError
        If the source study does not exist.
    DuplicatedStudyError
        If the destination already has a study of that name; nothing is read or written.
    StorageVersionError
        If ``from_storage`` is an Optuna database whose schema this hpo cannot read (older
        than Optuna 3.0, or newer than it knows; the message names the version).
    ValueError
        If a copied trial is inconsistent (e.g. a parameter outside its distribution); the
        message names the trial, and nothing is written.

    Examples
    --------
    >>> import hpo
    >>> source, target = hpo.storages.InMemoryStorage(), hpo.storages.InMemoryStorage()
    >>> study = hpo.create_study(study_name="s", storage=source)
    >>> study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=3)
    >>> hpo.copy_study(from_study_name="s", from_storage=source, to_storage=target)
    >>> len(hpo.load_study(study_name="s", storage=target).trials)
    3

    From an Optuna database (written by Optuna; read only):

    >>> hpo.copy_study(
    ...     from_study_name="search",
    ...     from_storage="sqlite:///optuna.db",
    ...     to_storage="sqlite:///hpo.db",
    ... )  # doctest: +SKIP
    """
    check_study_name(from_study_name, optional=False)
    check_study_name(to_study_name, optional=True)
    name = to_study_name or from_study_name
    if isinstance(from_storage, str) and _is_optuna_database(from_storage):
        from hpo.storages._optuna._reader import OptunaDatabase

        target_storage = get_storage(to_storage)
        _check_free_name(target_storage, name)
        with OptunaDatabase(from_storage) as database:
            imported = database.read_study(from_study_name)
        _store_copy(target_storage, name, imported)
        return
    source_storage = get_storage(from_storage)
    study_id = source_storage.get_study_id_from_name(from_study_name)
    target_storage = get_storage(to_storage)
    _check_free_name(target_storage, name)
    source = StudySnapshot(
        from_study_name,
        source_storage.get_study_directions(study_id),
        source_storage.get_study_user_attrs(study_id),
        source_storage.get_study_system_attrs(study_id),
        source_storage.get_all_trials(study_id, deepcopy=False),
    )
    _store_copy(target_storage, name, source)


def _is_optuna_database(url: str) -> bool:
    from hpo.storages._optuna._reader import is_optuna_database

    return is_optuna_database(url)


def _check_free_name(storage: BaseStorage, study_name: str) -> None:
    try:
        storage.get_study_id_from_name(study_name)
    except KeyError:
        return
    raise DuplicatedStudyError(
        f"A study named {study_name!r} already exists in the destination storage; delete it "
        "or copy under another name."
    )


def _store_copy(storage: BaseStorage, study_name: str, source: StudySnapshot) -> int:
    """Check every trial of ``source``, then create the study with all of them at once."""
    n_objectives = len(source.directions)
    for trial in source.trials:
        try:
            if trial.state == TrialState.RUNNING:
                trial._validate()
            else:
                # Not add_trials: it refuses the RUNNING trials a snapshot of a live study holds.
                check_trial_to_add(trial, n_objectives)
        except (TypeError, ValueError) as e:
            raise type(e)(
                f"Study {source.study_name!r}, trial {trial.number}: {e} Nothing was copied."
            ) from None
    return storage._create_study_with_trials(
        study_name, source.directions, source.user_attrs, source.system_attrs, source.trials
    )


def import_optuna_studies(
    from_url: str, to_storage: str | BaseStorage, study_names: Sequence[str] | None = None
) -> list[tuple[str, int]]:
    """Copy studies of an Optuna database into ``to_storage``; all of them by default.

    Every name is checked first (it exists in the source, not in the destination), then each
    study is copied in one transaction. Returns ``(name, number of trials)`` per study.

    Raises
    ------
    KeyError
        If a named study is not in the Optuna database.
    DuplicatedStudyError
        If the destination already has a study of one of the names; nothing is copied.
    StorageVersionError, ValueError
        As :func:`copy_study`.
    """
    from hpo.storages._optuna._reader import OptunaDatabase

    copied = []
    with OptunaDatabase(from_url) as database:
        # Opened after the source, so that a source that cannot be read creates nothing.
        target_storage = get_storage(to_storage)
        available = database.study_names()
        names = list(available if study_names is None else dict.fromkeys(study_names))
        missing = [n for n in names if n not in available]
        if missing:
            raise KeyError(
                f"The Optuna database {database.display_url!r} has no study named "
                f"{', '.join(map(repr, missing))}; it has {available}."
            )
        for name in names:
            _check_free_name(target_storage, name)
        for name in names:
            imported = database.read_study(name)
            _store_copy(target_storage, name, imported)
            copied.append((name, len(imported.trials)))
    return copied


def get_all_study_summaries(
    storage: str | BaseStorage, include_best_trial: bool = True
) -> list[StudySummary]:
    """Summarize every study in a storage.

    Parameters
    ----------
    storage:
        A database URL or a storage object.
    include_best_trial:
        Look up each single-objective study's best trial.

    Returns
    -------
    list[StudySummary]
        One summary per study.
    """
    storage_obj = get_storage(storage)
    summaries = []
    for frozen in storage_obj.get_all_studies():
        study_id = frozen._study_id
        trials = storage_obj.get_all_trials(study_id, deepcopy=False)
        best = None
        has_complete = any(t.state == TrialState.COMPLETE for t in trials)
        if include_best_trial and len(frozen.directions) == 1 and has_complete:
            best = storage_obj.get_best_trial(study_id)
        starts = [t.datetime_start for t in trials if t.datetime_start is not None]
        summaries.append(
            StudySummary(
                study_name=frozen.study_name,
                direction=None,
                directions=frozen.directions,
                best_trial=best,
                user_attrs=frozen.user_attrs,
                system_attrs=frozen.system_attrs,
                n_trials=len(trials),
                datetime_start=min(starts) if starts else None,
                study_id=study_id,
            )
        )
    return summaries


def get_all_study_names(storage: str | BaseStorage) -> list[str]:
    """Return the names of all studies in a storage."""
    return [s.study_name for s in get_storage(storage).get_all_studies()]
