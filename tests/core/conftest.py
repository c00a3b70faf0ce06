"""Running the ``supportdesk`` command in a child process with a clean environment."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import supportdesk
import supportdesk.settings

# Every variable settings.py reads (``env_str("NAME"…)`` and friends), and its ``NAME_FILE``
# twin: none of the test run's own values may leak into the child.
_SETTINGS_SOURCE = Path(supportdesk.settings.__file__).read_text()
SETTINGS_VARIABLES = frozenset(re.findall(r"env_\w+\(\s*\"([A-Z0-9_]+)\"", _SETTINGS_SOURCE))
SOURCE_DIR = str(Path(supportdesk.__file__).resolve().parents[1])
assert {"SECRET_KEY", "DATABASE_URL", "DEBUG", "SUPPORTDESK_VAR"} <= SETTINGS_VARIABLES


def clean_environment(var_dir: Path, **variables: str) -> dict[str, str]:
    """The parent's environment without any Supportdesk setting, plus ``variables``."""
    env = {
        name: value
        for name, value in os.environ.items()
        if name.removesuffix("_FILE") not in SETTINGS_VARIABLES
        and name not in {"DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "supportdesk.settings",
            "SUPPORTDESK_VAR": str(var_dir),
            "PYTHONUNBUFFERED": "1",
            # The child runs the same source tree as this test run.
            "PYTHONPATH": os.pathsep.join(
                [SOURCE_DIR, *filter(None, [os.environ.get("PYTHONPATH")])]
            ),
        }
    )
    env.update(variables)
    return env


def supportdesk(
    *args: str, env: dict[str, str], cwd: Path, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    """``supportdesk <args>`` as ``python -m supportdesk`` with this interpreter."""
    return subprocess.run(
        [sys.executable, "-m", "supportdesk", *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


@pytest.fixture
def var_dir(tmp_path: Path) -> Path:
    path = tmp_path / "var"
    path.mkdir()
    return path
