"""Image-matching engine of the Object ID Registry (Flask-free)."""
from .fields import compare_fields
from .index import HashIndex
from .ranking import MATCH_MIN_CELLS, POSSIBLE_MIN_CELLS, candidates_to_verify, rank
from .signature import WORK_SIDE as QUERY_WORK_SIDE
from .signature import compute_query, compute_signature, signature_of_query
from .threads import use_one_native_thread
from .types import Candidate, LocalFeatures, PhotoSignature, QuerySignature, QueryVariant, RecordMatch
from .warmup import warm_up

ALGORITHM_VERSION = "orb-akaze-15"  # ORB-VLAD codes and ORB features, AKAZE for the second look

__all__ = [
    "ALGORITHM_VERSION", "Candidate", "HashIndex", "LocalFeatures", "MATCH_MIN_CELLS", "POSSIBLE_MIN_CELLS", "PhotoSignature",
    "QUERY_WORK_SIDE",
    "QuerySignature", "QueryVariant", "RecordMatch", "candidates_to_verify", "compare_fields", "compute_query", "compute_signature", "rank",
    "signature_of_query",
    "use_one_native_thread", "warm_up",
]
