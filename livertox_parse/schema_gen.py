"""Generate ``schemas/monograph.schema.json`` from the models: ``python -m livertox_parse.schema_gen schemas``."""

from __future__ import annotations

import sys
from pathlib import Path

import orjson

from .models import Monograph

SCHEMA_FILE = "monograph.schema.json"


def schema_bytes() -> bytes:
    """The JSON Schema of a Monograph, as committed in ``schemas/``."""
    schema = Monograph.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://github.com/livertox-parse/livertox-parse/schemas/monograph.schema.json"
    return orjson.dumps(schema, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS) + b"\n"


def main(argv: list[str] | None = None) -> int:
    out = Path((argv if argv is not None else sys.argv[1:] or ["schemas"])[0])
    out.mkdir(parents=True, exist_ok=True)
    (out / SCHEMA_FILE).write_bytes(schema_bytes())
    print(out / SCHEMA_FILE)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
