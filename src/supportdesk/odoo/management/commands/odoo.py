"""``supportdesk odoo recognise|version|check|classify``: the Odoo side from the shell.

- ``recognise`` reads text on standard input and prints one JSON object per line for
  each Odoo URL or document number found (for administrators checking why something was
  or was not recognised); ``recognise --image FILE…`` reads screenshots instead and
  prints one JSON object per image: ``urls`` and ``references`` (the same objects as for
  text, plus ``id``), ``dialog`` (title, message, traceback, or null) and ``seconds``;
- ``version [--instance ID|ORG/NAME]`` detects the version and API of instances (all
  when none is named) and proves their login and key work;
- ``check SD-10042 [--instance …] [--reference ID]`` checks a ticket's references;
- ``classify --instance … --model sale.order [--field x_studio_foo] [--ticket SD-…]``
  prints the code owner; with ``--ticket`` it is stored on the ticket.

Changes are made by the system user unless ``--as`` names a member of staff.
"""

from __future__ import annotations

import dataclasses
import json
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from supportdesk.accounts.models import User, system_user
from supportdesk.core.errors import ActionError
from supportdesk.odoo import actions
from supportdesk.odoo.client import OdooClient, OdooError
from supportdesk.odoo.models import OdooInstance
from supportdesk.odoo.ownership import NotOnInstance, classify, gather
from supportdesk.tickets.models import Ticket
from supportdesk.tickets.recognise import OdooUrl, Reference, find_references, find_urls


def url_item(url: OdooUrl) -> dict[str, Any]:
    return {
        "type": "url",
        **dataclasses.asdict(url),
        "companies": list(url.companies),
        "normalised": url.normalised(),
    }


def reference_item(ref: Reference) -> dict[str, Any]:
    """The same keys as a URL's; those a document number has not are empty."""
    empty = dict.fromkeys(("record_id", "host", "database", "action"))
    return {"type": "reference", **empty, **dataclasses.asdict(ref), "normalised": ref.normalised()}


def recognised(text: str) -> list[dict[str, Any]]:
    """What the recognisers find in ``text``, as plain dictionaries in order of appearance."""
    items: list[tuple[int, dict[str, Any]]] = []
    for url in find_urls(text):
        items.append((text.find(url.text), url_item(url)))
    for ref in find_references(text):
        items.append((text.find(ref.text), reference_item(ref)))
    items.sort(key=lambda item: item[0])
    return [item for _, item in items]


def recognised_image(path: str) -> dict[str, Any]:
    """What OCR finds in the screenshot at ``path``, in the text recogniser's shape."""
    from supportdesk.odoo.ocr import UnreadableImage, open_image, read_screenshot

    try:
        with open(path, "rb") as handle:
            image = open_image(handle.read())
    except OSError as exc:
        raise CommandError(f"{path}: {exc.strerror or exc}") from None
    except UnreadableImage as exc:
        raise CommandError(f"{path}: {exc}") from None
    reading = read_screenshot(image)
    dialog = reading.dialog
    return {
        "image": path,
        "urls": [url_item(url) | {"id": url.record_id} for url, _box in reading.urls],
        "references": [reference_item(ref) for ref, _box in reading.references],
        "dialog": (
            {"title": dialog.title, "message": dialog.message, "traceback": dialog.traceback}
            if dialog
            else None
        ),
        "seconds": round(reading.seconds, 3),
    }


