"""The AsyncAPI 3.0 document of the event catalogue, generated from the payload models.

`python -m hms_contracts.asyncapi` prints it; `--write PATH` writes it (docs/asyncapi.yaml).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

import yaml

from hms_contracts.registry import event_names, payload_class
from hms_contracts.schema import json_schema

EXCHANGE = "hms.events"
SERVER = "rabbitmq"
AMQP_BINDING_VERSION = "0.3.0"


def component_id(name: str) -> str:
    """Channel, message and schema id of an event: its name with dots made underscores."""
    return name.replace(".", "_")


def _add_schema(schemas: dict[str, Any], key: str, schema: dict[str, Any]) -> None:
    if key in schemas and schemas[key] != schema:
        raise ValueError(f"two different schemas are both named {key!r}; rename one class")
    schemas[key] = schema


def _message_schema(name: str, schemas: dict[str, Any]) -> dict[str, str]:
    """Move one message's schema and its $defs into components/schemas; return a ref to it."""
    schema = json_schema(name, ref_template="#/components/schemas/{model}")
    schema.pop("$schema", None)
    for key, definition in sorted(schema.pop("$defs", {}).items()):
        _add_schema(schemas, key, definition)
    _add_schema(schemas, component_id(name), schema)
    return {"$ref": f"#/components/schemas/{component_id(name)}"}


def build_asyncapi() -> dict[str, Any]:
    """The whole catalogue as an AsyncAPI 3.0 document; the same models give the same output."""
    channels: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    messages: dict[str, Any] = {}
    schemas: dict[str, Any] = {}
    for name in event_names():
        cls, cid = payload_class(name), component_id(name)
        summary = (cls.__doc__ or name).strip()
        messages[cid] = {
            "name": name,
            "title": cls.__name__,
            "summary": summary,
            "contentType": "application/json",
            "correlationId": {"location": "$message.payload#/correlation_id"},
            "tags": [{"name": cls.PRODUCER}],
            "payload": _message_schema(name, schemas),
            "bindings": {"amqp": {"messageType": name, "bindingVersion": AMQP_BINDING_VERSION}},
        }
        channels[cid] = {
            "address": name,
            "summary": summary,
            "servers": [{"$ref": f"#/servers/{SERVER}"}],
            "messages": {cid: {"$ref": f"#/components/messages/{cid}"}},
            "bindings": {"amqp": _routing_key_binding()},
        }
        operations[f"send_{cid}"] = {
            "action": "send",
            "summary": f"The {cls.PRODUCER} service publishes {name}.",
            # A fresh list, not the message's: shared objects would become YAML aliases.
            "tags": [{"name": cls.PRODUCER}],
            "channel": {"$ref": f"#/channels/{cid}"},
            "messages": [{"$ref": f"#/channels/{cid}/messages/{cid}"}],
            # Persistent messages, returned if unroutable (docs/operations.md).
            "bindings": {
                "amqp": {
                    "deliveryMode": 2,
                    "mandatory": True,
                    "bindingVersion": AMQP_BINDING_VERSION,
                }
            },
        }
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": "HMS integration events",
            "version": "1.0.0",
            "description": (
                "Every event of the HMS services, each in the common envelope, published on the "
                f"topic exchange {EXCHANGE} with the event name as routing key. Consumers ignore "
                "fields they do not know; a breaking change is a new .vN name. Generated from "
                "hms_contracts: do not edit by hand."
            ),
        },
        "defaultContentType": "application/json",
        "servers": {
            SERVER: {
                "host": "localhost:5672",
                "protocol": "amqp",
                "protocolVersion": "0-9-1",
                "description": "Local RabbitMQ broker (amqp://localhost:5672).",
            }
        },
        "channels": channels,
        "operations": operations,
        "components": {"messages": messages, "schemas": dict(sorted(schemas.items()))},
    }


def _routing_key_binding() -> dict[str, Any]:
    return {
        "is": "routingKey",
        "exchange": {
            "name": EXCHANGE,
            "type": "topic",
            "durable": True,
            "autoDelete": False,
            "vhost": "/",
        },
        "bindingVersion": AMQP_BINDING_VERSION,
    }


def render_yaml() -> str:
    """The AsyncAPI document as YAML, exactly as committed in docs/asyncapi.yaml."""
    return yaml.safe_dump(build_asyncapi(), sort_keys=False, allow_unicode=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m hms_contracts.asyncapi", description=__doc__)
    parser.add_argument("--write", metavar="PATH", type=Path, help="write to PATH, not stdout")
    args = parser.parse_args(argv)
    text = render_yaml()
    if args.write is None:
        sys.stdout.write(text)
    else:
        args.write.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
