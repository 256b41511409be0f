"""One OS process of the system the suite runs: started in its own session with its output in
a log file, signalled (SIGKILL: no clean-up of any kind) and waited for."""

from __future__ import annotations

import asyncio
import contextlib
import signal
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Proc:
    name: str
    args: list[str]
    env: dict[str, str]
    log: Path
    health: str | None = None  # its /readyz address (APIs, relays, consumers, schedulers)
    process: asyncio.subprocess.Process | None = None
    restarts: int = 0  # started again after exiting on its own
    expected_exit: bool = False

    async def start(self) -> None:
        self.expected_exit = False
        with self.log.open("ab") as log:  # the child keeps its own copy
            self.process = await asyncio.create_subprocess_exec(
                *self.args, env=self.env, stdout=log, stderr=asyncio.subprocess.STDOUT,
                stdin=asyncio.subprocess.DEVNULL, start_new_session=True)

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.returncode is None

    async def kill(self, sig: signal.Signals = signal.SIGKILL) -> None:
        """Signal it (SIGKILL: no clean-up of any kind) and wait until it is gone."""
        if self.process is None or self.process.returncode is not None:
            return
        self.expected_exit = True
        with contextlib.suppress(ProcessLookupError):
            self.process.send_signal(sig)
        try:
            async with asyncio.timeout(20):
                await self.process.wait()
        except TimeoutError:
            self.process.kill()
            await self.process.wait()