class Command(BaseCommand):
    help = "Recognise Odoo URLs and references; detect versions, check references, classify."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="what", required=True)
        recognise = sub.add_parser(
            "recognise", help="read text on stdin (or screenshots), print JSON objects"
        )
        recognise.add_argument(
            "--image", nargs="+", metavar="FILE", help="screenshots to read: one JSON object each"
        )
        version = sub.add_parser("version", help="detect instances' versions")
        version.add_argument("--instance", help="id or ORGANISATION/NAME; all when omitted")
        version.add_argument("--as", dest="actor", help="e-mail of the staff member acting")
        check = sub.add_parser("check", help="check a ticket's references on its instance")
        check.add_argument("ticket", help="ticket number, e.g. SD-10042")
        check.add_argument("--instance", help="id or ORGANISATION/NAME")
        check.add_argument("--reference", type=int, help="id of one reference")
        check.add_argument("--as", dest="actor")
        owner = sub.add_parser("classify", help="classify the code owner of a model or field")
        owner.add_argument("--instance", required=True, help="id or ORGANISATION/NAME")
        owner.add_argument("--model", required=True)
        owner.add_argument("--field", default="")
        owner.add_argument("--ticket", help="store the classification on this ticket")
        owner.add_argument("--as", dest="actor")

    def handle(self, *args: Any, **options: Any) -> None:
        what = options["what"]
        try:
            if what == "recognise" and options.get("image"):
                self._recognise_images(options["image"])
            elif what == "recognise":
                self._recognise()
            elif what == "version":
                self._version(options)
            elif what == "check":
                self._check(options)
            else:
                self._classify(options)
        except (ActionError, OdooError, NotOnInstance) as exc:
            raise CommandError(exc.message) from None

    # --- subcommands -------------------------------------------------------------------

    def _recognise(self) -> None:
        for item in recognised(sys.stdin.read()):
            self.stdout.write(json.dumps(item, ensure_ascii=False))

    def _recognise_images(self, paths: list[str]) -> None:
        for path in paths:
            self.stdout.write(json.dumps(recognised_image(path), ensure_ascii=False))

    def _version(self, options: dict[str, Any]) -> None:
        actor = self._actor(options)
        instances = (
            [self._instance(options["instance"])]
            if options.get("instance")
            else list(OdooInstance.objects.select_related("organisation"))
        )
        if not instances:
            raise CommandError("no Odoo instance is configured")
        failed = 0
        for instance in instances:
            try:
                instance = actions.instance_detect_version(instance=instance, actor=actor)
            except ActionError as exc:
                failed += 1
                self.stderr.write(exc.message)
                continue
            self.stdout.write(
                f"{instance}: Odoo {instance.server_version}, "
                f"{instance.get_api_display()} (database {instance.database})"
            )
        if failed:
            raise CommandError(f"{failed} of {len(instances)} instances could not be checked")

    def _check(self, options: dict[str, Any]) -> None:
        actor = self._actor(options)
        ticket = self._ticket(options["ticket"])
        reference = None
        if options.get("reference"):
            reference = ticket.odoo_refs.filter(pk=options["reference"]).first()
            if reference is None:
                raise CommandError(f"{ticket.number} has no reference {options['reference']}")
        instance = self._instance(options["instance"]) if options.get("instance") else None
        checks = actions.reference_check(
            ticket=ticket, actor=actor, reference=reference, instance=instance
        )
        for check in checks:
            self.stdout.write(f"{check.reference.text} on {check.instance.name}: {check.summary}")

    def _classify(self, options: dict[str, Any]) -> None:
        instance = self._instance(options["instance"])
        if options.get("ticket"):
            row = actions.code_owner_classify(
                ticket=self._ticket(options["ticket"]),
                actor=self._actor(options),
                model=options["model"],
                field=options["field"],
                instance=instance,
            )
            owner, explanation = row.get_owner_display(), row.explanation
        else:
            from django.conf import settings

            facts = gather(OdooClient.for_instance(instance), options["model"], options["field"])
            result = classify(
                facts,
                partner_authors=settings.ODOO_PARTNER_AUTHORS,
                own_authors=[a for a in instance.own_module_authors.split(",") if a.strip()],
            )
            owner, explanation = result.owner or "not classified", result.explanation
        self.stdout.write(f"{owner}: {explanation}")

    # --- arguments ---------------------------------------------------------------------

    def _actor(self, options: dict[str, Any]) -> User:
        email = options.get("actor")
        if not email:
            return system_user()
        user = User.objects.filter(email__iexact=email, is_active=True).first()
        if user is None or not user.is_support_staff:
            raise CommandError(f"--as: {email} is not an active member of staff")
        return user

    def _instance(self, text: str) -> OdooInstance:
        instances = OdooInstance.objects.select_related("organisation")
        if text.isdigit():
            instance = instances.filter(pk=int(text)).first()
        else:
            organisation, _, name = text.rpartition("/")
            instance = instances.filter(organisation__name=organisation, name=name).first()
        if instance is None:
            raise CommandError(
                f"--instance: no instance {text!r} (give an id or ORGANISATION/NAME)"
            )
        return instance

    def _ticket(self, number: str) -> Ticket:
        pk = Ticket.pk_from_number(number)
        ticket = Ticket.objects.select_related("organisation").filter(pk=pk).first() if pk else None
        if ticket is None:
            raise CommandError(f"no ticket {number}")
        return ticket
