"""`registry harvest`: a museum's OAI-PMH endpoint (a small WSGI app this test serves on loopback, paging with
resumption tokens) harvested incrementally; a theft recorded in the collection system reaches the registry and the
object is found by checks after the next harvest."""

from __future__ import annotations

import io
import json
import threading
from urllib.parse import parse_qs

import pytest
from PIL import Image
from skimage import data as skdata
from sqlalchemy import select
from werkzeug.serving import make_server

from registry.extensions import db
from registry.models import ObjectRecord
from registry.services.objects import create_record
from registry.services.photos import decode_upload

MUSEUM = "Museum Het Voorbeeld"
PAGE = 2


def lido(number: str, title: str, stolen: bool = False) -> str:
    """A record as the museum's collection system writes it: lido:lido, number in the local recordID, Dutch terms."""
    theft = ("<lido:eventSet><lido:event><lido:eventType><lido:term xml:lang=\"nl\">diefstal</lido:term></lido:eventType>"
             "<lido:eventDate><lido:displayDate>2026-12-01</lido:displayDate><lido:date><lido:earliestDate>2026-12-01"
             "</lido:earliestDate><lido:latestDate>2026-12-01</lido:latestDate></lido:date></lido:eventDate>"
             "</lido:event></lido:eventSet>") if stolen else ""
    return f"""<lido:lido xmlns:lido="http://www.lido-schema.org">
  <lido:lidoRecID lido:type="local">nl-voorbeeld-{number}</lido:lidoRecID>
  <lido:descriptiveMetadata xml:lang="nl">
    <lido:objectClassificationWrap><lido:objectWorkTypeWrap><lido:objectWorkType><lido:term>kop</lido:term></lido:objectWorkType></lido:objectWorkTypeWrap></lido:objectClassificationWrap>
    <lido:objectIdentificationWrap>
      <lido:titleWrap><lido:titleSet><lido:appellationValue>{title}</lido:appellationValue></lido:titleSet></lido:titleWrap>
      <lido:objectMeasurementsWrap><lido:objectMeasurementsSet><lido:objectMeasurements><lido:measurementsSet>
        <lido:measurementType>hoogte</lido:measurementType><lido:measurementUnit>cm</lido:measurementUnit><lido:measurementValue>9,5</lido:measurementValue>
      </lido:measurementsSet></lido:objectMeasurements></lido:objectMeasurementsSet></lido:objectMeasurementsWrap>
    </lido:objectIdentificationWrap>
    <lido:eventWrap>{theft}</lido:eventWrap>
  </lido:descriptiveMetadata>
  <lido:administrativeMetadata xml:lang="nl">
    <lido:recordWrap><lido:recordID lido:type="local">{number}</lido:recordID><lido:recordType><lido:term>object</lido:term></lido:recordType>
      <lido:recordSource><lido:legalBodyName><lido:appellationValue>{MUSEUM}</lido:appellationValue></lido:legalBodyName></lido:recordSource></lido:recordWrap>
  </lido:administrativeMetadata>
</lido:lido>"""


class OaiEndpoint:
    """A tiny OAI-PMH 2.0 repository: ListRecords (metadataPrefix lido, from, set), PAGE records a page with a
    resumption token; records can be changed while it runs, as in a collection system."""

    def __init__(self) -> None:
        self.records: dict[str, dict] = {}
        self.requests: list[dict] = []

    def put(self, number: str, datestamp: str, xml: str, deleted: bool = False) -> None:
        self.records[number] = {"identifier": f"oai:voorbeeld.nl:{number}", "datestamp": datestamp, "xml": xml,
                                "deleted": deleted, "set": "collectie"}

    def __call__(self, environ, start_response):
        args = {k: v[0] for k, v in parse_qs(environ.get("QUERY_STRING", "")).items()}
        self.requests.append(args)
        start_response("200 OK", [("Content-Type", "text/xml; charset=utf-8")])
        return [self._answer(args).encode("utf-8")]

    def _answer(self, args: dict) -> str:
        if args.get("verb") != "ListRecords":
            return self._envelope('<error code="badVerb">only ListRecords here</error>')
        if "resumptionToken" in args:
            offset, since, set_spec = args["resumptionToken"].split("|")
            offset = int(offset)
        else:
            if args.get("metadataPrefix") != "lido":
                return self._envelope('<error code="cannotDisseminateFormat">lido only</error>')
            offset, since, set_spec = 0, args.get("from", ""), args.get("set", "")
        chosen = sorted((r for r in self.records.values() if r["datestamp"] >= since and (not set_spec or r["set"] == set_spec)),
                        key=lambda r: r["identifier"])
        if not chosen:
            return self._envelope('<error code="noRecordsMatch">nothing changed</error>')
        page = chosen[offset:offset + PAGE]
        token = ""
        if offset + PAGE < len(chosen):
            token = f'<resumptionToken completeListSize="{len(chosen)}" cursor="{offset}">{offset + PAGE}|{since}|{set_spec}</resumptionToken>'
        elif offset:
            token = f'<resumptionToken completeListSize="{len(chosen)}" cursor="{offset}"/>'
        return self._envelope(f"<ListRecords>{''.join(self._record(r) for r in page)}{token}</ListRecords>")

    @staticmethod
    def _record(r: dict) -> str:
        status = ' status="deleted"' if r["deleted"] else ""
        header = (f'<header{status}><identifier>{r["identifier"]}</identifier><datestamp>{r["datestamp"]}</datestamp>'
                  f'<setSpec>{r["set"]}</setSpec></header>')
        return f"<record>{header}{'' if r['deleted'] else '<metadata>' + r['xml'] + '</metadata>'}</record>"

    @staticmethod
    def _envelope(body: str) -> str:
        return ('<?xml version="1.0" encoding="UTF-8"?><OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/">'
                f'<responseDate>2026-12-03T09:00:00Z</responseDate><request>http://127.0.0.1/oai</request>{body}</OAI-PMH>')


