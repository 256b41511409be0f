"""The staff web app in Debian's chromium (Playwright through ``executable_path``: no browser
download), against `make run`'s process with `make seed`'s clinic: one run, one seed and one
browser for the whole session, a new browser context for each user of each test."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from hms_platform.testing.modules import load_beside

HARNESS = load_beside(__file__, "harness.py", "hms_e2e_web_harness")
PAGES = load_beside(__file__, "pages.py", "hms_e2e_web_pages")
expect.set_options(timeout=10_000)  # a busy machine: two cores shared by a whole system


@pytest.fixture(scope="session")
def web_dist() -> Any:
    return HARNESS.built()


@pytest.fixture(scope="session")
def S(web_dist: Any) -> Any:
    """en.ts: ``S("signIn.failed")``."""
    return HARNESS.Strings(HARNESS.strings())


@pytest.fixture(scope="session")
def PS(web_dist: Any) -> Any:
    """The patient app's strings: ``PS("account.signIn.phone")``, ``PS("shell.nav.book")``."""
    return HARNESS.Strings(HARNESS.patient_strings())


# The running system lasts while this folder's tests run ("package": pytest ends it after the
# folder's last test); the browser, one module at a time: Playwright's sync API holds an event
# loop as running while it is open, which no later asyncio test of the session could start under.
@pytest.fixture(scope="package")
def clinic(web_dist: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    with HARNESS.running_clinic(tmp_path_factory.mktemp("web-run"), web_dist) as running:
        yield running


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    executable = HARNESS.chromium()
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=executable, headless=True,
                                     args=["--no-sandbox", "--disable-gpu"])
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def contexts(browser: Browser, clinic: Any) -> Iterator[Callable[..., Any]]:
    """``contexts()``: a new watched browser context (one user's browser); each is checked for
    CSP violations and other origins, then closed, at the end of the test."""
    opened: list[Any] = []

    def open_one(**options: Any) -> Any:
        seen = PAGES.watched(browser, clinic.base, clinic.timezone, **options)
        opened.append(seen)
        return seen

    yield open_one
    try:
        for seen in opened:
            seen.clean()
    finally:
        for seen in opened:
            seen.context.close()


@pytest.fixture
def signed_in(contexts: Callable[..., Any], clinic: Any) -> Callable[[str], Page]:
    """``signed_in("receptionist")``: a page of a new context, signed in through the form as the
    seeded user of that role (``doctor``, ``doctor2``, ``admin``...), at its start page."""

    def sign_in(role: str, seen: Any = None) -> Page:
        seen = seen or contexts()
        page: Page = PAGES.signed_in(seen, clinic.login(role), role.rstrip("0123456789"))
        return page

    return sign_in


@pytest.fixture
def phone(contexts: Callable[..., Any]) -> Callable[..., Any]:
    """``phone()``: a new watched context the size of a phone (375x667, touch), for the patient
    app; ``phone(permissions=["notifications"])`` and other context options pass through."""

    def open_one(**options: Any) -> Any:
        return contexts(**{**PAGES.PHONE, **options})

    return open_one
