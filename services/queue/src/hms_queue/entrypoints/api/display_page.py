"""The waiting-room screen: one HTML document with its style and script inline (no build step,
no external assets, no audio file). Per doctor a card fills its share of the screen: the room
and the doctor's name, the number being called (one line, sized to its card: CSS container
units, then shrunk by the script if a long number still overflows) and the next numbers.
Numbers, rooms and doctors' names only: never a patient's.

A call plays a short chime made with the Web Audio API, unless the link says ``chime=0`` or the
sound button turned it off; browsers keep audio off until someone touches the page, and the
button then says so (``document.body.dataset.chimes`` counts the chimes played). The stream
(EventSource) reconnects by itself; a named display's screen keeps the newest token the stream
hands it (in its address too, for reloads), and reloads when its display is revoked, which
then shows the "not valid" page."""

from __future__ import annotations

_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Waiting room</title>
<style nonce="{nonce}">
html, body {{ height: 100%; }}
body {{ margin: 0; font-family: system-ui, sans-serif; background: #0b1f33; color: #fff;
        display: flex; flex-direction: column; overflow: hidden; }}
header {{ flex: none; padding: .6vh 2vw; font-size: clamp(12px, 3vh, 72px); display: flex;
          gap: 2vw; align-items: center; }}
header .title {{ flex: 1; }}
#state {{ color: #9fb3c8; }}
#sound {{ font: inherit; font-size: .75em; color: #fff; background: #1d4a73; border: 0;
          border-radius: .4em; padding: .15em .8em; cursor: pointer; }}
#sound[aria-pressed="false"] {{ background: #3a3f47; color: #c7ced6; }}
main {{ flex: 1; min-height: 0; display: grid; gap: 1.5vmin; padding: 0 1.5vmin 1.5vmin;
        grid-template-columns: repeat(var(--cols, 1), minmax(0, 1fr));
        grid-template-rows: repeat(var(--rows, 1), minmax(0, 1fr)); }}
