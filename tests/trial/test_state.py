"""How trial states and study directions print: code that logs or compares the text needs it."""

from __future__ import annotations

import pytest

from hpo.study import StudyDirection
from hpo.trial import TrialState


@pytest.mark.parametrize("state", list(TrialState))
def test_a_trial_state_prints_as_its_member_name(state: TrialState) -> None:
    assert str(state) == f"TrialState.{state.name}"
    assert f"{state}" == f"TrialState.{state.name}"
    assert repr(state) == f"<TrialState.{state.name}: {int(state)}>"
    assert state.is_finished() == (state.name in ("COMPLETE", "PRUNED", "FAIL"))


@pytest.mark.parametrize("direction", list(StudyDirection))
def test_a_study_direction_prints_as_the_integer_it_is(direction: StudyDirection) -> None:
    # An IntEnum: str() and format() give the number, repr() the member.
    assert str(direction) == str(int(direction))
    assert f"{direction}" == str(int(direction))
    assert repr(direction) == f"<StudyDirection.{direction.name}: {int(direction)}>"
