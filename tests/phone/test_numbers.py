from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from supportdesk.phone.numbers import find_caller, normalise
from tests.factories import UserFactory


@pytest.mark.parametrize(
    "written",
    [
        "08-749 09 95",
        "08 749 0995",
        "+46 8 749 09 95",
        "+46 (0)8 749 09 95",
        "0046 8 749 09 95",
        "4687490995",
        "087490995",
    ],
)
def test_swedish_numbers_in_every_usual_form_normalise_to_one_e164(written):
    assert normalise(written) == "+4687490995"


def test_foreign_numbers_keep_their_country():
    assert normalise("+47 22 12 34 56") == "+4722123456"
    assert normalise("0049 30 1234567") == "+49301234567"


@pytest.mark.parametrize("junk", ["", "   ", "abc", "12", "+", "0" * 70])
def test_what_is_not_a_number_is_none(junk):
    assert normalise(junk) is None


@given(
    subscriber=st.integers(min_value=1_000_000, max_value=9_999_999),
    separator=st.sampled_from(["", " ", "-", "  "]),
)
def test_stockholm_numbers_with_any_spacing_normalise_the_same(subscriber, separator):
    digits = str(subscriber)
    national = "08" + separator + separator.join([digits[:3], digits[3:5], digits[5:]])
    international = "+46" + separator + "8" + separator + digits
    assert normalise(national) == normalise(international) == f"+468{digits}"


def test_caller_is_found_by_a_differently_written_stored_number(alice):
    alice.phone = "070-123 45 67"
    alice.save()
    e164, caller = find_caller("+46701234567")
    assert e164 == "+46701234567"
    assert caller == alice


def test_a_changed_stored_number_is_noticed(alice):
    alice.phone = "070-123 45 67"
    alice.save()
    assert find_caller("0701234567")[1] == alice
    alice.phone = "070-999 88 77"
    alice.save()
    assert find_caller("0701234567")[1] is None
    assert find_caller("0709998877")[1] == alice


def test_staff_numbers_are_not_callers(consultant):
    consultant.phone = "08 111 222 33"
    consultant.save()
    assert find_caller("0811122233") == ("+46811122233", None)


def test_inactive_users_are_not_found(db):
    user = UserFactory(email="gone@alpha.example", phone="0701112233", is_active=False)
    assert find_caller("0701112233")[1] is None
    assert user.pk
