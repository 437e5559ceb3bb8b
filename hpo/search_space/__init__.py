"""Search spaces inferred from a study's trials.

``IntersectionSearchSpace`` finds the parameters (with identical distributions) that every
finished trial has; ``_GroupDecomposedSearchSpace`` splits the parameters of a conditional
(define-by-run) objective into groups that always appear together.
"""

from hpo.search_space._group_decomposed import _GroupDecomposedSearchSpace, _SearchSpaceGroup
from hpo.search_space._intersection import IntersectionSearchSpace, intersection_search_space

__all__ = [
    "IntersectionSearchSpace",
    "_GroupDecomposedSearchSpace",
    "_SearchSpaceGroup",
    "intersection_search_space",
]
