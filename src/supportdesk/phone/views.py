"""The CTI webhook in Zammad's generic CTI format.

``POST /api/v1/cti`` with the token in the ``X-CTI-Token`` header keeps it out of access
logs; ``POST /api/v1/cti/<token>`` remains for PBXs that can only be given a URL.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from supportdesk.core.errors import InvalidInput
from supportdesk.phone.actions import cti_event
from supportdesk.phone.models import Pbx


@csrf_exempt  # a PBX posts with its token, not with a browser session
@require_POST
def cti_webhook(request: HttpRequest, token: str = "") -> JsonResponse:
    """One event of a call (``newCall``, ``answer``, ``hangup``), form-encoded.

    An unknown or inactive token is a 404, as for anything that does not exist.
    """
    token = token or request.headers.get("X-CTI-Token", "")
    pbx = Pbx.for_token(token) if token else None
    if pbx is None:
        raise Http404("no such PBX")
    data = {key: request.POST.getlist(key) for key in request.POST}
    try:
        call = cti_event(pbx=pbx, data=data)
    except InvalidInput as exc:
        # The PBX is a machine: the key it sent, and the reason.
        detail = f"{exc.field}: {exc.reason}"
        return JsonResponse({"detail": detail, "field": exc.field}, status=422)
    return JsonResponse(
        {
            "call": call.pk,
            "state": call.state,
            "caller": str(call.caller) if call.caller else None,
            "organisation": str(call.organisation) if call.organisation else None,
        }
    )
