"""A Monograph as table rows: the one layout shared by the DuckDB store, :func:`livertox_parse.to_frames` and
``Monograph.case_rows()`` and its siblings.

Pure functions over the monograph's JSON (``Monograph.model_dump(mode="json")``): every table but ``sources``
and ``errors`` is keyed by ``monograph_id``, the id of the source the monograph was read from
(:func:`source_id` of its :func:`source_key`).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from pathlib import Path
from typing import Any

ARCHIVE_SUFFIX = re.compile(r"\.(tar\.gz|tgz)$", re.IGNORECASE)
Rows = dict[str, list[dict[str, Any]]]

# Columns each table's rows carry, in order, with their DuckDB types. Row dicts built by :func:`monograph_rows`
# have exactly these keys; the DuckDB store adds its own bookkeeping columns (run, time) to some tables.
TABLES: dict[str, list[tuple[str, str]]] = {
    "sources": [
        ("source_id", "VARCHAR"), ("source_name", "VARCHAR"), ("format", "VARCHAR"), ("sha256", "VARCHAR"),
        ("parser_version", "VARCHAR"), ("status", "VARCHAR"),
    ],
    "monographs": [
        ("monograph_id", "VARCHAR"), ("source_name", "VARCHAR"), ("format", "VARCHAR"), ("sha256", "VARCHAR"),
        ("pages", "INTEGER"), ("schema_version", "VARCHAR"), ("title", "VARCHAR"), ("chapter_key", "VARCHAR"),
        ("last_update", "VARCHAR"),
        ("kind", "VARCHAR"), ("drug_class", "VARCHAR"), ("subclass", "VARCHAR"),
        ("subclass_other_drugs", "VARCHAR[]"), ("n_sections", "INTEGER"), ("n_cases", "INTEGER"),
        ("n_labs", "INTEGER"), ("n_entities", "INTEGER"), ("n_warnings", "INTEGER"), ("json_path", "VARCHAR"),
    ],
    "sections": [
        ("monograph_id", "VARCHAR"), ("ord", "INTEGER"), ("section_id", "VARCHAR"), ("title", "VARCHAR"),
        ("level", "INTEGER"), ("parent", "VARCHAR"), ("span_start", "INTEGER"), ("span_end", "INTEGER"),
        ("page", "INTEGER"),
    ],
    "likelihood_scores": [
        ("monograph_id", "VARCHAR"), ("ord", "INTEGER"), ("agent", "VARCHAR"), ("score", "VARCHAR"),
        ("qualifier", "VARCHAR"), ("text", "VARCHAR"), ("span_start", "INTEGER"), ("span_end", "INTEGER"),
        ("page", "INTEGER"),
    ],
    "agents": [("monograph_id", "VARCHAR"), ("ord", "INTEGER"), ("agent", "VARCHAR"), ("generic", "VARCHAR"),
               ("drugbank_id", "VARCHAR"), ("unii", "VARCHAR")],
    "trade_names": [
        ("monograph_id", "VARCHAR"), ("ord", "INTEGER"), ("trade_name", "VARCHAR"), ("agent", "VARCHAR"),
    ],
    "chemicals": [
        ("monograph_id", "VARCHAR"), ("ord", "INTEGER"), ("drug", "VARCHAR"), ("cas", "VARCHAR"),
        ("cas_valid", "BOOLEAN"), ("formula", "VARCHAR"), ("formula_text", "VARCHAR"),
        ("elements", "MAP(VARCHAR, INTEGER)"),
        ("structure", "VARCHAR"), ("span_start", "INTEGER"), ("span_end", "INTEGER"), ("page", "INTEGER"),
        ("drugbank_id", "VARCHAR"), ("unii", "VARCHAR"),
    ],
    "cases": [
        ("monograph_id", "VARCHAR"), ("case_ord", "INTEGER"), ("number", "INTEGER"), ("title", "VARCHAR"),
        ("pmid", "VARCHAR"), ("age_years", "DOUBLE"), ("sex", "VARCHAR"), ("medication", "VARCHAR"),
        ("dose", "VARCHAR"), ("medication_drugs", "VARCHAR[]"), ("pattern", "VARCHAR"), ("r_ratio", "DOUBLE"),
        ("severity", "INTEGER"),
        ("latency_text", "VARCHAR"), ("latency_min_days", "DOUBLE"), ("latency_max_days", "DOUBLE"),
        ("recovery_text", "VARCHAR"), ("recovery_min_days", "DOUBLE"), ("recovery_max_days", "DOUBLE"),
        ("other_medications", "VARCHAR[]"), ("computed_r_ratio", "DOUBLE"), ("computed_pattern", "VARCHAR"),
        ("uln_source", "VARCHAR"), ("span_start", "INTEGER"), ("span_end", "INTEGER"), ("page", "INTEGER"),
    ],
    "labs": [
        ("monograph_id", "VARCHAR"), ("case_ord", "INTEGER"), ("case_number", "INTEGER"), ("ord", "INTEGER"),
        ("test", "VARCHAR"), ("value", "DOUBLE"), ("unit", "VARCHAR"), ("uln", "DOUBLE"), ("times_uln", "DOUBLE"),
        ("timepoint", "VARCHAR"), ("days_after_start", "DOUBLE"), ("days_after_stop", "DOUBLE"),
        ("source", "VARCHAR"), ("span_start", "INTEGER"), ("span_end", "INTEGER"), ("page", "INTEGER"),
    ],
    "entities": [
        ("monograph_id", "VARCHAR"), ("ord", "INTEGER"), ("label", "VARCHAR"), ("text", "VARCHAR"),
        ("section", "VARCHAR"), ("span_start", "INTEGER"), ("span_end", "INTEGER"),
        ("generic", "VARCHAR"), ("drugbank_id", "VARCHAR"), ("unii", "VARCHAR"),
    ],
    "warnings": [
        ("monograph_id", "VARCHAR"), ("ord", "INTEGER"), ("code", "VARCHAR"), ("message", "VARCHAR"),
        ("span_start", "INTEGER"), ("span_end", "INTEGER"), ("page", "INTEGER"), ("line", "INTEGER"),
        ("col", "INTEGER"),
    ],
    "errors": [
        ("source_id", "VARCHAR"), ("source_name", "VARCHAR"), ("code", "VARCHAR"), ("message", "VARCHAR"),
        ("location", "VARCHAR"), ("page", "INTEGER"), ("line", "INTEGER"), ("col", "INTEGER"),
    ],
}


def _link(d: dict[str, Any]) -> dict[str, Any]:
    """The drug-dictionary columns of an entity or agent link (null when absent)."""
    return {"generic": d.get("generic"), "drugbank_id": d.get("drugbank_id"), "unii": d.get("unii")}


def _spans(d: dict[str, Any]) -> dict[str, Any]:
    return {"span_start": d.get("start"), "span_end": d.get("end"), "page": d.get("page")}


def _case_rows(mid: str, cases: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Rows of ``cases`` and ``labs`` for one monograph's cases."""
    case_rows: list[dict[str, Any]] = []
    lab_rows: list[dict[str, Any]] = []
    for ci, c in enumerate(cases):
        kp = c["key_points"] or {}
        med, pattern = kp.get("medication") or {}, kp.get("pattern") or {}
        latency, recovery = kp.get("latency") or {}, kp.get("recovery") or {}
        case_rows.append({
            "monograph_id": mid, "case_ord": ci, "number": c["number"], "title": c["title"], "pmid": c["pmid"],
            "age_years": c["patient"]["age_years"], "sex": c["patient"]["sex"],
            "medication": med.get("name"), "dose": med.get("dose"),
            "medication_drugs": [d["name"] for d in med.get("drugs") or []],
            "pattern": pattern.get("type"), "r_ratio": pattern.get("r_ratio"),
            "severity": (kp.get("severity") or {}).get("grade"),
            "latency_text": latency.get("text"), "latency_min_days": latency.get("min_days"),
            "latency_max_days": latency.get("max_days"),
            "recovery_text": recovery.get("text"), "recovery_min_days": recovery.get("min_days"),
            "recovery_max_days": recovery.get("max_days"),
            "other_medications": kp.get("other_medications"), "computed_r_ratio": c["computed"]["r_ratio"],
            "computed_pattern": c["computed"]["pattern"], "uln_source": c["computed"]["uln_source"],
            **_spans(c)})
        lab_rows.extend({"monograph_id": mid, "case_ord": ci, "case_number": c["number"], "ord": li,
                         "test": lab["test"], "value": lab["value"], "unit": lab["unit"], "uln": lab["uln"],
                         "times_uln": lab["times_uln"], "timepoint": lab["timepoint"],
                         **lab_days(lab["timepoint"]), "source": lab["source"],
                         **_spans(lab)} for li, lab in enumerate(c["labs"]))
    return case_rows, lab_rows


