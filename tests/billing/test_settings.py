"""Billing settings are read loudly: a bad value stops start-up with a sentence."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"BILLING_HOURLY_RATE": "lots"}, "BILLING_HOURLY_RATE='lots'"),
        ({"BILLING_VAT_PERCENT": "125"}, "BILLING_VAT_PERCENT='125'"),
        (
            {"BILLING_ODOO_URL": "https://erp.partner.example"},
            "BILLING_ODOO_DB, BILLING_ODOO_USER and BILLING_ODOO_API_KEY are required",
        ),
    ],
)
def test_bad_billing_settings_stop_start_up(env, message, tmp_path):
    result = subprocess.run(
        [sys.executable, "-c", "import supportdesk.settings"],
        env={
            **os.environ,
            "SECRET_KEY": "x",
            "SUPPORTDESK_VAR": str(tmp_path),
            "PYTHONPATH": "src",
            **env,
        },
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "ConfigError" in result.stderr and message in result.stderr
