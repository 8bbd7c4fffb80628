"""Turn an `Answer` into chat messages: escaped Telegram HTML (≤ 4,096) or Zalo plain text (≤ 2,000)."""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from bot.schemas import Answer, Citation

TELEGRAM_LIMIT = 4096
ZALO_LIMIT = 2000
_SAFETY = 16  # headroom for "(1/3)" style markers and rounding


def utf16_len(text: str) -> int:
    """Length as Telegram counts it (UTF-16 code units)."""
    return len(text.encode("utf-16-le")) // 2


def html_len(text: str) -> int:
    """Length of the text once HTML-escaped, in UTF-16 units."""
    return utf16_len(html.escape(text, quote=False))


def _fitting_prefix(text: str, limit: int, measure: Callable[[str], int]) -> int:
    """Largest n such that measure(text[:n]) <= limit (measure grows with the prefix)."""
    low, high = 0, len(text)
    while low < high:
        mid = (low + high + 1) // 2
        if measure(text[:mid]) <= limit:
            low = mid
        else:
            high = mid - 1
    return low


def _cut_point(prefix: str, following: str) -> int:
    """Where to cut a too-long text: paragraph, then line, then word boundary; never mid-word."""
    floor = len(prefix) // 3
    extended = prefix + following[:1]  # a break right after the prefix counts too
    for separator in ("\n\n", "\n"):
        at = extended.rfind(separator)
        if at > floor:
            return min(at, len(prefix))
    if following[:1].isspace():
        return len(prefix)
    spaces = [m.start() for m in re.finditer(r"\s", prefix)]
    if spaces and spaces[-1] > 0:
        return spaces[-1]
    return len(prefix)  # a single token longer than the limit (e.g. a URL): cut it


def split_text(text: str, limit: int, measure: Callable[[str], int] = utf16_len) -> list[str]:
    """Split text into chunks with measure(chunk) <= limit, at paragraph, line or word boundaries."""
    chunks: list[str] = []
    rest = text.strip()
    while rest:
        if measure(rest) <= limit:
            chunks.append(rest)
            break
        size = max(1, _fitting_prefix(rest, limit, measure))
        cut = _cut_point(rest[:size], rest[size:])
        chunk = rest[:cut].rstrip()
        if chunk:
            chunks.append(chunk)
        rest = rest[cut:].lstrip()
    return chunks


def escape(text: str) -> str:
    """Escape text for Telegram's HTML parse mode."""
    return html.escape(text, quote=False)


def telegram_messages(text: str, limit: int = TELEGRAM_LIMIT) -> list[str]:
    """Plain text → escaped HTML messages, each under Telegram's limit, never split mid-word."""
    return [escape(chunk) for chunk in split_text(text, limit - _SAFETY, measure=html_len)]


def zalo_messages(text: str, limit: int = ZALO_LIMIT) -> list[str]:
    """Plain text → messages under Zalo's 2,000-character limit, never split mid-word."""
    return split_text(text, limit - _SAFETY, measure=len)


def answer_text(answer: Answer) -> str:
    """The text shown for an answer, as composed by the assistant (it already carries
    "(nay là …)" for renamed agencies and the closest suggestions when nothing was found)."""
    return answer.answer.strip()


def _citation_heading(citation: Citation) -> str:
    parts = [citation.title or citation.document]
    if citation.location:
        parts.append(citation.location)
    return " — ".join(parts)


def unique_citations(citations: Iterable[Citation]) -> list[Citation]:
    """Drop repeated citations (same document, location and quote), keeping order."""
    seen: set[tuple[str, str, str]] = set()
    out: list[Citation] = []
    for citation in citations:
        key = (citation.document, citation.location, citation.quote)
        if key not in seen:
            seen.add(key)
            out.append(citation)
    return out


def citations_plain(citations: Sequence[Citation]) -> str:
    """Citations as plain text: heading line then the quoted clause."""
    blocks = [
        f"[{i}] {_citation_heading(c)}\n“{c.quote.strip()}”"
        for i, c in enumerate(unique_citations(citations), 1)
    ]
    return "Nguồn trích dẫn:\n\n" + "\n\n".join(blocks) if blocks else ""


def citations_telegram(citations: Sequence[Citation], limit: int = TELEGRAM_LIMIT) -> list[str]:
    """Citations as Telegram HTML messages (bold heading + blockquote), split under the limit."""
    blocks = [
        f"<b>[{i}] {escape(_citation_heading(c))}</b>\n<blockquote>{escape(c.quote.strip())}</blockquote>"
        for i, c in enumerate(unique_citations(citations), 1)
    ]
    if not blocks:
        return []
    messages: list[str] = []
    current = "<b>Nguồn trích dẫn</b>"
    for block in blocks:
        if utf16_len(current + "\n\n" + block) <= limit - _SAFETY:
            current += "\n\n" + block
            continue
        messages.append(current)
        if utf16_len(block) <= limit - _SAFETY:
            current = block
            continue
        # A single very long quote: send it as escaped plain text chunks.
        heading, quote = block.split("\n", 1)
        plain_quote = html.unescape(re.sub(r"</?blockquote>", "", quote))
        pieces = telegram_messages(plain_quote, limit - utf16_len(heading) - 40)
        messages.extend(f"{heading}\n<blockquote>{p}</blockquote>" for p in pieces[:-1])
        current = f"{heading}\n<blockquote>{pieces[-1]}</blockquote>"
    messages.append(current)
    return messages


def _agency_list(names: Sequence[str], current: Sequence[str] | None) -> str:
    """Agency names with "(nay là …)" when today's name differs."""
    current = list(current or [])
    if len(current) == len(names):
        return "; ".join(
            f"{name} (nay là {now})" if now and now != name else name
            for name, now in zip(names, current, strict=True)
        )
    renamed = [c for c in dict.fromkeys(current) if c and c not in names]
    text = "; ".join(names)
    return f"{text} (nay là {', '.join(renamed)})" if text and renamed else text


def fact_line(fact: dict[str, Any]) -> str:
    """One task/model/indicator record (as in `planbot tasks --json`) as a short Vietnamese block."""
    content = str(fact.get("content") or "").strip()
    if len(content) > 300:
        content = content[:300].rsplit(" ", 1)[0] + " …"
    indicator = fact.get("kind") == "indicator"
    lines = [f"• Chỉ tiêu: {content}" if indicator else f"• {content}"]
    lead = _agency_list(fact.get("lead") or [], fact.get("lead_current"))
    if lead:
        lines.append(f"  {'Cơ quan đầu mối' if indicator else 'Chủ trì'}: {lead}")
    coordinating = _agency_list(fact.get("coordinating") or [], fact.get("coordinating_current"))
    if coordinating:
        lines.append(f"  Phối hợp: {coordinating}")
    if fact.get("leader"):
        lines.append(f"  Lãnh đạo chỉ đạo: {fact['leader']}")
    if fact.get("target"):
        lines.append(f"  Mục tiêu: {fact['target']}")
    deadline = fact.get("deadline")
    if deadline:
        lines.append(f"  Thời hạn: {deadline}")
    elif not indicator:
        lines.append("  Thời hạn: không ghi trong kế hoạch")
    citation = fact.get("citation") or {}
    source = " — ".join(
        str(part) for part in (citation.get("title"), citation.get("location")) if part
    )
    if source:
        lines.append(f"  Nguồn: {source}")
    return "\n".join(lines)


def facts_text(title: str, facts: Sequence[dict[str, Any]]) -> str:
    """A titled list of records, one block per record."""
    blocks = [fact_line(f) for f in facts]
    return f"{title}\n\n" + "\n\n".join(blocks)
