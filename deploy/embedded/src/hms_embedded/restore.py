"""``make restore FILE=...``: a stopped ``make run`` brought back from a ``make backup`` file
into its data folder: the keys, then the database (pg_restore into a new embedded Postgres).

    python -m hms_embedded.restore FILE [--data-dir .hms] [--force]

It refuses a data folder that already holds a database or keys (``--force`` moves them aside
into ``<data dir>/replaced-<time>/``), and one that ``make run`` is serving, forced or not.
A dump of a server (``make backup`` with ``--database-url``) restores here too: ownership and
grants of the services' roles are left out, the embedded run uses one role."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import tarfile
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from hms_embedded import postgres
from hms_embedded.backup import (
    DATABASE,
    DUMP,
    FORMAT,
    KEYS,
    MANIFEST,
    OPTIONAL,
    BackupError,
    embedded_uri,
    schema_versions,
)


def read_archive(archive: Path, into: Path) -> dict[str, object]:
    """Extract the backup's known members (nothing else, no paths) into ``into``."""
    if not archive.is_file():
        raise BackupError(f"{archive}: no such file")
    try:
        with tarfile.open(archive) as tar:
            names = set(tar.getnames())
            if MANIFEST not in names or DUMP not in names:
                raise BackupError(f"{archive} is not an HMS backup (no {MANIFEST} or {DUMP})")
            for name in (MANIFEST, DUMP, *KEYS, *OPTIONAL):
                if name in names:
                    source = tar.extractfile(name)
                    if source is None:
                        raise BackupError(f"{archive}: {name} is not a file")
                    fd = os.open(into / name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                    with os.fdopen(fd, "wb") as target, source:
                        while chunk := source.read(1 << 20):
                            target.write(chunk)
    except tarfile.TarError as error:
        raise BackupError(f"{archive} is not a readable backup: {error}") from None
    manifest: dict[str, object] = json.loads((into / MANIFEST).read_text())
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{archive}: backup format {manifest.get('format')!r} is not "
                          f"{FORMAT}: restore it with the HMS version that made it")
    return manifest


def make_room(data_dir: Path, force: bool) -> None:
    """Refuse a folder in use or holding data; with ``force`` move its data aside."""
    pgdata = data_dir / "pgdata"
    if postgres.running(pgdata):
        raise BackupError(f"make run is running on {data_dir}: stop it first")
    present = [p for p in (pgdata, *(data_dir / n for n in (*KEYS, *OPTIONAL))) if p.exists()]
    if not present:
        return
    if not force:
        what = "a database" if pgdata in present else "keys"
        raise BackupError(f"{data_dir} already holds {what}: restore into an empty folder "
                          "(--data-dir, HMS_DATA_DIR) or replace it with --force (FORCE=1)")
    aside = data_dir / f"replaced-{datetime.now(UTC).strftime('%Y%m%d-%H%M%S')}"
    aside.mkdir(mode=0o700)
    for path in present:
        path.rename(aside / path.name)
    print(f"moved the previous {', '.join(p.name for p in present)} into {aside}")


def restore(archive: Path, data_dir: Path, force: bool = False) -> dict[str, str]:
    """Restore ``archive`` into ``data_dir``; return each schema's migration revision."""
    with tempfile.TemporaryDirectory(prefix="hms-restore-") as work:
        unpacked = Path(work)
        manifest = read_archive(archive, unpacked)
        make_room(data_dir, force)
        data_dir.mkdir(parents=True, exist_ok=True)
        for name in (*KEYS, *OPTIONAL):  # the keys first: a database without them is useless
            if (unpacked / name).exists():
                fd = os.open(data_dir / name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                with os.fdopen(fd, "wb") as target:
                    target.write((unpacked / name).read_bytes())
        server, server_uri = postgres.start(data_dir / "pgdata")
        try:
            asyncio.run(postgres.ensure_database(server_uri, DATABASE))
            uri = embedded_uri(server_uri)
            done = subprocess.run(
                [str(postgres.program("pg_restore")), "--exit-on-error", "--no-owner",
                 "--no-privileges", "--dbname", uri, str(unpacked / DUMP)],
                capture_output=True, text=True)
            if done.returncode != 0:
                raise BackupError(f"pg_restore failed: {done.stderr.strip()[-500:]}")
            versions = asyncio.run(schema_versions(uri))
        finally:
            postgres.stop(server)
    if versions != manifest.get("schemas"):
        raise BackupError(f"restored schemas {versions} differ from the backup's "
                          f"{manifest.get('schemas')}")
    return versions


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("file", type=Path)
    parser.add_argument("--data-dir", type=Path,
                        default=Path(os.environ.get("HMS_DATA_DIR", ".hms")))
    parser.add_argument("--force", action="store_true",
                        help="move the folder's database and keys aside, then restore")
    args = parser.parse_args(argv)
    try:
        versions = restore(args.file.resolve(), args.data_dir.resolve(), args.force)
    except BackupError as error:
        raise SystemExit(f"restore: {error}") from None
    print(f"restored {args.file} into {args.data_dir}: "
          + ", ".join(f"{s} {v}" for s, v in versions.items())
          + "; start it with make run (newer migrations run at start)")


if __name__ == "__main__":
    main()
