from hms_platform.migrations import run_env
from hms_reporting.adapters.orm import metadata

run_env(metadata, schema="reporting")
