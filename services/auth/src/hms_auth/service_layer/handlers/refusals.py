"""Refused sign-ins, counted: one event per limit, account and address per throttle window.

A refused attempt costs an attacker nothing, so it must not cost an audit row each: a REFUSED
counter counts them, and each window's count leaves as one `auth.login_throttled.v1` once the
window has closed. The next refusal on the same counter reports the closed window itself;
`ReportThrottledSignIns` (run by the API every `AUTH_THROTTLE_REPORT_INTERVAL_SECONDS`)
reports the windows nobody came back to.
"""

from __future__ import annotations

from datetime import datetime

import structlog

from hms_auth.domain.events import SignInsThrottled
from hms_auth.domain.policy import AuthPolicy
from hms_auth.domain.throttle import Refusal, Scope, ThrottleState
from hms_auth.service_layer.commands import ReportThrottledSignIns
from hms_auth.service_layer.handlers.guard import Counter, address_key
from hms_auth.service_layer.ports import UnitOfWork
from hms_platform.clock import Clock

log = structlog.get_logger(__name__)


async def count_refusal(uow: UnitOfWork, refused_by: Counter, subject: str, client_ip: str,
                        now: datetime, policy: AuthPolicy) -> None:
    """One more sign-in refused by `refused_by`, in the caller's transaction."""
    per_account = refused_by.scope is not Scope.ADDRESS
    refusal = Refusal(refused_by.scope.value, subject if per_account else "",
                      address_key(client_ip))
    closed = await uow.throttle.tally(Scope.REFUSED, refusal.key, now, policy.throttle_window)
    if closed is not None:
        _report(uow, refusal, closed, policy)


async def report_throttled_sign_ins(cmd: ReportThrottledSignIns, uow: UnitOfWork,
                                    clock: Clock, policy: AuthPolicy) -> int:
    """Every closed window of refusals becomes one event with its count, `cmd.batch` windows
    per transaction. Replicas may run it at once: each window is taken (and reported) once."""
    reported = 0
    while True:
        async with uow:
            now = clock.now()
            closed = await uow.throttle.close_windows(
                Scope.REFUSED, now - policy.throttle_window, cmd.batch)
            for key, state in closed:
                _report(uow, Refusal.from_key(key), state, policy)
            await uow.commit()
        reported += len(closed)
        if len(closed) < cmd.batch:
            if reported:
                log.info("sign_ins_throttled.reported", windows=reported)
            return reported


def _report(uow: UnitOfWork, refusal: Refusal, state: ThrottleState,
            policy: AuthPolicy) -> None:
    end = state.window_start + policy.throttle_window
    # Stamped with the window's end: when the count it reports was complete.
    uow.emit(SignInsThrottled(refusal.user_id, refusal.ip, refusal.limit, state.failures,
                              state.window_start, end), occurred_at=end)
