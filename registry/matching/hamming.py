"""Inner loops compiled with Numba: nearest binary descriptors within codebook cells and one match per
registered keypoint (verification), nearest codes, their histogram and the rows they select (the index's pre-filter).

Comparing a query's ORB descriptors with a candidate's is most of the cost of verifying it.
OpenCV's ``batchDistance`` spends ~15 ns a pair (a function call per pair, then a top-K insertion);
a loop keeping the two nearest in registers ~2.3 ns; these loops, which the compiler vectorises (the
distances to a cell's descriptors, then the second nearest), ~1 ns, for the same matches
(tests/matching/test_hamming.py compares them with OpenCV's). Compiled on first use and cached on disk;
``matching.warm_up`` uses every kernel before the first check is timed.
"""
from __future__ import annotations

import numpy as np
from numba import njit

_M1, _M2, _M4, _H01 = (np.uint64(0x5555555555555555), np.uint64(0x3333333333333333), np.uint64(0x0F0F0F0F0F0F0F0F),
                       np.uint64(0x0101010101010101))
_ONE, _TWO, _FOUR, _TOP = np.uint64(1), np.uint64(2), np.uint64(4), np.uint64(56)
_FAR = 1 << 20


def compiled(func):  # noqa: ANN001, ANN202
    """``njit`` with the compiled code cached on disk when there is a writable place for it."""
    try:
        return njit(cache=True, nogil=True)(func)
    except RuntimeError:  # Numba found no writable cache directory: compile in memory, at warm-up
        return njit(nogil=True)(func)


@njit(inline="always")
def _popcount(x):  # noqa: ANN001, ANN202 (Numba infers the types)
    # LLVM compiles this bit-twiddling idiom to the POPCNT instruction where the CPU has one.
    x = x - ((x >> _ONE) & _M1)
    x = (x & _M2) + ((x >> _TWO) & _M2)
    x = (x + (x >> _FOUR)) & _M4
    return (x * _H01) >> _TOP


@njit(inline="always")
def _distances_and_nearest(a0, a1, a2, a3, t0, t1, t2, t3, out):  # noqa: ANN001, ANN202
    # One word of the candidates' descriptors an array each, indexed from 0 (a slice): LLVM vectorises this
    # loop (vector popcounts where the CPU has them), which it did not do over rows of four words, nor
    # from an offset it could not prove non-negative (Numba's wraparound of negative indices).
    best = _FAR
    for k in range(t0.shape[0]):
        d = np.int64(_popcount(a0 ^ t0[k]) + _popcount(a1 ^ t1[k]) + _popcount(a2 ^ t2[k]) + _popcount(a3 ^ t3[k]))
        out[k] = d
        best = min(best, d)
    return best


@njit(inline="always")
def _second_nearest(distances, best):  # noqa: ANN001, ANN202
    # A tie with the nearest is the second nearest, as when the two are kept while comparing.
    second, ties = _FAR, 0
    for k in range(distances.shape[0]):
        d = distances[k]
        ties += 1 if d == best else 0
        second = min(second, d if d > best else _FAR)
    return best if ties > 1 else second


@compiled
def _ratio_matches(q, q_bounds, t, t_bounds, ratio):  # noqa: ANN001, ANN202
    n_query, n_train = q.shape[0], t.shape[0]
    by_word = np.empty((4, n_train), np.uint64)
    for j in range(n_train):
        for w in range(4):
            by_word[w, j] = t[j, w]
    distances = np.empty(n_train, np.int64)
    out_q = np.empty(n_query, np.intp)
    out_t = np.empty(n_query, np.intp)
    n = 0
    for c in range(q_bounds.shape[0] - 1):
        t0, t1 = t_bounds[c], t_bounds[c + 1]
        if t1 - t0 < 2:
            continue
        w0, w1, w2, w3 = by_word[0, t0:t1], by_word[1, t0:t1], by_word[2, t0:t1], by_word[3, t0:t1]
        cell = distances[t0:t1]
        for i in range(q_bounds[c], q_bounds[c + 1]):
            best = _distances_and_nearest(q[i, 0], q[i, 1], q[i, 2], q[i, 3], w0, w1, w2, w3, cell)
            if best < ratio * _second_nearest(cell, best):
                nearest = 0
                while cell[nearest] != best:  # the first nearest
                    nearest += 1
                out_q[n], out_t[n] = i, t0 + nearest
                n += 1
    return out_q[:n], out_t[:n]


