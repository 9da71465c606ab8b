"""Deterministic labelled corpus: registered objects, edited query photos and unregistered distractors."""
from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Iterator

import numpy as np
from PIL import Image
from skimage import data as skdata

import edits
from objects import make_object

DEFAULT_DIR = Path(__file__).resolve().parent / ".corpus"
CORPUS_VERSION = 4  # 4: a picture scattered on a plain backdrop (a star field) moved to a new background whole
_TILED = {"retina": 4, "hubble_deep_field": 3, "brick": 2, "grass": 2, "gravel": 2, "immunohistochemistry": 2,
          "astronaut": 2, "coffee": 2, "rocket": 2}
# "cat" is left out: it is the same photo as "chelsea"
_WHOLE = ("camera", "chelsea", "coins", "clock", "colorwheel", "logo", "moon", "page", "text", "horse", "cell")


def _rgb(arr: np.ndarray) -> Image.Image:
    if arr.dtype != np.uint8:
        arr = (255 * (arr.astype(np.float32) / max(1e-6, float(arr.max())))).astype(np.uint8)
    img = Image.fromarray(arr)
    if img.mode == "RGBA":
        bg = Image.new("RGBA", img.size, (255, 255, 255, 255))
        img = Image.alpha_composite(bg, img)
    return img.convert("RGB")


def _tiles(arr: np.ndarray, n: int) -> Iterator[np.ndarray]:
    h, w = arr.shape[:2]
    th, tw = h // n, w // n
    for i in range(n):
        for j in range(n):
            tile = arr[i * th:(i + 1) * th, j * tw:(j + 1) * tw]
            if float(np.std(tile)) > 12:
                yield tile


def skimage_objects() -> list[tuple[str, Image.Image]]:
    """Offline skimage images: whole ones and non-overlapping tiles of larger ones (each a distinct object)."""
    out = []
    for name in _WHOLE:
        out.append((name, _rgb(getattr(skdata, name)())))
    for name, n in _TILED.items():
        for k, tile in enumerate(_tiles(getattr(skdata, name)(), n)):
            out.append((f"{name}_{k}", _rgb(tile)))
    return out


def _save(img: Image.Image, path: Path, quality: int = 93) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    img.convert("RGB").save(path, "JPEG", quality=quality)
    return path.name if path.parent.name == "" else f"{path.parent.name}/{path.name}"


def _sources(n_reg: int, n_unreg: int, seed: int) -> tuple[list, list]:
    sk = skimage_objects()
    rng = np.random.default_rng(seed)
    rng.shuffle(sk)
    half = len(sk) // 2
    reg = [(f"sk:{n}", im) for n, im in sk[:half]]
    unreg = [(f"sk:{n}", im) for n, im in sk[half:]]
    reg += [(f"proc:{seed * 100000 + i}", None) for i in range(n_reg - len(reg))]
    unreg += [(f"proc:{seed * 100000 + 50000 + i}", None) for i in range(n_unreg - len(unreg))]
    return reg, unreg


def _load_source(name: str, img: Image.Image | None) -> Image.Image:
    return img if img is not None else make_object(int(name.split(":")[1]))


