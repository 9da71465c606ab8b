"""Offline hash bank at scale: its size with 100 000 lost records, and a check from it beside the online check.

A temporary SQLite registry gets `--real` records with real photos (skimage's and the bench's procedural objects,
registered through the service, so with their full signatures), then filler lost records up to `--records`
(random index keys, no keypoints, a real photo's thumbnail, invented object numbers and titles; inserted in bulk).
The bank is exported as `registry offline-bank export` does (thinned to REGISTRY_OFFLINE_BANK_MAX_MB), read back and
verified; then each query photo (an edited copy of a real record's photo, and unregistered objects) is checked online
(services.checks.run_check: the live index and features read from the database) and from the bank (the same engine,
no database). Prints one JSON object.

    python bench/offline_bank.py [--records 100000] [--real 40] [--queries 30] [--real-features]  # ~4 minutes at 100 000

It prints the export's peak RSS (the process's peak reset just before the export).
"""
from __future__ import annotations

import argparse
import io
import json
import secrets
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
from sqlalchemy import select
from PIL import Image, ImageEnhance
from skimage import data as skdata

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from objects import make_object  # noqa: E402

from registry import create_app, matching  # noqa: E402
from registry.extensions import db  # noqa: E402
from registry.models import Institution, ObjectRecord, Photo, RecordChange, StoredSignature  # noqa: E402
from registry.offline_bank import thinning  # noqa: E402
from registry.offline_bank.bank import assemble, read_bank  # noqa: E402
from registry.offline_bank.matcher import BankIndex  # noqa: E402
from registry.services import checks  # noqa: E402
from registry.services.objects import create_record  # noqa: E402
from registry.services.offline_bank import export_bank, make_signing_key  # noqa: E402
from registry.services.photos import decode_query_upload, decode_upload  # noqa: E402

SKIMAGE = ("coffee", "chelsea", "astronaut", "rocket", "immunohistochemistry", "hubble_deep_field")
TYPES = ("statuette", "vase", "coin", "icon", "manuscript page", "cylinder seal", "mask", "bowl", "relief", "jar")
MATERIALS = ("bronze", "terracotta", "gold", "marble", "wood", "silver", "faience", "ivory", "lapis lazuli", "jade")


def _jpeg(image: Image.Image, quality: int = 90) -> bytes:
    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, "JPEG", quality=quality)
    return buffer.getvalue()


def _real_photos(n: int) -> list[Image.Image]:
    photos = [Image.fromarray(getattr(skdata, name)()) for name in SKIMAGE]
    return (photos + [make_object(5000 + i) for i in range(max(0, n - len(photos)))])[:n]


def _suspect(image: Image.Image, rng: np.random.Generator) -> Image.Image:
    """A seller's photo: cropped, smaller, relit, re-compressed."""
    w, h = image.size
    crop = image.crop((int(w * rng.uniform(0, .1)), int(h * rng.uniform(0, .1)), int(w * rng.uniform(.9, 1)), int(h * rng.uniform(.9, 1))))
    crop = ImageEnhance.Brightness(crop.resize((int(crop.width * .8), int(crop.height * .8)))).enhance(rng.uniform(.85, 1.2))
    return Image.open(io.BytesIO(_jpeg(crop, 60)))


def register_real(photos: list[Image.Image]) -> list[int]:
    """Register the real records (stolen) through the service; their ids."""
    return [create_record("Bench Museum", {"object_number": f"REAL-{i:04d}", "object_type": "object", "title": f"Real object {i}"},
                          "bench", photos=[decode_upload(_jpeg(p), f"real{i}.jpg")], filenames=[f"real{i}.jpg"],
                          status_fields={"status": "stolen"}).id for i, p in enumerate(photos)]


def add_filler(count: int, rng: np.random.Generator, template: Photo, blob: bytes, real_blobs: list[bytes] | None = None) -> None:
    """`count` lost records with one photo each, inserted in bulk (random keys, the template's thumbnail); with
    `real_blobs`, each filler photo carries one of these real photos' features in full (keypoints and all)."""
    whole = [thinning.for_bank(b) for b in real_blobs or []]
    institutions = [Institution(name=f"Filler Museum {i}") for i in range(60)]
    db.session.add_all(institutions)
    db.session.flush()
    now = datetime.now(timezone.utc)
    colours_only = thinning.for_bank(blob, 0)  # a real photo's colours and size, no keypoints
    statuses = ("stolen", "missing", "looted")
    for start in range(0, count, 10_000):
        n = min(10_000, count - start)
        records = [{"institution_id": institutions[int(rng.integers(60))].id, "object_number": f"F{start + i:07d}",
                    "object_type": TYPES[(start + i) % 10],
                    "title": f"{MATERIALS[int(rng.integers(10))].title()} {TYPES[int(rng.integers(10))]} ({int(rng.integers(1, 20))}th c.)",
                    "status": statuses[(start + i) % 3], "created_at": now, "updated_at": now, "version": 1}
                   for i in range(n)]
        result = db.session.execute(ObjectRecord.__table__.insert().returning(ObjectRecord.__table__.c.id), records)
        record_ids = [row[0] for row in result]
        photo_rows = [{"record_id": rid, "sha256": template.sha256, "image_format": template.image_format, "width": template.width,
                       "height": template.height, "position": 0, "created_at": now} for rid in record_ids]
        photo_ids = [row[0] for row in db.session.execute(Photo.__table__.insert().returning(Photo.__table__.c.id), photo_rows)]
        keys = rng.integers(0, 2**63, (n, 6), dtype=np.int64).astype("<u8")
        db.session.execute(StoredSignature.__table__.insert(), [
            {"photo_id": pid, "algorithm_version": matching.ALGORITHM_VERSION, "index_key": keys[i].tobytes(),
             "features": thinning.engine_blob(whole[(start + i) % len(whole)] if whole else colours_only, keys[i].tobytes()),
             "hashes": {}, "created_at": now}
            for i, pid in enumerate(photo_ids)])
        db.session.execute(RecordChange.__table__.insert(), [
            {"record_id": rid, "changed_at": now, "changed_by": "bench", "action": "created", "field": "", "ip": ""}
            for rid in record_ids])
        db.session.commit()


