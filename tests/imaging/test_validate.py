"""Photo validation: every kind of bad file is rejected with a reason; good photos come out upright."""

import io
import struct
import zlib

import pytest
from PIL import Image

from registry.imaging import MediaStore, PhotoRejected, decode_photo


def test_good_jpeg_is_decoded_with_its_hash(make_image):
    data = make_image(1)
    photo = decode_photo(data, "a.jpg")
    assert photo.image_format == "JPEG"
    assert (photo.width, photo.height) == (320, 240)
    assert len(photo.sha256) == 64


def test_not_an_image_is_rejected():
    with pytest.raises(PhotoRejected, match="not an image"):
        decode_photo(b"%PDF-1.4 this is a document, not a photo" * 10, "doc.jpg")


def test_empty_file_is_rejected():
    with pytest.raises(PhotoRejected, match="empty"):
        decode_photo(b"", "empty.jpg")


def test_truncated_image_is_rejected(make_image):
    data = make_image(2, size=(640, 480))
    with pytest.raises(PhotoRejected, match="truncated or damaged"):
        decode_photo(data[: len(data) // 2], "cut.jpg")


def test_too_large_file_is_rejected(make_image):
    data = make_image(3)
    with pytest.raises(PhotoRejected, match="too large"):
        decode_photo(data, "big.jpg", max_bytes=len(data) - 1)


def _png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims huge dimensions, as a decompression bomb does."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    rows = zlib.compress(b"\x00" * (1 + (width + 7) // 8) * 64)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", rows) + chunk(b"IEND", b"")


def test_decompression_bomb_is_rejected_before_decoding():
    bomb = _png_claiming(60_000, 60_000)
    assert len(bomb) < 10_000
    with pytest.raises(PhotoRejected, match="decompression bomb|not an image"):
        decode_photo(bomb, "bomb.png")


def test_pixel_limit_is_enforced(make_image):
    data = make_image(4, size=(400, 300))
    with pytest.raises(PhotoRejected, match="megapixels"):
        decode_photo(data, "x.jpg", max_pixels=100_000)


def test_tiny_image_is_rejected():
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buffer, format="PNG")
    with pytest.raises(PhotoRejected, match="too small"):
        decode_photo(buffer.getvalue(), "dot.png")


@pytest.mark.parametrize("size", [(8000, 16), (16, 8000), (3300, 32)])
def test_a_strip_too_thin_to_show_an_object_is_rejected(size):
    """A 16 x 8 000 strip kept no row at the 640 px a check describes and made it fail with HTTP 500."""
    buffer = io.BytesIO()
    Image.new("RGB", size, "grey").save(buffer, format="PNG")
    with pytest.raises(PhotoRejected, match="strip"):
        decode_photo(buffer.getvalue(), "strip.png")


def test_a_long_object_laid_out_is_not_a_strip():
    buffer = io.BytesIO()
    Image.new("RGB", (3200, 32), "grey").save(buffer, format="PNG")  # 100 times as long as wide: a scroll's edge
    assert decode_photo(buffer.getvalue(), "scroll.png").image.size == (3200, 32)


def _exif(orientation: int | None = None, gps: bool = False) -> Image.Exif:
    exif = Image.Exif()
    if orientation:
        exif[0x0112] = orientation
    if gps:
        exif[0x8825] = {1: "N", 2: (48.0, 51.0, 24.0), 3: "E", 4: (2.0, 21.0, 3.0)}
    return exif


def test_exif_orientation_is_applied(make_image):
    data = make_image(6, size=(320, 240), exif=_exif(orientation=6))
    photo = decode_photo(data, "rotated.jpg")
    assert (photo.width, photo.height) == (240, 320)


def test_served_copies_carry_no_gps_or_exif(make_image, tmp_path):
    data = make_image(7, exif=_exif(gps=True))
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(0x8825), "the test photo must carry GPS"
    photo = decode_photo(data, "gps.jpg")
    store = MediaStore(tmp_path)
    store.save(photo)
    for kind in ("display", "thumb"):
        with Image.open(store.path(kind, photo.sha256)) as served:
            assert not served.getexif().get_ifd(0x8825)
            assert "exif" not in served.info
    assert store.original_path(photo.sha256, "jpg").read_bytes() == data


def test_same_bytes_are_stored_once(make_image, tmp_path):
    photo = decode_photo(make_image(8), "a.jpg")
    store = MediaStore(tmp_path)
    store.save(photo)
    store.save(photo)
    assert len(list((tmp_path / "originals").rglob("*.jpg"))) == 1


def test_media_paths_accept_only_hashes(tmp_path):
    store = MediaStore(tmp_path)
    with pytest.raises(ValueError):
        store.path("display", "../../etc/passwd")
    with pytest.raises(ValueError):
        store.path("originals", "a" * 64)


def test_large_jpeg_for_a_check_is_decoded_at_a_reduced_scale(make_image):
    data = make_image(4, size=(4000, 3000))
    whole = decode_photo(data, "phone.jpg")
    reduced = decode_photo(data, "phone.jpg", decode_side=1280)
    assert (whole.width, whole.height) == (4000, 3000)
    assert (reduced.width, reduced.height) == (2000, 1500)  # half scale: the smallest that keeps both sides >= 1280
    assert reduced.sha256 == whole.sha256 and reduced.data == data  # the bytes kept as evidence are the upload's


def test_reduced_scale_decoding_still_rejects_a_truncated_jpeg(make_image):
    data = make_image(5, size=(4000, 3000))
    with pytest.raises(PhotoRejected, match="truncated or damaged"):
        decode_photo(data[: len(data) * 2 // 3], "cut.jpg", decode_side=1280)


def test_reduced_scale_leaves_png_and_small_jpeg_whole(make_image):
    assert decode_photo(make_image(6, fmt="PNG", size=(3000, 2000)), "a.png", decode_side=1280).width == 3000
    assert decode_photo(make_image(7, size=(1600, 1200)), "b.jpg", decode_side=1280).width == 1600
