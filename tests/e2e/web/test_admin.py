"""The admin console with `make seed`'s clinic: every section (staff, doctors' hours, penalties,
reports, audit trail, waiting-room displays) passes axe and is photographed; the admin creates a
staff account, changes its role and deactivates it, draws a report chart and downloads its CSV,
reads the audit trail, and makes a display link shown with its QR code."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Locator, Page, expect

from hms_platform.testing.modules import load_beside

pytestmark = pytest.mark.e2e
PAGES = load_beside(__file__, "pages.py", "hms_e2e_web_pages")


def pattern(template: str, **values: str) -> re.Pattern[str]:
    """A string of en.ts with its ``{name}`` holes as wildcards (or as ``values`` say)."""
    parts = re.split(r"\{(\w+)\}", template)
    return re.compile("".join(
        re.escape(p) if i % 2 == 0 else (re.escape(values[p]) if p in values else ".+?")
        for i, p in enumerate(parts)))


def section(page: Page, S: Any, key: str, heading: str) -> Locator:
    """Open an admin section through the sub-navigation; its region."""
    nav = page.get_by_role("navigation", name=S("admin.navLabel"))
    nav.get_by_role("link", name=S(f"admin.nav.{key}"), exact=True).click()
    region = page.get_by_role("region", name=S(f"admin.{heading}"))
    expect(region.get_by_role("heading", level=2)).to_be_visible()
    return region


def test_staff_accounts_created_changed_and_deactivated(signed_in: Any, S: Any) -> None:
    page = signed_in("admin")
    expect(page.get_by_role("heading", level=1, name=S("admin.heading"))).to_be_visible()
    staff = page.get_by_role("region", name=S("admin.staffHeading"))
    expect(staff.get_by_role("cell", name="reception", exact=True)).to_be_visible()
    PAGES.screen_checked(page, "admin-staff")

    form = page.get_by_role("form", name=S("admin.newStaff"))
    form.get_by_label(S("admin.fullName")).fill("Night Desk")
    form.get_by_label(S("admin.username")).fill("night.desk")
    form.get_by_label(S("admin.password"), exact=True).fill("a long enough password 1")
    form.get_by_label(S("admin.role")).select_option(label=S("admin.roles.receptionist"))
    form.get_by_role("button", name=S("admin.createStaff")).click()
    expect(page.get_by_text(S("admin.staffCreated", username="night.desk"))).to_be_visible()

    staff.get_by_label(S("admin.search")).fill("night.desk")
    staff.get_by_label(S("admin.search")).press("Enter")
    row = staff.get_by_role("row").filter(has_text="night.desk")
    expect(row).to_have_count(1)
    row.get_by_label(S("admin.roleFor", name="Night Desk")).select_option(
        label=S("admin.roles.admin"))
    row.get_by_role("button", name=S("admin.changeRole")).click()
    expect(page.get_by_text(S("admin.roleChanged", name="Night Desk",
                              role=S("admin.roles.admin")))).to_be_visible()
    row = staff.get_by_role("row").filter(has_text="night.desk")
    row.get_by_role("button", name=S("admin.deactivate")).click()
    expect(page.get_by_text(S("admin.deactivated", name="Night Desk"))).to_be_visible()
    expect(staff.get_by_role("row").filter(has_text="night.desk")).to_contain_text(
        S("admin.inactive"))


def test_reports_chart_csv_audit_and_a_display_link(signed_in: Any, clinic: Any,
                                                     S: Any) -> None:
    page = signed_in("admin")
    schedules = section(page, S, "schedules", "schedulesHeading")
    schedules.get_by_label(S("admin.doctor")).select_option(index=1)
    expect(schedules.get_by_label(S("admin.slotMinutes"))).to_be_visible()
    PAGES.screen_checked(page, "admin-schedules")

    penalties = section(page, S, "penalties", "penaltiesHeading")
    penalties.get_by_label(S("admin.findPatient")).fill("Amina")
    penalties.get_by_label(S("admin.findPatient")).press("Enter")
    penalties.get_by_role("button", name=re.compile("Amina")).first.click()
    expect(penalties.get_by_role("heading", level=3)).to_be_visible()
    PAGES.screen_checked(page, "admin-penalties")

    reports = section(page, S, "reports", "reportsHeading")
    reports.get_by_label(S("admin.report")).select_option(
        label=S("admin.reportNames.appointments"))
    chart = reports.get_by_role("img", name=pattern(S("admin.chartTitle"),
                                                    report=S("admin.reportNames.appointments")))
    for _ in range(20):  # the report's read model follows the events: a moment after the seed
        reports.get_by_role("button", name=S("admin.showReport")).click()
        try:
            expect(chart).to_be_visible(timeout=1000)
            break
        except AssertionError:
            continue
    expect(chart).to_be_visible()
    assert chart.evaluate("(c) => c.width > 100 && c.height > 100")
    PAGES.screen_checked(page, "admin-reports")
    with page.expect_download() as downloading:
        reports.get_by_role("button", name=S("admin.downloadCsv")).click()
    download = downloading.value
    assert download.suggested_filename.endswith(".csv")
    csv = download.path().read_text(encoding="utf-8")
    assert len(csv.splitlines()) >= 2 and "," in csv.splitlines()[0]

    audit = section(page, S, "audit", "auditHeading")
    expect(audit.get_by_role("row").nth(1)).to_be_visible()  # the seed's own actions
    recorded = clinic.call("admin", "GET", "/audit", params={"limit": 100}).json()["items"]
    action = next((e["action"] for e in recorded if "booked" in e["action"]),
                  recorded[-1]["action"])
    audit.get_by_label(S("admin.auditAction")).fill(action)
    audit.get_by_role("button", name=S("admin.applyFilters")).click()
    rows = audit.get_by_role("row")
    expect(rows.nth(1)).to_contain_text(action)
    expect(rows.filter(has_not_text=action)).to_have_count(1)  # the header only
    PAGES.screen_checked(page, "admin-audit")

    displays = section(page, S, "displays", "displaysHeading")
    displays.get_by_label(S("admin.displayName")).fill("Ground floor")
    doctor = clinic.logins["doctors"][0]["name"]
    displays.get_by_role("checkbox", name=re.compile(re.escape(doctor))).check()
    displays.get_by_role("button", name=S("admin.createDisplay")).click()
    expect(page.get_by_text(S("admin.displayCreated", name="Ground floor"))).to_be_visible()
    qr = displays.get_by_role("img", name=S("admin.qrFor", name="Ground floor"))
    expect(qr).to_be_visible()
    link = displays.get_by_role("link", name=re.compile("token="))
    href = link.get_attribute("href")
    assert href and href.startswith(clinic.base + "/") and href == link.inner_text()
    PAGES.screen_checked(page, "admin-displays")
    screen = page.context.new_page()  # the link opens the waiting-room screen
    screen.goto(href)
    expect(screen.get_by_text(re.compile(re.escape(doctor)))).to_be_visible()
    screen.close()
