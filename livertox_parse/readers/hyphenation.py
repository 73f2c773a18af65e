"""Line-end hyphenation: is the hyphen at the end of a line a typesetting break or part of the word?

One rule for every reader (text copied from a PDF, the PDF itself), judged against the document's own
vocabulary: words and hyphenated pairs seen inside lines.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable

_WORD = re.compile(r"[^\W\d_]+")
_PREFIXES = frozenset(
    {
        "self",
        "non",
        "anti",
        "pro",
        "well",
        "ill",
        "cross",
        "co",
        "semi",
        "multi",
        "pre",
        "post",
        "beta",
        "alpha",
        "gamma",
        "mild",
        "high",
        "low",
        "long",
        "short",
        "half",
        "dose",
    }
)


def vocabulary(lines: Iterable[str]) -> tuple[set[str], set[str]]:
    """Words and hyphenated word pairs (lowercased) inside ``lines``, in order; the fragments on either
    side of a line-end hyphen do not count, since they are what is being judged."""
    words: set[str] = set()
    pairs: set[str] = set()
    prev_hyphen = False
    for line in lines:
        tokens = line.split()
        if prev_hyphen and tokens:
            tokens = tokens[1:]
        prev_hyphen = line.endswith("-")
        if prev_hyphen and tokens:
            tokens = tokens[:-1]
        for token in tokens:
            found = _WORD.findall(token.lower())
            words.update(found)
            pairs.update(f"{a}-{b}" for a, b in itertools.pairwise(found))
    return words, pairs


def _number_forms(word: str) -> set[str]:
    """The plural and singular forms a word may take elsewhere in the text ('discontinuation(s)', 'biopsies')."""
    forms = {word + "s", word + "es"}
    if word.endswith("s"):
        forms.add(word[:-1])
    if word.endswith("es"):
        forms.add(word[:-2])
    return forms


def join_hyphen(left: str, right: str, words: set[str], pairs: set[str]) -> bool:
    """True when the hyphen ending ``left`` is a line-break hyphen to remove before ``right``.

    Kept when the part after the hyphen starts with a digit or capital (``beta-1``, ``IL-1``,
    ``C15-H25``) or the part before it is not alphabetic. Otherwise removed when the joined word occurs
    elsewhere in the document, kept when the hyphenated pair does, removed when the joined word's plural or
    singular occurs (``dis-``/``continuation`` beside 'discontinuations'), kept when both parts are words of the
    document (or the first a common prefix such as ``self``/``non``) and removed in every other case,
    since a fragment that is no word (``aminotrans-``/``ferase``) is what typeset hyphenation leaves.
    """
    head = re.search(r"[^\W\d_]+$", left[:-1])
    after = _WORD.match(right)
    if head is None or after is None or not right[0].islower():
        return False
    x, y = head.group(0).lower(), after.group(0).lower()
    if x + y in words:
        return True
    if f"{x}-{y}" in pairs:
        return False
    if _number_forms(x + y) & words:  # 'dis-' / 'continuation' where 'discontinuations' occurs ('Dig Dis Sci')
        return True
    return not ((x in words or x in _PREFIXES) and y in words and len(y) > 2)
