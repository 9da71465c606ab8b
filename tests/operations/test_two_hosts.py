"""Two application hosts on one database (issue 27): two gunicorn servers, separate processes on their own ports and
in their own working folders, sharing only PostgreSQL, a Redis server and an S3 bucket (moto's standalone server)
started here on loopback. A stolen record registered through either is found through the other; a browser session
made by one is honoured by the other; a check limit counts across both.

The harness is bench/two_hosts.py's, which runs 100 trials and prints the timings (the under-1-second target lives
there, not in a timed test).
"""

from __future__ import annotations

import os
import shutil

import boto3
import pytest

from bench.two_hosts import (
    ACCOUNT_CHECK_LIMIT, S3_CREDENTIALS, Processes, checks_across_hosts, create_bucket, edited_copy,
    found_through_other_host, moto_server_binary, seed_accounts, shared_settings, start_host, start_redis, start_s3)
from tests.operations.conftest import object_photo

DATABASE_URL = os.environ.get("REGISTRY_DATABASE_URL", "")

pytestmark = [
    pytest.mark.skipif(not DATABASE_URL.startswith(("postgresql", "postgres://")),
                       reason="several application hosts share a PostgreSQL database: set REGISTRY_DATABASE_URL to one"),
    pytest.mark.skipif(shutil.which("redis-server") is None, reason="redis-server is not installed (Debian: redis-server)"),
    pytest.mark.skipif(moto_server_binary() is None,
                       reason="moto_server is not installed (pip install 'moto[server]'): no S3 endpoint to test against"),
]


@pytest.fixture(scope="module")
def database(tmp_path_factory):
    """The shared database, on an empty schema, with a registrar and an officer holding API tokens."""
    from tests.conftest import app_with_empty_schema

    folder = tmp_path_factory.mktemp("seed")
    for _ in app_with_empty_schema({"DATABASE_URL": DATABASE_URL, "INSTANCE_PATH": str(folder / "instance"),
                                    "MEDIA_DIR": str(folder / "media")}):
        yield seed_accounts()


@pytest.fixture(scope="module")
def processes(tmp_path_factory):
    """Every server this module starts; all stopped at its end, whatever happened."""
    with Processes(tmp_path_factory.mktemp("two-hosts")) as started:
        yield started


@pytest.fixture(scope="module")
def bucket(processes):
    endpoint = start_s3(processes, moto_server_binary())
    return endpoint, create_bucket(endpoint)


@pytest.fixture(scope="module")
def hosts(database, processes, bucket):
    """Hosts A and B (two gunicorn workers each) on the same database, Redis and bucket."""
    settings = shared_settings(DATABASE_URL, start_redis(processes), *bucket)
    return start_host(processes, "host-a", settings), start_host(processes, "host-b", settings)


def test_a_stolen_record_registered_through_one_host_is_found_through_the_other(database, processes, bucket, hosts):
    host_a, host_b = hosts
    trials = []
    for n, (registers, checks) in enumerate([(host_a, host_b), (host_b, host_a)] * 2):
        photo = object_photo(900 + n)
        trials.append(found_through_other_host(registers, checks, database, f"TWO-HOSTS-{n}", photo, edited_copy(photo),
                                               deadline=5.0))
    assert [trial.seconds is not None for trial in trials] == [True] * 4, trials
    assert len({trial.record_id for trial in trials}) == 4

    endpoint, name = bucket
    s3 = boto3.client("s3", endpoint_url=endpoint, region_name=S3_CREDENTIALS["AWS_DEFAULT_REGION"],
                      aws_access_key_id=S3_CREDENTIALS["AWS_ACCESS_KEY_ID"],
                      aws_secret_access_key=S3_CREDENTIALS["AWS_SECRET_ACCESS_KEY"])
    keys = [item["Key"] for item in s3.list_objects_v2(Bucket=name).get("Contents", [])]
    assert sum(key.startswith("photos/originals/") for key in keys) >= 4  # the records' photos, in the shared bucket
    for host in ("host-a", "host-b"):  # and none in either host's own folder
        media = processes.folder / host / "media"
        assert not media.exists() or not any(path.is_file() for path in media.rglob("*"))


def test_a_session_and_a_check_limit_hold_across_both_hosts(database, hosts):
    result = checks_across_hosts(list(hosts), database.officer_email, database.officer_password)
    assert result["signed_in_on_the_other_host"]
    allowed = int(ACCOUNT_CHECK_LIMIT.split()[0])
    answers = result["answers"]
    assert [answer["host"] for answer in answers] == [hosts[n % 2] for n in range(allowed + 1)]
    assert [answer["status"] for answer in answers] == [200] * allowed + [429]
    assert [answer["remaining"] for answer in answers[:allowed]] == [str(allowed - n - 1) for n in range(allowed)]
    assert 1 <= int(answers[-1]["retry_after"]) <= 61