def ratio_matches_by_cell(q: np.ndarray, q_bounds: np.ndarray, t: np.ndarray, t_bounds: np.ndarray,
                          ratio: float) -> tuple[np.ndarray, np.ndarray]:
    """(query indices, train indices) of the matches that pass the ratio test, comparing only descriptors
    of the same cell. ``q`` and ``t`` are (n, 32) uint8 descriptors sorted by cell; ``*_bounds`` the
    (cells + 1,) offsets of each cell's descriptors."""
    return _ratio_matches(_as_words(q), np.asarray(q_bounds, np.intp), _as_words(t), np.asarray(t_bounds, np.intp),
                          float(ratio))


def _as_words(descriptors: np.ndarray) -> np.ndarray:
    # One array type for every caller (a read-only view over a blob is copied: ~2 us), so the kernel is
    # compiled once, by warm_up, and never in the middle of a check.
    words = np.require(descriptors, np.uint8, ["C_CONTIGUOUS", "ALIGNED", "WRITEABLE"]).view(np.uint64)
    return words.reshape(len(descriptors), 4)


@compiled
def _one_match_per_train(qi, ti, n_train):  # noqa: ANN001, ANN202
    first = np.full(n_train, -1, np.intp)
    for k in range(qi.shape[0]):
        if first[ti[k]] < 0:
            first[ti[k]] = qi[k]
    out_q = np.empty(qi.shape[0], np.intp)
    out_t = np.empty(qi.shape[0], np.intp)
    n = 0
    for j in range(n_train):
        if first[j] >= 0:
            out_q[n], out_t[n] = first[j], j
            n += 1
    return out_q[:n], out_t[:n]


def one_match_per_train(qi: np.ndarray, ti: np.ndarray, n_train: int) -> tuple[np.ndarray, np.ndarray]:
    """Keep, for each train descriptor matched, the first query descriptor matched to it, in train order
    (what ``np.unique(ti, return_index=True)`` selects, without its sort: ~40 us a candidate)."""
    return _one_match_per_train(np.asarray(qi, np.intp), np.asarray(ti, np.intp), int(n_train))


@compiled
def _rotation_mask(q_angles, t_angles, n_bins, window_bins):  # noqa: ANN001, ANN202
    bins = np.empty(q_angles.shape[0], np.intp)
    hist = np.zeros(n_bins, np.intp)
    for k in range(q_angles.shape[0]):
        turn = (np.intp(t_angles[k]) - np.intp(q_angles[k])) % 256
        bins[k] = turn * n_bins // 256
        hist[bins[k]] += 1
    half = window_bins // 2
    centre, most = 0, -1
    for b in range(n_bins):  # matches in bins b-half .. b+half, around the circle; the first most common wins
        around = 0
        for offset in range(-half, half + 1):
            around += hist[(b + offset) % n_bins]
        if around > most:
            centre, most = b, around
    return (bins - centre + half) % n_bins <= 2 * half


_ONE_TYPE = ["C_CONTIGUOUS", "WRITEABLE"]  # one compiled version of a kernel, made by warm_up (a blob's arrays are
# read-only views: copied, ~2 us)


def rotation_mask(q_angles: np.ndarray, t_angles: np.ndarray, n_bins: int, window_bins: int) -> np.ndarray:
    """Mask of the matches whose change of orientation (uint8 angles, 256 steps a turn) falls in the
    ``window_bins`` of ``n_bins`` around the most common one."""
    return _rotation_mask(np.require(q_angles, np.uint8, _ONE_TYPE), np.require(t_angles, np.uint8, _ONE_TYPE),
                          n_bins, window_bins)


