"""A check's memory budget (issue 24): check photos have their own, lower pixel limit; bodies over the limit are
refused before they are read; a photo is decoded only at the size matching uses, with the pixels matching would
have used, and a large photo that is allowed still finds its object."""

from __future__ import annotations

import io
import re

import numpy as np
import pytest
from PIL import Image
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from registry.demo.images import draw_object
from registry.imaging import PhotoRejected, decode_photo
from registry.matching.imageops import working_array
from registry.matching.signature import QUERY_REDUCE_SIDE
from registry.services.objects import create_record
from registry.services.photos import decode_query_upload, decode_upload

MB = 1024 * 1024


def _encoded(image: Image.Image, fmt: str, **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, **options)
    return buffer.getvalue()


class Untouchable(io.RawIOBase):
    """A request body that counts what is read of it."""

    def __init__(self, size: int) -> None:
        self.size, self.position, self.read_bytes = size, 0, 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self.position

    def seek(self, offset: int, whence: int = 0) -> int:
        self.position = {0: offset, 1: self.position + offset, 2: self.size + offset}[whence]
        return self.position

    def readinto(self, buffer) -> int:
        count = max(0, min(len(buffer), self.size - self.position))
        buffer[:count] = b"\0" * count
        self.position += count
        self.read_bytes += count
        return count


def test_a_check_photo_over_the_check_pixel_limit_is_refused_with_the_reason(app, client, api_headers):
    side = 5100  # 26 megapixels: under a record photo's 40, over a check photo's 25
    data = _encoded(Image.new("RGB", (side, side), (200, 40, 40)), "PNG")
    page = client.post("/check/", data={"photos": [(io.BytesIO(data), "big.png")]}, content_type="multipart/form-data")
    assert page.status_code == 200
    assert "big.png: the image is 5100x5100 pixels, more than the 25 megapixels accepted" in page.get_data(as_text=True)
    assert 'class="check-result"' not in page.get_data(as_text=True)
    french = client.post("/check/?lang=fr", data={"photos": [(io.BytesIO(data), "big.png")]}, content_type="multipart/form-data")
    assert "5100x5100" in french.get_data(as_text=True) and "mégapixels" in french.get_data(as_text=True)
    api = client.post("/api/v1/checks", data={"photos": [(io.BytesIO(data), "big.png")]}, content_type="multipart/form-data",
                      headers=api_headers())
    assert api.status_code == 422
    assert "more than the 25 megapixels accepted" in api.get_json()["error"]


def test_the_check_limit_is_lower_than_a_record_photos(app):
    app.config.update(MAX_CHECK_PHOTO_PIXELS=1_000_000, MAX_PHOTO_PIXELS=3_000_000)
    data = _encoded(draw_object(3, "vase", "terracotta").resize((1600, 1200)), "PNG")
    assert decode_upload(data, "a.png").width == 1600
    with pytest.raises(PhotoRejected, match="1600x1200 pixels, more than the 1 megapixels"):
        decode_query_upload(data, "a.png")


def test_more_photos_than_a_check_takes_are_refused(app, client, api_headers):
    app.config["MAX_PHOTOS_PER_CHECK"] = 2
    data = _encoded(draw_object(3, "vase", "terracotta"), "JPEG")
    photos = [(io.BytesIO(data), f"{i}.jpg") for i in range(3)]
    page = client.post("/check/", data={"photos": photos}, content_type="multipart/form-data").get_data(as_text=True)
    assert "Send at most 2 photos in one check." in page
    api = client.post("/api/v1/checks", data={"photos": [(io.BytesIO(data), f"{i}.jpg") for i in range(3)]},
                      content_type="multipart/form-data", headers=api_headers())
    assert api.status_code == 400 and "at most 2 photos" in api.get_json()["error"]


@pytest.mark.parametrize("path", ["/check/", "/api/v1/checks"])
def test_a_body_declared_over_the_check_limit_gets_413_without_being_read(app, client, api_headers, path):
    body = Untouchable(60 * MB)
    answer = client.post(path, input_stream=body, content_length=60 * MB, content_type="multipart/form-data; boundary=x",
                         headers=api_headers() if path.startswith("/api/") else {})
    assert answer.status_code == 413
    assert body.read_bytes == 0
    if path.startswith("/api/"):
        assert answer.get_json() == {"error": "The upload is too large: at most 50 MB can be sent at once. Send fewer or "
                                              "smaller photos.", "status": 413}
    else:
        assert "at most 50 MB can be sent at once" in answer.get_data(as_text=True)


def test_the_413_page_is_translated(app, client):
    answer = client.post("/check/?lang=fr", input_stream=Untouchable(60 * MB), content_length=60 * MB,
                         content_type="multipart/form-data; boundary=x")
    assert answer.status_code == 413
    assert "50 Mo" in answer.get_data(as_text=True)


