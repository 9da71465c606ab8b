"""axe-core (through Playwright) finds no WCAG 2 A/AA violation on the main pages."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.e2e.conftest import sign_in

PAGES = ["/objects/", "/check/", "/redlists/", "/redlists/lookup?text=cylinder+seal", "/auth/login", "/auth/forgot",
         "/auth/reset/not-a-link", "/verify"]
SIGNED_IN_PAGES = ["/objects/new", "/account/", "/account/tokens"]


def _violations(page) -> list[str]:
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}})
    return [f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}" for v in results.response["violations"]]


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_main_pages_have_no_accessibility_violations(page, live_server, lang):
    found = {}
    page.goto(f"{live_server}/objects/?lang={lang}")
    sheet = page.locator(".record-card a").first.get_attribute("href")
    for path in [*PAGES, sheet]:
        page.goto(f"{live_server}{path}")
        problems = _violations(page)
        if problems:
            found[path] = problems
    sign_in(page, live_server)
    for path in SIGNED_IN_PAGES:
        page.goto(f"{live_server}{path}")
        problems = _violations(page)
        if problems:
            found[path] = problems
    assert not found, "\n".join(f"{path}: {p}" for path, problems in found.items() for p in problems)
