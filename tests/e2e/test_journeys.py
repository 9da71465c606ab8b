"""What people do, in a real browser: register with photos, report stolen, check from a phone, switch language, print."""

from __future__ import annotations

import re

from tests.e2e.conftest import photo_file, sign_in


def test_register_an_object_with_two_photos_and_report_it_stolen(page, live_server, tmp_path):
    sign_in(page, live_server)
    page.goto(f"{live_server}/objects/new")
    page.fill("#object_number", "E2E-100")
    page.fill("#object_type", "Statuette")
    page.fill("#materials", "bronze")
    page.fill("#title", "Standing worshipper")
    page.fill("#measurements_text", "H 23 cm")
    page.fill("#inscriptions", "Dedication on the base")
    page.set_input_files("input[type=file][name=photos]", [photo_file(tmp_path, 1, "front.jpg"), photo_file(tmp_path, 2, "back.jpg")])
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r".*/objects/\d+$"))
    assert page.locator(".photos img").count() == 2
    assert "Standing worshipper" in page.inner_text("h1")
    page.click("a[href$='/status']")
    page.select_option("#status", "stolen")
    page.fill("#loss_date", "2025-01-15")
    page.fill("#case_reference", "PJ-2025-001")
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r".*/objects/\d+$"))
    assert page.locator(".status-stolen").count() >= 1
    assert "PJ-2025-001" in page.inner_text(".loss")


def test_check_an_object_from_a_phone(phone, live_server, tmp_path):
    phone.goto(f"{live_server}/check/")
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), "the page scrolls sideways on a phone"
    # saved photos and screenshots can be chosen (a capture attribute would allow the camera only) ...
    assert phone.locator("#photos").get_attribute("capture") is None
    camera = phone.locator("#photos-camera")  # ... and a second control opens the camera at once
    assert camera.get_attribute("capture") == "environment" and camera.get_attribute("name") == "photos"
    assert camera.is_visible()
    phone.set_input_files("#photos-camera", photo_file(tmp_path, 901, "suspect.jpg", shape="vase"))
    phone.click("main form.check-form button[type=submit]")
    phone.wait_for_selector(".verdict-banner")
    assert "verdict-match" in phone.get_attribute(".verdict-banner", "class")
    assert "E2E-STOLEN" in phone.inner_text(".candidates") or "Banquet vase" in phone.inner_text(".candidates")
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_a_computer_shows_one_photo_control(page, live_server):
    page.goto(f"{live_server}/check/")
    assert page.locator("#photos").is_visible() and not page.locator("#photos-camera").is_visible()


def test_switch_language_including_right_to_left(page, live_server):
    page.goto(f"{live_server}/objects/")
    page.click("a[hreflang=fr]")
    page.wait_for_load_state()
    assert page.get_attribute("html", "lang") == "fr"
    page.click("a[hreflang=ar]")
    page.wait_for_load_state()
    assert page.get_attribute("html", "lang") == "ar"
    assert page.get_attribute("html", "dir") == "rtl"
    assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
    brand = page.locator(".brand").bounding_box()
    assert brand["x"] > 1280 / 2, "in Arabic the site name sits on the right"
    page.goto(f"{live_server}/check/")
    assert page.get_attribute("html", "dir") == "rtl", "the choice sticks"


def test_print_the_object_id_sheet_to_pdf(page, live_server):
    page.goto(f"{live_server}/objects/")
    page.click("text=Banquet vase")
    page.wait_for_url(re.compile(r".*/objects/\d+$"))
    page.emulate_media(media="print")
    assert page.evaluate("getComputedStyle(document.querySelector('.site-header')).display") == "none"
    pdf = page.pdf(format="A4", print_background=True)
    assert pdf.startswith(b"%PDF") and len(pdf) > 5_000
