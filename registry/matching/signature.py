"""Signatures of registered photos and of query photos."""
from __future__ import annotations

from functools import cache
from typing import Callable, NamedTuple

import cv2
import numpy as np
from PIL import Image

from . import aggregate as ag
from . import features as ft
from . import hashing as hs
from . import second_look as sl
from .imageops import (PAGE_SIDE, backdrop_for_colours, backdrop_picture, calm_region_box, crop, fade_outside,
                       isolate_object, isolate_object_off_shaded_paper, isolate_objects, light_backdrop,
                       one_colour_backdrop, paint_bars, paint_out_bars, plain_backdrop, printed_bars,
                       rare_colour_masks, rescale_box, resize_max, resize_query, resize_to, segment, working_array)
from .threads import beside
from .types import (CUT_OUT, MIRRORED, NO_COLOURS, STUDIO_BACKDROPS, WHOLE_FRAME, LocalFeatures, PhotoSignature,
                    QuerySignature, QueryVariant, object_variant_name)

KEY_WORDS = 6  # phash_obj, dhash_obj, colour_obj, phash_full, 2 x ORB-VLAD code -> 48 bytes per photo
KEY_NAMES = ("phash", "dhash", "colour", "phash_full", "orb_code_hi", "orb_code_lo")
WORK_SIDE = 1280  # registered photos are described at this size at most; queries are cut from it
QUERY_REDUCE_SIDE = 1152  # a query photo is reduced by the whole factor that keeps it at least this long: from
# 2 304 px, not 2 560 (a 2 440 px photo whole is 5.8 megapixels, ~43 ms to convert to an array; halved, ~12)


