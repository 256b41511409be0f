"""How the outside reaches the service: HTTP (api/), auth events (consumer), the outbox
relay, the no-show scheduler, and the CLI."""
