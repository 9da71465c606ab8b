"""The result of a check on a narrow phone: photos stay inside their card, the rank stands level with them."""

from __future__ import annotations

from tests.e2e.conftest import photo_file


def test_result_photos_fit_their_card_on_a_narrow_phone(browser, live_server, tmp_path):
    context = browser.new_context(viewport={"width": 320, "height": 640}, is_mobile=True, has_touch=True)
    phone = context.new_page()
    phone.set_default_timeout(20_000)
    try:
        phone.goto(f"{live_server}/check/")
        phone.set_input_files("#photos-camera", photo_file(tmp_path, 901, "suspect.jpg", shape="vase"))
        phone.click("main form.check-form button[type=submit]")
        phone.wait_for_selector(".candidate img")
        layout = phone.evaluate("""() => [...document.querySelectorAll('.candidate')].map(card => {
            const box = card.getBoundingClientRect();
            const photos = [...card.querySelectorAll('.side-by-side img')].map(img => img.getBoundingClientRect());
            return {left: box.left, right: box.right, top: box.top, scroll: card.scrollWidth, client: card.clientWidth,
                    photos: photos.map(p => ({left: p.left, right: p.right, top: p.top})),
                    rank: getComputedStyle(card, '::before').content};
        })""")
        assert layout, "no candidate shown"
        for card in layout:
            assert card["scroll"] <= card["client"] + 1, "a photo overflows its card"
            for photo in card["photos"]:
                assert card["left"] - 1 <= photo["left"] and photo["right"] <= card["right"] + 1
            assert card["rank"] not in ("none", "normal", "")  # the rank is drawn as the card's first item ...
            assert card["photos"][0]["top"] - card["top"] < 40  # ... beside the photos, not above or under them
    finally:
        context.close()
