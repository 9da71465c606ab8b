"""The media store unwritable (503) or full (507): a clear answer, nothing half-written in the database, no temporary
file left behind; a check still answers, and its log says the photo was not kept.

How the faults are made, as root in a plain container (where chmod does not stop root):
- unwritable: a media folder whose path goes through a regular file (every write fails with ENOTDIR);
- full: RLIMIT_FSIZE lowered in this process with SIGXFSZ ignored (writes past the limit fail with EFBIG), which
  needs no privilege; where mounting is allowed, also a tiny tmpfs filled up (ENOSPC) and a read-only one (EROFS),
  skipped with the reason elsewhere.
The file size limit applies to every file the process writes: the test client's request bodies are built in memory,
and the apps of the media store's own tests keep uploads in memory (Werkzeug spools a large one to a temporary
file, which a full disk refuses first: that case has its own test).
"""

from __future__ import annotations

import gc
import io
import warnings

import numpy as np
import pytest
from flask import Request
from PIL import Image
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from registry.demo.images import draw_object
from registry.errors import MEDIA_FULL, MEDIA_UNWRITABLE
from registry.extensions import db
from registry.imaging import MediaStore, MediaStoreFull, MediaStoreUnwritable, decode_photo
from registry.models import Check, ObjectRecord, Photo
from tests.faults.conftest import file_size_limit, leftover_temporary_files, sign_in, tmpfs, token_for

LIMIT = 2 * 1024 * 1024  # bytes a file may reach under file_size_limit: more than the test database, less than a photo


def _noise_png(seed: int = 1, size: tuple[int, int] = (1400, 1000)) -> bytes:
    """A photo whose file is larger than LIMIT (noise does not compress): ~4 MB."""
    pixels = np.random.default_rng(seed).integers(0, 256, (size[1], size[0], 3), dtype=np.uint8)
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, format="PNG", compress_level=1)
    assert len(buffer.getvalue()) > LIMIT
    return buffer.getvalue()


def _object_jpeg(seed: int = 5) -> bytes:
    buffer = io.BytesIO()
    draw_object(seed, "vase", "bronze").save(buffer, format="JPEG")
    return buffer.getvalue()


@pytest.fixture
def unwritable_media(tmp_path):
    """A media folder path that runs through a regular file."""
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the media folder's parent should be")
    return blocker / "media"


def _counts(app) -> tuple[int, int]:
    with app.app_context():
        counts = (db.session.scalar(select(func.count()).select_from(ObjectRecord)),
                  db.session.scalar(select(func.count()).select_from(Photo)))
        db.session.remove()
    return counts


def _registered_record(app, headers) -> int:
    created = app.test_client().post("/api/v1/records", json={"object_number": "M-1", "object_type": "Vase"}, headers=headers)
    assert created.status_code == 201, created.get_json()
    return created.get_json()["id"]


class _UploadsInMemory(Request):
    """Uploads parsed into memory, not a temporary file: under file_size_limit only the media store writes files."""

    def _get_file_stream(self, *args, **kwargs):
        return io.BytesIO()


def _in_memory_uploads(app):
    app.request_class = _UploadsInMemory
    return app


def _post_photos(client, url: str, photos: list[tuple[bytes, str]], headers=None, fields: dict | None = None):
    """POST multipart `photos` (and fields) with the body built in memory."""
    values = [(name, value) for name, value in (fields or {}).items()]
    values += [("photos", FileStorage(io.BytesIO(content), filename=filename)) for content, filename in photos]
    from werkzeug.datastructures import MultiDict

    boundary, body = encode_multipart(MultiDict(values))
    return client.post(url, data=body, content_type=f"multipart/form-data; boundary={boundary}", headers=headers or {})


# The store on its own


def test_a_folder_that_cannot_be_written_is_told_as_such(unwritable_media):
    store = MediaStore(unwritable_media)
    with pytest.raises(MediaStoreUnwritable, match="cannot be written"):
        store.save(decode_photo(_object_jpeg()))
    with pytest.raises(MediaStoreUnwritable):
        store.check_writable()
    assert str(unwritable_media) not in str(MediaStoreUnwritable)


