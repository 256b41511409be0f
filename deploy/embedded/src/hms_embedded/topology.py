"""RabbitMQ's whole topology, declared up front: every consumer's queue bound to exactly the
events its service handles, before any consumer has started, so that no event is unroutable
(and retried by a relay) only because its consumer is not up yet.

    python -m hms_embedded.topology write [--output deploy/rabbitmq/definitions.json]
    python -m hms_embedded.topology declare --amqp-url amqp://... [--prefix P]

``write`` makes the definitions file (RabbitMQ's format) that is committed under
``deploy/rabbitmq``; ``declare`` declares the same over AMQP (the local-process run and compose
do this before any consumer starts). Both come from each service's consumer process (its queue
name and the routing keys of the consumer it builds), through
``hms_platform.messaging.topology``, which the consumers declare from too, so the arguments
always agree.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import json
import sys
from pathlib import Path
from types import ModuleType
from typing import Any, get_type_hints

from sqlalchemy.ext.asyncio import create_async_engine

from hms_embedded.__main__ import SERVICES
from hms_platform.messaging.rabbit import declare_definitions
from hms_platform.messaging.topology import ConsumerTopology, consumer_topology, definitions

DEFAULT_OUTPUT = Path("deploy/rabbitmq/definitions.json")


def consumers(prefix: str = "") -> list[ConsumerTopology]:
    """One per service that consumes events: its queue and the events its consumer takes."""
    found = []
    for package in sorted({name.split(".")[0] for name in SERVICES}):
        try:
            consumer = importlib.import_module(f"{package}.entrypoints.consumer")
        except ModuleNotFoundError as missing:
            if missing.name != f"{package}.entrypoints.consumer":
                raise
            continue  # a service that consumes nothing (auth)
        found.append(consumer_topology(consumer.QUEUE, routing_keys(consumer), prefix=prefix))
    return found


def routing_keys(consumer: ModuleType) -> list[str]:
    """What the consumer process binds its queue to: the routing keys of the InboxConsumer its
    ``build_consumer(settings, engine)`` makes, built here on default settings and an engine
    that never connects. The settings are the test environment's, whose committed secrets no
    service accepts anywhere else: nothing here signs, connects or runs."""
    build = consumer.build_consumer
    settings_type = get_type_hints(build)["settings"]
    engine = create_async_engine("postgresql+asyncpg://topology@127.0.0.1:1/none")
    try:
        return sorted(build(settings_type(environment="test"), engine).routing_keys)
    finally:
        engine.sync_engine.dispose()


def render(prefix: str = "") -> dict[str, Any]:
    return definitions(consumers(prefix), prefix=prefix)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    write = commands.add_parser("write", help="write the definitions file")
    write.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    declare = commands.add_parser("declare", help="declare everything over AMQP")
    declare.add_argument("--amqp-url", required=True)
    declare.add_argument("--prefix", default="")
    args = parser.parse_args(argv)
    if args.command == "write":
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(json.dumps(render(), indent=2) + "\n")
        print(f"wrote {args.output}", file=sys.stderr)
    else:
        asyncio.run(declare_definitions(args.amqp_url, render(args.prefix)))


if __name__ == "__main__":
    main()
