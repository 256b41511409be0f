"""The waiting-room screen in a real browser: Debian's chromium driven by Playwright (through
``executable_path``: no browser download; ``make test`` installs chromium when missing). The
page shows the next numbers, then the called number appears after a call-next without a
reload, and a screenshot is saved in the test's temporary folder."""

from __future__ import annotations

import shutil

import pytest
from playwright.async_api import async_playwright


def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        pytest.fail("chromium is not installed: `make test` installs it (apt-get install "
                    "chromium), or install it by hand")
    return found


async def test_the_screen_shows_a_call_live(api, serving, tmp_path) -> None:
    first = await api.ticket("waiting")
    second = await api.ticket("waiting", patient="other_patient")
    link = (await api.call("receptionist", "POST", "/displays",
                           json={"doctor_ids": [str(api.ids["doctor"])]})).json()["url"]
    async with serving(api.app) as base, async_playwright() as p:
        browser = await p.chromium.launch(executable_path=chromium(),
                                          args=["--no-sandbox", "--disable-gpu"])
        try:
            page = await browser.new_page(viewport={"width": 1280, "height": 720})
            errors: list[str] = []
            page.on("pageerror", lambda error: errors.append(str(error)))
            await page.goto(base + link)
            board = page.locator("section")
            await board.locator(".next").filter(has_text="A-001").wait_for()
            assert await board.locator(".called").inner_text() == "-"
            assert await board.locator(".room").inner_text() == "Room 12"
            await page.evaluate("window.loadedOnce = true")  # gone if the page reloads
            called = await api.call("doctor", "POST",
                                    f"/doctors/{api.ids['doctor']}/call-next")
            assert called.status_code == 200 and called.json()["id"] == str(first)
            await board.locator(".called").filter(has_text="A-001").wait_for()
            assert await board.locator(".next").inner_text() == "Next: A-002"
            assert await page.evaluate("window.loadedOnce") is True
            html = await page.content()
            for secret in (str(first), str(second), str(api.ids["patient"]),
                           str(api.ids["other_patient"])):
                assert secret not in html
            shot = tmp_path / "waiting-room.png"
            await page.screenshot(path=str(shot), full_page=True)
            assert shot.stat().st_size > 1000
            assert errors == []
        finally:
            await browser.close()
