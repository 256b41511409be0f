"""RabbitMQ's whole topology, declared up front: every consumer's queue bound to exactly the
events its service handles (the manifest's ``consumes``), before any consumer has started, so
that no event is unroutable (and retried by a relay) only because its consumer is not up yet.

    python -m hms_system.topology write [--output deploy/rabbitmq/definitions.json]
    python -m hms_system.topology declare --amqp-url amqp://... [--prefix P]

``write`` makes the definitions file (RabbitMQ's format) committed under ``deploy/rabbitmq``
(``make generate`` writes it too); ``declare`` declares the same over AMQP (compose's and
Kubernetes' topology job and ``make dev`` do this before any consumer starts). Queue arguments
come from ``hms_platform.messaging.topology``, which the consumers declare from too, so the
two always agree; a test checks that each consumer binds the events the manifest lists.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path
from typing import Any

from hms_platform.messaging.topology import ConsumerTopology, consumer_topology, definitions
from hms_system.manifest import SYSTEM
from hms_system.model import System

DEFAULT_OUTPUT = Path("deploy/rabbitmq/definitions.json")


def consumers(prefix: str = "", system: System = SYSTEM) -> list[ConsumerTopology]:
    """One per service that consumes events, by queue name: its queue and its events."""
    found = [s.consumes for s in system.services if s.consumes is not None]
    return [consumer_topology(c.queue, sorted(c.events), prefix=prefix)
            for c in sorted(found, key=lambda c: c.queue)]


def render(prefix: str = "", system: System = SYSTEM) -> dict[str, Any]:
    return definitions(consumers(prefix, system), prefix=prefix)


def text(system: System = SYSTEM) -> str:
    """The committed file's text."""
    return json.dumps(render(system=system), indent=2) + "\n"


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
        args.output.write_text(text())
        print(f"wrote {args.output}", file=sys.stderr)
    else:
        from hms_platform.messaging.rabbit import declare_definitions  # aio-pika: here only

        asyncio.run(declare_definitions(args.amqp_url, render(args.prefix)))


if __name__ == "__main__":
    main()
