from __future__ import annotations

import factory

from supportdesk.accounts.models import Agreement, Organisation, Role, Skill, User
from supportdesk.tickets import actions
from supportdesk.tickets.models import Channel, Kind

PASSWORD = "correct-horse-battery"


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Organisation {n} AB")


class AgreementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agreement

    organisation = factory.SubFactory(OrganisationFactory)
    valid_from = factory.Faker("date_this_decade", before_today=True, after_today=False)


class SkillFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Skill
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Skill {n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    name = factory.Faker("name")
    role = Role.CUSTOMER
    organisation = factory.SubFactory(OrganisationFactory)
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


def make_ticket(requester: User, **overrides) -> object:
    """A ticket registered through the real action, as the requester on the portal."""
    fields = {
        "actor": requester,
        "organisation": requester.organisation,
        "requester": requester,
        "channel": Channel.PORTAL,
        "subject": "Invoice cannot be posted",
        "description": "Posting INV/2026/00012 fails with a lock date error.",
        "kind": Kind.BUG,
    }
    fields.update(overrides)
    return actions.ticket_create(**fields)
