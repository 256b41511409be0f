"""The `system` part's rows for latest.json (the keys of run.py's other rows, plus max, lost,
doubled, the target and whether it holds) and the table the run prints."""

from __future__ import annotations

from typing import Any

P99_TARGET_MS = 150.0  # booking -> SMS at the higher rate
LINE_RATIO_TARGET = 1.5  # a long line's p99 against a line of 100's
SMS = "booking committed (201 at the load generator) -> SMS at the provider"


def non_2xx(statuses: dict[str, int]) -> dict[str, int]:
    return {s: n for s, n in statuses.items() if not s.startswith("2")}


def _row(path: str, unit: str, measured: dict[str, Any], drive: dict[str, Any] | None,
         **extra: Any) -> dict[str, Any]:
    return {"group": "system", "path": path, "unit": unit, "hms": measured.get("p99_ms"),
            "reference": None, "reference_is": None, "ratio": None,
            "hms_p50_ms": measured.get("p50_ms"), "hms_p99_ms": measured.get("p99_ms"),
            "max_ms": measured.get("max_ms"), "n": measured.get("n"),
            "ref_p50_ms": None, "ref_p99_ms": None,
            "hms_non_2xx": non_2xx(drive["statuses"]) if drive else {}, "ref_non_2xx": {},
            "lost": measured.get("lost"), "doubled": measured.get("doubled"), **extra}


def sms_row(label: str, run: dict[str, Any], rate: float, target: bool) -> dict[str, Any]:
    sms, drive = run["sms"], run["drive"]
    extra: dict[str, Any] = {"latency_at": f"{rate:g}/s", "acked": sms["acked"],
                             "stages_ms": run.get("stages_ms"), "load": _drive(drive),
                             "dropped": drive["dropped"], "errors": drive["errors"],
                             "request_p99_ms": drive["request"]["p99_ms"]}
    if target:
        extra["target"] = f"p99 < {P99_TARGET_MS:g} ms, none lost, none doubled"
        extra["holds"] = bool(sms["p99_ms"] is not None and sms["p99_ms"] < P99_TARGET_MS
                              and not sms["lost"] and not sms["doubled"]
                              and not non_2xx(drive["statuses"]) and not drive["errors"])
    return _row(label, "ms", sms, drive, **extra)


def _drive(drive: dict[str, Any]) -> dict[str, Any]:
    """The load's own figures: the requests' latency and how late the generator started them
    (a busy machine starts them late: the rate was then not steady)."""
    return {"request_p50_ms": drive["request"]["p50_ms"],
            "request_p99_ms": drive["request"]["p99_ms"],
            "start_lag_p99_ms": drive["start_lag_ms_p99"], "dropped": drive["dropped"],
            "errors": drive["errors"]}


def line_row(label: str, long: dict[str, Any], short: dict[str, Any]) -> dict[str, Any]:
    ratio = long["p99_ms"] / short["p99_ms"] if long["p99_ms"] and short["p99_ms"] else None
    row = _row(label, "ms", long, None, latency_at="one at a time",
               hms_non_2xx=non_2xx(long["statuses"]), ref_non_2xx=non_2xx(short["statuses"]))
    row.update(reference=short["p99_ms"], reference_is="the same in a line of 100",
               ratio=ratio, ref_p50_ms=short["p50_ms"], ref_p99_ms=short["p99_ms"],
               target=f"ratio <= {LINE_RATIO_TARGET:g}",
               holds=ratio is not None and ratio <= LINE_RATIO_TARGET
               and not non_2xx(long["statuses"]) and not non_2xx(short["statuses"]))
    if "position" in long:
        row.update(position=long["position"], ref_position=short["position"])
    return row


