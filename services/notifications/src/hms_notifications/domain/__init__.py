"""The notifications domain: plain Python, no frameworks."""
