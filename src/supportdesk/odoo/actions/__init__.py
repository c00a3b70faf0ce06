"""Actions on customers' Odoo instances, code owners (R7) and the bug workflow (R8).

Same shape as the ticket actions: keyword arguments, an explicit ``actor``, one
transaction that locks the row, an ``Event`` on the ticket's timeline, side effects
(mail) through the outbox on commit. Ticket fields change only through the ticket
actions (``ticket_update``, ``ticket_wait``, ``ticket_resume``, ``ticket_resolve``),
which these call. Calls to an Odoo instance happen before the transaction opens, so a
slow instance never holds a lock.

One module per part: ``instances`` (register, detect the version, test the connection),
``references`` (R2 checks), ``owners`` (R7 code owner), ``bugs`` (R8 bug workflow and
patch releases). Import the actions from here: ``from supportdesk.odoo.actions import X``.
"""

from supportdesk.odoo.actions.bugs import (
    REPRODUCTION_MIN,
    bug_evidence_record,
    bug_report_upstream,
    patch_release_create,
    patch_release_link,
    patch_release_publish,
    upstream_update,
)
from supportdesk.odoo.actions.instances import (
    instance_detect_version,
    instance_save,
    instance_test_connection,
)
from supportdesk.odoo.actions.owners import code_owner_classify, code_owner_override
from supportdesk.odoo.actions.references import reference_check, reference_remove

__all__ = [
    "REPRODUCTION_MIN",
    "bug_evidence_record",
    "bug_report_upstream",
    "code_owner_classify",
    "code_owner_override",
    "instance_detect_version",
    "instance_save",
    "instance_test_connection",
    "patch_release_create",
    "patch_release_link",
    "patch_release_publish",
    "reference_check",
    "reference_remove",
    "upstream_update",
]
