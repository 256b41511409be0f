import sqlalchemy as sa

from hms_platform.migrations import run_env

run_env(sa.MetaData(), schema="demo")
