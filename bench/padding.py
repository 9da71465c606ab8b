"""Index padding that behaves like real photos, for the 1 M figures of bench/run.py.

Random keys never come near a query, so an index padded with them times the search but never the
verification that real photos cause: a registry of 1 M real photos holds many that share features with a
query (the same kind of object, the same backdrop), reach its candidate list and are verified, each costing
a load of its features and a RANSAC.

Padding here is made from REAL photographs the bench corpus never holds: ETH-80's 800 photos
(../shared/data/eth80-views: cups, cars, fruit, figurines on a cloth; the shared README's data), each registered
as shot and once more re-framed, tilted, re-lit and re-compressed (``AUGMENTED`` per photo). Their signatures
(key and features, exactly as registration stores them) make a pool; each padded photo is a pool photo
whose 48-byte key has ``FLIP`` of its bits flipped at random (a different photo of that kind: near in
the index as similar photos are, never its exact copy) and whose features are the pool photo's own (real
keypoints that verify as little or as much as the real photo would). Cached in the corpus folder per
engine version.
"""
from __future__ import annotations

import io
import multiprocessing as mp
import sys
from pathlib import Path

import numpy as np
from PIL import Image, ImageEnhance

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
import eth80_photos as ep  # noqa: E402

from registry.matching import ALGORITHM_VERSION, HashIndex, compute_signature  # noqa: E402
from registry.matching.signature import KEY_WORDS, key_to_words  # noqa: E402

AUGMENTED = 2  # registered versions per pool photo: as shot, and re-framed / tilted / re-lit / re-compressed
FLIP = 0.12  # share of a pool key's bits flipped to make a padded photo's key


class Pool:
    """Real photos' signatures: keys (n, KEY_WORDS) uint64, their feature blobs and their second look's features."""

    def __init__(self, keys: np.ndarray, blobs: list[bytes], source: str, second: list[bytes]) -> None:
        self.keys, self.blobs, self.source, self.second = keys, blobs, source, second

    def __len__(self) -> int:
        return len(self.blobs)


def _augmented(img: Image.Image, rng: np.random.Generator) -> Image.Image:
    w, h = img.size
    keep = rng.uniform(0.8, 0.95)
    x0, y0 = rng.uniform(0, 1 - keep) * w, rng.uniform(0, 1 - keep) * h
    img = img.crop((int(x0), int(y0), int(x0 + keep * w), int(y0 + keep * h)))
    img = img.rotate(float(rng.uniform(-10, 10)), resample=Image.Resampling.BICUBIC, expand=False, fillcolor=(40, 40, 90))
    img = ImageEnhance.Brightness(img).enhance(float(rng.uniform(0.75, 1.25)))
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=int(rng.integers(60, 90)))
    return Image.open(io.BytesIO(buf.getvalue())).convert("RGB")


def _signature_of(item: tuple[str, int]) -> tuple[bytes, bytes, bytes]:
    path, version = item
    img = Image.open(path).convert("RGB")
    if version:  # seeded by the photo's name in the data set, not where the data set lies: the same padding anywhere
        name = "/".join(Path(path).parts[-2:])
        img = _augmented(img, np.random.default_rng([version, sum(map(ord, name))]))
    sig = compute_signature(img)
    return sig.index_key, sig.features, sig.second_features


def real_pool(cache_dir: Path, workers: int = 2, data_dir: Path = ep.DATA_DIR) -> Pool | None:
    """The pool of real photos' signatures (cached in ``cache_dir``), or None where ETH-80 is absent."""
    cache = cache_dir / f"padding-{ALGORITHM_VERSION}.npz"
    if cache.exists():
        z = np.load(cache, allow_pickle=False)
        return Pool(z["keys"], _split(z["blob_bytes"], z["blob_starts"]), str(z["source"]),
                    _split(z["second_bytes"], z["second_starts"]))
    if not data_dir.is_dir():
        return None
    paths = sorted(str(p) for p in data_dir.glob("*/*.jpg"))
    items = [(p, v) for p in paths for v in range(AUGMENTED)]
    with mp.get_context("fork").Pool(workers) as pool:
        rows = pool.map(_signature_of, items, chunksize=16)
    keys = np.stack([key_to_words(k) for k, _, _ in rows])
    blobs, second = [b for _, b, _ in rows], [s for _, _, s in rows]
    source = f"{len(paths)} ETH-80 photos x {AUGMENTED} versions"
    np.savez(cache, keys=keys, blob_bytes=np.frombuffer(b"".join(blobs), np.uint8), blob_starts=_starts(blobs),
             second_bytes=np.frombuffer(b"".join(second), np.uint8), second_starts=_starts(second),
             source=np.array(source))
    return Pool(keys, blobs, source, second)


def _starts(parts: list[bytes]) -> np.ndarray:
    return np.cumsum([0] + [len(b) for b in parts]).astype(np.int64)


def _split(joined: np.ndarray, starts: np.ndarray) -> list[bytes]:
    return [joined[a:b].tobytes() for a, b in zip(starts[:-1], starts[1:])]


class PaddedBlobs:
    """Feature blobs of the real photos, then of the padding (each padded id: its pool photo's blob); with
    ``second``, their second look's features instead."""

    def __init__(self, real: dict[int, bytes], first_pad_id: int, pool: Pool | None, second: bool = False) -> None:
        self.real, self.first, self.pool = real, first_pad_id, pool
        self.pooled = None if pool is None else pool.second if second else pool.blobs

    def get(self, photo_id: int) -> bytes | None:
        found = self.real.get(photo_id)
        if found is not None or self.pooled is None or photo_id < self.first:
            return found
        return self.pooled[(photo_id - self.first) % len(self.pooled)]


def padding_words(pool: Pool, n_pad: int, rng: np.random.Generator) -> np.ndarray:
    """``n_pad`` keys (n_pad, KEY_WORDS) uint64: pool keys in turn, FLIP of their bits flipped."""
    out = np.empty((n_pad, KEY_WORDS), np.uint64)
    step = 50_000
    for start in range(0, n_pad, step):
        n = min(step, n_pad - start)
        base = pool.keys[(np.arange(start, start + n)) % len(pool)]
        bits = rng.random((n, KEY_WORDS, 64)) < FLIP
        flips = np.packbits(bits, axis=-1, bitorder="little").view("<u8").reshape(n, KEY_WORDS)
        out[start:start + n] = base ^ flips.astype(np.uint64)
    return out


def add_padding(idx: HashIndex, first_id: int, n_pad: int, pool: Pool | None, rng: np.random.Generator) -> None:
    """Pad ``idx`` with ``n_pad`` photos from ids ``first_id`` on: from the real pool, else random keys."""
    if n_pad <= 0:
        return
    if pool is None:
        words = rng.integers(0, 2 ** 63, size=(n_pad, KEY_WORDS), dtype=np.uint64) ^ (
            rng.integers(0, 2, size=(n_pad, KEY_WORDS), dtype=np.uint64) << np.uint64(63))
    else:
        words = padding_words(pool, n_pad, rng)
    ids = np.arange(first_id, first_id + n_pad)
    idx.add_many(ids, ids, words)
