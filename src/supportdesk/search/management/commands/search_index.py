"""``supportdesk search_index``: rebuild the SQLite full-text index (after bulk loads)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import connection, transaction

from supportdesk.search.backends import rebuild_index


class Command(BaseCommand):
    help = "Rebuild the full-text search index (SQLite; PostgreSQL needs nothing)."

    def handle(self, *args: Any, **options: Any) -> None:
        if connection.vendor != "sqlite":
            self.stdout.write("PostgreSQL indexes its search expressions itself: nothing to do.")
            return
        with transaction.atomic():
            rows = rebuild_index()
        self.stdout.write(f"Indexed {rows} tickets and messages.")