def test_a_write_past_the_room_left_is_full_and_leaves_no_temporary_file(tmp_path):
    store = MediaStore(tmp_path / "media")
    photo = decode_photo(_noise_png())
    with file_size_limit(LIMIT), pytest.raises(MediaStoreFull, match="full"):
        store.save(photo)
    assert leftover_temporary_files(tmp_path / "media") == []
    assert not store.original_path(photo.sha256, photo.extension).exists()
    store.save(photo)  # room again: stored whole
    assert store.original_path(photo.sha256, photo.extension).read_bytes() == photo.data


def test_a_full_file_system_leaves_no_temporary_file(tmp_path):
    media = tmpfs(tmp_path / "small", "256k")
    with media as root:
        store = MediaStore(root)
        with pytest.raises(MediaStoreFull, match="No space left on device"):
            store.save(decode_photo(_noise_png()))
        assert leftover_temporary_files(root) == []


def test_a_read_only_file_system_is_unwritable(tmp_path):
    with tmpfs(tmp_path / "readonly", "256k", read_only=True) as root:
        with pytest.raises(MediaStoreUnwritable, match="Read-only file system"):
            MediaStore(root).save(decode_photo(_object_jpeg()))


# Registering photos: refused whole, nothing in the database


def test_registering_with_an_unwritable_store_is_503_and_saves_nothing(serve, unwritable_media, record_fields):
    app = serve(MEDIA_DIR=str(unwritable_media))
    _, email = app.make_user("admin")
    client = app.test_client()
    sign_in(client, email)
    data = {**record_fields(), "photos": [(io.BytesIO(_object_jpeg()), "front.jpg")]}
    response = client.post("/objects/new", data=data, content_type="multipart/form-data", headers={"Accept-Language": "es"})
    assert response.status_code == 503 and int(response.headers["Retry-After"]) > 0
    page = response.get_data(as_text=True)
    assert "Servicio no disponible" in page and "no se puede escribir en su almacenamiento de fotos" in page
    assert 'action="/auth/logout"' in page  # the database is fine: the page still shows who is signed in
    assert _counts(app) == (0, 0)
    api = client.post("/api/v1/records", json={"object_number": "M-1", "object_type": "Vase"},
                      headers=token_for(app, app.make_user("registrar")[0]))
    assert api.status_code == 201  # a record without photos needs no media store


def test_adding_photos_through_the_api_to_a_full_store_is_507_and_saves_nothing(serve, tmp_path):
    app = _in_memory_uploads(serve())
    headers = token_for(app, app.make_user("registrar")[0])
    record_id = _registered_record(app, headers)
    client = app.test_client()
    with file_size_limit(LIMIT):
        response = _post_photos(client, f"/api/v1/records/{record_id}/photos", [(_noise_png(), "p.png")], headers)
    assert response.status_code == 507
    assert response.get_json() == {"error": MEDIA_FULL, "status": 507}
    assert "Retry-After" not in response.headers
    assert _counts(app) == (1, 0)
    assert leftover_temporary_files(tmp_path / "media") == []
    again = _post_photos(client, f"/api/v1/records/{record_id}/photos", [(_noise_png(), "p.png")], headers)
    assert again.status_code == 201 and _counts(app) == (1, 1)  # room again: the same request succeeds


def test_adding_photos_to_an_unwritable_store_is_503_json(serve, unwritable_media):
    app = serve(MEDIA_DIR=str(unwritable_media))
    headers = token_for(app, app.make_user("registrar")[0])
    record_id = _registered_record(app, headers)
    response = _post_photos(app.test_client(), f"/api/v1/records/{record_id}/photos", [(_object_jpeg(), "a.jpg")], headers)
    assert response.status_code == 503 and int(response.headers["Retry-After"]) > 0
    assert response.get_json() == {"error": MEDIA_UNWRITABLE, "status": 503}
    assert _counts(app) == (1, 0)


def test_a_full_file_system_through_the_api_is_507(serve, tmp_path):
    with tmpfs(tmp_path / "small", "256k") as root:
        app = serve(MEDIA_DIR=str(root / "media"))
        headers = token_for(app, app.make_user("registrar")[0])
        record_id = _registered_record(app, headers)
        response = _post_photos(app.test_client(), f"/api/v1/records/{record_id}/photos", [(_noise_png(), "p.png")], headers)
        assert response.status_code == 507 and response.get_json()["status"] == 507
        assert _counts(app) == (1, 0) and leftover_temporary_files(root) == []