section {{ container-type: size; min-width: 0; min-height: 0; overflow: hidden;
           background: #12324f; border-radius: 1.5vmin; padding: 1.8vmin 2.2vmin; }}
section.fresh {{ background: #1b4a72; }}
.card {{ height: 100%; display: flex; flex-direction: column; }}
.card > * {{ white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }}
.room {{ font-size: min(9cqh, 11cqw); line-height: 1.2; font-weight: 700; color: #9fb3c8; }}
.doctor {{ font-size: min(6cqh, 7.5cqw); line-height: 1.2; color: #d9e4ee; }}
.called {{ font-size: min(25cqw, 27cqh); line-height: 1.15; font-weight: 800; color: #ffd54a;
           font-variant-numeric: tabular-nums; text-overflow: clip; }}
.label {{ font-size: min(5cqh, 6cqw); line-height: 1.2; color: #9fb3c8; }}
.next {{ flex: 1; min-height: 0; display: grid; column-gap: 6cqw;
         grid-template-columns: repeat(2, minmax(0, 1fr));
         grid-template-rows: repeat(5, minmax(0, 1fr)); align-items: center;
         font-size: min(7.5cqh, 12cqw); line-height: 1.1; font-variant-numeric: tabular-nums; }}
.next span {{ white-space: nowrap; overflow: hidden; }}
</style></head>
<body><header><span class="title">Now calling</span>
<button id="sound" type="button" aria-pressed="true">Sound on</button>
<span id="state">connecting</span></header>
<main id="lines"></main>
<script nonce="{nonce}">
"use strict";
const NEXT = 10;
const params = new URLSearchParams(location.search);
let token = params.get("token") || "";
const lines = document.getElementById("lines");
const state = document.getElementById("state");
const button = document.getElementById("sound");
const shown = new Map();
let soundOn = params.get("chime") !== "0";
let audio = null;
document.body.dataset.chimes = "0";

function address() {{ history.replaceState(null, "", "?" + params.toString()); }}
function context() {{
  const Context = window.AudioContext || window.webkitAudioContext;
  if (!audio && Context) audio = new Context();
  return audio;
}}
function showSound(blocked) {{
  button.setAttribute("aria-pressed", String(soundOn));
  button.textContent = !soundOn ? "Sound off" : blocked ? "Tap for sound" : "Sound on";
  document.body.dataset.sound = soundOn ? (blocked ? "blocked" : "on") : "off";
}}
function unlock() {{
  const ctx = soundOn && context();
  if (ctx && ctx.state !== "running") ctx.resume().then(() => showSound(false), () => {{}});
}}
button.addEventListener("click", () => {{
  soundOn = !soundOn;
  if (soundOn) params.delete("chime"); else params.set("chime", "0");
  address();
  showSound(false);
  unlock();
}});
document.addEventListener("pointerdown", unlock, {{ passive: true }});
document.addEventListener("keydown", unlock);
function chime() {{
  if (!soundOn) return;
  const ctx = context();
  if (!ctx) return;
  if (ctx.state !== "running") {{  // no gesture yet: say so, play nothing late
    ctx.resume().catch(() => {{}});
    showSound(true);
    return;
  }}
  const start = ctx.currentTime + 0.02;
  [[880, 0], [659.25, 0.28]].forEach(([hz, at]) => {{
    const tone = ctx.createOscillator(), gain = ctx.createGain();
    tone.type = "sine";
    tone.frequency.value = hz;
    gain.gain.setValueAtTime(0.0001, start + at);
    gain.gain.exponentialRampToValueAtTime(0.4, start + at + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, start + at + 0.6);
    tone.connect(gain).connect(ctx.destination);
    tone.start(start + at);
    tone.stop(start + at + 0.65);
  }});
  document.body.dataset.chimes = String(Number(document.body.dataset.chimes) + 1);
}}
function layout() {{
  const n = Math.max(1, lines.children.length);
  let rows = n <= 3 ? 1 : n <= 8 ? 2 : Math.ceil(n / 4);
  let cols = Math.ceil(n / rows);
  if (innerHeight > innerWidth) [rows, cols] = [cols, rows];
  lines.style.setProperty("--cols", cols);
  lines.style.setProperty("--rows", rows);
}}
function fit(el) {{  // a number longer than the card allows shrinks to fit, on one line
  el.style.fontSize = "";
  if (el.scrollWidth > el.clientWidth) {{
    const size = parseFloat(getComputedStyle(el).fontSize);
    el.style.fontSize = Math.floor(size * el.clientWidth / el.scrollWidth) + "px";
  }}
}}
function board(id) {{
  let el = document.getElementById("line-" + id);
  if (!el) {{
    el = document.createElement("section");
    el.id = "line-" + id;
    const card = document.createElement("div");
    card.className = "card";
    for (const cls of ["room", "doctor", "called", "label", "next"]) {{
      const part = document.createElement("div");
      part.className = cls;
      card.appendChild(part);
    }}
    el.appendChild(card);
    lines.appendChild(el);
    layout();
  }}
  return el;
}}
function show(line, live) {{
  const el = board(line.doctor_id);
  el.querySelector(".room").textContent = "Room " + (line.room || "-");
  el.querySelector(".doctor").textContent = line.doctor_name || "";
  const called = el.querySelector(".called");
  called.textContent = line.called || "-";
  fit(called);
  const next = el.querySelector(".next");
  next.replaceChildren(...line.next.slice(0, NEXT).map((label) => {{
    const item = document.createElement("span");
    item.textContent = label;
    return item;
  }}));
  if (!line.next.length) next.textContent = "-";
  el.querySelector(".label").textContent = "Next" + (line.waiting ? " \u00b7 " + line.waiting +
    " waiting" : "");
  const before = shown.get(line.doctor_id);
  shown.set(line.doctor_id, line.called);
  if (live && line.called && line.called !== before) {{
    chime();
    el.classList.add("fresh");
    setTimeout(() => el.classList.remove("fresh"), 8000);
  }}
}}
addEventListener("resize", () => {{
  layout();
  document.querySelectorAll(".called").forEach(fit);
}});
let events = null;
let opened = "";
function connect() {{
  opened = token;
  events = new EventSource("display/stream?token=" + encodeURIComponent(token));
  for (const kind of ["snapshot", "line"]) {{
    events.addEventListener(kind, (e) => {{
      state.textContent = "live";
      show(JSON.parse(e.data), kind === "line");
    }});
  }}
  events.addEventListener("token", (e) => {{  // a fresh token of a named display
    token = JSON.parse(e.data).token;
    params.set("token", token);
    address();
  }});
  events.addEventListener("revoked", () => {{ events.close(); location.reload(); }});
  events.onerror = () => {{
    state.textContent = "reconnecting";
    if (events.readyState === EventSource.CLOSED || opened !== token) {{
      events.close();  // refused, or a newer token to reconnect with
      setTimeout(check, 3000);
    }}
  }};
}}
async function check() {{  // refused for good (revoked, expired): the page says so
  try {{
    const url = "display?token=" + encodeURIComponent(token);
    const answer = await fetch(url, {{ cache: "no-store" }});
    if (answer.status === 403) {{ location.reload(); return; }}
  }} catch (away) {{
    setTimeout(check, 5000);
    return;
  }}
  connect();
}}
showSound(false);
connect();
</script></body></html>
"""

_ERROR = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Display link not valid</title></head>
<body><h1>This display link is not valid</h1>
<p>It has expired, was revoked or was altered. Ask reception for a new one.</p></body></html>
"""


def page(nonce: str) -> str:
    return _PAGE.format(nonce=nonce)


def error_page() -> str:
    return _ERROR
