from hms_platform.migrations import run_env
from hms_sync.adapters.orm import metadata

run_env(metadata, schema="sync")
