"""The ``supportdesk`` command: Django's management commands under one name.

``supportdesk migrate``, ``supportdesk serve``, ``supportdesk demo``… A bad setting is
reported as one sentence, not a traceback.
"""

from __future__ import annotations

import os
import sys


def main() -> None:
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
