"""In a real browser: each role meets the doors it may open, and the certificate PDF a dealer files reads right
(its first page rendered by pdfium, its text read back, its QR code decoded and followed)."""

from __future__ import annotations

import re

import pypdfium2
import pytest

from tests.e2e.conftest import photo_file, sign_in


def _menu(page) -> str:
    return page.inner_text("nav[aria-label=Main]")


def test_a_visitor_finds_three_doors_and_who_may_register(page, live_server):
    page.goto(f"{live_server}/")
    doors = page.locator(".door")
    assert doors.count() == 3
    assert [doors.nth(n).locator("h2").inner_text() for n in range(3)] == [
        "Check an object", "Look up the Red Lists", "Register your collection"]
    assert "Register an object" not in _menu(page)
    doors.nth(2).get_by_role("link").click()
    page.wait_for_url("**/register")
    assert "registrars of museums" in page.inner_text("main")
    page.goto(f"{live_server}/")
    doors.nth(0).get_by_role("link").click()
    page.wait_for_url("**/check/")


def test_a_registrar_sees_the_register_door_and_the_institutions_work(page, live_server):
    sign_in(page, live_server)
    assert "Your institution’s records" in page.inner_text("main")
    assert "E2E-STOLEN" in page.inner_text(".work")  # to finish: one view, no case reference
    assert "Register an object" in _menu(page)
    page.click("nav[aria-label=Main] >> text=Register an object")
    page.wait_for_url("**/objects/new")
    assert page.locator("#object_number").is_visible()


def test_an_officer_sees_the_agencys_checks_and_hits(page, live_server, tmp_path):
    sign_in(page, live_server, "officer@e2e.example")
    assert "Register an object" not in _menu(page)
    page.goto(f"{live_server}/check/")
    page.set_input_files("#photos", photo_file(tmp_path, 901, "seized.jpg", shape="vase"))
    page.click("main form.check-form button[type=submit]")
    page.wait_for_selector(".verdict-banner")
    found = page.inner_text("main")  # the match says whom to call, and the police case to quote
    assert "E2E-STOLEN" in found and "stolen@testing.example" in found and "POL-E2E-0042" in found
    page.goto(f"{live_server}/account/")
    work = page.inner_text(".work")
    assert "Checks of E2E Customs" in work and "E2E-STOLEN" in work and "Match" in work


def test_a_dealer_is_told_who_may_register_and_files_a_certificate(page, live_server, tmp_path):
    sign_in(page, live_server, "dealer@e2e.example")
    assert "Register an object" not in _menu(page)
    response = page.goto(f"{live_server}/objects/new")
    assert response.status == 403
    assert "may not register objects" in page.inner_text("main") and page.locator("main a[href='/check/']").count() >= 1
    page.goto(f"{live_server}/check/?lang=fr")
    page.set_input_files("#photos", photo_file(tmp_path, 901, "lot-9.jpg", shape="vase"))
    page.click("main form.check-form details summary")
    page.fill("#description", "vase en terre cuite")
    page.click("main form.check-form button[type=submit]")
    page.wait_for_selector(".verdict-banner")
    page.click("main form[action*='/certificate'] button[type=submit]")
    page.wait_for_url(re.compile(r".*/certificates/DD-\d{4}-\d{6}$"))
    number = page.url.rsplit("/", 1)[1]
    pdf = page.request.get(f"{live_server}/certificates/{number}.pdf")
    assert pdf.ok and pdf.headers["content-type"] == "application/pdf"
    first_page = pypdfium2.PdfDocument(pdf.body())[0]
    text = first_page.get_textpage().get_text_range()
    assert "Registre Object ID" in text and f"Certificat {number}" in text
    assert "Correspondance" in text and "E2E-STOLEN" in text and "lot-9.jpg" in text
    assert "vase en terre cuite" in text
    image = first_page.render(scale=2.5).to_pil()
    assert image.size[0] > 1400
    zxingcpp = pytest.importorskip("zxingcpp")
    codes = [code.text for code in zxingcpp.read_barcodes(image)]
    assert len(codes) == 1 and codes[0].startswith(f"{live_server}/verify/")
    document = pypdfium2.PdfDocument(pdf.body())
    printed = "".join(document[n].get_textpage().get_text_range() for n in range(len(document)))
    assert codes[0].rsplit("/", 1)[1] in printed  # the code printed under "Verification" is the one the QR opens
    page.goto(codes[0])
    assert "authentique" in page.inner_text("main").lower() or "genuine" in page.inner_text("main").lower()
