"""Fixtures the editing tests share, beside the personas and `kamnik_world` of the root
conftest.py."""

import pytest

from atlas.editing.tests.partnership_helpers import pair


@pytest.fixture
def kamnik(kamnik_world):
    return kamnik_world["kamnik"]


@pytest.fixture
def with_andechs(kamnik_world):
    """Kamnik and Andechs (Germany): no persona but Kamnik's is on either side. Andechs
    has no coordinator, so a change by Kamnik's side applies at once, with a notice to
    Andechs's side; test_partnership_changes.py has the partner with a coordinator, whose
    confirmation such a change waits for."""
    return pair(kamnik_world["kamnik"], kamnik_world["andechs"])
