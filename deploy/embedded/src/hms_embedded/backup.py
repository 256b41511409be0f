"""``make backup``: one file (a tar, owner-only) holding a consistent dump of every service's
schema, made by one pg_dump run (one snapshot), and the keys that must travel with it.

    python -m hms_embedded.backup [--data-dir .hms] [--out FILE]
    python -m hms_embedded.backup --database-url URL [--data-dir DIR] --out FILE

Without ``--database-url`` it dumps the embedded database of ``make run``'s data folder, while
``make run`` serves (through its running Postgres) or not (starting that Postgres itself), and
takes the data folder's keys along. With ``--database-url`` (``make dev``, compose, Kubernetes:
an administrator's URL of the HMS database) it dumps that database; the keys there live in the
environment or the Secrets and are backed up with them (docs/operations.md).
``python -m hms_embedded.restore FILE`` brings a stopped ``make run`` back from the file."""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import os
import subprocess
import tarfile
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

import asyncpg

from hms_embedded import postgres
from hms_platform.pgurl import libpq_url

DATABASE = "hms"  # the embedded run's database
DUMP = "hms.dump"  # pg_dump's custom format, for pg_restore
MANIFEST = "hms-backup.json"
# The data folder's files a restored database needs: without key-encryption-key auth cannot
# open its signing keys; the others keep sealed codes, screen links and the admin sign-in.
KEYS = ("key-encryption-key", "code-encryption-key", "display-secret", "admin-password")
OPTIONAL = ("demo-logins.json", "tls.pem", "vapid-key")  # taken along when present
FORMAT = 1


class BackupError(Exception):
    """A backup or restore that cannot go ahead; its message is one line for the operator."""


def embedded_uri(server_uri: str, database: str = DATABASE) -> str:
    """A libpq URI of ``database`` on the embedded server (a unix socket)."""
    socket_dir = server_uri.split("host=", 1)[1].split("&", 1)[0]
    return f"postgresql://postgres@/{database}?host={quote(socket_dir, safe='/')}"


async def schema_versions(uri: str) -> dict[str, str]:
    """Each schema's Alembic revision (the services' migrations), for the manifest."""
    conn = await asyncpg.connect(uri)
    try:
        schemas = await conn.fetch("SELECT table_schema FROM information_schema.tables "
                                   "WHERE table_name = 'alembic_version' ORDER BY 1")
        return {row["table_schema"]: await conn.fetchval(
                    f'SELECT version_num FROM "{row["table_schema"]}".alembic_version')
                for row in schemas}
    finally:
        await conn.close()


def dump(uri: str, target: Path) -> None:
    """One pg_dump run: every schema in one snapshot, custom format."""
    done = subprocess.run([str(postgres.program("pg_dump")), "--format=custom", "--file",
                           str(target), "--dbname", uri], capture_output=True, text=True)
    if done.returncode != 0:
        raise BackupError(f"pg_dump failed: {done.stderr.strip().splitlines()[-1:]}")


def write_archive(out: Path, dump_file: Path, manifest: dict[str, object],
                  files: dict[str, Path]) -> None:
    """The tar, made owner-only before anything is written to it, then moved into place."""
    partial = out.with_name(f".{out.name}.partial")
    partial.unlink(missing_ok=True)
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as raw, tarfile.open(fileobj=raw, mode="w") as tar:
            body = json.dumps(manifest, indent=2).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mode, info.mtime = len(body), 0o600, int(datetime.now(UTC).timestamp())
            tar.addfile(info, io.BytesIO(body))
            for name, path in {DUMP: dump_file, **files}.items():
                member = tar.gettarinfo(str(path), arcname=name)
                member.mode, member.uid, member.gid, member.uname, member.gname = (
                    0o600, 0, 0, "", "")
                with path.open("rb") as content:
                    tar.addfile(member, content)
        os.replace(partial, out)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise


def backup(out: Path, data_dir: Path, database_url: str | None = None) -> dict[str, object]:
    """Write the backup to ``out`` (refused if it exists); return its manifest."""
    if out.exists():
        raise BackupError(f"{out} exists: choose another file")
    files = {name: data_dir / name for name in (*KEYS, *OPTIONAL) if (data_dir / name).is_file()}
    server = None
    if database_url is None:
        pgdata = data_dir / "pgdata"
        if not postgres.initialised(pgdata):
            raise BackupError(f"{data_dir} holds no database (is HMS_DATA_DIR right?)")
        missing = [name for name in KEYS[:3] if name not in files]
        if missing:
            raise BackupError(f"{data_dir} lacks {', '.join(missing)}: a restore could not "
                              "read its data")
        # make run's server when it is running (attached, left running), else started here
        server, server_uri = postgres.start(pgdata)
        uri = embedded_uri(server_uri)
    else:
        uri = libpq_url(database_url)
    try:
        with tempfile.TemporaryDirectory(prefix="hms-backup-") as work:
            dump_file = Path(work) / DUMP
            dump(uri, dump_file)
            manifest: dict[str, object] = {
                "format": FORMAT, "created": datetime.now(UTC).isoformat(timespec="seconds"),
                "source": "embedded" if database_url is None else "server",
                "schemas": asyncio.run(schema_versions(uri)), "files": sorted(files)}
            out.parent.mkdir(parents=True, exist_ok=True)
            write_archive(out, dump_file, manifest, files)
    finally:
        if server is not None:
            postgres.stop(server)  # stops only a server this process started
    return manifest


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data-dir", type=Path,
                        default=Path(os.environ.get("HMS_DATA_DIR", ".hms")))
    parser.add_argument("--database-url", help="dump this database instead of the embedded one")
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    parser.add_argument("--out", type=Path, default=Path(f"hms-backup-{stamp}.tar"))
    args = parser.parse_args(argv)
    try:
        manifest = backup(args.out.resolve(), args.data_dir.resolve(), args.database_url)
    except BackupError as error:
        raise SystemExit(f"backup: {error}") from None
    schemas = ", ".join(f"{s} {v}" for s, v in manifest["schemas"].items())  # type: ignore[attr-defined]
    print(f"backed up to {args.out} (owner-only; it holds secrets): {schemas}")


if __name__ == "__main__":
    main()
