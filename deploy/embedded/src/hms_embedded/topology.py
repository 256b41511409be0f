"""RabbitMQ's whole topology, declared up front: every consumer's queue bound to exactly the
events its service handles, before any consumer has started, so that no event is unroutable
(and retried by a relay) only because its consumer is not up yet.

    python -m hms_embedded.topology write [--output deploy/rabbitmq/definitions.json]
    python -m hms_embedded.topology declare --amqp-url amqp://... [--prefix P]

``write`` makes the definitions file (RabbitMQ's format) that is committed under
``deploy/rabbitmq``; ``declare`` declares the same over AMQP (the local-process run and compose
do this before any consumer starts). Both come from each service's consumer (its queue name)
and its message bus's handlers (the events), through ``hms_platform.messaging.topology``, which
the consumers declare from too, so the arguments always agree.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import json
import sys
from pathlib import Path
from typing import Any

from hms_contracts.envelope import EventPayload
from hms_embedded.__main__ import SERVICES
from hms_platform.messaging.rabbit import declare_definitions
from hms_platform.messaging.topology import ConsumerTopology, consumer_topology, definitions

DEFAULT_OUTPUT = Path("deploy/rabbitmq/definitions.json")


def consumers(prefix: str = "") -> list[ConsumerTopology]:
    """One per service that consumes events: its queue and the events its bus handles."""
    found = []
    for package in sorted({name.split(".")[0] for name in SERVICES}):
        try:
            consumer = importlib.import_module(f"{package}.entrypoints.consumer")
        except ModuleNotFoundError as missing:
            if missing.name != f"{package}.entrypoints.consumer":
                raise
            continue  # a service that consumes nothing (auth)
        handlers = importlib.import_module(f"{package}.service_layer.handlers").HANDLERS
        kinds: list[type[EventPayload]] = [
            k for k in handlers if isinstance(k, type) and issubclass(k, EventPayload)]
        events = sorted(kind.NAME for kind in kinds)
        found.append(consumer_topology(consumer.QUEUE, events, prefix=prefix))
    return found


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