@pytest.fixture
def endpoint():
    """The museum's OAI-PMH endpoint, served on a free loopback port; stopped after the test."""
    repository = OaiEndpoint()
    server = make_server("127.0.0.1", 0, repository, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    repository.url = f"http://127.0.0.1:{server.port}/oai"
    yield repository
    server.shutdown()
    thread.join(timeout=10)


def _jpeg(image: Image.Image, quality: int = 90) -> bytes:
    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, format="JPEG", quality=quality)
    return buffer.getvalue()


COFFEE = Image.fromarray(skdata.coffee())


def _record(number: str) -> ObjectRecord:
    db.session.expire_all()
    return db.session.scalar(select(ObjectRecord).where(ObjectRecord.object_number == number))


def _harvest(runner, *args: str) -> list[dict]:
    result = runner.invoke(args=["harvest", *args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _match(runner, tmp_path) -> list[dict]:
    path = tmp_path / "suspect.jpg"
    path.write_bytes(_jpeg(COFFEE.crop((40, 30, 560, 380)).resize((420, 283)), 60))
    return json.loads(runner.invoke(args=["match", str(path), "--json"]).stdout)[0]["candidates"]


def test_a_theft_in_the_collection_system_reaches_checks_after_the_next_harvest(app, runner, endpoint, tmp_path):
    create_record(MUSEUM, {"object_number": "MV-1", "object_type": "kop", "title": "Koffiekop"}, "registrar",
                  photos=[decode_upload(_jpeg(COFFEE), "mv1.jpg")], filenames=["mv1.jpg"])
    endpoint.put("MV-1", "2026-11-01", lido("MV-1", "Koffiekop"))
    endpoint.put("MV-2", "2026-11-02", lido("MV-2", "Schotel"))
    endpoint.put("MV-3", "2026-11-03", lido("MV-3", "Lepel", stolen=True))
    [first] = _harvest(runner, endpoint.url, "--metadata-prefix", "lido", "--set", "collectie", "--institution", MUSEUM)
    assert (first["harvested"], first["created"], first["rejected"]) == (3, 2, 0)
    assert any("resumptionToken" in r for r in endpoint.requests)  # three records, two a page
    assert _record("MV-3").status == "stolen" and _record("MV-2").height_cm == 9.5
    assert _record("MV-1").status == "inventory" and all(c["object_number"] != "MV-1" for c in _match(runner, tmp_path))

    endpoint.requests.clear()
    endpoint.put("MV-1", "2026-12-02", lido("MV-1", "Koffiekop", stolen=True))  # the registrar records the theft there
    [second] = _harvest(runner, "--all")
    assert endpoint.requests[0]["from"] == "2026-11-03"  # only what changed since the last harvest
    assert second["harvested"] == 2 and second["updated"] == 1 and second["unchanged"] == 1
    assert _record("MV-1").status == "stolen" and str(_record("MV-1").loss_date) == "2026-12-01"
    [best, *_] = _match(runner, tmp_path)
    assert (best["object_number"], best["verdict"], best["status"]) == ("MV-1", "match", "stolen")

    [third] = _harvest(runner, "--all")
    assert (third["created"], third["updated"]) == (0, 0)  # harvesting again changes nothing


def test_a_deleted_record_at_the_source_is_kept_and_reported(app, runner, endpoint):
    endpoint.put("MV-1", "2026-11-01", lido("MV-1", "Koffiekop"))
    [first] = _harvest(runner, endpoint.url, "--institution", MUSEUM, "--create-institution")
    assert first["created"] == 1, first["rejected_rows"]
    endpoint.put("MV-1", "2026-11-05", "", deleted=True)
    [report] = _harvest(runner, "--all")
    assert report["deleted_at_source"] == 1 and _record("MV-1") is not None


def test_an_unreachable_endpoint_is_a_clear_error(app, runner):
    result = runner.invoke(args=["harvest", "http://127.0.0.1:9/oai"])
    assert result.exit_code != 0 and "cannot be harvested" in result.output
