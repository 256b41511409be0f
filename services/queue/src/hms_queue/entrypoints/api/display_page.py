"""The waiting-room screen: one HTML document with its style and script inline (no build step,
no external assets). It shows per doctor the room, the number being called and the next
numbers, from the display stream; EventSource reconnects by itself and every (re)connect
starts with a snapshot. Numbers, statuses and rooms only."""

from __future__ import annotations

_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Waiting room</title>
<style nonce="{nonce}">
body {{ margin: 0; font-family: system-ui, sans-serif; background: #0b1f33; color: #fff; }}
header {{ padding: 1vh 2vw; font-size: 3vh; display: flex; justify-content: space-between; }}
#state {{ color: #9fb3c8; }}
main {{ display: grid; grid-template-columns: repeat(auto-fit, minmax(30vw, 1fr));
        gap: 2vw; padding: 2vw; }}
section {{ background: #12324f; border-radius: 1vw; padding: 2vh 2vw; }}
.room {{ font-size: 4vh; color: #9fb3c8; }}
.called {{ font-size: 14vh; font-weight: 700; color: #ffd54a; letter-spacing: .05em; }}
.next {{ font-size: 5vh; }}
</style></head>
<body><header><span>Now calling</span><span id="state">connecting</span></header>
<main id="lines"></main>
<script nonce="{nonce}">
"use strict";
const token = new URLSearchParams(location.search).get("token") || "";
const lines = document.getElementById("lines");
const state = document.getElementById("state");
function board(id) {{
  let el = document.getElementById("line-" + id);
  if (!el) {{
    el = document.createElement("section");
    el.id = "line-" + id;
    for (const cls of ["room", "called", "next"]) {{
      const part = document.createElement("div");
      part.className = cls;
      el.appendChild(part);
    }}
    lines.appendChild(el);
  }}
  return el;
}}
function show(line) {{
  const el = board(line.doctor_id);
  el.querySelector(".room").textContent = "Room " + (line.room || "-");
  el.querySelector(".called").textContent = line.called || "-";
  el.querySelector(".next").textContent = "Next: " + (line.next.slice(0, 5).join("  ") || "-");
}}
const events = new EventSource("display/stream?token=" + encodeURIComponent(token));
for (const kind of ["snapshot", "line"]) {{
  events.addEventListener(kind, (e) => {{ state.textContent = "live"; show(JSON.parse(e.data)); }});
}}
events.onerror = () => {{ state.textContent = "reconnecting"; }};
</script></body></html>
"""

_ERROR = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Display link not valid</title></head>
<body><h1>This display link is not valid</h1>
<p>It has expired or was altered. Ask reception for a new one.</p></body></html>
"""


def page(nonce: str) -> str:
    return _PAGE.format(nonce=nonce)


def error_page() -> str:
    return _ERROR
