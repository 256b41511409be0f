"""What the staff web app's browser tests stand on: the app built (when its build is missing or
older than its sources), `make run`'s process (`python -m hms_embedded`) on a port of its own
with a data folder of its own, `make seed`'s demo clinic in it, the strings of
`web/src/i18n/en.ts` (the accessible names the tests look for) and a small API client to act as
another user meanwhile (the doctor serving a ticket while the desk is offline)."""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NoReturn

import httpx

from hms_platform.testing import infra
from hms_platform.testing.embedded import embedded_run, reachable_folder

ROOT = Path(__file__).resolve().parents[3]
WEB = ROOT / "web"
DIST = WEB / "dist"
SOURCES = ["src", "public", "patient", "index.html", "vite.config.ts", "vite.patient.config.ts",
           "package.json", "package-lock.json", "tsconfig.json"]
ADMIN_PASSWORD = "web app admin password 1"


def missing(what: str) -> NoReturn:
    """A tool the browser tests need is not installed (`make test` installs it)."""
    infra.missing(f"{what} is not installed: `make test` installs it (apt-get install {what})")


def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        missing("chromium")
    return str(found)


def newest(paths: list[Path]) -> float:
    times = [0.0]
    for path in paths:
        if path.is_file():
            times.append(path.stat().st_mtime)
        elif path.is_dir():
            times.extend(f.stat().st_mtime for f in path.rglob("*") if f.is_file())
    return max(times)


def built() -> Path:
    """web/dist, built first when it is missing or older than the sources (`npm ci` when
    node_modules is missing, then `npm run build`: both apps); or HMS_WEB_ROOT's build, as it is."""
    if os.environ.get("HMS_WEB_ROOT"):
        return Path(os.environ["HMS_WEB_ROOT"])
    index = DIST / "index.html"
    if index.exists() and index.stat().st_mtime >= newest([WEB / p for p in SOURCES]):
        return DIST
    if shutil.which("npm") is None or shutil.which("node") is None:
        missing("npm")
    steps = [["npm", "run", "--silent", "build"]]
    if not (WEB / "node_modules").is_dir():
        steps.insert(0, ["npm", "ci", "--no-audit", "--no-fund"])
    for step in steps:
        done = subprocess.run(step, cwd=WEB, capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, f"{' '.join(step)} failed:\n{done.stdout[-3000:]}\n" \
                                     f"{done.stderr[-3000:]}"
    return DIST


def strings(source: str = "src/i18n/en.ts", name: str = "en") -> dict[str, Any]:
    """A strings file of the web apps (``export const <name> = {...}``) as data: transpiled by
    the project's own TypeScript and evaluated."""
    if not (WEB / "node_modules" / "typescript").is_dir():
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=WEB, check=True,
                       capture_output=True, timeout=600)
    script = ("const ts=require('typescript');const fs=require('fs');"
              f"const out=ts.transpileModule(fs.readFileSync({source!r},'utf8'),"
              "{compilerOptions:{module:ts.ModuleKind.CommonJS}}).outputText;"
              "const m={exports:{}};new Function('module','exports','require',out)"
              f"(m,m.exports,require);process.stdout.write(JSON.stringify(m.exports[{name!r}]))")
    done = subprocess.run(["node", "-e", script], cwd=WEB, capture_output=True, text=True,
                          timeout=60, check=True)
    return dict(json.loads(done.stdout))


def patient_strings() -> dict[str, Any]:
    """The patient app's strings (src/patient/i18n): ``shell``, ``account``, ``visits``."""
    return {part: strings(f"src/patient/i18n/{part}.ts", part)
            for part in ("shell", "account", "visits")}