@compiled
def _consistent_matches(q, q_bounds, q_angles, t, t_bounds, t_angles, ratio, n_bins,  # noqa: ANN001
                        window_bins):  # noqa: ANN001, ANN202
    qi, ti = _ratio_matches(q, q_bounds, t, t_bounds, ratio)
    qi, ti = _one_match_per_train(qi, ti, t.shape[0])
    keep = _rotation_mask(q_angles[qi], t_angles[ti], n_bins, window_bins)
    return qi[keep], ti[keep], qi.shape[0]


def consistent_matches(q: np.ndarray, q_bounds: np.ndarray, q_angles: np.ndarray, t: np.ndarray, t_bounds: np.ndarray,
                       t_angles: np.ndarray, ratio: float, n_bins: int,
                       window_bins: int) -> tuple[np.ndarray, np.ndarray, int]:
    """(query indices, train indices, number of matches) of the matches that pass the ratio test within a cell
    (:func:`ratio_matches_by_cell`), one per train descriptor (:func:`one_match_per_train`), then those that turn
    about as most do (:func:`rotation_mask`). The number of matches is counted before the turn is: the steps a
    verification takes, in one compiled call (a Python call between each cost ~20 us a candidate)."""
    return _consistent_matches(_as_words(q), np.asarray(q_bounds, np.intp), np.require(q_angles, np.uint8, _ONE_TYPE),
                               _as_words(t), np.asarray(t_bounds, np.intp), np.require(t_angles, np.uint8, _ONE_TYPE),
                               float(ratio), int(n_bins), int(window_bins))


