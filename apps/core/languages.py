from django.utils.translation import get_language


def in_active_language(dutch: str, english: str) -> str:
    """Of a text kept in both languages, the one the reader reads: English when they chose
    it, Dutch otherwise."""
    return english if (get_language() or "nl").startswith("en") else dutch
