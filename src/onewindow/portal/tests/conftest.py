"""The desk the online-application modules share: built once per module (the root conftest's
`module_db`), each test on a deep copy of it, its writes rolled back."""

import copy

import pytest

from onewindow.testing.factories import DeskFactory


@pytest.fixture(scope="module")
def _desk(module_db):
    return DeskFactory()


@pytest.fixture
def desk(db, _desk):
    return copy.deepcopy(_desk)