@compiled
def _blob_matches(buf, words, starts, ends, magic, q, q_bounds, q_first, q_angles, pair_blob, pair_variant,  # noqa: ANN001
                  ratio, n_bins, window_bins):  # noqa: ANN001, ANN202
    # Each pair (a blob, a query variant: its row of q_bounds, offsets into q; q_first its first row) as
    # _consistent_matches (the query indices counted from the variant's first row), the blob
    # read in place (features.pack_features's layout; ``words``: ``buf`` as uint64, each blob starting on a word);
    # a blob that is not one gives -1 matches. Pairs of one blob follow each other: it is read once.
    n_cells = q_bounds.shape[1] - 1
    n_pairs = pair_blob.shape[0]
    out_q = np.empty(n_pairs * q.shape[0], np.intp)
    out_t = np.empty(n_pairs * q.shape[0], np.intp)
    lo = np.zeros(n_pairs, np.intp)
    hi = np.zeros(n_pairs, np.intp)
    n_matches = np.full(n_pairs, -1, np.intp)
    t_bounds = np.zeros(n_cells + 1, np.intp)
    t = words[0:0].reshape(0, 4)
    valid, n, angles, read = False, 0, 0, -1
    filled = 0
    for p in range(n_pairs):
        lo[p], hi[p] = filled, filled
        b = pair_blob[p]
        if b != read:
            read, valid = b, False
            start, end = starts[b], ends[b]
            if end - start < 16 or words[start // 8] & np.uint64(0xFFFFFFFF) != magic:
                continue
            n = np.intp(words[start // 8] >> np.uint64(32))
            header = words[start // 8 + 1]
            n_colour, n_words = np.intp(header & np.uint64(0xFFFFFFFF)), np.intp(header >> np.uint64(32))
            if 16 + 42 * n + 2 * n_colour + 8 + 8 * n_words != end - start:
                continue
            first = (start + 16 + 8 * n) // 8  # the descriptors, 4 words each
            t = words[first:first + 4 * n].reshape(n, 4)
            angles, cells = start + 16 + 40 * n, start + 16 + 41 * n
            t_bounds[:] = 0
            valid = True
            for j in range(n):
                if j > 0 and buf[cells + j] < buf[cells + j - 1]:
                    valid = False
                if buf[cells + j] < n_cells:  # as np.searchsorted(cells, arange(n_cells + 1)) counts them
                    t_bounds[buf[cells + j] + 1] += 1
            for c in range(n_cells):
                t_bounds[c + 1] += t_bounds[c]
        if not valid:
            continue
        qi, ti = _ratio_matches(q, q_bounds[pair_variant[p]], t, t_bounds, ratio)
        qi, ti = _one_match_per_train(qi, ti, n)
        keep = _rotation_mask(q_angles[qi], buf[angles:angles + n][ti], n_bins, window_bins)
        for k in range(keep.shape[0]):
            if keep[k]:
                out_q[filled], out_t[filled] = qi[k] - q_first[pair_variant[p]], ti[k]
                filled += 1
        hi[p], n_matches[p] = filled, qi.shape[0]
    return out_q[:filled], out_t[:filled], lo, hi, n_matches


def blob_matches(variants: list[tuple[np.ndarray, np.ndarray, np.ndarray]], blobs: list[bytes],
                 pairs: list[tuple[int, int]], magic: bytes, ratio: float, n_bins: int,
                 window_bins: int) -> list[tuple[np.ndarray, np.ndarray, int] | None]:
    """:func:`consistent_matches` of each pair (a blob of ``blobs``, a variant of ``variants``: its descriptors,
    cell bounds and angles; the pairs of one blob next to each other) in one compiled call, the blobs read in
    place (features.pack_features's layout, starting with ``magic``, not unpacked); None for a pair whose blob
    is not such a blob."""
    if not pairs:
        return []
    q = np.concatenate([_as_words(desc) for desc, _, _ in variants])
    offsets = np.cumsum([0] + [len(desc) for desc, _, _ in variants]).astype(np.intp)
    q_bounds = np.stack([np.asarray(bounds, np.intp) + offsets[i] for i, (_, bounds, _) in enumerate(variants)])
    q_angles = np.concatenate([np.asarray(angles, np.uint8) for _, _, angles in variants])
    buf, starts, ends = _on_words(blobs)
    pair_blob, pair_variant = (np.array(column, np.intp) for column in zip(*pairs))
    out_q, out_t, lo, hi, n = _blob_matches(buf, buf.view(np.uint64), starts, ends,
                                            np.uint64(int.from_bytes(magic, "little")), q, q_bounds, offsets, q_angles,
                                            pair_blob, pair_variant, float(ratio), int(n_bins), int(window_bins))
    return [None if n[p] < 0 else (out_q[lo[p]:hi[p]], out_t[lo[p]:hi[p]], int(n[p])) for p in range(len(pairs))]


def _on_words(blobs: list[bytes]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The blobs back to back in one byte array, each starting on an 8-byte word, and where each starts and ends."""
    sizes = np.array([len(b) for b in blobs], np.intp)
    starts = np.concatenate([[0], np.cumsum((sizes + 7) // 8 * 8)[:-1]]).astype(np.intp)
    buf = np.zeros(int(starts[-1] + sizes[-1] + 7) // 8 * 8, np.uint8)
    for start, blob in zip(starts, blobs):
        buf[start:start + len(blob)] = np.frombuffer(blob, np.uint8)
    return buf, starts, starts + sizes


_BLOCK_ROWS = 4096  # rows a pass of the pre-filter takes at a time: 96 kB of columns, kept in cache for every probe


@compiled
def _nearest_codes(phash, code_hi, code_lo, phash_probes, code_probes, out_phash, out_code, phash_hist, code_hist):  # noqa: ANN001, ANN202
    # Probes outside, rows inside (LLVM vectorises the row loop), a block of rows at a time: each probe reads the
    # block from the cache, not the whole column from memory (at 10 M rows, 3 + 3 probes: 720 MB read -> 240 MB).
    # The histograms are counted in the same pass, while the block's distances are in the cache.
    for start in range(0, phash.shape[0], _BLOCK_ROWS):
        end = min(phash.shape[0], start + _BLOCK_ROWS)
        ph, hi_col, lo_col = phash[start:end], code_hi[start:end], code_lo[start:end]
        near_ph, near_code = out_phash[start:end], out_code[start:end]
        near_ph[:] = 255
        near_code[:] = 255
        for p in range(phash_probes.shape[0]):
            word = phash_probes[p]
            for i in range(ph.shape[0]):
                near_ph[i] = min(near_ph[i], np.uint8(_popcount(ph[i] ^ word)))
        for c in range(code_probes.shape[0]):
            hi, lo = code_probes[c, 0], code_probes[c, 1]
            for i in range(hi_col.shape[0]):
                near_code[i] = min(near_code[i], np.uint8(_popcount(hi_col[i] ^ hi) + _popcount(lo_col[i] ^ lo)))
        for i in range(near_ph.shape[0]):
            phash_hist[near_ph[i]] += 1
            code_hist[near_code[i]] += 1


def nearest_codes(phash: np.ndarray, code_hi: np.ndarray, code_lo: np.ndarray, phash_probes: np.ndarray,
                  code_probes: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(uint8 distance of each row's pHash word to the nearest of ``phash_probes``, uint8 distance of its
    128-bit code, ``code_hi``/``code_lo`` words, to the nearest row of ``code_probes``, and the (256,) histogram
    of each): the index's pre-filter in one pass over its columns (numpy needed a pass and temporaries per probe
    and word)."""
    out_phash, out_code = np.empty(len(phash), np.uint8), np.empty(len(phash), np.uint8)
    phash_hist, code_hist = np.zeros(256, np.int64), np.zeros(256, np.int64)
    _nearest_codes(phash, code_hi, code_lo, np.ascontiguousarray(phash_probes, np.uint64),
                   np.ascontiguousarray(code_probes, np.uint64).reshape(-1, 2), out_phash, out_code, phash_hist,
                   code_hist)
    return out_phash, out_code, phash_hist, code_hist


@compiled
def _histogram(values, out):  # noqa: ANN001, ANN202
    for i in range(values.shape[0]):
        out[values[i]] += 1


def histogram(values: np.ndarray) -> np.ndarray:
    """(256,) counts of each value of a uint8 array."""
    out = np.zeros(256, np.int64)
    _histogram(values, out)
    return out


@compiled
def _select_rows(first, first_cut, ties_first, second, second_cut, ties_second):  # noqa: ANN001, ANN202
    out = np.empty(first.shape[0], np.int64)
    n = 0
    for i in range(first.shape[0]):
        if first[i] > first_cut and second[i] > second_cut:  # most rows: one well-predicted branch (~1.4x faster)
            continue
        chosen = first[i] < first_cut or second[i] < second_cut
        if first[i] == first_cut:
            chosen |= ties_first > 0
            ties_first -= 1
        if second[i] == second_cut:
            chosen |= ties_second > 0
            ties_second -= 1
        if chosen:
            out[n] = i
            n += 1
    return out[:n]


def select_rows(first: np.ndarray, first_cut: int, ties_first: int, second: np.ndarray, second_cut: int,
                ties_second: int) -> np.ndarray:
    """Ascending rows whose ``first`` distance is below ``first_cut`` or whose ``second`` is below ``second_cut``,
    plus the first ``ties_first`` rows at ``first_cut`` and the first ``ties_second`` at ``second_cut``."""
    return _select_rows(first, np.uint8(first_cut), np.int64(ties_first), second, np.uint8(second_cut),
                        np.int64(ties_second))


@compiled
def _candidate_distances(words, rows, probes, codes, combined, detail, code):  # noqa: ANN001, ANN202
    n = rows.shape[0]
    cols = np.empty((6, n), np.uint64)
    for c in range(6):
        for k in range(n):
            cols[c, k] = words[c, rows[k]]
    # Probes outside, rows inside, no branch: LLVM vectorises the row loops (8 000 rows, 27 ORB codes: ~4x faster).
    best = np.full(n, 1 << 30, np.int64)
    best_p = np.zeros(n, np.int64)
    for p in range(probes.shape[0]):  # the first probe at the least combined distance, in quarters
        ph, dh, co = probes[p, 0], probes[p, 1], probes[p, 2]
        for k in range(n):
            dp = min(_popcount(cols[0, k] ^ ph), _popcount(cols[3, k] ^ ph))
            quarters = np.int64(4 * dp + 3 * _popcount(cols[1, k] ^ dh) + 2 * _popcount(cols[2, k] ^ co))
            best_p[k] = p if quarters < best[k] else best_p[k]
            best[k] = min(best[k], quarters)
    for k in range(n):
        p = best_p[k]
        detail[0, k] = min(_popcount(cols[0, k] ^ probes[p, 0]), _popcount(cols[3, k] ^ probes[p, 0]))
        detail[1, k] = _popcount(cols[1, k] ^ probes[p, 1])
        detail[2, k] = _popcount(cols[2, k] ^ probes[p, 2])
        combined[k] = detail[3, k] = np.float32(best[k]) * np.float32(0.25)
        detail[4, k] = p
    code[:] = 255
    for q in range(codes.shape[0]):
        hi, lo = codes[q, 0], codes[q, 1]
        for k in range(n):
            code[k] = min(code[k], np.uint8(_popcount(cols[4, k] ^ hi) + _popcount(cols[5, k] ^ lo)))


def candidate_distances(words: np.ndarray, rows: np.ndarray, probes: np.ndarray,
                        codes: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The index's full distance for the pre-filtered ``rows`` of ``words`` (KEY_WORDS, capacity):

    * combined (float32): pHash (of the object or the whole photo, the nearer) + 0.75 dHash + 0.5 colour
      to the nearest of ``probes`` (P, 3);
    * detail (5, n) float32: that probe's pHash, dHash and colour distances, the combined one, its number;
    * code (uint8): Hamming distance of the row's 128-bit ORB code to the nearest of ``codes`` (R, 2).

    One pass over the rows' columns instead of numpy's (P, n) temporaries: ~0.3 ms for 8 000 rows, 8 probes.
    """
    n = len(rows)
    combined, detail, code = np.empty(n, np.float32), np.zeros((5, n), np.float32), np.empty(n, np.uint8)
    _candidate_distances(words, np.ascontiguousarray(rows, np.int64), np.ascontiguousarray(probes, np.uint64),
                         np.ascontiguousarray(codes, np.uint64).reshape(-1, 2), combined, detail, code)
    return combined, detail, code


@compiled
def _counting_order(keys, n_keys):  # noqa: ANN001, ANN202
    starts = np.zeros(n_keys + 1, np.int64)
    for i in range(keys.shape[0]):
        starts[keys[i] + 1] += 1
    for v in range(n_keys):
        starts[v + 1] += starts[v]
    order = np.empty(keys.shape[0], np.int64)
    for i in range(keys.shape[0]):
        order[starts[keys[i]]] = i
        starts[keys[i]] += 1
    return order


def stable_order(keys: np.ndarray, n_keys: int) -> np.ndarray:
    """``np.argsort(keys, kind="stable")`` of small non-negative integer keys (below ``n_keys``), by counting."""
    return _counting_order(np.ascontiguousarray(keys, np.int64), int(n_keys))


def rows_within(first: np.ndarray, first_cut: int, second: np.ndarray, second_cut: int, keep: int) -> np.ndarray:
    """Ascending rows whose ``first`` distance is below ``first_cut`` or whose ``second`` is below ``second_cut``,
    plus, for each, rows at the cut-off (in row order) until ``keep`` rows are reached: the union of two
    pre-filter selections in one pass, without index arrays of each or a sort."""
    ties_first = max(0, keep - int(histogram(first)[:first_cut].sum()))
    ties_second = max(0, keep - int(histogram(second)[:second_cut].sum()))
    return select_rows(first, first_cut, ties_first, second, second_cut, ties_second)
