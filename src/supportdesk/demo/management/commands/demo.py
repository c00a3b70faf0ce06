"""``supportdesk demo``: demo organisations, people and tickets.

Without options: 3 organisations of different sizes (one with a valid agreement, one
whose agreement expired, one without), staff with skills, customer users, and 60 tickets
over the last 30 days registered through the real actions. ``--tickets N`` bulk-creates N
more tickets for benchmarks (100,000 in well under a minute on SQLite).
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from supportdesk.accounts.models import Agreement, ContactMethod, Organisation, Role, Skill, User
from supportdesk.commitments.clocks import current_calendar
from supportdesk.core import clock
from supportdesk.tickets import actions
from supportdesk.tickets.events import Verb
from supportdesk.tickets.models import Channel, Event, Impact, Kind, Status, Ticket

DEMO_PASSWORD = "demo-supportdesk"

STAFF = [
    ("admin@demo.test", "Astrid Admin", Role.ADMIN, []),
    ("dispatcher@demo.test", "Daniel Dispatcher", Role.DISPATCHER, ["Accounting", "Sales"]),
    ("bc@demo.test", "Beatrice Business", Role.BUSINESS_CONSULTANT, ["Sales"]),
    ("anna@demo.test", "Anna Andersson", Role.CONSULTANT, ["Accounting", "Swedish localisation"]),
    ("erik@demo.test", "Erik Eriksson", Role.CONSULTANT, ["Inventory", "Manufacturing", "Sales"]),
    ("maria@demo.test", "Maria Nilsson", Role.CONSULTANT, ["Technical", "Swedish localisation"]),
]
ORGANISATIONS = [
    # name, domain, agreement (from, to) relative to today in days, customer users
    ("Nordvik Industri AB", "nordvik.example", (-400, 365), ["karin", "lars", "sofia", "olof"]),
    ("Lindqvist Handel AB", "lindqvist.example", (-800, -30), ["eva", "johan"]),
    ("Bergström Konsult", "bergstrom.example", None, ["nils"]),
]
SUBJECTS = [
    ("Invoice {ref} cannot be posted", Kind.BUG, "INV/2026/{n:05d}"),
    ("How do I register a partial delivery on {ref}?", Kind.HOW_TO, "WH/OUT/{n:05d}"),
    (
        "Please add a new payment term (net 45) for quotations like {ref}",
        Kind.CONFIGURATION,
        "S{n:05d}",
    ),
    ("VAT report for the month does not match the ledger", Kind.BUG, None),
    ("Apply the fix for the bank statement import", Kind.BUG_FIX, None),
    (
        "Can you register this bug with Odoo for us? Purchase order {ref}",
        Kind.REGISTER_BUG,
        "P{n:05d}",
    ),
    ("Our server is slow in the mornings", Kind.INFRASTRUCTURE, None),
    ("When is our next upgrade planned?", Kind.SERVICE_DELIVERY, None),
    ("How many Enterprise licences do we pay for?", Kind.LICENCE, None),
    ("We need more disk space for attachments", Kind.SERVER_RESOURCES, None),
    ("Move our staging database to a separate server", Kind.DEPLOYMENT, None),
    ("Manufacturing order {ref} shows wrong component cost", Kind.BUG, "WH/MO/{n:05d}"),
]


class Command(BaseCommand):
    help = "Create demo organisations, users and tickets."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--tickets",
            type=int,
            default=0,
            help="bulk-create this many extra tickets (benchmarks)",
        )
        parser.add_argument(
            "--if-empty", action="store_true", help="do nothing when the database already has users"
        )
        parser.add_argument("--seed", type=int, default=20261126)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["tickets"] < 0:
            raise CommandError("--tickets: must be zero or more")
        rng = random.Random(options["seed"])
        if options["if_empty"] and User.objects.exists():
            self.stdout.write("Demo data already present.")
            return
        if not User.objects.filter(email="admin@demo.test").exists():
            self._people_and_tickets(rng)
            self._print_logins()
        if options["tickets"]:
            started = timezone.now()
            self._bulk(options["tickets"], rng)
            seconds = (timezone.now() - started).total_seconds()
            self.stdout.write(f"Bulk-created {options['tickets']} tickets in {seconds:.1f} s.")

    def _print_logins(self) -> None:
        self.stdout.write(f"Demo logins (password: {DEMO_PASSWORD}):")
        for email, _name, role, _skills in STAFF:
            self.stdout.write(f"  {email:<26} {role.label}")
        for org, domain, _agreement, users in ORGANISATIONS:
            self.stdout.write(f"  {users[0] + '@' + domain:<26} customer user of {org}")

    @transaction.atomic
    def _people_and_tickets(self, rng: random.Random) -> None:
        today = timezone.localdate()
        skills = {
            name: Skill.objects.get_or_create(name=name)[0]
            for name in {s for *_x, sk in STAFF for s in sk} | {"Inventory"}
        }
        # One hash for the one public demo password: hashing it per user took most of the
        # command's time (PBKDF2 is slow on purpose).
        password = make_password(DEMO_PASSWORD)
        staff = {}
        for email, name, role, skill_names in STAFF:
            user = User.objects.create(email=email, password=password, name=name, role=role)
            user.skills.set([skills[s] for s in skill_names])
            staff[email] = user
        customers: dict[str, list[User]] = {}
        orgs = []
        for org_name, domain, agreement, users in ORGANISATIONS:
            org = Organisation.objects.create(
                name=org_name,
                mail_domains=domain,
                business_consultant=staff["bc@demo.test"],
                odoo_url=f"https://{domain.split('.')[0]}.odoo.com",
            )
            if agreement:
                Agreement.objects.create(
                    organisation=org,
                    valid_from=today + dt.timedelta(days=agreement[0]),
                    valid_to=today + dt.timedelta(days=agreement[1]),
                    reference=f"MSA-{org.pk:03d}",
                )
            customers[org_name] = [
                User.objects.create(
                    email=f"{u}@{domain}",
                    password=password,
                    name=u.capitalize() + " " + org_name.split()[0],
                    role=Role.CUSTOMER,
                    organisation=org,
                    phone=f"+4687490{rng.randint(100, 999)}",
                )
                for u in users
            ]
            orgs.append(org)
        consultants = [staff[e] for e in ("anna@demo.test", "erik@demo.test", "maria@demo.test")]
        dispatcher = staff["dispatcher@demo.test"]
        now = timezone.now()
        channels = [Channel.PORTAL, Channel.EMAIL, Channel.PHONE, Channel.API, Channel.CONSOLE]
        statuses = [
            Status.NEW,
            Status.ASSIGNED,
            Status.IN_PROGRESS,
            Status.WAITING_CUSTOMER,
            Status.WAITING_THIRD_PARTY,
            Status.RESOLVED,
            Status.CLOSED,
        ]
        weights = [4, 3, 3, 1, 1, 2, 2]  # tickets spread over the organisations by size
        for i in range(60):
            org = orgs[0] if i % 9 < weights[0] + 1 else orgs[1] if i % 9 < 7 else orgs[2]
            requester = rng.choice(customers[org.name])
            template, kind, ref = SUBJECTS[i % len(SUBJECTS)]
            ref_text = ref.format(n=rng.randint(1, 400)) if ref else ""
            subject = template.format(ref=ref_text)
            channel = channels[i % len(channels)]
            # Older tickets have moved on; the newest few still wait for a consultant.
            status = Status.NEW if i >= 56 else statuses[1 + i % (len(statuses) - 1)]
            registered = self._working_instant(now - dt.timedelta(days=30 * (60 - i) / 60), rng)
            if registered > now:
                registered = now - dt.timedelta(minutes=60 - i)
            with clock.at(registered):
                ticket = actions.ticket_create(
                    # Staff register what comes by telephone or into the console.
                    actor=dispatcher if channel in (Channel.PHONE, Channel.CONSOLE) else requester,
                    organisation=org,
                    requester=requester,
                    channel=channel,
                    subject=subject,
                    description=f"{subject}.\n\nIt happens for several users since this morning. "
                    f"Screen: {org.odoo_url}/odoo/action-{100 + i}/{rng.randint(1, 90)}",
                    kind=kind,
                    impact=Impact.PRODUCTION_DOWN
                    if i % 17 == 5
                    else Impact.INVOICING_BLOCKED
                    if i % 19 == 7
                    else "",
                    contact_method=ContactMethod.PHONE if i % 11 == 3 else ContactMethod.EMAIL,
                    contact_phone=requester.phone if i % 11 == 3 else "",
                )
            self._advance(ticket, status, consultants, dispatcher, requester, registered, rng)

    @staticmethod
    def _working_instant(day: dt.datetime, rng: random.Random) -> dt.datetime:
        """A moment in business hours on or after ``day``, as customers mostly write then."""
        calendar = current_calendar()
        local = timezone.localtime(day).replace(hour=8, minute=0, second=0, microsecond=0)
        opening = calendar.next_opening(local)
        return calendar.add_working_minutes(opening, rng.randint(0, 8 * 60))

    def _advance(
        self,
        ticket: Ticket,
        status: str,
        consultants: list[User],
        dispatcher: User,
        requester: User,
        registered: dt.datetime,
        rng: random.Random,
    ) -> None:
        if status == Status.NEW:
            return
        at = registered + dt.timedelta(minutes=rng.randint(15, 150 if ticket.pk % 10 else 900))
        consultant = consultants[ticket.pk % len(consultants)]
        with clock.at(at):
            actions.ticket_assign(
                ticket=ticket,
                actor=dispatcher,
                assignee=consultant,
                override_reason="demo: spreading the load",
            )
        if status == Status.ASSIGNED:
            return
        at += dt.timedelta(minutes=rng.randint(5, 90))
        with clock.at(at):
            actions.ticket_reply(
                ticket=ticket,
                actor=consultant,
                channel=Channel.CONSOLE,
                body="Thank you, I am looking into it now.",
            )
        if status == Status.IN_PROGRESS:
            return
        at += dt.timedelta(hours=rng.randint(1, 20))
        if status in (Status.WAITING_CUSTOMER, Status.WAITING_THIRD_PARTY):
            with clock.at(at):
                actions.ticket_wait(
                    ticket=ticket,
                    actor=consultant,
                    on="customer" if status == Status.WAITING_CUSTOMER else "third_party",
                    reason="Asked for a screenshot"
                    if status == Status.WAITING_CUSTOMER
                    else "Reported to Odoo support",
                )
            return
        with clock.at(at):
            actions.ticket_resolve(
                ticket=ticket,
                actor=consultant,
                resolution="Fixed the configuration and verified it.",
            )
        if status == Status.CLOSED:
            with clock.at(at + dt.timedelta(hours=rng.randint(1, 30))):
                actions.ticket_close(ticket=ticket, actor=requester, reason="Works now, thanks")

    def _bulk(self, count: int, rng: random.Random) -> None:
        """Bulk insert for benchmarks: rows and their creation events, clocks computed."""
        orgs = list(Organisation.objects.all())
        if not orgs:
            raise CommandError("--tickets needs the demo organisations: run `supportdesk demo`")
        requesters: dict[int, list[User | None]] = {
            o.pk: [*o.members.all()] or [None] for o in orgs
        }
        consultants: list[User | None] = [*User.objects.filter(role=Role.CONSULTANT)] or [None]
        calendar = current_calendar()
        now = timezone.now()
        batch = 5000
        kinds = list(Kind.values)
        made = 0
        while made < count:
            rows: list[Ticket] = []
            for _ in range(min(batch, count - made)):
                org = rng.choice(orgs)
                registered = now - dt.timedelta(seconds=rng.randint(0, 365 * 24 * 3600))
                status = rng.choices(
                    [
                        Status.NEW,
                        Status.ASSIGNED,
                        Status.IN_PROGRESS,
                        Status.RESOLVED,
                        Status.CLOSED,
                    ],
                    [2, 2, 3, 3, 10],
                )[0]
                impact = Impact.PRODUCTION_DOWN if rng.random() < 0.02 else ""
                assigned = (
                    None
                    if status == Status.NEW
                    else registered + dt.timedelta(minutes=rng.randint(5, 3000))
                )
                resolved = (
                    registered + dt.timedelta(hours=rng.randint(2, 400))
                    if status in (Status.RESOLVED, Status.CLOSED)
                    else None
                )
                rows.append(
                    Ticket(
                        organisation=org,
                        requester=rng.choice(requesters[org.pk]),
                        channel=rng.choice(Channel.values),
                        subject=f"Bulk ticket {made + len(rows)}",
                        kind=rng.choice(kinds),
                        impact=impact,
                        impact_review="claimed" if impact else "",
                        queue_rank=0 if impact else 1,
                        status=status,
                        assignee=rng.choice(consultants) if assigned else None,
                        registered_at=registered,
                        updated_at=registered,
                        assigned_at=assigned,
                        started_at=assigned,
                        resolved_at=resolved,
                        closed_at=resolved if status == Status.CLOSED else None,
                        assignment_due=calendar.add_working_days(registered, 2),
                        same_day_due=calendar.close_of_working_day(registered),
                        resolution_due=calendar.add_working_days(registered, 10),
                        assignment_minutes=calendar.working_minutes_between(registered, assigned)
                        if assigned
                        else None,
                        resolution_minutes=calendar.working_minutes_between(registered, resolved)
                        if resolved
                        else None,
                    )
                )
            with transaction.atomic():
                created = Ticket.objects.bulk_create(rows, batch_size=1000)
                if created and created[0].pk is None:
                    raise CommandError("the database did not return ids for bulk inserts")
                Event.objects.bulk_create(
                    [
                        Event(
                            ticket=t,
                            verb=Verb.CREATED,
                            new={"status": Status.NEW, "channel": t.channel},
                            created_at=t.registered_at,
                        )
                        for t in created
                    ],
                    batch_size=1000,
                )
            made += len(rows)
