"""Articles of every visibility, for organisations A and B (alice, bob) and staff."""

from __future__ import annotations

import pytest

from supportdesk.help import actions
from supportdesk.help.models import ArticleStatus, Visibility


def write(
    author, *, title, body, visibility=Visibility.PUBLIC, organisation=None, publish=True, **more
):
    return actions.article_save(
        actor=author,
        title=title,
        body=body,
        category=more.pop("category", "accounting"),
        visibility=visibility,
        organisation=organisation,
        status=ArticleStatus.PUBLISHED if publish else ArticleStatus.DRAFT,
        **more,
    )


@pytest.fixture
def articles(consultant, org_a, org_b):
    """One article of each visibility, all about posting invoices (the same words match)."""
    return {
        "public": write(
            consultant,
            title="Posting an invoice: public guide",
            body="How to post an invoice when the lock date blocks it.",
        ),
        "customers": write(
            consultant,
            title="Posting an invoice for customers",
            body="Customers: post the invoice after changing the lock date.",
            visibility=Visibility.CUSTOMERS,
        ),
        "alpha": write(
            consultant,
            title="Posting an invoice at Alpha",
            body="Alpha's own invoice posting routine.",
            visibility=Visibility.ORGANISATION,
            organisation=org_a,
        ),
        "beta": write(
            consultant,
            title="Posting an invoice at Beta",
            body="Beta's own invoice posting routine.",
            visibility=Visibility.ORGANISATION,
            organisation=org_b,
        ),
        "internal": write(
            consultant,
            title="Posting an invoice: internal notes",
            body="Staff only: unlock invoice posting in the database.",
            visibility=Visibility.INTERNAL,
        ),
        "draft": write(
            consultant,
            title="Posting an invoice draft",
            body="Unfinished invoice text.",
            publish=False,
        ),
    }
