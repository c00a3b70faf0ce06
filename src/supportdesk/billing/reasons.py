"""Why a line costs what it costs, kept as data and put into words when shown.

A statement line stores its reason as a small JSON object (which rule, which agreement,
which override, which minimum); ``reason_text`` renders it in the active language, so
the same issued line reads in Swedish for a Swedish customer and in English for the
consultant who wrote it, and old statements follow a corrected translation.

Kinds of reason (``type``):

- ``rule``: a charging rule, by kind of request and code owner (R6, R7, R8);
- ``agreement`` / ``no_agreement``: general user support with or without a valid agreement;
- ``unclassified``: a kind of request the rules do not name (charged);
- ``override``: a consultant's override, with the rule it replaced;
- ``correction``: a correction of an earlier entry, with that entry's reason;
- ``credit``: a credit statement's line, with the credited line's reason;
- ``minimum``: the minimum charge and rounding of a ticket;
- ``text``: words stored as they are (statements issued before reasons were data).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

Reason = dict[str, Any]


def _charge_word(charge: str) -> str:
    words = {
        "free": pgettext("charge reason", "free"),
        "charged": pgettext("charge reason", "charged"),
        "included": pgettext("charge reason", "included"),
    }
    return words.get(charge, charge)


def _rule_words(kind: str, owner: str) -> str:
    from supportdesk.billing.rules import rule_for

    rule = rule_for(kind, owner)
    return str(rule.words) if rule is not None else kind


def _agreement_words(valid_from: str, valid_to: str | None) -> str:
    if valid_to is None:
        return _("agreement valid from %(start)s, with no end date") % {"start": valid_from}
    return _("agreement valid to %(end)s") % {"end": valid_to}


def _minimum_words(r: Reason) -> str:
    logged, before, total = r["logged"], r["before"], r["total"]
    minimum, increment = r["minimum"], r["increment"]
    earlier = _("; %(before)s min billed before") % {"before": before} if before else ""
    values = {
        "logged": logged,
        "earlier": earlier,
        "minimum": minimum,
        "total": total,
        "increment": increment,
    }
    if logged <= 0:
        return (
            _("minimum charge: withdrawn, no chargeable time left (0 min logged%(earlier)s)")
            % values
        )
    if logged < minimum:
        if total != minimum:
            return (
                _(
                    "minimum charge: %(minimum)s min applied, rounded up to %(total)s min "
                    "(%(logged)s min logged%(earlier)s)"
                )
                % values
            )
        return _("minimum charge: %(minimum)s min applied (%(logged)s min logged%(earlier)s)") % (
            values
        )
    if total != logged:
        return (
            _(
                "rounding: up to a multiple of %(increment)s min, %(total)s min billed "
                "(%(logged)s min logged%(earlier)s)"
            )
            % values
        )
    return _("minimum charge: covered (%(logged)s min logged%(earlier)s)") % values


def reason_text(reason: Reason) -> str:
    """The reason in words, in the active language."""
    kind = reason.get("type")
    if kind == "rule":
        words = _rule_words(reason["kind"], reason.get("owner", ""))
        return f"{_charge_word(reason['charge'])} — {words}"
    if kind == "agreement":
        return _("included — %(work)s under %(agreement)s") % {
            "work": _rule_words(reason["kind"], ""),
            "agreement": _agreement_words(reason["valid_from"], reason.get("valid_to")),
        }
    if kind == "no_agreement":
        return _("charged — %(work)s, no agreement valid on %(day)s") % {
            "work": _rule_words(reason["kind"], ""),
            "day": reason["day"],
        }
    if kind == "unclassified":
        return _("charged — %(kind)s request") % {"kind": reason["kind"] or _("unclassified")}
    if kind == "override":
        values = {
            "charge": _charge_word(reason["charge"]),
            "by": reason.get("by", ""),
            "note": reason.get("note", ""),
            "rule": reason_text(reason["rule"]),
        }
        if values["by"]:
            return _("%(charge)s — override by %(by)s: %(note)s (rule: %(rule)s)") % values
        return _("%(charge)s — override: %(note)s (rule: %(rule)s)") % values
    if kind == "correction":
        return _("correction of the %(day)s entry: %(reason)s") % {
            "day": reason["day"],
            "reason": reason_text(reason["of"]),
        }
    if kind == "credit":
        return _("credit of %(number)s: %(reason)s") % {
            "number": reason["number"],
            "reason": reason_text(reason["of"]),
        }
    if kind == "minimum":
        return _minimum_words(reason)
    return str(reason.get("text", ""))
