"""In-process Hamming index over packed uint64 hash words (NumPy and two Numba loops, no external service)."""
from __future__ import annotations

from typing import NamedTuple

import numpy as np

from . import hamming
from .signature import KEY_WORDS, key_to_words
from .threads import beside
from .types import Candidate, QuerySignature

BUSY_FRAME_CODE_TURNS = 3  # candidates of a busy frame: 3 by ORB code for 1 by hash (bench at 1 M photos:
# objects on photographed backgrounds R@1 0.643 -> 0.671, other kinds unchanged or better)
PREFILTER_KEEP = 4000  # rows kept by the 1-word pHash pre-filter before the full distance


PARALLEL_ROWS = 200_000  # indexes this large are pre-filtered in two halves, one in the pool's thread


def _cut(hist: np.ndarray, keep: int) -> tuple[int, int]:
    """The distance at or below which ``keep`` rows lie, and how many rows at that distance make up ``keep``."""
    cum = np.cumsum(hist)
    cut = int(np.searchsorted(cum, keep))
    return cut, keep - (int(cum[cut - 1]) if cut > 0 else 0)


class _Half(NamedTuple):
    lo: int
    phash: np.ndarray  # distance of each row's pHash word to the nearest probe
    code: np.ndarray  # ... of its ORB code
    phash_hist: np.ndarray
    code_hist: np.ndarray


_MAX_ID = 2**31 - 1
_CODE_ROW = 4  # rows 4 and 5 of the key hold the 128-bit ORB code
_COMBINED_QUARTERS = 4 * (64 + 64 + 64) + 1  # combined hash distances are multiples of 0.25 up to 144


def _interleave(first: np.ndarray, second: np.ndarray, k: int, second_per_first: int = 1) -> list[int]:
    """Up to ``k`` distinct items taken in turn from two rankings: one from ``first``, then
    ``second_per_first`` from ``second``."""
    out: list[int] = []
    seen: set[int] = set()
    sources = (iter(first), iter(second))
    quota = (1, second_per_first)
    while len(out) < k:
        taken = 0
        for source, count in zip(sources, quota):
            for _ in range(count):
                for item in source:
                    item = int(item)
                    if item not in seen:
                        seen.add(item)
                        out.append(item)
                        taken += 1
                        break
                if len(out) == k:
                    return out
        if taken == 0:
            return out
    return out


