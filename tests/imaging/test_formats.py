"""The photo formats people have: a phone's JPEG with a second picture (MPO), an iPhone's HEIC, a museum's TIFF."""

import io

import numpy as np
import pillow_heif
import pytest
from PIL import Image

from registry.demo.images import draw_object
from registry.imaging import MediaStore, PhotoRejected, decode_photo
from registry.services.objects import create_record
from registry.services.photos import decode_upload


def _encoded(image: Image.Image, fmt: str, **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, **options)
    return buffer.getvalue()


def _same_picture(a: Image.Image, b: Image.Image, tolerance: float) -> bool:
    return a.size == b.size and float(np.abs(np.asarray(a, np.float32) - np.asarray(b, np.float32)).mean()) < tolerance


def test_a_phone_jpeg_carrying_a_second_picture_is_a_jpeg(make_image):
    first = Image.open(io.BytesIO(make_image(1, size=(320, 240))))
    second = Image.new("RGB", (64, 48), "blue")  # the depth map or preview some phones append
    data = _encoded(first, "MPO", save_all=True, append_images=[second])
    assert Image.open(io.BytesIO(data)).format == "MPO"
    photo = decode_photo(data, "IMG_0001.jpg", decode_side=100)
    assert (photo.image_format, photo.extension) == ("MPO", "jpg")
    assert photo.image.size == (160, 120)  # its first picture, decoded at half scale like any JPEG


def test_a_heic_photo_is_decoded_upright_and_stored_with_a_jpeg_display_copy(tmp_path):
    picture = draw_object(3, "vase", "terracotta")
    data = _encoded(picture, "HEIF", quality=90)
    photo = decode_photo(data, "IMG_0002.HEIC")
    assert (photo.image_format, photo.extension) == ("HEIF", "heic")
    assert _same_picture(photo.image.convert("RGB"), picture.convert("RGB"), 6.0)
    store = MediaStore(tmp_path)
    store.save(photo)
    assert store.original_path(photo.sha256, "heic").read_bytes() == data
    with store.open_display(photo.sha256) as display:
        assert display.format == "JPEG"


def test_a_heic_photo_with_another_file_glued_after_it_is_refused():
    data = _encoded(draw_object(4, "coin", "gold"), "HEIF") + b"\x00\x00\x00\x10junk" + b"#!/bin/sh\nrm -rf /\n" * 4
    with pytest.raises(PhotoRejected, match="after the picture"):
        decode_photo(data, "glued.heic")


def test_an_avif_saved_from_a_web_page_is_decoded():
    picture = draw_object(6, "bowl", "ceramic")
    photo = decode_photo(_encoded(picture, "AVIF", quality=85), "lot-112.avif")
    assert (photo.image_format, photo.extension) == ("AVIF", "avif")
    assert _same_picture(photo.image, picture.convert("RGB"), 6.0)
    with pytest.raises(PhotoRejected, match="after the picture"):
        glued = b"\x00\x00\x00\x0cjunk" + b"MZ\x90\x00\x03\x00\x00\x00" * 8  # a program after the picture
        decode_photo(_encoded(picture, "AVIF") + glued, "glued.avif")


def test_a_16_bit_grey_tiff_keeps_its_tones():
    ramp = np.linspace(0, 65535, 64 * 256).reshape(64, 256).astype(np.uint16)  # a scanner's 16-bit master
    photo = decode_photo(_encoded(Image.fromarray(ramp), "TIFF", compression="tiff_lzw"), "master.tif")
    values = np.asarray(photo.image)[..., 0]
    assert photo.extension == "tif" and photo.image.mode == "RGB"
    assert values.min() == 0 and values.max() == 255 and abs(float(values.mean()) - 127.5) < 1.0


def test_a_multi_page_tiff_gives_its_first_page():
    first, second = draw_object(5, "mask", "wood"), Image.new("RGB", (90, 60), "white")
    photo = decode_photo(_encoded(first, "TIFF", save_all=True, append_images=[second]), "pages.tif")
    assert _same_picture(photo.image, first.convert("RGB"), 0.5)


def test_still_refused_formats_name_what_is_accepted():
    with pytest.raises(PhotoRejected, match="GIF images are not accepted; send JPEG, PNG, WebP, HEIC or TIFF"):
        decode_photo(_encoded(Image.new("RGB", (64, 64), "red"), "GIF"), "anim.gif")


def test_an_object_registered_from_a_tiff_is_found_from_an_iphone_photo(app, client, api_headers):
    picture = draw_object(21, "statuette", "bronze")
    create_record("Museum of Testing", {"object_number": "TIFF-1", "object_type": "Statuette", "materials": "bronze"}, "test",
                  photos=[decode_upload(_encoded(picture, "TIFF", compression="tiff_lzw"), "TIFF-1.tif")],
                  filenames=["TIFF-1.tif"], status_fields={"status": "stolen"})
    create_record("Museum of Testing", {"object_number": "OTHER-1", "object_type": "Coin", "materials": "gold"}, "test",
                  photos=[decode_upload(_encoded(draw_object(22, "coin", "gold"), "JPEG"), "OTHER-1.jpg")],
                  filenames=["OTHER-1.jpg"], status_fields={"status": "stolen"})
    phone = picture.rotate(8, expand=True, fillcolor=picture.getpixel((1, 1))).resize((picture.width * 3 // 4, picture.height * 3 // 4))
    response = client.post("/api/v1/checks", data={"photos": [(io.BytesIO(_encoded(phone, "HEIF", quality=70)), "IMG_0003.HEIC")]},
                           content_type="multipart/form-data", headers=api_headers())
    assert response.status_code == 200, response.get_data(as_text=True)
    best = response.get_json()[0]["candidates"][0]
    assert (best["object_number"], best["verdict"]) == ("TIFF-1", "match")
