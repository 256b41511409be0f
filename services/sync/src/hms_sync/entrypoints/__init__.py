"""Processes: api (HTTP: push and pull), consumer (the events the feed is built from), cli
(migrate and the others)."""