class HashIndex:
    """Columnar uint64 index; rows are kept dense (remove swaps in the last row)."""

    def __init__(self, capacity: int = 1024) -> None:
        self._words = np.zeros((KEY_WORDS, capacity), np.uint64)
        self._photo = np.zeros(capacity, np.int32)
        self._record = np.zeros(capacity, np.int32)
        # row of each photo id, -1 when absent: database ids are dense, so an array beats a dict (4 vs ~100 bytes a photo)
        self._row_of = np.full(capacity, -1, np.int32)
        self._n = 0
        self._id_sum = 0  # sum of the photo ids held, kept as they come and go: a digest of the index at no cost

    def __len__(self) -> int:
        return self._n

    def __contains__(self, photo_id: int) -> bool:
        return self._row(photo_id) >= 0

    def photo_ids(self) -> np.ndarray:
        """The ids of the photos held, in no particular order (a copy)."""
        return self._photo[: self._n].astype(np.int64)

    @property
    def photo_id_sum(self) -> int:
        """The sum of the ids of the photos held."""
        return self._id_sum

    def photo_ids_between(self, lo: int, hi: int | None = None) -> np.ndarray:
        """The ids held with ``lo <= id < hi`` (every id from ``lo`` on when ``hi`` is None), in order: read from
        the id-to-row array, so the cost follows the width of the range, not the size of the index."""
        lo = max(lo, 0)
        present = self._row_of[lo:hi] >= 0
        return np.flatnonzero(present).astype(np.int64) + lo

    def memory_bytes_per_photo(self) -> float:
        """Bytes of in-memory index data per photo (every array at its current capacity)."""
        if self._n == 0:
            return 0.0
        arrays = self._words.nbytes + self._photo.nbytes + self._record.nbytes + self._row_of.nbytes
        return arrays / self._n

    def _row(self, photo_id: int) -> int:
        return int(self._row_of[photo_id]) if 0 <= photo_id < len(self._row_of) else -1

    def _grow(self, need: int) -> None:
        cap = self._words.shape[1]
        if need <= cap:
            return
        new = max(need, cap + cap // 2)
        # Zeroed arrays, filled up to the rows held: the spare capacity's pages are never written, so the system
        # gives them no memory until rows come (np.resize would have written them all, with copies of rows).
        self._words = _grown(self._words, self._n, (KEY_WORDS, new))
        self._photo = _grown(self._photo, self._n, (new,))
        self._record = _grown(self._record, self._n, (new,))

    def _grow_ids(self, max_id: int) -> None:
        if max_id >= _MAX_ID:
            raise ValueError(f"photo and record ids must be below {_MAX_ID}")
        if max_id < len(self._row_of):
            return
        grown = np.full(max(max_id + 1, len(self._row_of) + len(self._row_of) // 2), -1, np.int32)
        grown[: len(self._row_of)] = self._row_of
        self._row_of = grown

    def add(self, photo_id: int, record_id: int, index_key: bytes) -> None:
        """Insert or replace one photo."""
        words = key_to_words(index_key)
        if len(words) != KEY_WORDS:
            raise ValueError(f"index_key must be {KEY_WORDS * 8} bytes, got {len(index_key)}")
        if photo_id < 0 or record_id < 0 or record_id >= _MAX_ID:
            raise ValueError("photo and record ids must be non-negative 32-bit numbers")
        self._grow_ids(photo_id)
        row = self._row(photo_id)
        if row < 0:
            self._grow(self._n + 1)
            row = self._n
            self._n += 1
            self._row_of[photo_id] = row
            self._id_sum += photo_id
        self._words[:, row] = words
        self._photo[row] = photo_id
        self._record[row] = record_id

    def add_many(self, photo_ids: np.ndarray, record_ids: np.ndarray, words: np.ndarray) -> None:
        """Bulk insert of new photos; ``words`` is (n, KEY_WORDS) uint64."""
        photo_ids = np.asarray(photo_ids, np.int64)
        n = len(photo_ids)
        if n == 0:
            return
        if photo_ids.min() < 0 or np.asarray(record_ids).max() >= _MAX_ID or np.asarray(record_ids).min() < 0:
            raise ValueError("photo and record ids must be non-negative 32-bit numbers")
        self._grow_ids(int(photo_ids.max()))
        if len(np.unique(photo_ids)) != n or (self._row_of[photo_ids] >= 0).any():
            raise ValueError("duplicate photo_id in add_many")
        self._grow(self._n + n)
        sl = slice(self._n, self._n + n)
        self._words[:, sl] = np.asarray(words, np.uint64).T
        self._photo[sl] = photo_ids
        self._record[sl] = record_ids
        self._row_of[photo_ids] = np.arange(self._n, self._n + n, dtype=np.int32)
        self._n += n
        self._id_sum += int(photo_ids.sum())

    def remove(self, photo_id: int) -> bool:
        """Remove a photo; returns False if it was not indexed."""
        row = self._row(photo_id)
        if row < 0:
            return False
        self._row_of[photo_id] = -1
        last = self._n - 1
        if row != last:
            self._words[:, row] = self._words[:, last]
            self._photo[row] = self._photo[last]
            self._record[row] = self._record[last]
            self._row_of[int(self._photo[row])] = row
        self._n = last
        self._id_sum -= photo_id
        return True

    def _distances(self, lo: int, hi: int, phash_probes: np.ndarray, code_probes: np.ndarray) -> _Half:
        return _Half(lo, *hamming.nearest_codes(self._words[0, lo:hi], self._words[_CODE_ROW, lo:hi],
                                                self._words[_CODE_ROW + 1, lo:hi], phash_probes, code_probes))

    def _prefilter(self, phash_probes: np.ndarray, code_probes: np.ndarray, keep: int) -> np.ndarray:
        """Rows among the ``keep`` nearest by pHash of the object, and among the ``keep`` nearest by ORB code
        (ties in row order); a large index in two halves side by side."""
        n = self._n
        if n <= keep:
            return np.arange(n)
        bounds = [(0, n // 2), (n // 2, n)] if n >= PARALLEL_ROWS else [(0, n)]
        first = beside(self._distances, *bounds[0], phash_probes, code_probes)
        halves = [self._distances(*b, phash_probes, code_probes) for b in bounds[1:]]
        halves.insert(0, first())
        phash_cut, phash_ties = _cut(sum(h.phash_hist for h in halves), keep)
        code_cut, code_ties = _cut(sum(h.code_hist for h in halves), keep)
        selections = []
        for h in halves:  # the ties go to the first rows at the cut-off, as in one pass over all rows
            take_phash, take_code = min(phash_ties, int(h.phash_hist[phash_cut])), min(code_ties, int(h.code_hist[code_cut]))
            selections.append((h, take_phash, take_code))
            phash_ties, code_ties = phash_ties - take_phash, code_ties - take_code
        select = lambda h, tp, tc: hamming.select_rows(h.phash, phash_cut, tp, h.code, code_cut, tc) + h.lo  # noqa: E731
        later = beside(select, *selections[0]) if len(selections) > 1 else None
        rows = [select(*s) for s in selections[1:]]
        return np.concatenate([later(), *rows]) if later else select(*selections[0])

    def search(self, query: QuerySignature, k: int = 60) -> list[Candidate]:
        """Top-``k`` photos: the nearest by global hashes and the nearest by ORB code, taken in turn.

        Global hashes (all query variants, 4 rotations) find re-compressed, re-lit and resized
        copies; the ORB code finds rotated, cropped, re-framed and re-photographed objects.
        """
        if self._n == 0:
            return []
        probes = _probe_words(query)
        codes = np.stack([v.features.code for v in query.variants if not v.pending]).astype(np.uint64)
        rows = self._prefilter(probes[0::4, 0], codes, PREFILTER_KEEP)  # pre-filter on rotation 0; the ORB code is rotation-free
        rank_codes = np.concatenate([codes, query.window_codes.astype(np.uint64)])  # sub-windows re-rank only
        dist, detail, code = hamming.candidate_distances(self._words, rows, probes, rank_codes)
        # A busy frame (no object cut out) is found by its ORB codes far more often than by its hashes.
        code_turns = BUSY_FRAME_CODE_TURNS if query.busy_frame else 1
        by_hashes = hamming.stable_order((dist * 4).astype(np.int64), _COMBINED_QUARTERS)  # quarters: exact
        order = _interleave(by_hashes, hamming.stable_order(code, 256), k, code_turns)
        return [self._candidate(int(rows[i]), detail[:, i], int(code[i]), query) for i in order]

    def _candidate(self, row: int, det: np.ndarray, code: int, query: QuerySignature) -> Candidate:
        vi, rot = _decode_probe(int(det[4]), query)
        dists = {"phash": int(det[0]), "dhash": int(det[1]), "colour": int(det[2]), "combined": float(det[3]),
                 "variant": vi, "rotation": rot, "orb_code": code}
        return Candidate(photo_id=int(self._photo[row]), record_id=int(self._record[row]), distances=dists)




def _grown(array: np.ndarray, rows: int, shape: tuple[int, ...]) -> np.ndarray:
    grown = np.zeros(shape, array.dtype)
    grown[..., :rows] = array[..., :rows]
    return grown


def _probe_words(query: QuerySignature) -> np.ndarray:
    """(P, 3) probe words: the 4 rotations of every query variant."""
    return np.concatenate([v.hash_words for v in query.variants]).astype(np.uint64)


def _decode_probe(p: int, query: QuerySignature) -> tuple[str, int]:
    return query.variants[p // 4].name, 90 * (p % 4)
