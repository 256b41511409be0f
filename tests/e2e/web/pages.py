"""In the browser: a context per user that records what must never happen (a CSP violation, a
request to another origin, an uncaught error), signing in through the form, axe-core on the
current page, and a screenshot of each screen."""

from __future__ import annotations

import os
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, BrowserContext, Locator, Page, expect

SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
VIEWPORT = {"width": 1280, "height": 800}
# The patient app's design size: a phone (375x667 CSS pixels, touch, twice the pixels).
PHONE = {"viewport": {"width": 375, "height": 667}, "device_scale_factor": 2, "is_mobile": True,
         "has_touch": True}
HOME = {"admin": "/admin", "receptionist": "/desk", "doctor": "/doctor"}
# Reported by the page itself: the event has the directive and what was blocked.
REPORT_VIOLATIONS = """document.addEventListener("securitypolicyviolation", (e) => {
  console.error("CSP violation: " + e.violatedDirective + " blocked " + (e.blockedURI || "inline"));
});"""
_AXE = Axe()


@dataclass
class Watched:
    """A browser context and what it saw."""

    context: BrowserContext
    base: str
    csp: list[str] = field(default_factory=list)
    elsewhere: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def page(self) -> Page:
        return self.context.new_page()

    def clean(self) -> None:
        """Nothing the strict CSP refused, nothing asked of another origin."""
        assert self.csp == [], self.csp
        assert self.elsewhere == [], self.elsewhere


def watched(browser: Browser, base: str, timezone: str, **options: Any) -> Watched:
    """A new browser context (one user's browser) at 1280x800 (unless ``options`` say, as
    ``**PHONE`` does) in the clinic's time zone."""
    options = {"viewport": VIEWPORT, **options}
    context = browser.new_context(base_url=base, locale="en-GB", timezone_id=timezone,
                                  **options)
    context.set_default_timeout(15_000)
    seen = Watched(context, base)
    context.add_init_script(REPORT_VIOLATIONS)

    def console(message: Any) -> None:
        text = message.text
        if "Content Security Policy" in text or text.startswith("CSP violation"):
            seen.csp.append(text)
        elif message.type == "error":
            seen.errors.append(text)

    def request(req: Any) -> None:
        url = req.url
        if not (url.startswith(base + "/") or url == base or url.startswith(("data:", "blob:"))):
            seen.elsewhere.append(url)

    context.on("console", console)
    context.on("request", request)
    context.on("weberror", lambda error: seen.errors.append(str(error.error)))
    return seen


def sign_in(page: Page, username: str, password: str) -> None:
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()


def signed_in(seen: Watched, login: dict[str, str], role: str) -> Page:
    """A page of ``seen`` signed in through the form as ``login``, at ``role``'s start page."""
    page = seen.page()
    page.goto("/")
    sign_in(page, login["username"], login["password"])
    expect(page).to_have_url(re.compile(re.escape(seen.base + HOME[role])))
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    return page


def no_serious_violations(page: Page, screen: str) -> None:
    """axe-core on the page as it is: no violation whose impact is serious or critical."""
    results = _AXE.run(page)
    bad = [v for v in results.response["violations"] if v.get("impact") in ("serious", "critical")]
    report = "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']}: "
        + "; ".join(n["target"][0] if isinstance(n["target"][0], str) else str(n["target"])
                    for n in v["nodes"][:5])
        for v in bad)
    assert not bad, f"axe on the {screen} screen:\n{report}"


def shoot(page: Page, name: str) -> Path:
    """``screenshots/<name>.png`` beside the tests, and in $HMS_WEB_IMAGES when it names a
    folder (`make web-images` copies docs/images/ from there)."""
    SCREENSHOTS.mkdir(exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path))
    assert path.stat().st_size > 1000
    images = os.environ.get("HMS_WEB_IMAGES")
    if images:
        Path(images).mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, Path(images) / path.name)
    return path


def screen_checked(page: Page, name: str) -> None:
    """Every screen: axe, then its screenshot."""
    no_serious_violations(page, name)
    shoot(page, name)


# ---- en.ts strings and the desk ----------------------------------------------------------

def pattern(template: str, **values: object) -> re.Pattern[str]:
    """A string of en.ts with its ``{name}`` holes as wildcards (or as ``values`` say)."""
    parts = re.split(r"\{(\w+)\}", template)
    return re.compile("".join(
        re.escape(p) if i % 2 == 0 else (re.escape(str(values[p])) if p in values else ".*?")
        for i, p in enumerate(parts)))


def choose_doctor(page: Page, S: Any, doctor: dict[str, Any]) -> Locator:
    """Today's doctor at the desk; the line's region, once it is live."""
    department = {"Dr Achieng Odhiambo": "General medicine", "Dr Peter Mwangi": "Paediatrics",
                  "Dr Fatuma Hassan": "Dental"}[doctor["name"]]
    page.get_by_label(S("desk.doctor"), exact=True).select_option(label=S(
        "desk.doctorOption", name=doctor["name"], department=department, room=doctor["room"]))
    return page.get_by_role("region", name=S("desk.lineHeading"), exact=True)


def find_and_select(page: Page, S: Any, name: str) -> None:
    search = page.get_by_label(S("desk.searchLabel"))
    search.fill(name.split()[0])
    search.press("Enter")  # Enter searches
    found = page.get_by_role("row").filter(has_text=name)
    found.get_by_role("button", name=S("desk.select")).click()
    expect(page.get_by_text(S("desk.selected", name=name)).first).to_be_visible()


def urgency_level(S: Any, level: int) -> str:
    """The urgency select's option for ``level`` (1 immediate ... 5 routine)."""
    levels = S.data["desk"]["urgencyLevels"]
    return str(levels[level - 1])