def monograph_rows(mid: str, m: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """Flatten one monograph (as loaded from its JSON) into rows per table, keyed by ``monograph_id``.

    Pure; every row has exactly the columns :data:`TABLES` lists for its table.
    """
    spans = _spans
    cases, labs = _case_rows(mid, m["cases"])
    by_agent = {name: agent for agent, names in m["trade_names_by_agent"].items() for name in names}
    links = m.get("agent_links") or []
    src, sub = m["source"], m["subclass"] or {}
    return {
        "monographs": [{
            "monograph_id": mid, "source_name": src["path"], "format": src["format"], "sha256": src["sha256"],
            "pages": src["pages"], "schema_version": m["schema_version"], "title": m["title"],
            "chapter_key": chapter_key(m["title"]),
            "last_update": m["last_update"], "kind": m["kind"], "drug_class": m["drug_class"],
            "subclass": sub.get("name"), "subclass_other_drugs": sub.get("other_drugs"),
            "n_sections": len(m["sections"]), "n_cases": len(cases), "n_labs": len(labs),
            "n_entities": len(m["entities"]), "n_warnings": len(m["warnings"]), "json_path": f"json/{mid}.json"}],
        "sections": [{"monograph_id": mid, "ord": i, "section_id": s["id"], "title": s["title"],
                      "level": s["level"], "parent": s["parent"], **spans(s)} for i, s in enumerate(m["sections"])],
        "likelihood_scores": [{"monograph_id": mid, "ord": i, "agent": s["agent"], "score": s["score"],
                               "qualifier": s["qualifier"], "text": s["text"], **spans(s)}
                              for i, s in enumerate(m["likelihood_scores"])],
        "agents": [{"monograph_id": mid, "ord": i, "agent": a, **_link(links[i] if i < len(links) else {})}
                   for i, a in enumerate(m["agents"])],
        "trade_names": [{"monograph_id": mid, "ord": i, "trade_name": t, "agent": by_agent.get(t)}
                        for i, t in enumerate(m["trade_names"])],
        "chemicals": [{"monograph_id": mid, "ord": i, "drug": c["drug"], "cas": c["cas"], "cas_valid": c["cas_valid"],
                       "formula": c["formula"], "formula_text": c["formula_text"],
                       "elements": c["elements"], "structure": c["structure"], **spans(c),
                       "drugbank_id": c.get("drugbank_id"), "unii": c.get("unii")}
                      for i, c in enumerate(m["chemicals"])],
        "cases": cases,
        "labs": labs,
        "entities": [{"monograph_id": mid, "ord": i, "label": e["label"], "text": e["text"],
                      "section": e["section"], "span_start": e["start"], "span_end": e["end"], **_link(e)}
                     for i, e in enumerate(m["entities"])],
        "warnings": [{"monograph_id": mid, "ord": i, "code": w["code"], "message": w["message"], **spans(w),
                      "line": w.get("line"), "col": w.get("column")} for i, w in enumerate(m["warnings"])],
    }


def chapter_key(title: str | None) -> str | None:
    """The key joining the text, PDF and NXML copies of one chapter: its title without accents, case and
    punctuation ('Venlafaxine, Desvenlafaxine' -> 'venlafaxine-desvenlafaxine'). The title is what every
    format prints; file names differ between them (arbs.txt, ARBs.nxml) and the NXML id is in no other."""
    if not title:
        return None
    plain = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode().casefold()
    return "-".join(re.findall(r"[a-z0-9]+", plain)) or None


# Lab tables give times as 'Time After Starting: 3 weeks', 'Days After Stopping: 5', 'Time After Starting:
# Week 4', 'Time After Starting: 15 [2] weeks' (the bracket: the other clock), 'Pre', '-1 month', '~1 year'.
_TIME_UNITS = {"h": 1 / 24, "hr": 1 / 24, "hrs": 1 / 24, "hour": 1 / 24, "hours": 1 / 24, "d": 1.0, "day": 1.0,
               "days": 1.0, "wk": 7.0, "wks": 7.0, "week": 7.0, "weeks": 7.0, "mo": 30.0, "mos": 30.0,
               "month": 30.0, "months": 30.0, "yr": 365.0, "yrs": 365.0, "year": 365.0, "years": 365.0}
_LAB_TIME = re.compile(
    r"^~?\s*(?:(?P<pre_unit>day|week|month)\s+)?[\[(]?(?P<n>-?\d+(?:\.\d+)?)[\])]?\s*(?:[\[(][^\])]*[\])])?"
    r"\s*(?P<unit>[a-z]+)?\s*\**$", re.IGNORECASE)
_HEADER_UNIT = re.compile(r"^(?P<unit>days|weeks|months)\b", re.IGNORECASE)


def lab_days(timepoint: str | None) -> dict[str, float | None]:
    """``days_after_start`` and ``days_after_stop`` of a lab value, from its timepoint text, where the text
    gives a number of a known unit (the value's own, or the column's: 'Days After Stopping'); None where
    it does not ('Pre', 'Normal', 'Post-op day 1', '2 years after transplant', a bare number under 'Time
    After Starting')."""
    out: dict[str, float | None] = {"days_after_start": None, "days_after_stop": None}
    for part in (timepoint or "").split("; "):
        header, _, value = part.partition(": ")
        low = header.casefold()
        field = "days_after_stop" if "stop" in low else "days_after_start" if "start" in low else None
        m = _LAB_TIME.match(value.strip())
        if field is None or m is None:
            continue
        unit = (m["pre_unit"] or m["unit"] or "").casefold()
        header_unit = _HEADER_UNIT.match(header.strip())
        if not unit and header_unit:
            unit = header_unit["unit"].casefold()
        n = float(m["n"])
        if unit in _TIME_UNITS:
            out[field] = n * _TIME_UNITS[unit]
        elif not unit and n == 0:
            out[field] = 0.0  # zero needs no unit
    return out


def source_key(name: str, root: Path) -> str:
    """The key of an input: its path relative to ``root`` (its absolute path without the leading ``/`` when
    it lies elsewhere), POSIX separators; an archive member ``a.tar.gz!m`` is ``<key of a without
    .tar.gz>/m``."""
    path, _, member = name.partition("!")
    key = key_below(Path(path).resolve().as_posix(), root.resolve().as_posix())
    if member:
        key = f"{ARCHIVE_SUFFIX.sub('', key)}/{member}"
    return key


def key_below(resolved: str, root: str) -> str:
    """The key of the resolved path ``resolved`` below the resolved folder ``root``, both POSIX (see
    :func:`source_key`); string work only, no file system call."""
    if resolved == root:
        return "."
    prefix = root if root.endswith("/") else root + "/"
    return resolved[len(prefix):] if resolved.startswith(prefix) else resolved.lstrip("/")


def source_id(key: str) -> str:
    """A stable, file-name-safe id for a source key such as ``text/anakinra.txt``.

    ``/`` becomes ``__``; a key that needs more than that (other characters, ``__`` already, a leading dot)
    gets its unsafe characters replaced and ``~`` plus a hash of the key appended, so ids stay unique.
    """
    flat = key.replace("/", "__")
    if re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*", flat) and "__" not in key and len(flat) <= 150:
        return flat
    safe = re.sub(r"[^A-Za-z0-9._-]+", "-", flat).strip(".-")[:120] or "source"
    return f"{safe}~{hashlib.sha256(key.encode('utf-8', 'surrogateescape')).hexdigest()[:10]}"


def source_row(source_id: str, name: str, fmt: str | None, sha: str | None, status: str,
               parser_version: str | None) -> dict[str, Any]:
    """The ``sources`` row of one input."""
    return {"source_id": source_id, "source_name": name, "format": fmt, "sha256": sha,
            "parser_version": parser_version, "status": status}


def error_row(source_id: str, name: str, code: str, message: str, location: str, page: int | None,
              line: int | None, col: int | None) -> dict[str, Any]:
    """The ``errors`` row of an input that could not be parsed."""
    return {"source_id": source_id, "source_name": name, "code": code, "message": message,
            "location": location, "page": page, "line": line, "col": col}

