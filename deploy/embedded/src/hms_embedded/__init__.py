"""The embedded run: the whole system in one process (docs/architecture.md, "The three runs");
also the local-process run (dev.py), the demo clinic (seed.py) and RabbitMQ's topology."""
