"""The embedded run: the whole system in one process (ARCHITECTURE.md "Runs")."""
