"""Reading an OAI-PMH endpoint's records with Sickle, every page (resumption tokens followed), as plain values."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

from lxml import etree
from sickle import Sickle
from sickle.oaiexceptions import NoRecordsMatch, OAIError
from requests import RequestException

OAI_NS = "http://www.openarchives.org/OAI/2.0/"
TIMEOUT = 60  # seconds per request


class HarvestError(ValueError):
    """An endpoint that cannot be harvested (unreachable, an OAI-PMH error); the message says which and why."""


@dataclass
class HarvestedRecord:
    """One OAI-PMH record: its identifier and datestamp, whether it was deleted at the source, and its metadata."""

    identifier: str
    datestamp: str
    deleted: bool
    metadata: bytes  # the XML inside <metadata> (a lido:lido or lido:lidoWrap); empty when deleted


def list_records(url: str, metadata_prefix: str, set_spec: str = "", since: str = "") -> Iterator[HarvestedRecord]:
    """Every record of the endpoint in `metadata_prefix` (of set `set_spec`, changed since `since`), page after page.

    :raises HarvestError: when the endpoint cannot be reached or answers an OAI-PMH error (none matching is no error).
    """
    arguments = {"metadataPrefix": metadata_prefix, "ignore_deleted": False}
    if set_spec:
        arguments["set"] = set_spec
    if since:
        arguments["from"] = since
    try:
        for record in Sickle(url, timeout=TIMEOUT).ListRecords(**arguments):
            yield _record(record)
    except NoRecordsMatch:
        return
    except OAIError as exc:
        raise HarvestError(f"{url} answered an OAI-PMH error: {exc}") from None
    except RequestException as exc:
        raise HarvestError(f"{url} cannot be harvested: {exc}") from None


def _record(record) -> HarvestedRecord:
    header = record.header
    metadata = record.xml.find(f"{{{OAI_NS}}}metadata")
    content = b"" if header.deleted or metadata is None or len(metadata) == 0 else etree.tostring(metadata[0])
    return HarvestedRecord(header.identifier, header.datestamp, bool(header.deleted), content)
