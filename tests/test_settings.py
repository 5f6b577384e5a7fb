"""Configuration from the environment: development needs none, production fails loud."""

import os
import secrets
import subprocess
import sys
import tempfile
from pathlib import Path

from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parents[1]


def manage(*args, **env):
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "REDIS_", "DATABASE_", "FIELD_ENCRYPTION_"))
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def production(**overrides) -> dict:
    """The production variables of the README's configuration table; override or drop (None) one."""
    env = {
        # An empty database of its own: a developer's db.sqlite3 holds texts under the development
        # key, which the production key rightly cannot read (intervisie.E002).
        "DATABASE_URL": f"sqlite:///{tempfile.mkdtemp()}/empty.sqlite3",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "intervisie.example.org",
        "REDIS_URL": "redis://127.0.0.1:6379/0",
        "FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        **overrides,
    }
    return {name: value for name, value in env.items() if value is not None}


def test_production_without_a_secret_key_refuses_to_start():
    result = manage("check", DJANGO_DEBUG="0")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def test_the_deploy_check_passes_with_the_required_production_variables():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        **production(),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_without_an_encryption_key_refuses_to_start():
    result = manage("check", **production(FIELD_ENCRYPTION_KEYS=None, REDIS_URL=None))
    assert result.returncode != 0 and "FIELD_ENCRYPTION_KEYS" in result.stderr


def test_a_malformed_encryption_key_stops_the_deploy_check():
    result = manage("check", **production(FIELD_ENCRYPTION_KEYS="not-a-key"))
    assert result.returncode != 0 and "intervisie.E001" in result.stderr + result.stdout


def test_production_without_redis_is_warned_about():
    result = manage("check", **production(REDIS_URL=None))
    assert "intervisie.W001" in result.stderr + result.stdout


def test_development_needs_no_configuration():
    result = manage("check", DJANGO_DEBUG="1")
    assert result.returncode == 0, result.stderr


def test_a_malformed_value_is_named():
    result = manage("check", DJANGO_DEBUG="perhaps")
    assert result.returncode != 0
    assert "DJANGO_DEBUG must be 0 or 1" in result.stderr


def test_any_host_is_refused_in_production():
    result = manage("check", **production(DJANGO_ALLOWED_HOSTS="*"))
    assert result.returncode != 0 and "DJANGO_ALLOWED_HOSTS=* is refused" in result.stderr
