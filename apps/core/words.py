"""Searching Dutch text where the database cannot stem it (the embedded SQLite): a word's
root, so that "schulden" finds "schuld" and "toeslagen" finds "toeslag". PostgreSQL uses its
own Dutch dictionary instead (`to_tsvector('dutch', …)`); this is the simpler fallback."""

import re

# Longest first: "heden" before "en". Each ending with what replaces it.
ENDINGS = (
    ("heden", "he"),
    ("ingen", "ing"),
    ("ers", ""),
    ("en", ""),
    ("es", ""),
    ("s", ""),
    ("e", ""),
)
SHORTEST_ROOT = 3
WORDS_AT_MOST = 10


def dutch_word_root(word: str) -> str:
    """The start that the word's forms share, lower case: the plural or inflected ending
    off, and a doubled final consonant single ("bakken" → "bak")."""
    word = word.lower()
    for ending, replacement in ENDINGS:
        root = word[: -len(ending)] + replacement if word.endswith(ending) else ""
        if len(root) >= SHORTEST_ROOT + 1:
            word = root
            break
    if len(word) > SHORTEST_ROOT and word[-1] == word[-2] and word[-1] not in "aeiou":
        word = word[:-1]
    return word


def search_roots(query: str) -> list[str]:
    """The roots of the query's words (letters and digits only), at most ten."""
    return [dutch_word_root(word) for word in re.findall(r"\w+", query)][:WORDS_AT_MOST]
