"""FastAPI dependencies: the message bus, and the caller as a domain ``Actor`` with the roles
their command declares (both the platform's)."""

from hms_platform.web.deps import Bus, caller

__all__ = ["Bus", "caller"]