def test_an_upload_the_full_disk_cannot_even_receive_is_507_not_500(serve, tmp_path):
    app = serve()  # Werkzeug spools an upload over 500 KB to a temporary file: that write fails first
    headers = token_for(app, app.make_user("registrar")[0])
    record_id = _registered_record(app, headers)
    # Werkzeug leaves the temporary file of a parse that failed to the garbage collector, which warns as it closes it.
    with file_size_limit(LIMIT), warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        response = _post_photos(app.test_client(), f"/api/v1/records/{record_id}/photos", [(_noise_png(), "p.png")], headers)
        gc.collect()
    assert response.status_code == 507 and response.get_json() == {"error": MEDIA_FULL, "status": 507}
    assert _counts(app) == (1, 0)


# Checks: the answer is given, the log says the photo was not kept


def _logged_check(app) -> dict:
    with app.app_context():
        check = db.session.scalar(select(Check).order_by(Check.id.desc()))
        logged = {"id": check.id, "query_photos": check.query_photos, "results": check.results}
        db.session.remove()
    return logged


def test_a_check_with_a_full_store_still_answers_and_the_log_says_the_photo_was_not_kept(serve, tmp_path):
    app = _in_memory_uploads(serve())
    _, email = app.make_user("law_enforcement")
    client = app.test_client()
    sign_in(client, email)
    with file_size_limit(LIMIT):
        page = _post_photos(client, "/check/", [(_noise_png(2), "suspect.png")], {"Accept-Language": "fr"})
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "n’a pas pu conserver 1 photo soumise" in text
    logged = _logged_check(app)
    assert logged["query_photos"][0]["kept"] is False and logged["query_photos"][0]["not_kept"] == "full"
    assert logged["query_photos"][0]["sha256"] and logged["query_photos"][0]["hashes"]
    assert leftover_temporary_files(tmp_path / "media") == []
    shown = client.get(f"/check/{logged['id']}?lang=en").get_data(as_text=True)
    assert "This photo was not kept with the check" in shown


def test_an_api_check_with_an_unwritable_store_answers_with_a_header(serve, unwritable_media):
    app = serve(MEDIA_DIR=str(unwritable_media))
    headers = token_for(app, app.make_user("law_enforcement")[0])
    client = app.test_client()
    response = _post_photos(client, "/api/v1/checks", [(_object_jpeg(2), "a.jpg"), (_object_jpeg(3), "b.jpg")], headers)
    assert response.status_code == 200 and len(response.get_json()) == 2, response.get_json()
    assert response.headers["X-Photos-Not-Kept"] == "2"
    logged = client.get("/api/v1/checks", headers=headers).get_json()[0]
    assert [p["not_kept"] for p in logged["query_photos"]] == ["unwritable", "unwritable"]


def test_a_check_whose_photos_are_kept_says_so(serve, tmp_path):
    app = serve()
    headers = token_for(app, app.make_user("law_enforcement")[0])
    response = _post_photos(app.test_client(), "/api/v1/checks", [(_object_jpeg(), "a.jpg")], headers)
    assert response.status_code == 200 and "X-Photos-Not-Kept" not in response.headers
    assert _logged_check(app)["query_photos"][0]["kept"] is True
    assert list((tmp_path / "media" / "originals").rglob("*.jpg"))


# The command line


def test_an_import_stops_with_a_clear_message_when_the_store_cannot_be_written(serve, unwritable_media, tmp_path):
    app = serve(MEDIA_DIR=str(unwritable_media))
    photos = tmp_path / "photos"
    photos.mkdir()
    (photos / "a.jpg").write_bytes(_object_jpeg())
    csv = tmp_path / "objects.csv"
    csv.write_text("object_number,object_type,photos\nI-1,Vase,a.jpg\nI-2,Vase,a.jpg\n")
    with app.app_context():  # as the `registry` command runs it
        result = app.test_cli_runner().invoke(args=["import-objects", str(csv), "--photos", str(photos), "--institution", "Museum", "--create-institution"])
        db.session.remove()
    assert result.exit_code == 1
    assert "the media store cannot be written (Not a directory): the import stopped at this row" in result.output
    assert _counts(app) == (0, 0)
