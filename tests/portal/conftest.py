"""Fixtures of the portal tests: a business consultant who manages organisation A."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from tests.factories import UserFactory


@pytest.fixture(autouse=True)
def _empty_cache():
    # Throttling counts live in the cache: each test starts with none.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def business_consultant(org_a):
    user = UserFactory(
        email="bea@partner.example", name="Bea Berg", role="business_consultant", organisation=None
    )
    org_a.business_consultant = user
    org_a.save(update_fields=["business_consultant"])
    return user