def _object_views(arr: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """What a registered photo's hashes and colours are taken of, and what its ORB features are described on.

    The object cut out of a plain backdrop, for both. Off a neutral studio paper whose light falls off
    (imageops.isolate_object_off_shaded_paper), the object for its hashes and colours, and the whole photo for its
    features: a check cuts an object out of a busy frame (brick, grass, a table) and its hashes are the object's;
    the whole frame's, mostly paper, were as far from them as a stranger's (pHash 26 bits on eth80's white studio
    photos; 12 the object's). The features stay the whole photo's, as before: described on the object alone, a
    small copy of the photo (a sale's thumbnail), cut out otherwise or not at all, verified none of them, and
    nothing was gained (bench/README.md runs 37-39). Else the whole photo, for both."""
    box = isolate_object(arr)
    if box is not None:
        obj = crop(arr, box)
        return obj, obj
    box = isolate_object_off_shaded_paper(arr)
    return (arr, arr) if box is None else (crop(arr, box), arr)


def key_to_words(index_key: bytes) -> np.ndarray:
    """Decode an index key into its uint64 words."""
    return np.frombuffer(index_key, dtype="<u8").astype(np.uint64)


def compute_signature(image: Image.Image) -> PhotoSignature:
    """Signature of a registered photo (deterministic for identical pixels)."""
    arr = paint_out_bars(resize_max(working_array(image, WORK_SIDE), WORK_SIDE))
    obj, described = _object_views(arr)
    small = resize_to(described, ft.FEATURE_SIDE)
    extracted = ft.start_extracting(small)
    hashes = [*hs.hash_words(hs.thumbnail(obj)), hs.phash_word(hs.thumbnail(arr))]  # meanwhile
    seen = small if described is obj else resize_to(obj, ft.FEATURE_SIDE)
    colour = ft.colour_histogram(seen)
    seen_picture = backdrop_picture(seen)
    object_colours = ft.object_colour_histogram(seen_picture, backdrop_for_colours(seen_picture))
    picture = seen_picture if seen is small else backdrop_picture(small)
    kp, desc, angles = extracted()
    second = beside(sl.describe, small)  # in the pool, while the object is described on grey here
    cells, code = ag.describe(desc)  # the code searched for: of the photo as it is
    kp, desc, angles, cells = _with_the_object_on_grey(small, picture, kp, desc, angles, cells)
    words = np.array([*hashes, *code], np.uint64)
    blob = ft.pack_features(kp, desc, angles, colour, (small.shape[1], small.shape[0]), words, cells, object_colours)
    hex_map = {name: hs.word_hex(w) for name, w in zip(KEY_NAMES, words)}
    return PhotoSignature(index_key=words.astype("<u8").tobytes(), features=blob, hash_hex=hex_map,
                          second_features=sl.packed(second()))


OBJECT_ON_GREY = 70  # the grey a registered photo's object is also described on, off a light studio backdrop


def _with_the_object_on_grey(small: np.ndarray, picture: np.ndarray, kp: np.ndarray, desc: np.ndarray,
                             angles: np.ndarray, cells: np.ndarray) -> tuple[np.ndarray, ...]:
    """A registered photo's ORB features, and where it shows its object on a light studio backdrop (white paper:
    imageops.light_backdrop), those of the object laid on a mid grey (OBJECT_ON_GREY) that are not copies of them.

    A query cuts a busy frame's object out and fades what is around it into that frame's lightness
    (signature._cut_out: grass, gravel, a table's wood are all darker than paper). Seen so, a light object's
    outline, where a smooth one has all its corners, is another corner than on white: eth80's objects registered
    on white and seen again on a texture were found first 0.821 of the tune half's queries, 1.000 when registered
    on black (bench/README.md, run 32). Both kinds are kept, with their codebook ``cells``: a photo of the object on
    the same white paper matches the first. The photo's ORB code is the first kind's alone: the cut-out of a busy
    frame was further from a code of both. ``picture``: ``small`` at the size backdrops are looked for in
    (imageops.backdrop_picture), made once for its colours too."""
    back = light_backdrop(picture)
    if back is None:
        return kp, desc, angles, cells
    on_grey = fade_outside(small, ~back, (0.0, 0.0, 1.0, 1.0), OBJECT_ON_GREY)
    more_kp, more_desc, more_angles = ft.extract_features(on_grey)
    new = ft.features_not_yet_described(kp, desc, more_kp, more_desc)
    more_cells, _ = ag.describe(more_desc[new])
    return (np.concatenate([kp, more_kp[new]]), np.concatenate([desc, more_desc[new]]),
            np.concatenate([angles, more_angles[new]]), np.concatenate([cells, more_cells]))


def signature_of_query(query: QuerySignature) -> PhotoSignature:
    """A registered photo's kind of signature made from what a query already described (its main variant's
    hashes and ORB features, the whole frame's pHash): no second pass over the pixels. The standing watch keeps it
    with the check, so that a record reported lost later is searched for among earlier checks' photos (about 1 ms;
    :func:`compute_signature` on the same photo took ~250 ms, which every check would have paid)."""
    main = query.variants[0]
    frame = next((v for v in query.variants if v.name == WHOLE_FRAME), main)
    f = main.features
    words = np.array([*main.hash_words[0], frame.hash_words[0][0], *f.code], np.uint64)
    blob = ft.pack_features(f.keypoints, f.descriptors, f.angles, main.colour_hist, main.size, words, f.descriptor_cells,
                            main.object_colours())
    hex_map = {name: hs.word_hex(w) for name, w in zip(KEY_NAMES, words)}
    return PhotoSignature(index_key=words.astype("<u8").tobytes(), features=blob, hash_hex=hex_map)


def _local_features(small: np.ndarray, mask: np.ndarray | None = None) -> LocalFeatures:
    return _described(*ft.extract_features(small, query=True, mask=mask))


def _lazily_described(small: np.ndarray) -> Callable[[np.ndarray | None], LocalFeatures]:
    """A variant's ``describe``: its ORB levels shared with the pool, which is idle while ranking verifies
    candidates (the same features as one call: tested), or in one call where a mask is given."""
    return lambda mask: _start_local_features(small)() if mask is None else _local_features(small, mask)


def _start_local_features(small: np.ndarray) -> Callable[[], LocalFeatures]:
    """What gives ``_local_features(small)``: its ORB levels started in the verification pool now, finished
    in this thread when called (meanwhile, this thread hashes the photo)."""
    extracted = ft.start_extracting(small, query=True)
    return lambda: _described(*extracted())


def _described(kp: np.ndarray, desc: np.ndarray, angles: np.ndarray) -> LocalFeatures:
    cells, code = ag.describe(desc)
    kp, desc, angles, cells = ft.sort_by_cell(kp, desc, angles, cells)
    return LocalFeatures(kp, desc, angles, cells, ft.cell_bounds(cells, ag.N_CELLS), code)


class _Hashes(NamedTuple):
    words: np.ndarray  # (4 rotations, 3) hash words
    colour: np.ndarray  # colour histogram
    mirrored: np.ndarray | None = None  # (4 rotations, 3) hash words of the picture flipped left to right


def _hashes(small: np.ndarray, mirrored: bool = False) -> _Hashes:
    thumb = hs.thumbnail(small)
    return _Hashes(hs.rotated_hash_words(thumb), ft.colour_histogram(thumb.astype(np.uint8)),  # same colours, ~20x cheaper
                   hs.rotated_hash_words(np.ascontiguousarray(thumb[:, ::-1])) if mirrored else None)


def _variant(name: str, small: np.ndarray, box: tuple[float, float, float, float] = (0.0, 0.0, 1.0, 1.0),
             features: Callable[[], LocalFeatures] | None = None, hashes: _Hashes | None = None) -> QueryVariant:
    """``small``: the variant's image at FEATURE_SIDE; ``box``: where it lies in the query photo (fractions);
    ``features``: what gives its ORB features, their extraction started before (None: described when ranking
    first needs them); ``hashes``: its :func:`_hashes` when they were computed before."""
    hash_words, colour, _ = hashes or _hashes(small)
    picture = cache(lambda: backdrop_picture(small))  # made once, for its backdrops and its object's colours
    # its object's colours leave out the coloured backdrop its matches are kept off, else a plain one (as
    # imageops.backdrop_for_colours does for a registered photo)
    return QueryVariant(name=name, hash_words=hash_words, colour_hist=colour, size=(small.shape[1], small.shape[0]),
                        features=features() if features else None,
                        describe=_lazily_described(small), start=lambda: _start_local_features(small), box=box,
                        second=cache(lambda: sl.describe_tilted(small)),
                        backdrop=lambda: one_colour_backdrop(picture()),
                        object_colours=lambda backdrop: ft.object_colour_histogram(
                            picture(), backdrop if backdrop is not None else plain_backdrop(picture())))


def _mirrored(variant: QueryVariant, small: np.ndarray, hashes: _Hashes) -> QueryVariant:
    """``variant`` (its picture ``small``, its hashes with the mirrored ones) flipped left to right, searched
    by its hashes only: ORB descriptors are not symmetric, and a flipped picture's are described only for a
    candidate whose hashes are nearest to it (ranking.MIRRORED_MAX_COMBINED: a flipped copy of a registered
    photo)."""
    return QueryVariant(name=MIRRORED, hash_words=hashes.mirrored, colour_hist=hashes.colour, size=variant.size,
                        describe=lambda mask: _lazily_described(cv2.flip(small, 1))(mask), box=variant.box,
                        backdrop=lambda: _flipped(variant.backdrop_mask()),
                        object_colours=lambda _backdrop: variant.object_colours())  # a flipped picture's colours


def _flipped(mask: np.ndarray | None) -> np.ndarray | None:
    return None if mask is None else np.ascontiguousarray(mask[:, ::-1])


def _part(arr: np.ndarray, full: np.ndarray, box: tuple[int, int, int, int]) -> tuple[np.ndarray, tuple[float, ...]]:
    """The part of the photo in ``box`` (coordinates in ``full``) at FEATURE_SIDE, cut from the larger ``arr``,
    and the box as fractions of the photo's sides."""
    h, w = full.shape[:2]
    x0, y0, x1, y1 = box
    part = resize_query(crop(arr, rescale_box(box, full.shape, arr.shape)), ft.FEATURE_SIDE)
    return part, (round(x0 / w, 3), round(y0 / h, 3), round(x1 / w, 3), round(y1 / h, 3))


def _likely_object(full: np.ndarray) -> tuple[tuple[int, int, int, int], np.ndarray | None,
                                             Callable[[], np.ndarray]] | None:
    """Where the object of a busy frame likely is: the region of colours its border lacks (its box, its mask at a
    thumbnail's size, and what gives its colours as the region grown gives them, made when ranking first asks:
    :func:`imageops.rare_colour_masks`), else its calm region (its box; no mask, no colours)."""
    found = rare_colour_masks(full)
    if found is not None:
        grown = found.grown
        return found.box, found.mask, cache(lambda: NO_COLOURS if grown() is None
                                            else ft.object_colour_histogram(found.small, ~grown()))
    box = calm_region_box(full)
    return None if box is None else (box, None, lambda: NO_COLOURS)


def _cut_out(arr: np.ndarray, full: np.ndarray, box: tuple[int, int, int, int],
             mask: np.ndarray) -> tuple[np.ndarray, tuple[float, ...], list[tuple[str, np.ndarray]]]:
    """The object of a busy frame in ``box`` (coordinates in ``full``, the frame at FEATURE_SIDE), cut from the
    larger ``arr`` with what lies off its ``mask`` faded (:func:`imageops.fade_outside`), the box as fractions of
    the photo's sides, and the same object laid on a studio's black and white backdrops at half that size
    (STUDIO_BACKDROPS: their variants' names and pictures). An object that fills half the frame or more keeps the
    frame's scale, at which a registered photo of it described whole shows it; a smaller one is enlarged to
    FEATURE_SIDE, as an object cut out of a plain background is (bench/README.md, run 25).

    A registered photo's object is hashed and described on its own backdrop, and the cut-out on the busy frame's
    lightness: a studio photo on white, its object seen again on grass, was 22-33 bits from its record (unrelated
    photos: ~32, bench/README.md run 28), and its outline, where a smooth object has its corners, is another corner
    there. Laid on that studio's backdrop too, it is nearer by its hashes (searched: in a registry of 1 M photos
    they find the studio photo its ORB codes miss) and by its corners (verified where the candidate's hashes are
    nearest to it); ranking's `distinct` rule takes the nearest pHash of the three (run 29, run 35) where the shapes
    can be compared at all (not for an object registered on a backdrop and seen on a busy frame with none:
    ranking._moved_onto_a_busy_frame, run 33). At half size: what they add is the outline's corners, which it keeps,
    and the ORB features of two more pictures at full size cost an unregistered object's check ~9 ms at 1 M photos,
    most checks of a busy frame describing them for some candidate (~3.5 ms at half size, run 35)."""
    h, w = full.shape[:2]
    x0, y0, x1, y1 = box
    side = max(x1 - x0, y1 - y0)
    part = resize_query(crop(arr, rescale_box(box, full.shape, arr.shape)),
                        side if side >= ft.FEATURE_SIDE // 2 else ft.FEATURE_SIDE)
    fractions = (round(x0 / w, 3), round(y0 / h, 3), round(x1 / w, 3), round(y1 / h, 3))
    within = (x0 / w, y0 / h, x1 / w, y1 / h)
    half = cv2.resize(part, (part.shape[1] // 2, part.shape[0] // 2), interpolation=cv2.INTER_AREA)
    on_studio = [(name, fade_outside(half, mask, within, grey)) for name, grey in STUDIO_BACKDROPS]
    return fade_outside(part, mask, within), fractions, on_studio


def _likely_variant(arr: np.ndarray, full: np.ndarray, box: tuple[int, int, int, int], mask: np.ndarray | None
                    ) -> tuple[np.ndarray, tuple[float, ...], list[tuple[str, np.ndarray]]]:
    """The picture of where a busy frame's object likely is, its box as fractions, and the same laid on a studio's
    backdrops: cut out by its ``mask`` (:func:`_cut_out`), or the calm region's ``box`` (none)."""
    return _cut_out(arr, full, box, mask) if mask is not None else (*_part(arr, full, box), [])


def _mirrored_as_registered(full: np.ndarray, frame_words: _Hashes) -> _Hashes:
    """The hashes a flipped copy of a registered photo is searched by (:func:`_mirrored` reads the mirrored words
    and the colours), as registration took them (:func:`_object_views`): the object's, off a neutral studio paper
    whose light falls off; else the whole frame's (whose features are described either way). The paper is looked
    for at PAGE_SIDE, as a shaded page is: ~1 ms, twice that at registration's 256 px."""
    box = isolate_object_off_shaded_paper(full, seg_side=PAGE_SIDE)
    if box is None:
        return frame_words
    thumb = hs.thumbnail(crop(full, box))
    return frame_words._replace(colour=ft.colour_histogram(thumb.astype(np.uint8)),
                                mirrored=hs.rotated_hash_words(np.ascontiguousarray(thumb[:, ::-1])))


def compute_query(image: Image.Image) -> QuerySignature:
    """Signature of a query photo: the objects isolated from a plain background, or the picture cut out of a
    page shaded across the frame (if any; several objects in a group photo, each its own variant), the whole
    frame, and the main one of these flipped left to right (:func:`_mirrored`).

    Objects on a busy background are not segmented (GrabCut cost 30-60 ms a query): the ORB codes of
    the whole frame and of its sub-windows find them, with a "region" variant around where the object
    likely is (:func:`_likely_object_box`: an object is seldom of the colours of the grass, bricks or
    table around it, and often smoother), and verification matches the object's own corners. When the object was
    isolated, the whole frame's ORB features are extracted only if ranking needs them (its global
    hashes are searched either way).
    """
    arr = working_array(image, QUERY_REDUCE_SIDE)
    full = resize_query(arr, ft.FEATURE_SIDE)
    frame_hashes = beside(_hashes, full, True)  # in the pool while the frame is segmented
    seg = segment(full, ft.FEATURE_SIDE // 2, pages=True)  # an exact halving: ~8x cheaper than to 256 px
    bars = None if seg is None else printed_bars(seg)
    if bars is not None:
        arr, full = paint_bars(arr, bars), paint_bars(full, bars)
        painted = _hashes(full, True)
        frame_hashes = lambda: painted  # noqa: E731 (the frame's hashes again, without its bars)
    boxes = [] if seg is None else isolate_objects(full, seg=seg, ignore=bars.labels if bars else ())
    windows = None
    if not boxes:
        frame = _start_local_features(full)
        likely = _likely_object(full)  # meanwhile
        # the likely object is searched by its own hashes and code too: at 1 M photos this found most objects
        # on photographed backgrounds that the frame's codes missed (bench/README.md)
        cut = likely is not None and likely[1] is not None
        region = None if likely is None else _likely_variant(arr, full, *likely[:2])
        region_features = None if region is None else _start_local_features(region[0])  # after the frame's
        frame_words = frame_hashes()
        variants = [_variant(WHOLE_FRAME, full, features=frame, hashes=frame_words)]
        mirror = (variants[0], full, _mirrored_as_registered(full, frame_words))
        f = variants[0].features
        windows = ag.window_codes(f.keypoints, f.descriptors, f.descriptor_cells, variants[0].size)
        if region is not None:
            picture, box, on_studio = region
            variants.append(_variant(CUT_OUT if cut else "region", picture, box, features=region_features))
            variants += [_variant(name, studio_picture, box) for name, studio_picture in on_studio]
    else:
        parts = [_part(arr, full, box) for box in boxes]
        # each object's ORB levels started in the pool in turn, shared by this thread after it hashes the object
        started = [_start_local_features(part[0]) for part in parts]
        frame_words = frame_hashes()
        whole = _variant(WHOLE_FRAME, full, hashes=frame_words)  # its ORB features only if ranking needs them
        first_words = None if seg.shaded else _hashes(parts[0][0], True)
        variants = [_variant(object_variant_name(i), *part, features=features, hashes=first_words if i == 0 else None)
                    for i, (part, features) in enumerate(zip(parts, started))] + [whole]
        # A picture cut out of a shaded page may be an object on a backdrop that falls off into shadow, which
        # registration describes whole: a flipped copy of its photo matches the whole frame
        mirror = ((whole, full, _mirrored_as_registered(full, frame_words)) if seg.shaded
                  else (variants[0], parts[0][0], first_words))
    variants.append(_mirrored(*mirror))
    words = variants[0].hash_words[0]
    sig = QuerySignature(variants=variants, hash_hex={n: hs.word_hex(w) for n, w in zip(hs.HASH_NAMES, words)},
                         source_side=max(image.size))
    if windows is not None:
        sig.window_codes = windows
        if likely is not None:
            sig.grown_colours = likely[2]
    return sig
