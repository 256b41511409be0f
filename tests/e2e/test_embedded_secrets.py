"""The embedded runner's secrets and proxy trust, tested as functions (no server): its
key-encryption key is random, private and kept; X-Forwarded-For is believed from nobody unless
HMS_TRUSTED_PROXIES says so."""

from __future__ import annotations

import base64
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from hms_auth.config import DEV_CODE_ENCRYPTION_KEY, DEV_KEY_ENCRYPTION_KEY, AuthSettings
from hms_embedded.__main__ import (
    PREFIXES,
    ConnectionLimits,
    code_encryption_key,
    display_secret,
    first_admin,
    key_encryption_key,
    trust_proxies,
)


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Each test starts without these settings, and whatever these functions set in os.environ
    is undone after it (monkeypatch alone undoes nothing for a variable that was absent: a key
    set here would leak into every later test of the process)."""
    saved = dict(os.environ)
    for name in ("AUTH_KEY_ENCRYPTION_KEY", "HMS_TRUSTED_PROXIES", "QUEUE_DISPLAY_SECRET",
                 "HMS_HEADER_TIMEOUT", "HMS_MAX_CONNECTIONS_PER_CLIENT", "HMS_ADMIN_USERNAME",
                 "HMS_ADMIN_PASSWORD", "HMS_CODE_ENCRYPTION_KEY",
                 *(f"{p}_TRUSTED_PROXIES" for p in PREFIXES)):
        monkeypatch.delenv(name, raising=False)
    yield
    monkeypatch.undo()  # first: it would put back a key a test deleted after the code set it
    os.environ.clear()
    os.environ.update(saved)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_key_is_made_at_first_start_private_and_random(tmp_path: Path) -> None:
    data = tmp_path / "data"
    umask = os.umask(0)  # even under a permissive umask the file is never readable by others
    try:
        key_encryption_key(data)
    finally:
        os.umask(umask)
    key_file = data / "key-encryption-key"
    assert mode(key_file) == 0o600
    key = key_file.read_text().strip()
    assert len(base64.b64decode(key, validate=True)) == 32
    assert key != DEV_KEY_ENCRYPTION_KEY
    settings = AuthSettings()
    assert settings.key_encryption_key.get_secret_value() == key  # auth reads it from the env


def test_the_key_is_reused_on_the_next_start(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    key_encryption_key(tmp_path)
    first = (tmp_path / "key-encryption-key").read_text()
    monkeypatch.delenv("AUTH_KEY_ENCRYPTION_KEY")  # a new process
    key_encryption_key(tmp_path)
    assert os.environ["AUTH_KEY_ENCRYPTION_KEY"] == first.strip()
    assert (tmp_path / "key-encryption-key").read_text() == first


def test_two_data_folders_get_different_keys(tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    key_encryption_key(tmp_path / "a")
    monkeypatch.delenv("AUTH_KEY_ENCRYPTION_KEY")
    key_encryption_key(tmp_path / "b")
    keys = {(tmp_path / d / "key-encryption-key").read_text() for d in ("a", "b")}
    assert len(keys) == 2


def test_a_key_given_in_the_environment_wins_and_no_file_is_made(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    given = base64.b64encode(b"k" * 32).decode()
    monkeypatch.setenv("AUTH_KEY_ENCRYPTION_KEY", given)
    key_encryption_key(tmp_path)
    assert not (tmp_path / "key-encryption-key").exists()
    assert AuthSettings().key_encryption_key.get_secret_value() == given


def test_a_database_without_its_key_file_is_refused_with_an_explanation(tmp_path: Path) -> None:
    (tmp_path / "pgdata").mkdir()  # a folder from before the key file existed
    with pytest.raises(SystemExit, match="key-encryption-key"):
        key_encryption_key(tmp_path)
    assert not (tmp_path / "key-encryption-key").exists()


def test_the_admin_password_file_is_private_too(tmp_path: Path) -> None:
    first_admin(tmp_path)
    assert mode(tmp_path / "admin-password") == 0o600


def test_no_proxy_is_trusted_unless_hms_trusted_proxies_says_so(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    trust_proxies()
    assert AuthSettings().trusted_proxies == []
    for prefix in PREFIXES:
        monkeypatch.delenv(f"{prefix}_TRUSTED_PROXIES")
    monkeypatch.setenv("HMS_TRUSTED_PROXIES", "10.0.0.2, 10.1.0.0/16")
    monkeypatch.setenv("APPOINTMENTS_TRUSTED_PROXIES", "10.9.9.9")  # a service's own wins
    trust_proxies()
    assert AuthSettings().trusted_proxies == ["10.0.0.2", "10.1.0.0/16"]
    assert os.environ["APPOINTMENTS_TRUSTED_PROXIES"] == "10.9.9.9"


def test_production_still_refuses_the_development_key() -> None:
    with pytest.raises(ValueError, match="key_encryption_key"):
        AuthSettings(environment="production", database_url="postgresql+asyncpg://x/y",
                     amqp_url="amqp://u:p@mq/")


def test_the_code_key_is_made_private_random_and_reused(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HMS_CODE_ENCRYPTION_KEY", raising=False)
    code_encryption_key(tmp_path)
    first = os.environ["HMS_CODE_ENCRYPTION_KEY"]
    key_file = tmp_path / "code-encryption-key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert len(base64.b64decode(first)) == 32 and first != DEV_CODE_ENCRYPTION_KEY
    monkeypatch.delenv("HMS_CODE_ENCRYPTION_KEY")
    code_encryption_key(tmp_path)
    assert os.environ["HMS_CODE_ENCRYPTION_KEY"] == first
    assert AuthSettings().code_encryption_key.get_secret_value() == first


def test_the_display_secret_is_made_private_random_and_reused(tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch
                                                             ) -> None:
    """Waiting-room links are signed under it: a secret from the source would let anyone mint
    a link to any doctor's line."""
    from hms_queue.config import QueueSettings

    display_secret(tmp_path / "a")
    first = os.environ["QUEUE_DISPLAY_SECRET"]
    assert mode(tmp_path / "a" / "display-secret") == 0o600
    assert len(base64.b64decode(first)) == 32
    assert QueueSettings().display_secret.get_secret_value() == first  # the queue reads it
    monkeypatch.delenv("QUEUE_DISPLAY_SECRET")
    display_secret(tmp_path / "a")
    assert os.environ["QUEUE_DISPLAY_SECRET"] == first  # kept between starts
    monkeypatch.delenv("QUEUE_DISPLAY_SECRET")
    display_secret(tmp_path / "b")
    assert os.environ["QUEUE_DISPLAY_SECRET"] != first  # each data folder its own


