from __future__ import annotations

import pytest

from supportdesk.phone.models import Pbx


@pytest.fixture
def pbx(db):
    """A PBX and its token."""
    return Pbx.issue(name="Office PBX")


@pytest.fixture
def cti(client, pbx):
    """Post one CTI event, form-encoded, as a PBX does."""
    _, token = pbx

    def post(**fields):
        return client.post(f"/api/v1/cti/{token}", fields)

    return post
