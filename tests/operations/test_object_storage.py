"""Photos on object storage (issue 27): the storage interface on a local folder and on S3, the app serving and
checking photos kept in S3, and `registry media migrate` from a folder to S3, resumably.

The S3 endpoint is moto's standalone server (`moto_server`, from the `moto[server]` package), started by these
tests on 127.0.0.1: a real S3 protocol server over HTTP, reached by boto3 like AWS S3, MinIO or Ceph. The
registry's code knows nothing of moto.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from sqlalchemy import select

from registry.extensions import db
from registry.storage import LocalFolder, MediaStoreUnwritable, StoredFileMissing, open_storage
from tests.operations.conftest import another_view, object_photo


def _moto_server() -> str | None:
    return shutil.which("moto_server") or next(
        (str(p) for p in [Path(sys.executable).parent / "moto_server"] if p.exists()), None)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def s3_endpoint(tmp_path_factory):
    """An S3 protocol server on loopback (moto's standalone server), for this module's tests."""
    binary = _moto_server()
    if binary is None:
        pytest.skip("moto_server is not installed (pip install 'moto[server]'): no S3 endpoint to test against")
    port = _free_port()
    log = (tmp_path_factory.mktemp("moto") / "server.log").open("w")
    server = subprocess.Popen([binary, "-H", "127.0.0.1", "-p", str(port)], stdout=log, stderr=subprocess.STDOUT)
    endpoint = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail("the S3 endpoint did not start")
        yield endpoint
    finally:
        server.terminate()
        server.wait(10)
        log.close()


@pytest.fixture
def bucket(s3_endpoint, monkeypatch):
    """A new, empty bucket; boto3 given test credentials through its usual environment variables."""
    import boto3

    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "registry-test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "registry-test-secret")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    name = f"registry-{uuid.uuid4().hex[:12]}"
    boto3.client("s3", endpoint_url=s3_endpoint).create_bucket(Bucket=name)
    return name


@pytest.fixture(params=["local", "s3"])
def storage(request, tmp_path):
    if request.param == "local":
        return LocalFolder(tmp_path / "files")
    endpoint, name = request.getfixturevalue("s3_endpoint"), request.getfixturevalue("bucket")
    return open_storage(f"s3://{name}/registry/photos", endpoint_url=endpoint)


def test_both_backends_keep_list_and_remove_files_alike(storage):
    assert list(storage.keys()) == []
    storage.put("originals/ab/ab12.jpg", b"original bytes")
    storage.put("thumb/ab/ab12.jpg", b"thumbnail")
    assert storage.get("originals/ab/ab12.jpg") == b"original bytes"
    assert storage.exists("thumb/ab/ab12.jpg") and not storage.exists("display/ab/ab12.jpg")
    assert sorted(storage.keys()) == ["originals/ab/ab12.jpg", "thumb/ab/ab12.jpg"]
    assert list(storage.keys("thumb/")) == ["thumb/ab/ab12.jpg"]
    with pytest.raises(StoredFileMissing):
        storage.get("display/ab/ab12.jpg")
    storage.delete("thumb/ab/ab12.jpg")
    storage.delete("thumb/ab/ab12.jpg")  # nothing there: no error
    assert list(storage.keys()) == ["originals/ab/ab12.jpg"]
    storage.check_writable()
    assert list(storage.keys()) == ["originals/ab/ab12.jpg"]  # the probe leaves nothing


def test_an_unreachable_object_store_is_a_503_and_not_ready(app, client, login_as, record_fields, monkeypatch):
    from registry.models import ObjectRecord

    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "x")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "y")
    port = _free_port()  # nothing listens there
    store = open_storage("s3://nowhere/photos", endpoint_url=f"http://127.0.0.1:{port}", region="us-east-1")
    with pytest.raises(MediaStoreUnwritable, match=r"cannot be written \(EndpointConnectionError\)") as caught:
        store.put("originals/ab/ab12.jpg", b"x")
    assert str(port) not in str(caught.value)  # the cause, never the address

    app.config.update(MEDIA_STORE="s3://nowhere/photos", S3_ENDPOINT_URL=f"http://127.0.0.1:{port}", S3_REGION="us-east-1")
    login_as("registrar")
    form = record_fields(photos=[(io.BytesIO(object_photo(33)), "a.jpg")])
    response = client.post("/objects/new", data=form, content_type="multipart/form-data")
    assert response.status_code == 503 and response.headers.get("Retry-After")
    assert db.session.scalar(select(ObjectRecord)) is None  # nothing saved
    assert client.get("/readyz").get_json()["checks"]["media"]["ok"] is False


@pytest.fixture
def s3_app(app_config, s3_endpoint, bucket, tmp_path):
    """The app with its photos in the S3 bucket (REGISTRY_MEDIA_STORE), its local media folder never used."""
    from tests.conftest import app_with_empty_schema

    yield from app_with_empty_schema(dict(app_config, MEDIA_STORE=f"s3://{bucket}/media", S3_ENDPOINT_URL=s3_endpoint,
                                          MEDIA_DIR=str(tmp_path / "unused-media")))


def test_the_registry_keeps_serves_and_checks_photos_in_s3(s3_app, bucket, s3_endpoint, tmp_path):
    import boto3

    from registry.models import Photo
    from registry.services.checks import QueryPhoto, run_check
    from registry.services.objects import create_record
    from registry.services.photos import decode_query_upload, decode_stored, decode_upload

    record = create_record("Museum of Testing", {"object_number": "S3-1", "object_type": "Vase"}, "test",
                           photos=[decode_upload(object_photo(31), "s3.jpg")], filenames=["s3.jpg"],
                           status_fields={"status": "stolen"})
    photo = record.current_photos[0]
    objects = {item["Key"] for item in boto3.client("s3", endpoint_url=s3_endpoint).list_objects_v2(Bucket=bucket)["Contents"]}
    assert objects == {f"media/originals/{photo.sha256[:2]}/{photo.sha256}.jpg",
                       f"media/display/{photo.sha256[:2]}/{photo.sha256}.jpg",
                       f"media/thumb/{photo.sha256[:2]}/{photo.sha256}.jpg"}
    assert not (tmp_path / "unused-media").exists()

    served = s3_app.test_client().get(f"/media/display/{photo.sha256}.jpg")
    assert served.status_code == 200 and served.mimetype == "image/jpeg"
    from PIL import Image

    assert Image.open(io.BytesIO(served.data)).format == "JPEG"
    assert decode_stored(db.session.get(Photo, photo.id)).sha256 == photo.sha256  # reindexing reads S3's original

    _, results = run_check([QueryPhoto("q.jpg", decode_query_upload(another_view(31), "q.jpg"))], {}, "test", "web",
                           keep_photos=True)
    assert results[0]["candidates"][0]["record_id"] == record.id
    assert s3_app.test_client().get("/readyz").get_json()["checks"]["media"] == {"ok": True}


def test_media_migrate_copies_every_file_to_s3_and_resumes(app, runner, register, s3_endpoint, bucket):
    import boto3

    from registry.services.photos import media_store

    register("M-1", [41, 42])
    local_keys = sorted(media_store().storage.keys())
    assert len(local_keys) == 6
    destination = f"s3://{bucket}/photos"
    args = ["media", "migrate", "--to", destination, "--endpoint-url", s3_endpoint, "--json"]
    first = runner.invoke(args=args)
    assert first.exit_code == 0, first.output
    assert json.loads(first.stdout)["copied"] == 6

    s3 = boto3.client("s3", endpoint_url=s3_endpoint)
    s3.delete_object(Bucket=bucket, Key=f"photos/{local_keys[0]}")  # as if the first run had stopped before it
    register("M-2", [43])  # written locally meanwhile
    resumed = json.loads(runner.invoke(args=args).stdout)
    assert (resumed["copied"], resumed["already_there"]) == (4, 5)
    assert json.loads(runner.invoke(args=args).stdout)["copied"] == 0

    target = open_storage(destination, endpoint_url=s3_endpoint)
    assert sorted(target.keys()) == sorted(media_store().storage.keys())
    assert all(target.get(key) == media_store().storage.get(key) for key in target.keys())

    # the registry switched to S3 serves every photo from there
    app.config.update(MEDIA_STORE=destination, S3_ENDPOINT_URL=s3_endpoint)
    sha256 = local_keys[0].rsplit("/", 1)[-1].split(".")[0]
    shutil.rmtree(app.config["MEDIA_DIR"])
    assert app.test_client().get(f"/media/thumb/{sha256}.jpg").status_code == 200


def test_an_original_whose_bytes_do_not_match_its_name_is_not_migrated(app, runner, register, s3_endpoint, bucket):
    from registry.services.photos import media_store

    register("M-3", [44])
    original = next(key for key in media_store().storage.keys() if key.startswith("originals/"))
    media_store().storage.put(original, b"damaged on disk")
    result = runner.invoke(args=["media", "migrate", "--to", f"s3://{bucket}/p", "--endpoint-url", s3_endpoint, "--json"])
    assert result.exit_code == 1 and json.loads(result.stdout)["damaged"] == [original]


def test_a_backup_reads_its_photos_from_s3(s3_app, tmp_path):
    from registry.backup import backup
    from registry.backup.archive import check_restored
    from registry.services.objects import create_record
    from registry.services.photos import decode_upload, media_store

    create_record("Museum of Testing", {"object_number": "S3-2", "object_type": "Vase"}, "test",
                  photos=[decode_upload(object_photo(32), "b.jpg")], filenames=["b.jpg"])
    manifest = backup(db.engine, media_store().storage, tmp_path / "backup")
    assert len(manifest.media) == 3 and all((tmp_path / "backup" / "media" / key).is_file() for key in manifest.media)
    assert check_restored(db.engine, media_store().storage, manifest).ok