def test_the_check_limit_is_its_own_other_bodies_keep_the_general_one(app, client):
    app.config.update(MAX_CHECK_BODY_BYTES=1 * MB, MAX_CONTENT_LENGTH=8 * MB)
    body = Untouchable(2 * MB)
    assert client.post("/check/", input_stream=body, content_length=2 * MB, content_type="multipart/form-data; boundary=x").status_code == 413
    over = Untouchable(9 * MB)
    assert client.post("/auth/login", input_stream=over, content_length=9 * MB,
                       content_type="application/x-www-form-urlencoded").status_code == 413
    assert over.read_bytes == 0


def test_a_body_sent_without_its_length_is_cut_off_at_the_limit(app, client):
    app.config["MAX_CHECK_BODY_BYTES"] = 1 * MB
    body = Untouchable(60 * MB)
    answer = client.post("/check/", input_stream=body, content_type="multipart/form-data; boundary=x",
                         environ_overrides={"HTTP_TRANSFER_ENCODING": "chunked", "wsgi.input_terminated": True})
    assert answer.status_code == 413
    assert body.read_bytes <= 2 * MB


def test_a_photo_over_the_file_limit_is_refused_from_its_size(app, client):
    app.config["MAX_PHOTO_BYTES"] = 1 * MB
    page = client.post("/check/", **_multipart(b"\xff" * (3 * MB // 2), "huge.jpg")).get_data(as_text=True)
    assert "huge.jpg: the file is too large (1.5 MB); the limit is 1 MB." in page


def _multipart(photo: bytes, filename: str) -> dict:
    """A request body of one photo, encoded here: the test client's own encoding of a file this large leaves a
    temporary file open (a ResourceWarning)."""
    boundary, body = encode_multipart(MultiDict({"photos": FileStorage(io.BytesIO(photo), filename)}))
    return {"input_stream": io.BytesIO(body), "content_type": f"multipart/form-data; boundary={boundary}"}


def _same_pixels_as_the_matcher_would_use(data: bytes, decode_side: int | None = None) -> None:
    whole = decode_photo(data, max_pixels=50_000_000, decode_side=decode_side).image
    reduced = decode_photo(data, max_pixels=50_000_000, decode_side=decode_side, reduce_side=QUERY_REDUCE_SIDE).image
    assert max(reduced.size) < max(whole.size) and max(reduced.size) >= QUERY_REDUCE_SIDE
    assert np.array_equal(working_array(whole, QUERY_REDUCE_SIDE), working_array(reduced, QUERY_REDUCE_SIDE))


def test_a_reduced_decode_hands_the_matcher_the_pixels_it_would_have_made_itself():
    picture = draw_object(21, "vase", "terracotta").resize((4608, 3456))
    _same_pixels_as_the_matcher_would_use(_encoded(picture, "PNG"))
    _same_pixels_as_the_matcher_would_use(_encoded(picture, "WEBP", lossless=True))
    _same_pixels_as_the_matcher_would_use(_encoded(picture, "JPEG", quality=90), decode_side=1280)
    grey16 = Image.fromarray(np.asarray(picture.convert("L"), dtype=np.uint16) * 257)
    assert grey16.mode == "I;16"
    _same_pixels_as_the_matcher_would_use(_encoded(grey16, "TIFF", compression="tiff_deflate"))
    exif = Image.Exif()
    exif[0x0112] = 6  # shot turned: shown rotated a quarter turn
    _same_pixels_as_the_matcher_would_use(_encoded(picture, "PNG", exif=exif))


def test_a_large_photo_that_is_allowed_still_finds_its_object(app, client, api_headers):
    picture = draw_object(12, "statuette", "bronze")
    record = create_record("Museum of Testing", {"object_number": "M-12", "object_type": "Statuette", "materials": "bronze"},
                           "test", photos=[decode_upload(_encoded(picture, "JPEG", quality=90), "12.jpg")],
                           filenames=["12.jpg"], status_fields={"status": "stolen"})
    large = _encoded(picture.resize((5400, 4050), Image.Resampling.BICUBIC), "PNG")  # 21.9 megapixels
    api = client.post("/api/v1/checks", headers=api_headers(), **_multipart(large, "large.png"))
    assert api.status_code == 200
    [answer] = api.get_json()
    assert answer["candidates"][0]["record_id"] == record.id and answer["candidates"][0]["verdict"] == "match"
    page = client.post("/check/", **_multipart(large, "large.png"))
    text = page.get_data(as_text=True)
    assert f'href="/objects/{record.id}"' in text and "Match:" in text
    assert re.search(r'src="data:image/jpeg;base64,[A-Za-z0-9+/=]{100,}"', text)
