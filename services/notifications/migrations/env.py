from hms_notifications.adapters.orm import metadata
from hms_platform.migrations import run_env

run_env(metadata, schema="notifications")
