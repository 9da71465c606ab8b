"""Checking photos against a bank with the registry's matching engine: no database, no network."""

from __future__ import annotations

import time
from typing import Any

import numpy as np
from PIL import Image

from registry import matching
from registry.offline_bank.bank import Bank
from registry.offline_bank.thinning import engine_blob


class BankIndex:
    """A bank's photos in the engine's hash index, with their features and records at hand."""

    def __init__(self, bank: Bank) -> None:
        if bank.algorithm_version != matching.ALGORITHM_VERSION:
            raise ValueError(f"the bank was made with matching algorithm {bank.algorithm_version}, this program "
                             f"matches with {matching.ALGORITHM_VERSION}: get a bank made by the same version")
        self.bank = bank
        self.index = matching.HashIndex(capacity=max(1, len(bank.photos)))
        photos = list(bank.photos.values())
        if photos:
            keys = np.frombuffer(b"".join(p.index_key for p in photos), "<u8").reshape(len(photos), -1)
            self.index.add_many(np.array([p.photo_id for p in photos]), np.array([p.record_id for p in photos]), keys)

    def features(self, photo_ids: list[int]) -> dict[int, bytes]:
        """Re-ranking features of the given photos (the engine's `load_features`), rebuilt from what the bank kept."""
        photos = self.bank.photos
        return {p: engine_blob(photos[p].features, photos[p].index_key) for p in photo_ids if p in photos}

    def record_fields(self, record_ids: list[int]) -> dict[int, dict[str, Any]]:
        """What the engine compares with a check's description: the bank keeps the title and type only."""
        return {r: {"description": self.bank.records[r].get("title") or "",
                    "object_type": self.bank.records[r].get("object_type") or ""}
                for r in record_ids if r in self.bank.records}

    def check(self, label: str, image: Image.Image, fields: dict[str, Any], top: int = 5) -> dict[str, Any]:
        """One photo checked, in the shape of `registry match --json`'s elements (plus each record's title, contact
        and page address, as the officer has no registry to look them up in)."""
        started = time.perf_counter()
        query = matching.compute_query(image)
        candidates = self.index.search(query, matching.candidates_to_verify(query))
        matches = matching.rank(query, candidates, self.features, fields or None, self.record_fields, top)
        took_ms = (time.perf_counter() - started) * 1000
        return {"query": label, "took_ms": round(took_ms, 3), "candidates": [self._describe(m) for m in matches],
                "red_list_categories": [], "red_lists_compared": []}  # a bank carries no Red Lists

    def _describe(self, match: matching.RecordMatch) -> dict[str, Any]:
        record = self.bank.records[match.record_id]
        return {
            "record_id": match.record_id, "object_number": record["object_number"],
            "institution": record["institution"], "status": record["status"],
            "score": round(float(match.score), 4), "verdict": match.verdict, "evidence": match.evidence,
            "title": record.get("title") or "", "contact": record.get("contact") or "", "url": record.get("url") or "",
            "sources": [{"registry": self.bank.registry, "record_id": match.record_id, "url": record.get("url") or "",
                         "bank_version": self.bank.version}],
        }
