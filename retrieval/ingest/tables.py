"""Header words → column roles, the one table vocabulary every plan's tables are read with.

A column is recognised by what its header says, in any order and any subset: number (TT/STT),
content (Nhiệm vụ, Nội dung, Tên nhiệm vụ, Mô hình, Chỉ tiêu …), lead, coordinating, deadline,
product, leader, note, target and unit. A header spread over two rows is read column by column
("Cơ quan" over "Chủ trì" → lead). The table kind (task / model / indicator) follows from it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

TableKind = Literal["task", "model", "indicator"]

# Roles in the order they are tried: agency words before content words, so "Cơ quan chủ trì
# nhiệm vụ" is a lead column and "Thời gian thực hiện" a deadline, not coordinating.
_RULES: tuple[tuple[str, str], ...] = (
    (r"^(?:s[oố]\s*)?(?:tt|stt|s[oố] th[uứ] t[uự])\.?$", "stt"),
    (r"chi tiết", "detail"),
    (r"lãnh đạo", "leader"),
    (r"chủ trì|đầu mối", "lead"),
    (r"phối hợp", "coordinating"),
    (r"thời gian|thời hạn|tiến độ|hoàn thành|^năm thực hiện", "deadline"),
    (r"chỉ tiêu năm|mục tiêu|^năm\s+\d{4}$|giá trị|^kế hoạch năm", "target"),
    (r"thực hiện", "coordinating"),
    (r"sản phẩm|kết quả|hình thức văn bản", "product"),
    (r"ghi chú", "note"),
    (r"^đơn vị tính$|^đvt$|^đơn vị$", "unit"),
    (
        r"nội dung|nhiệm vụ|mô hình|chỉ tiêu|chi tiêu|công việc|hoạt động|giải pháp|đề án|dự án",
        "content",
    ),
)
_COMPILED = tuple((re.compile(p), role) for p, role in _RULES)
HEADER_WORDS = frozenset(
    (
        "tt stt số thứ tự chi tiết lãnh đạo chỉ chủ trì đầu mối cơ quan đơn vị phối hợp thời gian "
        "hạn tiến độ hoàn thành thực hiện năm mục tiêu giá trị kế hoạch sản phẩm kết quả ra hình "
        "thức văn bản ghi chú tính nội dung nhiệm vụ tên mô công việc hoạt động giải pháp đề án dự "
        "theo dõi tổng hướng dẫn và các"
    ).split()
)
TASK_ROLES = frozenset({"lead", "coordinating", "deadline", "leader"})


def fold_header(text: str) -> str:
    """Header cell text lowercased, NFC, whitespace and trailing colons collapsed."""
    text = unicodedata.normalize("NFC", text).casefold()
    text = re.sub(r"<[^>]+>|[*_]", " ", text)
    return " ".join(text.split()).strip(" :.")


@lru_cache(maxsize=4096)
def header_role(text: str) -> str | None:
    """The role of one header cell ("Cơ quan chủ trì" → "lead"), None when not a header word."""
    folded = fold_header(text)
    if not folded:
        return None
    for pattern, role in _COMPILED:
        if pattern.search(folded):
            return role
    return None


def header_roles(cells: list[str]) -> list[str | None] | None:
    """Roles of a header row, or None when the row is not a task/model/indicator table header.

    A header names a content column and at least one task role (lead, coordinating, deadline,
    leader) or a target; every other non-empty cell must be a header word too.
    """
    if len(cells) > 1 and any(len(c) > 120 for c in cells):
        return None  # a data row that mentions header words in its long text
    roles = [header_role(c) for c in cells]
    named = [r for r in roles if r]
    if "content" not in named or not (TASK_ROLES | {"target"}) & set(named):
        return None
    unknown = [c for c, r in zip(cells, roles, strict=True) if r is None and fold_header(c)]
    if len(unknown) > max(1, len(named) // 3):
        return None
    if len(cells) > 1 and any(len(fold_header(c)) > 80 for c in cells):
        return None  # a data row that mentions header words in its long text
    if "lead" not in named:
        # "Cơ quan thực hiện" is the lead when no column says "chủ trì".
        for i, c in enumerate(cells):
            if roles[i] == "coordinating" and "phối hợp" not in fold_header(c):
                roles[i] = "lead"
                break
    return roles


def merge_header_rows(top: list[str], below: list[str]) -> list[str]:
    """A two-row header read column by column: "Cơ quan" over "Chủ trì" → "Cơ quan Chủ trì"."""
    width = max(len(top), len(below))
    top = top + [""] * (width - len(top))
    below = below + [""] * (width - len(below))
    # A top cell spanning several columns is printed once: carry it right over empty cells.
    carried: list[str] = []
    last = ""
    for i, cell in enumerate(top):
        if cell.strip():
            last = cell
            carried.append(cell)
        else:
            carried.append(last if below[i].strip() else "")
    return [
        " ".join(p for p in (a.strip(), b.strip()) if p)
        for a, b in zip(carried, below, strict=True)
    ]


def is_header_continuation(cells: list[str]) -> bool:
    """The second row of a header: only header words (or nothing), no numbers, no long text."""
    texts = [fold_header(c) for c in cells]
    if not any(texts):
        return False
    return all(not t or (header_role(t) is not None and len(t) < 40) for t in texts)


def is_header_words(text: str) -> bool:
    """True when every word is a header word (or a year): the wrapped tail of a header cell."""
    words = re.findall(r"[^\W_]+", fold_header(text))
    return bool(words) and all(w in HEADER_WORDS or w.isdigit() for w in words)


_NUMBER_SUBHEADER = {"", "stt", "tt", "chi tiết"}


def is_number_subheader(cells: list[str]) -> bool:
    """The second header line that only splits the number column (`TT | Chi tiết`)."""
    words = [fold_header(c) for c in cells]
    return any(words) and all(w in _NUMBER_SUBHEADER for w in words)


@dataclass(frozen=True)
class Header:
    """A recognised table header: the role of each column, its cells, and rows it spans."""

    roles: list[str | None]
    cells: list[str]
    rows: int
    kind: TableKind


def _header(cells: list[str], rows: int) -> Header | None:
    roles = header_roles(cells)
    if roles is None:
        return None
    # The unnamed cell right of "STT" holds the detail number (its sub-header says "Chi tiết").
    for i in range(1, len(roles)):
        if roles[i] is None and roles[i - 1] == "stt" and "detail" not in roles:
            roles[i] = "detail"
    return Header(roles, cells, rows, table_kind(cells, roles))


def find_header(cells: list[str], below: list[str] | None = None) -> Header | None:
    """The header starting at row `cells`: that row alone, or read together with the row
    `below` when that row names what the first leaves open (a cell under an empty or generic
    one: "Cơ quan thực hiện" over "Chủ trì | Phối hợp")."""
    if below and is_header_continuation(below) and not is_number_subheader(below):
        padded = cells + [""] * len(below)
        opens = any(
            b.strip() and (not t.strip() or header_role(t) is None)
            for t, b in zip(padded, below, strict=False)
        )
        if opens:
            found = _header(merge_header_rows(cells, below), 2)
            if found is not None:
                return found
    return _header(cells, 1)


def table_kind(cells: list[str], roles: list[str | None]) -> TableKind:
    """Model table when the content column says "mô hình", indicator when it has a target or
    says "chỉ tiêu", else task."""
    content = " ".join(fold_header(c) for c, r in zip(cells, roles, strict=True) if r == "content")
    if "mô hình" in content:
        return "model"
    if "target" in roles or "chỉ tiêu" in content or "chi tiêu" in content:
        return "indicator"
    return "task"
