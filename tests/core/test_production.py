"""Production settings from the environment, the Content-Security-Policy, the CTI header.

``manage.py check --deploy`` is clean with the README's production settings and is not
without them; every HTML page carries a CSP whose scripts need our nonce, and no template
has inline script or event handlers that such a policy would block.
"""

from __future__ import annotations

import re
import secrets
from pathlib import Path

import pytest
from django.test import override_settings

import supportdesk
from supportdesk.phone.models import Call, Pbx
from tests.core.conftest import clean_environment
from tests.core.conftest import supportdesk as run
from tests.factories import make_ticket

PRODUCTION = {
    "DEBUG": "false",
    "ALLOWED_HOSTS": "support.example.com",
    "SITE_URL": "https://support.example.com",
    "SECURE_COOKIES": "true",
    "SECURE_HSTS_SECONDS": "31536000",
    "HSTS_INCLUDE_SUBDOMAINS": "true",
    "HSTS_PRELOAD": "true",
    "SECURE_SSL_REDIRECT": "true",
    "TRUST_PROXY_HEADERS": "true",
}


def _env(var_dir: Path, **variables: str) -> dict[str, str]:
    return clean_environment(
        var_dir,
        SECRET_KEY=secrets.token_urlsafe(50),
        DATABASE_URL=f"sqlite:///{var_dir / 'db.sqlite3'}",
        **variables,
    )


def test_check_deploy_is_clean_with_the_documented_production_settings(var_dir, tmp_path):
    result = run(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env=_env(var_dir, **PRODUCTION),
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


def test_check_deploy_complains_without_them(var_dir, tmp_path):
    result = run(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env=_env(var_dir, DEBUG="false"),
        cwd=tmp_path,
    )
    assert result.returncode != 0
    assert "SECURE_HSTS_SECONDS" in result.stderr and "SECURE_SSL_REDIRECT" in result.stderr


def test_the_settings_come_from_the_environment(var_dir, tmp_path):
    code = (
        "from django.conf import settings as s; print(s.SECURE_HSTS_SECONDS, "
        "s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_HSTS_PRELOAD, s.SECURE_SSL_REDIRECT, "
        "s.SECURE_PROXY_SSL_HEADER, s.USE_X_FORWARDED_HOST)"
    )
    result = run("shell", "-c", code, env=_env(var_dir, **PRODUCTION), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == (
        "31536000 True True True ('HTTP_X_FORWARDED_PROTO', 'https') True"
    )


@override_settings(
    SECURE_SSL_REDIRECT=True,
    SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https"),
    SECURE_HSTS_SECONDS=600,
)
def test_behind_a_tls_proxy_requests_are_https_and_plain_http_is_redirected(client, db):
    plain = client.get("/support/")
    assert plain.status_code == 301 and plain["Location"].startswith("https://")
    proxied = client.get("/support/", headers={"X-Forwarded-Proto": "https"})
    assert proxied.status_code == 200
    assert proxied["Strict-Transport-Security"] == "max-age=600"
    assert client.get("/healthz").status_code in (200, 503)  # health checks stay plain


def test_every_html_page_has_a_strict_csp_and_our_scripts_carry_its_nonce(client, alice):
    ticket = make_ticket(alice)
    client.force_login(alice)
    page = client.get(f"/tickets/{ticket.number}/")
    policy = page["Content-Security-Policy"]
    script_src = re.search(r"script-src ([^;]*)", policy).group(1)
    assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src
    nonce = re.search(r"'nonce-([^']+)'", script_src).group(1)
    scripts = re.findall(r"<script[^>]*>", page.content.decode())
    ours = [tag for tag in scripts if "portal.js" in tag]
    assert ours and all(f'nonce="{nonce}"' in tag for tag in ours)
    assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy
    assert "Content-Security-Policy" in client.get("/support/").headers


def test_no_template_has_inline_scripts_or_handlers():
    root = Path(supportdesk.__file__).parent
    offending = []
    for template in root.rglob("templates/**/*.html"):
        if "/mail/" in str(template) or template.name == "statement_pdf.html":
            continue  # mail and PDFs are not pages a browser runs
        text = template.read_text()
        for pattern in (
            r"<script(?![^>]*\bsrc=)(?![^>]*application/json)",
            r"\son[a-z]+=",
            r"hx-on",
            r"hx-trigger=\"[^\"]*\[",
        ):
            if re.search(pattern, text):
                offending.append(f"{template.relative_to(root)}: {pattern}")
    assert not offending, offending


@pytest.mark.django_db
def test_the_cti_token_may_come_in_a_header(client):
    _, token = Pbx.issue(name="Office PBX")
    event = {"event": "newCall", "direction": "in", "from": "0701234567", "callId": "h1"}
    assert client.post("/api/v1/cti", event, headers={"X-CTI-Token": token}).status_code == 200
    assert client.post("/api/v1/cti", event, headers={"X-CTI-Token": "wrong"}).status_code == 404
    assert client.post("/api/v1/cti", event).status_code == 404
    assert Call.objects.count() == 1
