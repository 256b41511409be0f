"""The staff app's front door in `make run`: `/` is the app and gives the sign-in page (a deep
link too), under a strict Content-Security-Policy that the app never trips and with nothing
from another origin; a failed sign-in says so in plain words and keeps the username; a patient
is sent to the patient app; signing out leaves the sign-in page."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest
from playwright.sync_api import expect

from hms_platform.testing.modules import load_beside
from hms_platform.web.site import APP_CSP

pytestmark = pytest.mark.e2e
PAGES = load_beside(__file__, "pages.py", "hms_e2e_web_pages")


def test_the_app_is_at_the_root_with_a_strict_csp(clinic: Any) -> None:
    with httpx.Client(base_url=clinic.base, timeout=10) as client:
        for path in ("/", "/desk", "/admin/reports"):  # the app's own pages: index.html
            page = client.get(path)
            assert page.status_code == 200, path
            assert page.headers["content-type"].startswith("text/html")
            assert '<div id="app">' in page.text
            assert page.headers["content-security-policy"] == APP_CSP
        csp = APP_CSP.split("; ")
        assert "default-src 'self'" in csp and "script-src 'self'" in csp
        assert "style-src 'self'" in csp and "unsafe" not in APP_CSP
        scripts = re.findall(r"<script[^>]*>(.*?)</script>", page.text, re.S)
        assert all(body.strip() == "" for body in scripts), "an inline script in index.html"
        assert " style=" not in page.text
        assert client.get("/api").status_code == 200  # the API stays under /api
        assert client.get("/sw.js").headers["content-security-policy"] == APP_CSP


def test_the_root_gives_the_sign_in_page(contexts: Any, S: Any) -> None:
    seen = contexts()
    page = seen.page()
    page.goto("/")
    expect(page.get_by_role("heading", level=1, name=S("signIn.heading"))).to_be_visible()
    expect(page.get_by_label(S("signIn.username"))).to_be_focused()
    expect(page.get_by_label(S("signIn.password"), exact=True)).to_be_visible()
    expect(page.get_by_role("button", name=S("signIn.submit"))).to_be_enabled()
    assert page.evaluate("() => window.isSecureContext && 'serviceWorker' in navigator")
    page.evaluate("() => navigator.serviceWorker.ready.then(() => true)")  # offline shell
    PAGES.screen_checked(page, "sign-in")
    assert seen.errors == []


def test_the_watch_catches_a_csp_violation(contexts: Any) -> None:
    """What every test's browser context checks at its end can fail: an inline script is
    refused by the CSP and the refusal is seen."""
    seen = contexts()
    page = seen.page()
    page.goto("/")
    with page.expect_console_message(lambda m: "Content Security Policy" in m.text):
        page.evaluate("""() => { const s = document.createElement("script");
          s.textContent = "window.injected = true"; document.body.append(s); }""")
    assert page.evaluate("() => window.injected") is None  # refused
    expect(page.get_by_role("heading", level=1)).to_be_visible()  # the page event listeners ran
    assert any("script-src" in line for line in seen.csp), seen.csp
    seen.csp.clear()  # this test's own violation


def test_a_failed_sign_in_says_so_in_plain_words(contexts: Any, clinic: Any, S: Any) -> None:
    page = contexts().page()
    page.goto("/")
    PAGES.sign_in(page, "reception", "not the password")
    alert = page.get_by_role("alert")
    expect(alert).to_have_text(S("signIn.failed"))
    expect(page.get_by_label(S("signIn.username"))).to_have_value("reception")  # kept
    expect(page.get_by_label(S("signIn.password"), exact=True)).to_have_value("")
    expect(page).to_have_url(re.compile(re.escape(clinic.base) + "/?$"))
    PAGES.screen_checked(page, "sign-in-failed")


def test_a_patient_is_sent_to_the_patient_app(contexts: Any, clinic: Any, S: Any) -> None:
    page = contexts().page()
    page.goto("/")
    patient = clinic.login("patient")
    PAGES.sign_in(page, patient["username"], patient["password"])
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text(S("signIn.patientsUseApp"))
    expect(page.get_by_role("heading", level=1, name=S("signIn.heading"))).to_be_visible()
    alert.get_by_role("link", name=S("signIn.patientApp")).click()
    expect(page).to_have_url(clinic.base + "/patient/")
    expect(page).to_have_title("HMS: my visits")  # the patient app's own page


def test_signing_out_leaves_the_sign_in_page_and_nothing_local(signed_in: Any, S: Any) -> None:
    page = signed_in("doctor")
    page.get_by_role("button", name=S("app.signOut")).click()
    expect(page.get_by_role("heading", level=1, name=S("signIn.heading"))).to_be_visible()
    stored = page.evaluate("""() => new Promise((done) => {
      const open = indexedDB.open("hms");
      open.onsuccess = () => {
        const tx = open.result.transaction("session", "readonly");
        const all = tx.objectStore("session").count();
        all.onsuccess = () => done(all.result);
      };
    })""")
    assert stored == 0
    assert page.evaluate("() => localStorage.length") == 0
    assert page.context.cookies() == []
    page.reload()  # a reload does not bring the session back
    expect(page.get_by_role("heading", level=1, name=S("signIn.heading"))).to_be_visible()

