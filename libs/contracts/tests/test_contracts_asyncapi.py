"""The generated AsyncAPI document: complete, self-consistent, and committed up to date."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from hms_contracts import REGISTRY
from hms_contracts.asyncapi import EXCHANGE, build_asyncapi, component_id, main, render_yaml


@pytest.fixture(scope="module")
def doc() -> dict[str, Any]:
    return build_asyncapi()


def _repo_root() -> Path:
    for folder in Path(__file__).resolve().parents:
        if (folder / "uv.lock").is_file():
            return folder
    raise AssertionError("no uv.lock above the tests: cannot find the repository root")


def _refs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                yield value
            else:
                yield from _refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from _refs(item)


def _resolve(doc: dict[str, Any], ref: str) -> Any:
    assert ref.startswith("#/"), f"{ref} points outside the document"
    node: Any = doc
    for token in ref[2:].split("/"):
        # JSON Pointer escapes, RFC 6901 section 4
        key = token.replace("~1", "/").replace("~0", "~")
        assert isinstance(node, dict) and key in node, f"{ref} does not resolve"
        node = node[key]
    return node


def test_committed_document_is_up_to_date() -> None:
    path = _repo_root() / "docs" / "asyncapi.yaml"
    committed = path.read_text(encoding="utf-8") if path.is_file() else "<missing>"
    assert committed == render_yaml(), (
        "docs/asyncapi.yaml is out of date with libs/contracts: run `make asyncapi` "
        "(python -m hms_contracts.asyncapi --write docs/asyncapi.yaml) and commit the result"
    )


def test_every_ref_resolves_inside_the_document(doc: dict[str, Any]) -> None:
    refs = set(_refs(doc))
    assert len(refs) > len(REGISTRY) * 4
    for ref in sorted(refs):
        _resolve(doc, ref)


def test_header(doc: dict[str, Any]) -> None:
    assert doc["asyncapi"] == "3.0.0"
    assert doc["info"]["title"] == "HMS integration events"
    assert doc["info"]["version"] == "1.0.0"
    (server,) = doc["servers"].values()
    assert (server["host"], server["protocol"]) == ("localhost:5672", "amqp")


def test_one_channel_message_and_send_operation_per_event(doc: dict[str, Any]) -> None:
    channels, operations = doc["channels"], doc["operations"]
    assert sorted(ch["address"] for ch in channels.values()) == sorted(REGISTRY)
    assert list(channels) == sorted(channels)
    assert len(operations) == len(doc["components"]["messages"]) == len(REGISTRY)
    for name, cls in REGISTRY.items():
        cid = component_id(name)
        exchange = channels[cid]["bindings"]["amqp"]["exchange"]
        assert (exchange["name"], exchange["type"], exchange["durable"]) == (
            EXCHANGE,
            "topic",
            True,
        )
        operation = operations[f"send_{cid}"]
        assert operation["action"] == "send"
        assert operation["tags"] == [{"name": cls.PRODUCER}]
        # AsyncAPI 3: an operation's messages must be messages of its channel.
        channel = _resolve(doc, operation["channel"]["$ref"])
        for message_ref in operation["messages"]:
            assert message_ref["$ref"].startswith(operation["channel"]["$ref"] + "/messages/")
            assert _resolve(doc, message_ref["$ref"]) in channel["messages"].values()


def test_message_payload_is_the_envelope_of_that_event(doc: dict[str, Any]) -> None:
    for name in REGISTRY:
        message = doc["components"]["messages"][component_id(name)]
        schema = _resolve(doc, message["payload"]["$ref"])
        assert schema["properties"]["name"]["const"] == name
        payload = _resolve(doc, schema["properties"]["payload"]["$ref"])
        assert set(payload["properties"]) == set(REGISTRY[name].model_fields)
    assert "$defs" not in str(doc), "every $defs must be hoisted into components/schemas"


def test_rendering_is_deterministic_and_has_no_yaml_aliases() -> None:
    text = render_yaml()
    assert text == render_yaml()
    assert "&id" not in text and "*id" not in text
    assert yaml.safe_load(text) == build_asyncapi()


def test_cli_prints_and_writes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 0
    assert capsys.readouterr().out == render_yaml()
    target = tmp_path / "asyncapi.yaml"
    assert main(["--write", str(target)]) == 0
    assert target.read_text(encoding="utf-8") == render_yaml()


def test_runs_as_a_module() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "hms_contracts.asyncapi"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    assert done.stdout == render_yaml()
