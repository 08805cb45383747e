"""tests/system/conftest.py — fixtures for the system tests: one real PostgreSQL
and Kafka broker per session (see infra.py), a fresh database per test."""

import os

import pytest

from infra import Infra


@pytest.fixture(scope="session")
def infra():
    inf = Infra.start()
    try:
        yield inf
    finally:
        inf.stop()


@pytest.fixture
def db(infra, request):
    """The URL of an empty database of its own for this test."""
    name = infra.database_name(request.node.name)
    url = infra.create_database(name)
    yield url
    if os.environ.get("ZS_TEST_KEEP") != "1":
        infra.drop_database(name)


@pytest.fixture
def stack(request, infra, db):
    """Topics under a prefix of this test's own, its database, and the daemons
    it starts (stopped at the end)."""
    from zaakstroom import Stack

    s = Stack(infra, db, request.node.name)
    yield s
    s.close()
