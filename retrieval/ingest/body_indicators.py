"""Indicators printed in the body: bullets under a "CHỈ TIÊU" / "Chỉ tiêu cụ thể" heading that
state a target ("100% hồ sơ … được số hoá", "tỷ lệ … đạt trên 80%") → indicator records."""

from __future__ import annotations

import re

from retrieval.models import Clause, Document, Record
from retrieval.textnorm import fold, fold_tokens

# A heading (folded, label removed) that announces indicators: "Chỉ tiêu", "Chỉ tiêu cụ thể",
# "Mục tiêu, chỉ tiêu cụ thể", "Các chỉ tiêu chủ yếu" — short, starting with the word.
_HEADING = re.compile(r"^(?:(?:muc tieu|cac|mot so|nhom)\s*,?\s*(?:va\s+)?)*chi tieu\b")
_HEADING_WORDS = 8
_LABEL = re.compile(r"^\s*(?:[0-9IVXLivxl]+[.)]?|[a-zA-Z][.)])+\s*")
# A target: a percentage with its qualifier, or an amount with its unit after "đạt".
_QUALIFIER = r"(?:(?:trên|tối thiểu|ít nhất|dưới|tối đa|không dưới|không quá|khoảng|từ)\s+)?"
_PERCENT = re.compile(rf"{_QUALIFIER}\d+(?:[.,]\d+)?\s*%", re.IGNORECASE)
_AMOUNT = re.compile(
    rf"\bđạt\s+(?:mức\s+)?({_QUALIFIER}\d[\d.,]*(?:\s+[^\W\d_]+){{0,3}})", re.IGNORECASE
)
_SAME_SHARE = 0.8  # share of the shorter name's words two indicators must share to be one


def target_of(text: str) -> str | None:
    """The target a sentence states ("trên 80%", "12 nền tảng"), or None."""
    m = _PERCENT.search(text)
    if m:
        return m.group(0).strip()
    m = _AMOUNT.search(text)
    if m:
        return m.group(1).strip(" ,;.")
    return None


def _announces(heading: str) -> bool:
    words = fold(_LABEL.sub("", heading)).split()
    return len(words) <= _HEADING_WORDS and bool(_HEADING.match(" ".join(words)))


def _section_code(path: list[str]) -> str:
    """'I. MỤC TIÊU' › '2. Chỉ tiêu cụ thể' → 'I.2' (the labels of the enclosing headings)."""
    labels = []
    for title in path:
        m = _LABEL.match(title)
        if m and m.group(0).strip():
            labels.append(m.group(0).strip().strip(".)"))
    return ".".join(labels) or "CT"


def _same(a: str, b: str) -> bool:
    ta, tb = set(fold_tokens(a)), set(fold_tokens(b))
    if not ta or not tb:
        return False
    return len(ta & tb) >= _SAME_SHARE * min(len(ta), len(tb))


def body_indicators(doc: Document, clauses: list[Clause], records: list[Record]) -> list[Record]:
    """Indicator records for the target bullets under indicator headings, numbered within their
    section; skipped when a table of the plan already gives the same indicator."""
    tabled = [r.content for r in records if r.kind == "indicator"]
    taken = {r.id for r in records}
    counts: dict[str, int] = {}
    out: list[Record] = []
    for clause in clauses:
        if clause.appendix or not clause.heading_path:
            continue
        if clause.number and clause.number not in "-+•·●▪◦*" and not clause.number.endswith(")"):
            continue  # a numbered heading, not a bullet
        at = next(
            (i for i in range(len(clause.heading_path)) if _announces(clause.heading_path[i])), None
        )
        if at is None:
            continue
        target = target_of(clause.text)
        if target is None or any(_same(clause.text, t) for t in tabled):
            continue
        code = _section_code(clause.heading_path[: at + 1])
        counts[code] = counts.get(code, 0) + 1
        row = f"{code} {counts[code]}"
        if f"{doc.id}:{row}" in taken:
            row = f"CT.{code} {counts[code]}"
        content = clause.text.rstrip(" ;.")
        out.append(
            Record(
                id=f"{doc.id}:{row}",
                document=doc.id,
                kind="indicator",
                row=row,
                appendix="",
                section=clause.heading_path[-1],
                content=content,
                target=target,
                line_start=clause.line_start,
                line_end=clause.line_end,
                quote=clause.text,
            )
        )
        taken.add(out[-1].id)
    return out
