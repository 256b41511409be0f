"""The system manifest (``hms_system.manifest``) and what is generated from it."""
