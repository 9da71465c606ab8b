"""Props: objects photographed with the same scale bar and colour chart (as a museum's studio does).

Registers 60 objects photographed with the props, then checks 60 unregistered objects photographed with
the same props (some without the chart), and objects of the registry photographed again without them.
Prints how many strangers are flagged "match" (they must not be) and how many registered objects are found.
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import edits  # noqa: E402
from objects import make_object, with_props  # noqa: E402

from registry.matching import HashIndex, candidates_to_verify, compute_query, compute_signature, rank  # noqa: E402
from registry.matching import use_one_native_thread, warm_up  # noqa: E402

N = 60


def main() -> None:
    use_one_native_thread()
    warm_up()
    rng = np.random.default_rng(0)
    index, blobs, second = HashIndex(), {}, {}
    for i in range(N):
        sig = compute_signature(with_props(make_object(300000 + i), rng))
        index.add(i, i, sig.index_key)
        blobs[i], second[i] = sig.features, sig.second_features

    def check(img):  # noqa: ANN001, ANN202
        q = compute_query(img)
        return rank(q, index.search(q, candidates_to_verify(q)), lambda ids: {i: blobs[i] for i in ids}, top=5,
                    load_second=lambda ids: {i: second[i] for i in ids})

    strangers = [check(edits.jpeg(with_props(make_object(400000 + j), rng, chart=j % 2 == 0), rng, 80)) for j in range(N)]
    flagged = sum(any(m.verdict == "match" for m in res) for res in strangers)
    possible = sum(any(m.verdict == "possible" for m in res) for res in strangers)
    print(f"strangers with the registry's props: flagged match {flagged}/{N}, possible {possible}/{N}")
    for kind in ("jpeg", "crop", "angle"):
        found = matched = 0
        for j in range(20):
            res = check(edits.apply(kind, make_object(300000 + j), np.random.default_rng([j, 7])))
            found += bool(res) and res[0].record_id == j
            matched += bool(res) and res[0].record_id == j and res[0].verdict == "match"
        print(f"registered object photographed without the props, {kind}: R@1 {found}/20, match {matched}/20")


if __name__ == "__main__":
    main()
