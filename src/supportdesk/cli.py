"""The ``supportdesk`` command: Django's management commands under one name.

``supportdesk migrate``, ``supportdesk serve``, ``supportdesk demo``… A bad setting is
reported as one sentence, not a traceback. ``supportdesk mail ingest`` (an MTA's pipe) is
answered before Django is imported: it only spools the message.
"""

from __future__ import annotations

import os
import sys


def main() -> None:
    arguments = sys.argv[1:]
    if arguments[:2] == ["mail", "ingest"] and not {"--now", "-h", "--help"} & set(arguments):
        # An MTA's pipe: one process per message. It spools the message durably and
        # exits before Django is imported (``supportdesk.mail.pipe``).
        from supportdesk.mail.pipe import pipe

        sys.exit(pipe(arguments[2:]))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "supportdesk.settings")
    from supportdesk.env import ConfigError

    try:
        from django.core.management import execute_from_command_line

        execute_from_command_line(["supportdesk", *sys.argv[1:]])
    except ConfigError as exc:
        print(f"supportdesk: configuration error: {exc}", file=sys.stderr)
        sys.exit(78)  # EX_CONFIG


if __name__ == "__main__":
    main()
