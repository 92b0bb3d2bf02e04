"""De-identification: identifier detection, pseudonyms, disclosure control."""

from .detect import CATEGORIES, Candidate, detect
from .matcher import Match, TermMatcher, person_variants
from .patterns import find_patterns, nhs_number_valid

__all__ = [
    "CATEGORIES",
    "Candidate",
    "Match",
    "TermMatcher",
    "detect",
    "find_patterns",
    "nhs_number_valid",
    "person_variants",
]
