"""The waiting-room screen in a real browser: Debian's chromium driven by Playwright (through
``executable_path``: no browser download; ``make test`` installs chromium when missing).

With three rooms at 1280x720, 1920x1080 and 3840x2160: the called number is one line that
stays inside its card, the cards fill most of the screen's height, each card shows its room
and doctor's name and its next numbers, and a call-next makes the called number appear without
a reload and plays the chime (counted in ``document.body.dataset.chimes``), which ``chime=0``
switches off. A named display's screen swaps in the fresh token its stream hands it, and
shows "not valid" by itself once the display is revoked. A screenshot per size is saved in
the test's temporary folder."""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import AsyncIterator

import pytest
from playwright.async_api import Page, async_playwright

SIZES = [(1280, 720), (1920, 1080), (3840, 2160)]
# The called number's element: one line (its height is its line's), inside its card.
GEOMETRY = """(el) => {
  const range = document.createRange();
  range.selectNodeContents(el);
  const card = el.closest("section").getBoundingClientRect();
  const box = el.getBoundingClientRect();
  return {lines: range.getClientRects().length, height: box.height,
          lineHeight: parseFloat(getComputedStyle(el).lineHeight),
          overflows: el.scrollWidth > el.clientWidth || box.right > card.right + 0.5
                     || box.left < card.left - 0.5,
          cardHeight: card.height, viewport: innerHeight};
}"""


def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        pytest.fail("chromium is not installed: `make test` installs it (apt-get install "
                    "chromium), or install it by hand")
    return found


@contextlib.asynccontextmanager
async def screen(serving, app) -> AsyncIterator[tuple[str, Page]]:  # type: ignore[no-untyped-def]
    """The app on a real port, and a 1280x720 page of chromium (sound allowed without a click)
    to open it in."""
    async with serving(app) as base, async_playwright() as p:
        browser = await p.chromium.launch(
            executable_path=chromium(),
            args=["--no-sandbox", "--disable-gpu", "--autoplay-policy=no-user-gesture-required"])
        try:
            yield base, await browser.new_page(viewport={"width": 1280, "height": 720})
        finally:
            await browser.close()


async def three_lines(api) -> list:
    """Doctors D and E and a third, each with a line: D's has A-001 and A-002 waiting."""
    third = await api.world.register("doctor", room="16")
    doctors = [api.ids["doctor"], api.ids["other_doctor"], third]
    first = await api.ticket("waiting")
    second = await api.ticket("waiting", patient="other_patient")
    await api.world.walk_in(api.ids["other_doctor"])
    await api.world.walk_in(third)
    return [doctors, first, second]


async def test_the_screen_fits_three_rooms_and_chimes_on_a_call(api, serving, tmp_path) -> None:
    doctors, first, second = await three_lines(api)
    made = (await api.call("admin", "POST", "/displays", json={
        "name": "Ground floor", "doctor_ids": [str(d) for d in doctors]})).json()
    link = made["url"]
    async with screen(serving, api.app) as (base, page):
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        await page.goto(base + link)
        board = page.locator(f"#line-{doctors[0]}")
        await board.locator(".next").filter(has_text="A-001").wait_for()
        await page.locator("section").nth(2).wait_for()
        assert await board.locator(".called").inner_text() == "-"
        assert await board.locator(".room").inner_text() == "Room 12"
        assert (await board.locator(".doctor").inner_text()).startswith("doctor ")
        await page.wait_for_function("location.search.includes('token=') && "
                                     "!location.search.includes('" + link.split("=")[1]
                                     + "')")  # the stream's fresh token swapped in
        await page.evaluate("window.loadedOnce = true")  # gone if the page reloads
        called = await api.call("doctor", "POST", f"/doctors/{doctors[0]}/call-next")
        assert called.status_code == 200 and called.json()["id"] == str(first)
        await board.locator(".called").filter(has_text="A-001").wait_for()
        assert await board.locator(".next").inner_text() == "A-002"
        await page.wait_for_function("document.body.dataset.chimes === '1'")
        assert await page.evaluate("window.loadedOnce") is True
        for other in doctors[1:]:  # the other lines' cards show the other doctors
            await page.locator(f"#line-{other} .called").wait_for()
            assert (await page.locator(f"#line-{other} .doctor").inner_text()
                    ).startswith("doctor ")
        await page.locator(f"#line-{doctors[2]} .called").evaluate(
            "(el) => { el.textContent = 'B-002'; }")  # the longest of today's labels
        for width, height in SIZES:
            await page.set_viewport_size({"width": width, "height": height})
            await page.evaluate("dispatchEvent(new Event('resize'))")
            for section in range(3):
                el = page.locator("section .called").nth(section)
                geometry = await el.evaluate(GEOMETRY)
                assert geometry["lines"] == 1, (width, geometry)
                assert geometry["height"] < 1.5 * geometry["lineHeight"], (width, geometry)
                assert not geometry["overflows"], (width, geometry)
                assert geometry["cardHeight"] > 0.8 * geometry["viewport"], (width, geometry)
            shot = tmp_path / f"waiting-room-{width}x{height}.png"
            await page.screenshot(path=str(shot))
            assert shot.stat().st_size > 1000
        html = await page.content()
        for secret in (str(first), str(second), str(api.ids["patient"]),
                       str(api.ids["other_patient"])):
            assert secret not in html
        assert errors == []
        revoked = await api.call("admin", "DELETE", f"/displays/{made['id']}")
        assert revoked.status_code == 204  # the screen stops and says why, by itself
        await page.get_by_text("This display link is not valid").wait_for()


async def test_chime_off_plays_nothing_and_the_button_turns_it_back_on(api, serving) -> None:
    await api.ticket("waiting")
    await api.ticket("waiting", patient="other_patient")
    link = (await api.call("receptionist", "POST", "/displays",
                           json={"doctor_ids": [str(api.ids["doctor"])]})).json()["url"]
    async with screen(serving, api.app) as (base, page):
        await page.goto(base + link + "&chime=0")
        board = page.locator("section")
        await board.locator(".next").filter(has_text="A-001").wait_for()
        assert await page.locator("#sound").inner_text() == "Sound off"
        await api.call("doctor", "POST", f"/doctors/{api.ids['doctor']}/call-next")
        await board.locator(".called").filter(has_text="A-001").wait_for()
        await page.wait_for_timeout(300)
        assert await page.evaluate("document.body.dataset.chimes") == "0"
        await page.locator("#sound").click()
        assert await page.locator("#sound").inner_text() == "Sound on"
        assert "chime=0" not in page.url  # a reload keeps the choice
        line = (await api.call("doctor", "GET", f"/doctors/{api.ids['doctor']}")).json()
        await api.call("doctor", "POST", f"/tickets/{line['called']['id']}/serve")
        await api.call("doctor", "POST", f"/doctors/{api.ids['doctor']}/call-next")
        await board.locator(".called").filter(has_text="A-002").wait_for()
        await page.wait_for_function("document.body.dataset.chimes === '1'")
