"""The pages in English, French, Spanish and Arabic: choosing the language, keeping it, and right-to-left Arabic."""

from __future__ import annotations

import re

from registry.services.objects import create_record


def _record(record_fields, status: str = "stolen"):
    fields = record_fields(status=status)
    institution = fields.pop("institution")
    status_fields = {"status": fields.pop("status")}
    fields.pop("measurements_text", None)
    return create_record(institution, fields, "test", status_fields=status_fields)


def test_english_is_the_default(client):
    page = client.get("/objects/").get_data(as_text=True)
    assert '<html lang="en" dir="ltr">' in page
    assert ">Records</h1>" in page and "Check an object" in page


def test_lang_parameter_gives_french(client):
    page = client.get("/objects/?lang=fr").get_data(as_text=True)
    assert '<html lang="fr" dir="ltr">' in page
    assert ">Notices</h1>" in page and "Listes rouges" in page and "Vérifier un objet" in page
    assert "Texte à rechercher" in page  # a WTForms label (lazy_gettext)
    assert "Tous les statuts" in page and "Volé" in page  # status choices translated at display time


def test_accept_language_gives_spanish(client):
    page = client.get("/objects/", headers={"Accept-Language": "es-ES,es;q=0.9,en;q=0.5"}).get_data(as_text=True)
    assert '<html lang="es" dir="ltr">' in page and ">Registros</h1>" in page and "Verificar un objeto" in page


def test_accept_language_falls_back_to_english(client):
    page = client.get("/objects/", headers={"Accept-Language": "de-DE,de;q=0.9"}).get_data(as_text=True)
    assert '<html lang="en" dir="ltr">' in page


def test_arabic_is_right_to_left(client):
    page = client.get("/objects/?lang=ar").get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in page
    assert "السجلات" in page and "التحقق من قطعة" in page


def test_choice_sticks_in_the_session(client):
    client.get("/check/?lang=fr")
    with client.session_transaction() as session:
        assert session["lang"] == "fr"
    # Later pages, without ?lang and whatever the browser says, stay in French...
    page = client.get("/redlists/", headers={"Accept-Language": "es"}).get_data(as_text=True)
    assert '<html lang="fr"' in page and "Listes rouges" in page
    # ...until another language is chosen.
    page = client.get("/objects/?lang=es").get_data(as_text=True)
    assert '<html lang="es"' in page
    assert '<html lang="es"' in client.get("/objects/").get_data(as_text=True)


def test_unknown_language_is_ignored(client):
    page = client.get("/objects/?lang=xx").get_data(as_text=True)
    assert '<html lang="en"' in page
    with client.session_transaction() as session:
        assert "lang" not in session


def test_language_switch_links_to_the_same_page(client):
    page = client.get("/objects/?q=bronze&lang=fr").get_data(as_text=True)
    switch = page[page.index('class="language-switch"'):]
    switch = switch[:switch.index("</nav>")]
    links = re.findall(r'<a href="([^"]+)" lang="(\w+)" hreflang="(\w+)"( aria-current="true")?>([^<]+)</a>', switch)
    assert [(lang, name) for _, lang, _, _, name in links] == [
        ("en", "English"), ("fr", "Français"), ("es", "Español"), ("ar", "العربية")]
    for href, lang, hreflang, current, _ in links:
        assert href.startswith("/objects/?") and "q=bronze" in href and f"lang={lang}" in href.replace("&amp;", "&")
        assert hreflang == lang and bool(current) == (lang == "fr")


def test_status_labels_and_dates_follow_the_language(client, record_fields):
    record = _record(record_fields)
    french = client.get(f"/objects/{record.id}?lang=fr").get_data(as_text=True)
    assert "Fiche Object ID" in french and "Volé" in french and "Type d'objet" in french
    assert "Enregistrée le" in french
    spanish = client.get(f"/objects/{record.id}?lang=es").get_data(as_text=True)
    assert "Ficha Object ID" in spanish and "Robado" in spanish
    arabic = client.get(f"/objects/{record.id}?lang=ar").get_data(as_text=True)
    assert "بطاقة Object ID" in arabic and "مسروق" in arabic
    english = client.get(f"/objects/{record.id}?lang=en").get_data(as_text=True)
    assert "Object ID sheet" in english and "Stolen" in english


def test_form_errors_are_translated(client, login_as, record_fields):
    login_as("registrar")
    page = client.post("/objects/new?lang=fr", data=record_fields(height="-3", year_from="1900", year_to="1800")).get_data(as_text=True)
    assert "Saisissez un nombre positif." in page
    assert "L'année la plus récente est antérieure à l'année la plus ancienne." in page
    page = client.post("/objects/new?lang=es", data=record_fields(object_type="")).get_data(as_text=True)
    assert "Algunos campos requieren atención" in page


def test_flash_messages_are_translated(client, login_as):
    login_as("dealer")
    client.get("/objects/?lang=es")
    page = client.post("/auth/logout", follow_redirects=True).get_data(as_text=True)
    assert "Ha cerrado la sesión." in page


def test_error_pages_are_translated(client):
    page = client.get("/objects/999999?lang=fr").get_data(as_text=True)
    assert "Introuvable" in page and "Retour aux notices" in page


def test_numbers_follow_the_language(app):
    from flask_babel import refresh

    from registry.templating import format_number, format_year

    # The app fixture keeps one app context (and Flask-Babel's cached locale) across these request contexts.
    with app.test_request_context("/?lang=fr"):
        refresh()
        assert format_number(1.5) == "1,5" and format_number(0.5, 2) == "0,50"
        assert format_year(-3500) == "3500 av. J.-C."
    with app.test_request_context("/?lang=en"):
        refresh()
        assert format_number(1.5) == "1.5" and format_year(-3500) == "3500 BCE"


def test_api_stays_english(client, api_headers):
    answer = client.get("/api/v1/redlists", headers={**api_headers(), "Accept-Language": "fr"})
    assert answer.status_code == 200


def test_check_results_history_and_certificate_render_in_every_language(client, login_as, record_fields, make_image):
    import io

    user = login_as("registrar")
    record = _record(record_fields)
    for lang, word in (("fr", "Historique"), ("es", "Historial"), ("ar", "السجل التاريخي")):
        assert word in client.get(f"/objects/{record.id}/history?lang={lang}").get_data(as_text=True)
    for lang, word in (("fr", "Résultats de la vérification"), ("es", "Resultados de la verificación"), ("ar", "نتائج التحقق")):
        page = client.post(f"/check/?lang={lang}", data={"photos": [(io.BytesIO(make_image(3)), "suspect.jpg")]},
                           content_type="multipart/form-data")
        assert page.status_code == 200 and word in page.get_data(as_text=True)
    from registry.models import Check
    from registry.extensions import db
    from sqlalchemy import select

    check = db.session.scalars(select(Check).where(Check.user_id == user.id)).first()
    issued = client.post(f"/checks/{check.id}/certificate?lang=ar", follow_redirects=True)
    assert issued.status_code == 200 and "رمز التحقق" in issued.get_data(as_text=True)
    assert "Journal des vérifications" in client.get("/check/log?lang=fr").get_data(as_text=True)
