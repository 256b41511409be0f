"""The staff web app in a real browser."""
