"""One adapter per channel port."""
