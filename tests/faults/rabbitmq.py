"""Private RabbitMQ nodes for the fault suite: each with its own name, AMQP and distribution
ports, data and log folders and an Erlang cookie of its own (epmd is shared with the machine's
node). Several are joined into one cluster (join_cluster) for the cluster fault."""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import signal
import tempfile
from pathlib import Path

from hms_platform.testing.infra import free_port, listening
from hms_platform.testing.modules import load_beside

servers = load_beside(__file__, "servers.py", "hms_faults_servers")
RABBIT_BIN = servers.RABBIT_BIN


class RabbitNode:
    """One RabbitMQ node (``name@localhost``) on its own AMQP and distribution ports; its
    folders and cookie under ``root``. ``kill`` is SIGKILL to the whole node (epmd stays)."""

    def __init__(self, root: Path, name: str, cookie: str) -> None:
        self.root, self.name, self.node = root / name, name, f"{name}@localhost"
        self.port, self.dist_port = free_port(), free_port()
        self.url = f"amqp://guest:guest@127.0.0.1:{self.port}/"
        self.root.mkdir(parents=True)
        (self.root / "home").mkdir()
        cookie_file = self.root / "home" / ".erlang.cookie"
        cookie_file.write_text(cookie)
        cookie_file.chmod(0o400)
        (self.root / "rabbitmq.conf").write_text(
            f"listeners.tcp.default = {self.port}\nloopback_users = none\n"
            "disk_free_limit.absolute = 10MB\nlog.console = false\n"
            "log.file.level = warning\n")
        (self.root / "enabled_plugins").write_text("[].\n")
        self.process: asyncio.subprocess.Process | None = None

    @property
    def env(self) -> dict[str, str]:
        return {**os.environ, "HOME": str(self.root / "home"),
                "RABBITMQ_NODENAME": self.node, "RABBITMQ_NODE_PORT": str(self.port),
                "RABBITMQ_DIST_PORT": str(self.dist_port),
                "RABBITMQ_MNESIA_BASE": str(self.root / "mnesia"),
                "RABBITMQ_LOG_BASE": str(self.root / "log"),
                "RABBITMQ_CONFIG_FILE": str(self.root / "rabbitmq.conf"),
                "RABBITMQ_ENABLED_PLUGINS_FILE": str(self.root / "enabled_plugins"),
                "RABBITMQ_PID_FILE": str(self.root / "rabbit.pid"),
                "RABBITMQ_ALLOW_INPUT": "", "ERL_EPMD_ADDRESS": ""}

    async def start(self) -> None:
        self.process = await asyncio.create_subprocess_exec(
            str(RABBIT_BIN / "rabbitmq-server"), env=self.env, start_new_session=True,
            stdout=(self.root / "stdout.log").open("ab"), stderr=asyncio.subprocess.STDOUT,
            stdin=asyncio.subprocess.DEVNULL)
        await self.wait_started()

    async def wait_started(self, timeout: float = 90) -> None:
        async with asyncio.timeout(timeout):
            while not listening("127.0.0.1", self.port, 0.2):
                assert self.process is not None
                if self.process.returncode is not None:
                    raise RuntimeError(f"{self.node} exited: "
                                       f"{(self.root / 'stdout.log').read_text()[-1500:]}")
                await asyncio.sleep(0.3)
        await self.ctl("await_startup", timeout=timeout)

    async def ctl(self, *args: str, timeout: float = 60) -> str:
        return await servers.run(str(RABBIT_BIN / "rabbitmqctl"), "-n", self.node, *args,
                          env=self.env, timeout=timeout)

    def _signal_group(self, sig: signal.Signals) -> None:
        if self.process is not None and self.process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, sig)

    async def stop(self) -> None:
        """A clean stop (SIGTERM to the node's process group), then wait for it."""
        if self.process is None or self.process.returncode is not None:
            return
        self._signal_group(signal.SIGTERM)
        try:
            async with asyncio.timeout(30):
                await self.process.wait()
        except TimeoutError:
            await self.kill()

    async def kill(self) -> None:
        self._signal_group(signal.SIGKILL)
        if self.process is not None:
            await self.process.wait()
        # beam's children (erl_child_setup, inet_gethost) are in the same group: gone too


class Rabbit:
    """``size`` RabbitMQ nodes sharing one cookie; more than one are joined into a cluster."""

    def __init__(self, size: int = 1) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="hms-faults-mq-"))
        cookie = os.urandom(16).hex()
        tag = self.root.name.rsplit("-", 1)[-1].lower().replace("_", "")
        self.nodes = [RabbitNode(self.root, f"hmsf{tag}{i}", cookie) for i in range(size)]

    @property
    def urls(self) -> list[str]:
        return [node.url for node in self.nodes]

    async def start(self) -> None:
        await asyncio.gather(*(node.start() for node in self.nodes))
        first = self.nodes[0]
        for node in self.nodes[1:]:
            await node.ctl("stop_app")
            await node.ctl("join_cluster", first.node)
            await node.ctl("start_app")
            await node.ctl("await_startup")

    async def destroy(self) -> None:
        for node in self.nodes:
            with contextlib.suppress(Exception):
                await node.kill()
        shutil.rmtree(self.root, ignore_errors=True)