def test_connection_limits_default_and_follow_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    limits = ConnectionLimits.from_environment()
    assert (limits.header_timeout, limits.max_connections_per_client, limits.uncapped) == (
        10.0, 100, [])
    monkeypatch.setenv("HMS_HEADER_TIMEOUT", "2.5")
    monkeypatch.setenv("HMS_MAX_CONNECTIONS_PER_CLIENT", "7")
    monkeypatch.setenv("HMS_TRUSTED_PROXIES", "10.0.0.2, 10.1.0.0/16")
    limits = ConnectionLimits.from_environment()
    assert (limits.header_timeout, limits.max_connections_per_client) == (2.5, 7)
    assert [str(n) for n in limits.uncapped] == ["10.0.0.2/32", "10.1.0.0/16"]


@pytest.mark.parametrize(("name", "value"), [
    ("HMS_HEADER_TIMEOUT", "soon"), ("HMS_HEADER_TIMEOUT", "0"),
    ("HMS_MAX_CONNECTIONS_PER_CLIENT", "0"), ("HMS_MAX_CONNECTIONS_PER_CLIENT", "many"),
    ("HMS_TRUSTED_PROXIES", "10.0.0.300")])
def test_a_bad_limit_stops_the_start_with_a_sentence(name: str, value: str,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(SystemExit, match=name):
        ConnectionLimits.from_environment()