class Strings:
    """en.ts by dotted key: ``S("desk.search")``; ``S("app.signOutPending", count=3)`` fills
    ``{count}``. A key that is missing fails naming it (the screen's strings are not there)."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data

    def __call__(self, key: str, **values: object) -> str:
        node: Any = self.data
        for part in key.split("."):
            if not isinstance(node, dict) or part not in node:
                raise AssertionError(f"en.ts has no string {key!r}")
            node = node[part]
        text = str(node)
        for name, value in values.items():
            text = text.replace("{" + name + "}", str(value))
        return text


@dataclass
class Clinic:
    """`make run` with `make seed`'s demo clinic: its address and logins, and an API client."""

    base: str
    data: Path
    logins: dict[str, Any]
    timezone: str
    tokens: dict[str, str] = field(default_factory=dict)

    def login(self, role: str) -> dict[str, str]:
        """``admin``, ``receptionist``, ``doctor`` (the first), ``doctor2``, ``doctor3``,
        ``patient``."""
        if role.startswith("doctor"):
            return self.logins["doctors"][int(role[6:] or 1) - 1]
        if role == "patient":
            return self.logins["patients"][0]
        return self.logins[role]

    def token(self, role: str) -> str:
        if role not in self.tokens:
            login = self.login(role)
            answer = httpx.post(f"{self.base}/api/auth/token", timeout=30, data={
                "username": login["username"], "password": login["password"]})
            assert answer.status_code == 200, answer.text
            self.tokens[role] = answer.json()["access_token"]
        return self.tokens[role]

    def call(self, role: str, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """One API call as ``role`` (path under /api); a refused stale token is renewed once."""
        for _ in range(2):
            answer = httpx.request(method, f"{self.base}/api{path}", timeout=30, headers={
                "Authorization": f"Bearer {self.token(role)}"}, **kwargs)
            if answer.status_code != 401:
                return answer
            self.tokens.pop(role, None)
        return answer

    def new_patient(self, name: str = "Test Patient") -> dict[str, str]:
        """A patient of its own (registered through the API), so that what a test books or
        cancels touches no other test's: ``{username, password, name, id}``."""
        phone = "+2547" + "".join(secrets.choice("0123456789") for _ in range(8))
        password = secrets.token_urlsafe(12)
        answer = httpx.post(f"{self.base}/api/auth/patients/register", timeout=30, json={
            "phone_number": phone, "password": password, "full_name": name})
        assert answer.status_code == 201, answer.text
        return {"username": phone, "password": password, "name": name,
                "id": str(answer.json()["id"])}

    def user_id(self, role: str) -> str:
        return str(self.call(role, "GET", "/auth/me").json()["id"])

    def line(self, role: str) -> dict[str, Any]:
        """A doctor's line as the queue answers it."""
        return dict(self.call(role, "GET", f"/queue/doctors/{self.user_id(role)}").json())


def midday_zone() -> str:
    """A clinic time zone where it is about noon now, so that the demo clinic is open and its
    day has free slots whenever the tests run (the browser runs in the same zone)."""
    offset = 12 - datetime.now(UTC).hour  # -11 .. +12 hours from UTC
    return "Etc/GMT" + ("" if offset == 0 else f"{-offset:+d}")  # Etc/GMT-3 is UTC+3


@contextlib.contextmanager
def running_clinic(logs: Path, root: Path = DIST) -> Iterator[Clinic]:
    """`python -m hms_embedded` on a free port (never 8000) and a data folder of its own, ready,
    then seeded by `python -m hms_embedded.seed`; stopped and removed afterwards."""
    zone = midday_zone()
    with reachable_folder("hms-web-") as folder:
        data = folder / "data"

        def env_for(port: int) -> dict[str, str]:
            return {**os.environ, "HMS_PORT": str(port), "HMS_DATA_DIR": str(data),
                    "HMS_LOG_LEVEL": "WARNING", "HMS_ADMIN_USERNAME": "admin",
                    "HMS_ADMIN_PASSWORD": ADMIN_PASSWORD, "HMS_WEB_ROOT": str(root),
                    "HMS_CLINIC_TIMEZONE": zone,
                    # every patient test registers patients of its own, from this one address
                    "AUTH_THROTTLE_REGISTRATIONS_PER_ADDRESS": "1000"}

        with embedded_run(env_for, logs / "run.log", cwd=ROOT) as base:
            port = int(base.rsplit(":", 1)[1])
            seeded = subprocess.run([sys.executable, "-m", "hms_embedded.seed", "--base-url",
                                     base, "--data-dir", str(data)], env=env_for(port),
                                    capture_output=True, text=True, timeout=180)
            assert seeded.returncode == 0, seeded.stdout[-3000:] + seeded.stderr[-3000:]
            logins = json.loads((data / "demo-logins.json").read_text())
            yield Clinic(base=base, data=data, logins=logins, timezone=zone)
