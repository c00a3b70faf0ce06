"""Bad configuration stops start-up with one sentence naming the variable (STYLE:
"environment, typed, loud"), not a traceback; secrets may come from ``NAME_FILE``."""

from __future__ import annotations

import pytest

from tests.core.conftest import clean_environment, supportdesk

CONFIG_ERROR = 78  # EX_CONFIG


@pytest.fixture
def good(var_dir):
    """A configuration that starts: every test below changes one thing in it."""
    return {
        "SECRET_KEY": "settings-test-secret-key",
        "DATABASE_URL": f"sqlite:///{var_dir / 'db.sqlite3'}",
    }


def check(var_dir, **variables):
    return supportdesk("check", env=clean_environment(var_dir, **variables), cwd=var_dir)


def test_good_configuration_passes_the_check(var_dir, good):
    result = check(var_dir, **good)
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    ("variable", "value", "says"),
    [
        ("DATABASE_URL", "mysql://x", "is not supported"),
        ("DATABASE_URL", "postgres://db.example:port/supportdesk", "cannot be read"),
        ("ATTACHMENT_MAX_MB", "twenty", "is not a whole number"),
        ("ATTACHMENT_MAX_MB", "0", "must be at least 1"),
        ("BUSINESS_HOURS", "nine to five", "like 08:00-17:00"),
        ("BUSINESS_HOURS", "17:00-08:00", "like 08:00-17:00"),
        ("DEBUG", "sometimes", "is not a boolean"),
        ("TIME_ZONE", "Mars/Olympus_Mons", "is not a known time zone"),
        ("REDIS_URL", "http://cache.example", "is not a redis://"),
        ("DATABASE_PREPARED_STATEMENTS", "sometimes", "is not a boolean"),
    ],
)
def test_bad_value_stops_start_up_with_a_sentence_naming_the_variable(
    var_dir, good, variable, value, says
):
    result = check(var_dir, **{**good, variable: value})
    assert result.returncode == CONFIG_ERROR
    assert result.stderr.startswith("supportdesk: configuration error: ")
    assert f"{variable}=" in result.stderr
    assert says in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_missing_secret_key_with_debug_off_stops_start_up(var_dir, good):
    del good["SECRET_KEY"]
    result = check(var_dir, **good)
    assert result.returncode == CONFIG_ERROR
    assert "SECRET_KEY is required when DEBUG is off" in result.stderr
    assert "Traceback" not in result.stderr


def test_missing_secret_key_is_allowed_in_debug(var_dir, good):
    del good["SECRET_KEY"]
    result = check(var_dir, **good, DEBUG="true")
    assert result.returncode == 0, result.stderr


def test_secret_key_is_read_from_secret_key_file(var_dir, good, tmp_path):
    del good["SECRET_KEY"]
    key_file = tmp_path / "secret.key"
    key_file.write_text("from-the-file-0123456789abcdef\n")
    env = clean_environment(var_dir, **good, SECRET_KEY_FILE=str(key_file))
    result = supportdesk(
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings; print(settings.SECRET_KEY == 'from-the-file-0123456789abcdef')",
        env=env,
        cwd=var_dir,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "True"


def test_a_command_run_from_a_checkout_uses_the_key_make_run_made(var_dir, good, tmp_path):
    """``supportdesk calendar …`` after ``make run``, with no SECRET_KEY exported."""
    del good["SECRET_KEY"]
    checkout = tmp_path / "checkout"
    (checkout / "var").mkdir(parents=True)
    (checkout / "var" / "secret.key").write_text("made-by-make-run-0123456789abcdef\n")
    env = clean_environment(var_dir, **good)
    del env["SUPPORTDESK_VAR"]
    result = supportdesk(
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings; print(settings.SECRET_KEY)",
        env=env,
        cwd=checkout,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "made-by-make-run-0123456789abcdef"


def test_unreadable_secret_key_file_names_the_variable(var_dir, good, tmp_path):
    del good["SECRET_KEY"]
    missing = tmp_path / "nowhere" / "secret.key"
    result = check(var_dir, **good, SECRET_KEY_FILE=str(missing))
    assert result.returncode == CONFIG_ERROR
    assert "SECRET_KEY_FILE=" in result.stderr and "cannot be read" in result.stderr
    assert "Traceback" not in result.stderr


def test_var_directory_that_cannot_be_created_names_the_variable(var_dir, good, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    env = clean_environment(var_dir, **good)
    env["SUPPORTDESK_VAR"] = str(blocker / "var")
    result = supportdesk("check", env=env, cwd=var_dir)
    assert result.returncode == CONFIG_ERROR
    assert "SUPPORTDESK_VAR=" in result.stderr and "cannot be created" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(("value", "prepared"), [(None, True), ("true", True), ("false", False)])
def test_prepared_statements_on_postgresql_can_be_turned_off(var_dir, good, value, prepared):
    """Behind a pooler that cannot keep prepared statements they are not asked for."""
    good["DATABASE_URL"] = "postgres://postgres@127.0.0.1:5432/supportdesk"
    if value is not None:
        good["DATABASE_PREPARED_STATEMENTS"] = value
    options = "from django.db import connection; print(connection.settings_dict['OPTIONS'])"
    result = supportdesk(
        "shell", "-c", options, env=clean_environment(var_dir, **good), cwd=var_dir
    )
    assert result.returncode == 0, result.stderr
    assert ("'prepare_threshold': 1000000" in result.stdout) is prepared