def _reset_peak_rss() -> float:
    """Reset this process's peak RSS (Linux: clear_refs 5) and return its RSS now, in MB."""
    Path("/proc/self/clear_refs").write_text("5")
    return _status_mb("VmRSS")


def _peak_rss_mb() -> float:
    return _status_mb("VmHWM")


def _status_mb(field: str) -> float:
    line = next(line for line in Path("/proc/self/status").read_text().splitlines() if line.startswith(field + ":"))
    return round(int(line.split()[1]) / 1024, 1)


def _stats(values: list[float]) -> dict:
    return {"median": round(float(np.median(values)), 1), "p95": round(float(np.percentile(values, 95)), 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--real", type=int, default=40, help="records with real photos among them")
    parser.add_argument("--queries", type=int, default=30, help="query photos (two thirds of registered objects)")
    parser.add_argument("--real-features", action="store_true",
                        help="filler photos carry the real photos' full features (keypoints), not colours only")
    args = parser.parse_args()
    rng = np.random.default_rng(7)
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({"DATABASE_URL": f"sqlite:///{Path(tmp) / 'bench.sqlite'}", "MEDIA_DIR": str(Path(tmp) / "media"),
                          "SECRET_KEY": secrets.token_hex(16), "SIGNING_KEY_FILE": str(Path(tmp) / "key.pem")})
        with app.app_context():
            db.create_all()
            matching.warm_up()
            key = make_signing_key()
            photos = _real_photos(args.real)
            real_ids = register_real(photos)
            template = db.session.get(ObjectRecord, real_ids[0]).current_photos[0]
            blob = db.session.get(StoredSignature, 1).features
            started = time.perf_counter()
            real_blobs = list(db.session.scalars(select(StoredSignature.features))) if args.real_features else None
            add_filler(args.records - len(real_ids), rng, template, blob, real_blobs)
            fill_s = time.perf_counter() - started
            db.session.remove()  # the export starts from an empty session, as the CLI's does
            peak_before = _reset_peak_rss()
            started = time.perf_counter()
            data, content = export_bank()
            export_s = time.perf_counter() - started
            export_peak_mb = _peak_rss_mb()
            n_reg = args.queries * 2 // 3
            chosen = rng.choice(len(photos), n_reg, replace=False)
            queries = [(real_ids[i], _suspect(photos[i], rng)) for i in chosen]
            queries += [(None, make_object(90_000 + i)) for i in range(args.queries - n_reg)]
            decoded = [decode_query_upload(_jpeg(image), f"q{i}.jpg") for i, (_, image) in enumerate(queries)]
            checks.run_check([checks.QueryPhoto("warm", decoded[0])], {}, "bench", "cli")  # loads the live index
            online = [checks.run_check([checks.QueryPhoto(f"q{i}", d)], {}, "bench", "cli")[1][0] for i, d in enumerate(decoded)]
            db.session.remove()
            db.engine.dispose()
        started = time.perf_counter()
        bank = assemble([read_bank(data, key.public_key())])
        index = BankIndex(bank)
        load_ms = (time.perf_counter() - started) * 1000
        offline = [index.check(f"q{i}", d.image, {}) for i, d in enumerate(decoded)]
    top = lambda result: result["candidates"][0]["record_id"] if result["candidates"] else None  # noqa: E731
    verdict = lambda result: result["candidates"][0]["verdict"] if result["candidates"] else "none"  # noqa: E731
    registered = [(q[0], on, off) for q, on, off in zip(queries, online, offline) if q[0] is not None]
    strangers = [(on, off) for q, on, off in zip(queries, online, offline) if q[0] is None]
    online_ms, offline_ms = [r["took_ms"] for r in online], [r["took_ms"] for r in offline]
    print(json.dumps({
        "filler_features": "real photos' (full)" if args.real_features else "colours only",
        "records": len(bank.records), "photos": len(bank.photos), "bank_mb": round(len(data) / 1e6, 2),
        "keypoints_per_photo": content.keypoints_per_photo, "export_s": round(export_s, 1),
        "export_peak_rss_mb": export_peak_mb, "rss_before_export_mb": peak_before, "filler_insert_s": round(fill_s, 1),
        "bank_load_and_verify_ms": round(load_ms, 1),
        "online_took_ms": _stats(online_ms), "offline_took_ms": _stats(offline_ms),
        "offline_over_online_median": round(float(np.median(offline_ms) / np.median(online_ms)), 2),
        "registered_top1": {"online": sum(top(on) == rid for rid, on, _ in registered) / len(registered),
                            "offline": sum(top(off) == rid for rid, _, off in registered) / len(registered)},
        "registered_match_verdict": {"online": sum(verdict(on) == "match" for _, on, _ in registered),
                                     "offline": sum(verdict(off) == "match" for _, _, off in registered), "of": len(registered)},
        "strangers_flagged_match": {"online": sum(verdict(on) == "match" for on, _ in strangers),
                                    "offline": sum(verdict(off) == "match" for _, off in strangers), "of": len(strangers)},
    }, indent=1))


if __name__ == "__main__":
    main()
