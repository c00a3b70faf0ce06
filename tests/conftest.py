"""Shared fixtures: two customer organisations and an outsider (STYLE: alice/bob/charlie)."""

from __future__ import annotations

import logging
import os

import pytest

from supportdesk.commitments.clocks import clear_calendar_cache
from tests.factories import OrganisationFactory, SkillFactory, UserFactory

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True, scope="session")
def _run_at_another_moment():
    """``TEST_NOW=2026-12-05T03:00+01:00`` runs the suite as if it were then (the clock
    ticks on from it): a test that passes only in working hours, or only on a weekday,
    fails here rather than in whichever hour CI happens to run."""
    moment = os.environ.get("TEST_NOW")
    if not moment:
        yield
        return
    import datetime as dt

    import time_machine

    with time_machine.travel(dt.datetime.fromisoformat(moment), tick=True):
        yield


def _only_test_atomics(connection) -> bool:
    """True inside the test's own transaction and no other: production would commit here."""
    return connection.in_atomic_block and all(
        getattr(block, "_from_testcase", False) for block in connection.atomic_blocks
    )


def _run(callbacks) -> None:
    for _sids, func, robust in callbacks:
        if robust:
            try:
                func()
            except Exception:
                logging.getLogger("django.db.backends.base").exception("on_commit callback")
        else:
            func()


@pytest.fixture(autouse=True)
def _language_of_its_own():
    """Each test starts in the site's language: a request through the locale middleware
    leaves its language active in the thread (``translation.activate``), and a Swedish
    page in one test would make the next test's refusals Swedish."""
    from django.utils import translation

    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _commit_hooks_as_in_production(monkeypatch):
    """Tests run inside a transaction that never commits, so ``on_commit`` work (the
    event subscribers, queued tasks) would never run. Run it where production commits:
    when an action's outermost transaction ends without error, or at once outside one.
    A rolled-back transaction discards its callbacks, as in production."""
    from django.db import DEFAULT_DB_ALIAS, connections
    from django.db.backends.base.base import BaseDatabaseWrapper
    from django.db.transaction import Atomic

    original_exit = Atomic.__exit__
    original_on_commit = BaseDatabaseWrapper.on_commit

    def on_commit(self, func, robust=False):
        if _only_test_atomics(self):
            _run([(set(), func, robust)])
        else:
            original_on_commit(self, func, robust)

    def exit_(self, exc_type, exc_value, traceback):
        result = original_exit(self, exc_type, exc_value, traceback)
        connection = connections[self.using or DEFAULT_DB_ALIAS]
        if (
            exc_type is None
            and not self._from_testcase
            and _only_test_atomics(connection)
            and not connection.needs_rollback
            and connection.run_on_commit
        ):
            pending, connection.run_on_commit = connection.run_on_commit, []
            _run(pending)
        return result

    monkeypatch.setattr(BaseDatabaseWrapper, "on_commit", on_commit)
    monkeypatch.setattr(Atomic, "__exit__", exit_)
    yield


@pytest.fixture(autouse=True)
def _fresh_calendar():
    from supportdesk.mail.lookups import clear_address_cache

    clear_calendar_cache()
    clear_address_cache()
    yield
    clear_calendar_cache()
    clear_address_cache()


@pytest.fixture
def steady_session_clock(monkeypatch):
    """The clock the session middleware reads, stopped: a test that counts a page's queries
    twice, minutes apart on a busy machine, never sees the once-a-minute "last seen" write
    fall inside one count and not the other (the write has its own test in
    tests/core/test_request_overhead.py)."""
    import time
    from types import SimpleNamespace

    from supportdesk.portal import middleware

    now = time.time()
    monkeypatch.setattr(middleware, "time", SimpleNamespace(time=lambda: now))


@pytest.fixture
def org_a(db):
    return OrganisationFactory(name="Alpha AB")


@pytest.fixture
def org_b(db):
    return OrganisationFactory(name="Beta AB")


@pytest.fixture
def alice(org_a):
    """A customer user of organisation A."""
    return UserFactory(email="alice@alpha.example", organisation=org_a)


@pytest.fixture
def alice_colleague(org_a):
    return UserFactory(email="adam@alpha.example", organisation=org_a)


@pytest.fixture
def bob(org_b):
    """A customer user of organisation B: an outsider to A's tickets."""
    return UserFactory(email="bob@beta.example", organisation=org_b)


@pytest.fixture
def skill(db):
    return SkillFactory(name="Accounting")


@pytest.fixture
def consultant(skill):
    user = UserFactory(email="carl@partner.example", role="consultant", organisation=None)
    user.skills.add(skill)
    return user


@pytest.fixture
def other_consultant(db):
    return UserFactory(email="cecilia@partner.example", role="consultant", organisation=None)


@pytest.fixture
def dispatcher(db):
    return UserFactory(email="dora@partner.example", role="dispatcher", organisation=None)


@pytest.fixture
def admin_user(db):
    return UserFactory(email="admin@partner.example", role="admin", organisation=None)
