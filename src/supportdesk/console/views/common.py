"""What every console view shares: staff only, refusals shown as messages (core.web)."""

from __future__ import annotations

from supportdesk.accounts.http import request_user as staff_user
from supportdesk.core.web import int_or_none, refused, run_action, staff_only

# A refusal reported as a message: the console's name for the view kit's ``refused``.
report = refused

__all__ = ["int_or_none", "report", "run_action", "staff_only", "staff_user"]