def rows(result: dict[str, Any]) -> list[dict[str, Any]]:
    low, high = result["rates"]
    q = result["queue_rate"]
    out = [sms_row(f"{SMS} ({label})", result[key], rate, target)
           for label, key, rate, target in (
               (f"{low:g}/s", f"book_{low:g}", low, False),
               (f"{high:g}/s", f"book_{high:g}", high, True),
               (f"{high:g}/s, 3 notifications consumers", f"book_{high:g}_3_consumers", high,
                False))]
    one, three = result["drain_1"], result["drain_3"]
    ratio = (three["planned_per_s"] / one["planned_per_s"]
             if three["planned_per_s"] and one["planned_per_s"] else None)
    out.append({
        "group": "system", "unit": "msgs/s", "latency_at": f"backlog of {one['booked']:,}",
        "path": "notifications consumers: a booking backlog turned into messages, 3 vs 1",
        "hms": three["planned_per_s"], "reference": one["planned_per_s"], "ratio": ratio,
        "reference_is": "the same backlog with 1 consumer",
        "hms_sent_per_s": three["sent_per_s"], "ref_sent_per_s": one["sent_per_s"],
        "lost": one["lost"] + three["lost"], "doubled": None,
        "hms_p50_ms": None, "hms_p99_ms": None, "ref_p50_ms": None, "ref_p99_ms": None,
        "hms_non_2xx": non_2xx(three["statuses"]), "ref_non_2xx": non_2xx(one["statuses"])})
    check_in, call = result["check_in"], result["call_next"]
    out.append(_row(f"check-in -> ticket in GET /api/queue/tickets/mine (every "
                    f"{check_in.get('watched_every', 1)}th patient reads it every "
                    f"{check_in['poll_s'] * 1000:g} ms)", "ms", check_in["visible"],
                    check_in["drive"], latency_at=f"{q:g}/s", load=_drive(check_in["drive"]),
                    stages_ms=check_in.get("stages_ms")))
    out.append(_row("call-next (200 at the load generator) -> turn-now SMS at the provider",
                    "ms", call["sms"], call["drive"], latency_at=f"{q:g}/s",
                    load=_drive(call["drive"]),
                    stages_ms=call.get("stages_ms")))
    out.append(line_row("call-next in a line of 1,000 waiting", result["call_next_1000"],
                        result["call_next_100"]))
    out.append(line_row("a ticket's position (GET /api/queue/tickets/{id}) among 10,000",
                        result["position_10000"], result["position_100"]))
    return out


def _f(x: Any, digits: int = 1) -> str:
    if x is None:
        return "-"
    if isinstance(x, bool):
        return "yes" if x else "NO"
    if isinstance(x, float):
        return f"{x:,.{digits}f}"
    return f"{x:,}" if isinstance(x, int) else str(x)


def print_rows(rows: list[dict[str, Any]], meta: dict[str, Any]) -> None:
    interval = meta.get("sender_interval_s")
    interval = "default (1)" if interval is None else interval
    print("\n  whole system through the gateway (the local-process run: every process of the "
          "manifest, HAProxy; open-loop load)"
          f"; NOTIFICATIONS_SENDER_INTERVAL_SECONDS={interval}"
          f"; {meta['seconds']:g} s per rate")
    head = ("row", "at", "n", "p50 ms", "p99 ms", "max ms", "lost", "doubled", "value",
            "ref", "ratio", "non-2xx", "target", "holds")
    table = [head] + [(
        r["path"], r.get("latency_at", ""), _f(r.get("n")), _f(r["hms_p50_ms"]),
        _f(r["hms_p99_ms"]), _f(r.get("max_ms")), _f(r.get("lost")), _f(r.get("doubled")),
        f"{_f(r['hms'])} {r['unit']}", _f(r["reference"]), _f(r["ratio"], 2),
        " ".join(f"{k}:{v}" for k, v in r["hms_non_2xx"].items()) or "0",
        r.get("target", ""), _f(r.get("holds")) if "holds" in r else "")
        for r in rows]
    widths = [max(len(str(line[i])) for line in table) for i in range(len(head))]
    for n, line in enumerate(table):
        print("  " + "  ".join(str(c).ljust(w) if i in (0, 1, 11, 12) else str(c).rjust(w)
                               for i, (c, w) in enumerate(zip(line, widths, strict=True))))
        if n == 0:
            print("  " + "  ".join("-" * w for w in widths))
    print("    where the time goes, p50 / p99 ms (the services' tables): relay = outbox row to "
          "published; consumer = published to the consumer's transaction; after = to the SMS "
          "recorded sent (woken, claimed, sent, recorded)")
    print("    the requests themselves, p50 / p99 ms, and how late the load generator started "
          "them (p99; above a few ms the machine was too busy to hold the rate)")
    for r in rows:
        if r.get("load"):
            d = r["load"]
            print(f"    {r['path']} [{r['latency_at']}]: requests {_f(d['request_p50_ms'])} / "
                  f"{_f(d['request_p99_ms'])}, started late by {_f(d['start_lag_p99_ms'])}"
                  + (f", dropped {d['dropped']}" if d["dropped"] else "")
                  + (f", errors {d['errors']}" if d["errors"] else ""))
    for r in rows:
        if r.get("stages_ms"):
            print(f"    {r['path']} [{r['latency_at']}]: " + ", ".join(
                f"{name}"
                f" {_f(st['p50_ms'])} / {_f(st['p99_ms'])}"
                for name, st in r["stages_ms"].items() if st["n"]))
        if r["unit"] == "msgs/s":
            print(f"    {r['path']}: messages planned per second (consumers) "
                  f"{_f(r['hms'])} vs {_f(r['reference'])}; SMS sent per second (the sender) "
                  f"{_f(r['hms_sent_per_s'])} vs {_f(r['ref_sent_per_s'])}")
