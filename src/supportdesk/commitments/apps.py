from django.apps import AppConfig


class CommitmentsConfig(AppConfig):
    name = "supportdesk.commitments"
    label = "commitments"

    def ready(self) -> None:
        from supportdesk.commitments import subscribers  # noqa: F401
        from supportdesk.commitments.clocks import derive_clocks
        from supportdesk.tickets.kit import derivation

        # Rule 4: every ticket action ends with its stored clocks up to date.
        derivation(derive_clocks)
