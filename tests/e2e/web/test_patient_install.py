"""The patient app passes Chromium's installability check: its manifest (read back through the
DevTools protocol) names it, is standalone, starts at /patient/ and has PNG icons of 192 px and
more, and its service worker controls the page."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser

from hms_platform.testing.modules import load_beside

pytestmark = pytest.mark.e2e
PAGES = load_beside(__file__, "pages.py", "hms_e2e_web_pages")
P = load_beside(__file__, "patient.py", "hms_e2e_web_patient")
HARNESS = load_beside(__file__, "harness.py", "hms_e2e_web_harness")


def test_installable(browser: Browser, clinic: Any, tmp_path: Path) -> None:
    """Chromium's own installability check, read through the DevTools protocol. A profile on
    disk (a persistent context): Chromium never offers to install from an incognito one, which
    every other context of these tests is."""
    context = browser.browser_type.launch_persistent_context(
        str(tmp_path / "profile"), executable_path=HARNESS.chromium(), headless=True,
        args=["--no-sandbox", "--disable-gpu"], base_url=clinic.base, **PAGES.PHONE)
    try:
        page = context.pages[0] if context.pages else context.new_page()
        page.goto("/patient/")  # signed out
        assert page.evaluate(P.CONTROLLED)  # the service worker controls the page
        cdp = context.new_cdp_session(page)
        errors = cdp.send("Page.getInstallabilityErrors")
        assert errors.get("installabilityErrors") == [], errors
        manifest = cdp.send("Page.getAppManifest")
        assert manifest.get("errors") == [], manifest.get("errors")
        assert manifest["url"].endswith("/patient/manifest.webmanifest"), manifest["url"]
        data = json.loads(manifest.get("data") or "{}")
        assert data["name"] and data["display"] == "standalone", data
        assert data["start_url"] == "/patient/", data
        png = [int(icon["sizes"].split("x")[0]) for icon in data["icons"]
               if icon.get("type") == "image/png" and "x" in icon.get("sizes", "")]
        assert png and max(png) >= 192, data["icons"]
    finally:
        context.close()
