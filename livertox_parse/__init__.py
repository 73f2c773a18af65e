"""livertox-parse: LiverTox drug monographs (text, PDF, NXML) into schema-checked JSON with provenance.

Importing the package is cheap: spaCy and the readers load on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.2.0"
__all__ = ["Limits", "LiverToxError", "Monograph", "__version__", "document_text", "parse", "parse_document",
           "parse_input", "parse_many", "parse_text", "span_text", "to_frames"]

if TYPE_CHECKING:
    from .errors import LiverToxError
    from .frames import to_frames
    from .limits import Limits
    from .models import Monograph
    from .pipeline import parse, parse_document, parse_input, parse_many, parse_text
    from .spans import document_text, span_text

_LAZY = {
    "Limits": ".limits",
    "LiverToxError": ".errors",
    "Monograph": ".models",
    "parse": ".pipeline",
    "parse_document": ".pipeline",
    "parse_input": ".pipeline",
    "parse_many": ".pipeline",
    "parse_text": ".pipeline",
    "to_frames": ".frames",
    "document_text": ".spans",
    "span_text": ".spans",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name], __name__), name)
    raise AttributeError(f"module 'livertox_parse' has no attribute {name!r}")
