"""Use cases: handlers over the unit of work, with the clock and the clinic's rules injected."""
