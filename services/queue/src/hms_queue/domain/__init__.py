"""The queue domain: plain Python, no framework."""
