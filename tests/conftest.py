"""Shared fixtures: two customer organisations and an outsider (STYLE: alice/bob/charlie)."""

from __future__ import annotations

import os

import pytest

from supportdesk.commitments.clocks import clear_calendar_cache
from tests.factories import OrganisationFactory, SkillFactory, UserFactory

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _fresh_calendar():
    clear_calendar_cache()
    yield
    clear_calendar_cache()


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
