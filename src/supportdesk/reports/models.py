"""The dashboard's figures kept in small tables (R3, R4, R5), so a page reads hundreds of
rows instead of every ticket.

Each ticket's part in the figures is kept in :class:`TicketFigures` (what it counted for
when last applied); the tables below are the sums of those parts. ``reports.figures``
recomputes a ticket's part after each of its events (and when one of its deadlines
passes) and adds the difference — so a redelivered event, a retry or a sweep that
overlaps a subscriber adds nothing twice. ``supportdesk report rebuild`` makes them all
again from the tickets.
"""

from __future__ import annotations

from django.db import models


class FiguresState(models.Model):
    """One row: when the figures were built and up to when deadlines have been swept."""

    built_at = models.DateTimeField()
    # Deadlines before this instant have been counted as missed (reports.figures.sweep).
    swept_until = models.DateTimeField()
    # The first day of the 52 weeks that fairness (organisation size bands) counts.
    window_start = models.DateField()
    calendar_seen = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "figures state"

    def __str__(self) -> str:
        return f"figures built {self.built_at:%Y-%m-%d %H:%M}, swept to {self.swept_until}"


class TicketFigures(models.Model):
    """What one ticket counted for when it was last applied to the figures."""

    ticket = models.OneToOneField(
        "tickets.Ticket", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    counted = models.BooleanField(default=False)
    day = models.DateField(null=True)  # local date of registration
    workday = models.DateField(null=True)  # working day of registration (open tickets)
    organisation_id = models.BigIntegerField(null=True)
    assignee_id = models.BigIntegerField(null=True)
    kind = models.CharField(max_length=32, default="")
    channel = models.CharField(max_length=16, default="")
    impact = models.CharField(max_length=32, default="")
    code_owner = models.CharField(max_length=32, default="")
    status = models.CharField(max_length=24, default="")
    unassigned = models.BooleanField(default=False)
    # 0 pending, 1 met, 2 missed: as commitments.kpi.outcome_conditions at application.
    assignment = models.PositiveSmallIntegerField(default=0)
    same_day = models.PositiveSmallIntegerField(default=0)
    resolution = models.PositiveSmallIntegerField(default=0)
    assignment_minutes = models.PositiveIntegerField(null=True)
    resolution_minutes = models.PositiveIntegerField(null=True)
    resolved_day = models.DateField(null=True)
    in_window = models.BooleanField(default=False)

    class Meta:
        verbose_name = "ticket figures"
        indexes = [models.Index(fields=["day"], name="ticketfigures_day")]

    def __str__(self) -> str:
        return f"figures of ticket {self.ticket_id}"


class FigureDay(models.Model):
    """Tickets registered on a local date and their outcome of each commitment."""

    day = models.DateField(unique=True)
    registered = models.BigIntegerField(default=0)
    assignment_met = models.BigIntegerField(default=0)
    assignment_missed = models.BigIntegerField(default=0)
    same_day_met = models.BigIntegerField(default=0)
    same_day_missed = models.BigIntegerField(default=0)
    resolution_met = models.BigIntegerField(default=0)
    resolution_missed = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.day}: {self.registered}"


# A day's counts, in the order the kept figures and their readers list them.
DAY_COUNTS = (
    "registered",
    "assignment_met",
    "assignment_missed",
    "same_day_met",
    "same_day_missed",
    "resolution_met",
    "resolution_missed",
)


class FigureMinutes(models.Model):
    """How many tickets registered in a week or month took so many working minutes to be
    assigned (``a``) or resolved (``r``): the histogram the medians are read from."""

    unit = models.CharField(max_length=1)  # "w" (from Monday) or "m"
    start = models.DateField()
    measure = models.CharField(max_length=1)
    minutes = models.PositiveIntegerField()
    n = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "start", "measure", "minutes"], name="figureminutes_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.start} {self.measure} {self.minutes}: {self.n}"


class FigureBacklog(models.Model):
    """Open tickets by their working day of registration."""

    workday = models.DateField(unique=True)
    open = models.BigIntegerField(default=0)
    unassigned = models.BigIntegerField(default=0)
    waiting = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.workday}: {self.open}"


class FigureBreakdown(models.Model):
    """Tickets registered in a week (from Monday) by kind, channel, impact, code owner."""

    week = models.DateField()
    dimension = models.CharField(max_length=16)
    value = models.CharField(max_length=32)
    registered = models.BigIntegerField(default=0)
    open = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["week", "dimension", "value"], name="figurebreakdown_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.week} {self.dimension}={self.value}: {self.registered}"


class FigureConsultant(models.Model):
    """A consultant's open tickets by day of registration, and resolved ones by day."""

    assignee_id = models.BigIntegerField()
    day = models.DateField()
    open = models.BigIntegerField(default=0)
    assigned = models.BigIntegerField(default=0)
    in_progress = models.BigIntegerField(default=0)
    waiting = models.BigIntegerField(default=0)
    resolved = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["assignee_id", "day"], name="figureconsultant_key")
        ]

    def __str__(self) -> str:
        return f"{self.assignee_id} {self.day}: {self.open}"


class FigureOrganisation(models.Model):
    """An organisation's tickets in the fairness window (52 weeks): its size band."""

    organisation_id = models.BigIntegerField(unique=True)
    tickets = models.BigIntegerField(default=0)
    assigned = models.BigIntegerField(default=0)
    met = models.BigIntegerField(default=0)
    missed = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.organisation_id}: {self.tickets}"


class FigureWait(models.Model):
    """An organisation's tickets in the fairness window by working minutes to assignment."""

    organisation_id = models.BigIntegerField()
    minutes = models.PositiveIntegerField()
    n = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation_id", "minutes"], name="figurewait_key")
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id} {self.minutes}: {self.n}"


class FigureBandWait(models.Model):
    """The fairness window's tickets by the size band of their organisation and working
    minutes to assignment: ``FigureWait`` summed per band, a few thousand rows.

    An organisation's rows move to another band when its ticket count crosses a band's
    bound (``reports.figures.add``).
    """

    band = models.CharField(max_length=16)
    minutes = models.PositiveIntegerField()
    n = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["band", "minutes"], name="figurebandwait_key")
        ]

    def __str__(self) -> str:
        return f"{self.band} {self.minutes}: {self.n}"
