"""The service command line every service shares: each subcommand reaches what it names, and a
process's module is imported only for that process."""

from __future__ import annotations

import argparse
import sys
import types
from pathlib import Path
from typing import Any

import pytest

from hms_platform import cli
from hms_platform.settings import ServiceSettings


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, Any]]:
    seen: list[tuple[str, Any]] = []
    api = types.ModuleType("demo_svc.entrypoints.api.__main__")
    api.serve = lambda host, port: seen.append(("api", (host, port)))  # type: ignore[attr-defined]
    relay = types.ModuleType("demo_svc.entrypoints.relay")
    relay.main = lambda: seen.append(("relay", None))  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "demo_svc.entrypoints.api.__main__", api)
    monkeypatch.setitem(sys.modules, "demo_svc.entrypoints.relay", relay)

    async def migrate(settings: ServiceSettings, migrations: Path) -> None:
        seen.append(("migrate", migrations))
    monkeypatch.setattr(cli, "migrate", migrate)
    return seen


def test_each_subcommand_reaches_what_it_names(calls: list[tuple[str, Any]]) -> None:
    main = cli.service_cli("demo_svc", ServiceSettings, Path("/m"), api_port=8099,
                           processes={"relay": "publish the outbox"},
                           commands={"replay": ("rebuild", lambda: calls.append(("replay", 1)))})
    main(["migrate"])
    main(["api"])
    main(["api", "--host", "0.0.0.0", "--port", "9"])
    main(["relay"])
    main(["replay"])
    assert calls == [("migrate", Path("/m")), ("api", ("127.0.0.1", 8099)),
                     ("api", ("0.0.0.0", 9)), ("relay", None), ("replay", 1)]
    with pytest.raises(SystemExit):
        main(["scheduler"])  # not one of this service's processes


class Refused(Exception):
    pass


def test_a_service_command_declares_its_own_arguments_and_a_refusal_exits_1(
        capsys: pytest.CaptureFixture[str]) -> None:
    seen: list[str] = []

    def create(args: argparse.Namespace) -> None:
        if args.username == "taken":
            raise Refused("already exists")
        seen.append(args.username)

    main = cli.service_cli(
        "demo_svc", ServiceSettings, Path("/m"), api_port=8099, processes={},
        commands={"create": cli.ServiceCommand(
            "create one", create, lambda parser: parser.add_argument("--username",
                                                                     required=True))},
        errors=(Refused,))
    assert main(["create", "--username", "ann"]) == 0 and seen == ["ann"]
    assert main(["create", "--username", "taken"]) == 1
    assert capsys.readouterr().err == "demo-svc create: already exists\n"
    with pytest.raises(SystemExit):
        main(["create"])  # --username is required
    with pytest.raises(ValueError):  # not one of the declared errors: not swallowed
        cli.service_cli("demo_svc", ServiceSettings, Path("/m"), api_port=8099, processes={},
                        commands={"boom": ("fails", _boom)}, errors=(Refused,))(["boom"])


def _boom() -> None:
    raise ValueError("a bug, not a refusal")