def build_corpus(out_dir: Path = DEFAULT_DIR, n_registered: int = 220, n_unregistered: int = 220,
                 queries_per_kind: int = 70, seed: int = 1) -> dict:
    """Build (or rebuild) the corpus into ``out_dir`` and return its manifest."""
    out_dir = Path(out_dir)
    rng = np.random.default_rng(seed)
    reg, unreg = _sources(n_registered, n_unregistered, seed)
    records, queries, photo_id = [], [], 0
    mains: list[Image.Image] = []
    for rid, (name, im) in enumerate(reg):
        img = _load_source(name, im)
        mains.append(img)
        photos = [{"photo_id": photo_id, "path": _save(img, out_dir / "registered" / f"p{photo_id}.jpg")}]
        photo_id += 1
        if rng.random() < 0.25:  # a second registered view of the same object
            view = edits.perspective(img, rng, 8, 20)
            photos.append({"photo_id": photo_id, "path": _save(view, out_dir / "registered" / f"p{photo_id}.jpg")})
            photo_id += 1
        records.append({"record_id": rid, "source": name, "photos": photos})
    moto_l, moto_r = skdata.stereo_motorcycle()[:2]
    rid = len(records)
    records.append({"record_id": rid, "source": "sk:stereo_motorcycle_left",
                    "photos": [{"photo_id": photo_id, "path": _save(_rgb(moto_l), out_dir / "registered" / f"p{photo_id}.jpg")}]})
    queries.append({"kind": "angle", "record_id": rid, "real_multiview": True,
                    "path": _save(_rgb(moto_r), out_dir / "queries" / "angle_moto.jpg")})
    for kind in edits.KINDS:
        chosen = rng.choice(len(reg), size=min(queries_per_kind, len(reg)), replace=False)
        for j, r in enumerate(sorted(chosen.tolist())):
            q = edits.apply(kind, mains[r], np.random.default_rng([seed, j, r, edits.KINDS.index(kind)]))
            queries.append({"kind": kind, "record_id": r, "path": _save(q, out_dir / "queries" / f"{kind}_{j}.jpg")})
    for u, (name, im) in enumerate(unreg):
        img = _load_source(name, im)
        queries.append({"kind": "unregistered", "record_id": None, "source": name,
                        "path": _save(img, out_dir / "queries" / f"unreg_{u}.jpg")})
        qrng = np.random.default_rng([seed, 7, u])
        kind = str(qrng.choice(edits.KINDS))
        queries.append({"kind": "unregistered_edited", "record_id": None, "source": name, "edit": kind,
                        "path": _save(edits.apply(kind, img, qrng), out_dir / "queries" / f"unreg_e{u}.jpg")})
    # Objects pasted on real photos (unregistered skimage tiles: they are not the answer to anything);
    # generated last, from their own seeds, so the other kinds are the same as in corpus version 2.
    scenes = [im for name, im in unreg if im is not None]
    chosen = np.random.default_rng([seed, 11]).choice(len(reg), size=min(queries_per_kind, len(reg)), replace=False)
    for j, r in enumerate(sorted(chosen.tolist())):
        qrng = np.random.default_rng([seed, 11, j, r])
        q = edits.background_photo(mains[r], qrng, scenes[int(qrng.integers(len(scenes)))])
        queries.append({"kind": "background_photo", "record_id": r, "path": _save(q, out_dir / "queries" / f"background_photo_{j}.jpg")})
    manifest = {"version": CORPUS_VERSION, "seed": seed, "records": records, "queries": queries}
    (out_dir / "manifest.json").write_text(json.dumps(manifest, indent=1))
    return manifest


def load_or_build(out_dir: Path = DEFAULT_DIR, **kwargs: int) -> dict:
    """Load the manifest if the corpus exists with this version, else build it."""
    mf = Path(out_dir) / "manifest.json"
    if mf.exists():
        manifest = json.loads(mf.read_text())
        if manifest.get("version") == CORPUS_VERSION:
            return manifest
    return build_corpus(Path(out_dir), **kwargs)


def main() -> None:
    """CLI: python bench/corpus.py [--out DIR] [--registered N] [--unregistered N] [--per-kind N]."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--out", type=Path, default=DEFAULT_DIR)
    ap.add_argument("--registered", type=int, default=220)
    ap.add_argument("--unregistered", type=int, default=220)
    ap.add_argument("--per-kind", type=int, default=70)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    m = build_corpus(a.out, a.registered, a.unregistered, a.per_kind, a.seed)
    print(f"{len(m['records'])} records, {len(m['queries'])} queries in {a.out}")


if __name__ == "__main__":
    main()
