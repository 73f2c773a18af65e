"""The one line-end hyphenation rule every reader uses."""

from __future__ import annotations

import pytest

from livertox_parse.readers.hyphenation import join_hyphen


@pytest.mark.parametrize(
    ("left", "right", "words", "joined"),
    [
        pytest.param("serum aminotrans-", "ferase levels", set(), True, id="fragment-is-no-word"),
        pytest.param("against beta-", "1 adrenergic", {"beta"}, False, id="digit-after"),
        pytest.param("the IL-", "1 receptor", set(), False, id="IL-1"),
        pytest.param("formula C15-", "H25-N-O3", set(), False, id="capital-after"),
        pytest.param("cryopy-", "rin-associated", {"associated"}, True, id="cryopyrin"),
        pytest.param("mild-to-", "moderate", {"mild", "to", "moderate"}, False, id="both-words"),
        pytest.param("self-", "limited", {"limited"}, False, id="prefix"),
        pytest.param("on-", "set", {"on", "set", "onset"}, True, id="joined-form-seen"),
        pytest.param("gastroin-", "testinal", {"in"}, True, id="second-part-no-word"),
        pytest.param("pages 623-", "5", set(), False, id="page-range"),
        # Durvalumab printed: 'dis' is a word of its references ('Dig Dis Sci'), 'continuation' one of its text,
        # and 'discontinuations' says how the book writes the word
        pytest.param("interruption and dis-", "continuation based upon", {"dis", "continuation", "discontinuations"},
                     True, id="plural-seen"),
        pytest.param("frequent dis-", "continuations", {"dis", "continuations", "discontinuation"}, True,
                     id="singular-seen"),
    ],
)
def test_join_hyphen_rule(left: str, right: str, words: set[str], joined: bool) -> None:
    assert join_hyphen(left, right, words, set()) is joined


def test_join_hyphen_prefers_the_hyphenated_pair_seen_in_the_document() -> None:
    assert join_hyphen("the beta-", "blocker", set(), {"beta-blocker"}) is False
    assert join_hyphen("the beta-", "blocker", {"betablocker"}, set()) is True
