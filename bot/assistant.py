"""The assistant: read a question, query the knowledge base, compose one cited Answer."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from bot import compose
from bot.grounding import (
    STOPWORDS,
    Vocabulary,
    build_vocabulary,
    content_tokens,
    coverage,
    date_unsupported,
    quantity_unsupported,
    tokens,
    unknown_places,
    unseen_terms,
)
from bot.intent import QuestionFrame, read_question
from bot.lists import due_within, list_heading, list_kind
from bot.ranking import AGENCY_BONUS, Candidate
from bot.schemas import Answer, Citation
from retrieval.kb import KnowledgeBase, RecordFilter, RecordView
from retrieval.models import Clause, Document
from retrieval.passages import Passage, build_passages, is_clause_id
from retrieval.query_text import expand_query
from retrieval.search_index import load_searcher
from retrieval.textnorm import fold

log = logging.getLogger(__name__)

MAX_QUESTION_CHARS = 1000  # longer input is read up to here; the API rejects far longer bodies
SEARCH_DEPTH = 30
CHANNEL_DEPTH = 15  # candidates taken from each search channel for reranking

# Calibrated on dev and the held-out sets (docs/answering.md): below these → "not found".
MIN_RECORD_COVERAGE = 0.34
MIN_CLAUSE_COVERAGE = 0.30

HELP_TEXT = (
    "Bạn hãy đặt câu hỏi về các kế hoạch chuyển đổi số, ví dụ:\n"
    "• Ai chủ trì triển khai hệ thống SOC, hạn khi nào?\n"
    "• Sở Nội vụ chủ trì những nhiệm vụ nào trong Kế hoạch 402?\n"
    "• Chỉ tiêu tỷ lệ DVCTT phát sinh hồ sơ năm 2025 là bao nhiêu?\n"
    "• Tổ công nghệ số cộng đồng phải làm gì?"
)
_NUMBER = re.compile(r"\d")
_WORD = re.compile(r"[\w&]+")
_RESPONSIBILITY = re.compile(
    r"\btrach nhiem\b|\bphai lam gi\b|\blam gi\b|\bnhiem vu gi\b|\bco nhiem vu\b"
    r"|\bduoc giao (?:gi|lam gi)\b|\bvai tro\b"
)
_ASKS_WHO_OR_WHEN = re.compile(
    r"\bai\b|\bhan\b|\bkhi nao\b|\bbao gio\b|\bdon vi nao\b|\bco quan nao\b|\bchu tri\b"
)
_SMALL_TALK = frozenset(
    "xin chao chao ban hello hi alo cam on thanks thank you ok oke bot oi a nhe giup toi voi".split()
)
_DUTY_CLAUSES = 3
_DUTY_WORDS = frozenset(
    "trach nhiem phai lam gi nhiem vu co duoc giao vai tro lien quan den".split()
)


class Assistant:
    """Answers questions from one knowledge base build; safe to share across threads."""

    def __init__(
        self,
        kb: KnowledgeBase,
        searcher: Any,
        passages: list[Passage],
        today: Callable[[], date] = date.today,
    ) -> None:
        self.kb = kb
        self.searcher = searcher
        self.passages = {p.id: p for p in passages}
        self.vocab: Vocabulary = build_vocabulary(p.text for p in passages)
        self.today = today
        self.documents: list[Document] = kb.documents()
        self._docs_by_id = {d.id: d for d in self.documents}
        self._views: dict[str, RecordView] = {v.record.id: v for v in kb.iter_records()}
        self._clauses: dict[str, Clause] = {c.id: c for c in kb.clauses()}
        printed: dict[str, str] = {}
        for view in self._views.values():
            for name in [*view.record.lead, *view.record.coordinating]:
                key = " ".join(tokens(name))
                if len(key.split()) >= 3 and not key.startswith("cac "):
                    printed.setdefault(key, name)
        self._printed_names = sorted(printed.items(), key=lambda kv: -len(kv[0]))
        self._doc_context = {
            d.id: f"{d.title} {d.short_name} {d.issuer} {d.number} {' '.join(d.aliases)}"
            for d in self.documents
        }
        self._passage_tokens = {p.id: tokens(p.text) for p in passages}
        for item_id, view in self._views.items():  # a row's agencies are evidence too
            r = view.record
            names = [r.coordinating_raw, r.leader or "", *view.lead_current]
            names += view.coordinating_current
            if item_id in self._passage_tokens:
                self._passage_tokens[item_id] = self._passage_tokens[item_id] + tokens(
                    " ".join(names)
                )
        self._doc_tokens = {d: tokens(text) for d, text in self._doc_context.items()}
        self._ids_by_doc: dict[str, set[str]] = {}
        for p in passages:
            self._ids_by_doc.setdefault(p.document, set()).add(p.id)

    @classmethod
    def from_index(cls, index_dir: Path | str, embedder_spec: str | None = None) -> Assistant:
        """Load the knowledge base and search indexes built by `planbot index`."""
        index_dir = Path(index_dir)
        kb = KnowledgeBase(index_dir / "kb.sqlite")
        records = [v.record for v in kb.iter_records()]
        passages = build_passages(records, kb.clauses())
        searcher = load_searcher(index_dir, passages, embedder_spec)
        return cls(kb, searcher, passages)

    @property
    def build_id(self) -> str:
        """Identifies the knowledge-base build this assistant answers from."""
        return str(self.kb.build_info().get("corpus_hash", ""))

    # -- entry point --------------------------------------------------------------------------------
    def ask(self, question: str) -> Answer:
        """Answer one question; never raises for any input."""
        text = (question or "").strip()[:MAX_QUESTION_CHARS]
        try:
            return self._ask(text)
        except Exception:  # noqa: BLE001 - a bad question must get a reply, never a crash
            log.exception("ask failed")
            return Answer(
                question=text,
                intent="not_found",
                answer=compose.not_found_answer("Đã có lỗi khi xử lý câu hỏi.", []),
            )

    def _ask(self, text: str) -> Answer:
        if not content_tokens(text) or set(tokens(text)) <= _SMALL_TALK:
            return Answer(question=text, intent="not_found", answer=HELP_TEXT)
        frame = read_question(text, self.documents, self.kb.directory.find_in_text)
        places = unknown_places(text, self.vocab)
        if places:
            reason = f"Các kế hoạch hiện có không nhắc đến {', '.join(places)}."
            return self._not_found(frame, reason)
        if (
            not frame.wants_list
            and _RESPONSIBILITY.search(frame.folded)
            and not _ASKS_WHO_OR_WHEN.search(frame.folded)
        ):
            duties = self._duties(frame)
            if duties is not None:
                return duties
        if frame.wants_list and not frame.agencies:
            frame.agencies = self._printed_agencies(frame.folded)
        if frame.wants_list and (frame.agencies or frame.period):
            listed = self._list(frame)
            if listed is not None:
                return listed
            if frame.agencies and frame.documents:
                plans = ", ".join(self._docs_by_id[d].short_name for d in frame.documents)
                who = ", ".join(frame.agencies)
                return self._not_found(frame, f"{plans} không giao mục nào cho {who}.")
        candidates = self._search(frame)
        if not candidates:
            return self._not_found(frame, None)
        return self._answer_from(frame, candidates)

    # -- search and choice --------------------------------------------------------------------------
    def _allowed(self, frame: QuestionFrame) -> set[str] | None:
        if not frame.documents:
            return None
        allowed: set[str] = set()
        for doc_id in frame.documents:
            allowed |= self._ids_by_doc.get(doc_id, set())
        return allowed

    def _search(self, frame: QuestionFrame) -> list[Candidate]:
        """Top items of both search channels, reranked by question coverage and channel ranks."""
        question = self._residual_question(frame)
        expanded = expand_query(question)  # "CĐS" counts as "chuyển đổi số" for coverage
        found = self.searcher.search_channels(
            question, k=SEARCH_DEPTH, allowed=self._allowed(frame)
        )
        lex = {item: r for r, (item, _) in enumerate(found.lexical[:CHANNEL_DEPTH])}
        dense = {item: r for r, (item, _) in enumerate(found.dense[:CHANNEL_DEPTH])}
        out: list[Candidate] = []
        for item in dict.fromkeys([*lex, *dense]):
            passage = self.passages.get(item)
            if passage is None:
                continue
            evidence = self._passage_tokens[item]
            if not frame.documents:  # the plan's own name is evidence when the user named none
                evidence = evidence + ["|"] + self._doc_tokens.get(passage.document, [])
            cover = coverage(expanded, evidence, self.vocab)
            candidate = Candidate(passage, cover, lex.get(item), dense.get(item), len(passage.text))
            if frame.agencies and self._involves(item, frame.agencies):
                candidate.bonus = AGENCY_BONUS
            out.append(candidate)
        out.sort(key=lambda c: -c.score)
        return out

    def _involves(self, item_id: str, agencies: list[str]) -> bool:
        """Whether a record's lead or coordinating cells name one of the agencies."""
        view = self._views.get(item_id)
        if view is None:
            return False
        matches = self.kb.directory.agency_matches
        printed = [*view.record.lead, *view.record.coordinating]
        return any(matches(a, p)[0] for a in agencies for p in printed)

    def _residual_question(self, frame: QuestionFrame) -> str:
        """The question (original words) without the phrases that only name its plan."""
        if not frame.documents:
            return frame.text
        naming = " | ".join(" ".join(tokens(self._doc_context.get(d, ""))) for d in frame.documents)
        naming = f" {naming} "
        words = _WORD.findall(frame.text)
        keys = [fold(w) for w in words]
        kept: list[str] = []
        i = 0
        while i < len(words):
            j = i + 1
            while j <= len(words) and f" {' '.join(keys[i:j])} " in naming:
                j += 1
            span = j - 1 - i  # longest run of words starting at i found in the plan's name
            if span >= 2 or (span == 1 and keys[i].isdigit()):
                i += span
                continue
            kept.append(words[i])
            i += 1
        residual = " ".join(kept)
        return residual if content_tokens(residual) else frame.text

    def _answer_from(self, frame: QuestionFrame, candidates: list[Candidate]) -> Answer:
        answer = self._choose(frame, candidates)
        if answer.intent != "not_found":
            evidence = [c.quote for c in answer.citations[:3]]
            evidence += [str(f.get("target") or "") for f in answer.facts[:1]]
            if quantity_unsupported(frame.text, evidence):
                return self._not_found(frame, "Các kế hoạch không nêu con số này.", candidates)
            if answer.intent == "guidance" and date_unsupported(frame.text, evidence[:1]):
                return self._not_found(frame, "Các kế hoạch không nêu thời hạn này.", candidates)
        return answer

    def _choose(self, frame: QuestionFrame, candidates: list[Candidate]) -> Answer:
        records = [c for c in candidates if not is_clause_id(c.passage.id)]
        clauses = [c for c in candidates if is_clause_id(c.passage.id)]
        indicators = [c for c in records if c.passage.kind == "indicator"]
        tasks = [c for c in records if c.passage.kind != "indicator"]
        best_clause = clauses[0] if clauses else None

        def leads(c: Candidate) -> bool:
            return best_clause is None or c.score >= best_clause.score - 0.05

        wants_indicator = frame.wants_indicator or frame.wants_quantity
        if indicators and records[0] is indicators[0]:
            if (wants_indicator or leads(indicators[0])) and indicators[0].passes(
                MIN_RECORD_COVERAGE
            ):
                return self._record_answer(frame, indicators[0], indicators, "indicator")
        # An owner/deadline answer needs a question that asks for an owner or a deadline.
        if tasks and frame.wants_owner and (leads(tasks[0]) or not frame.wants_guidance):
            if tasks[0].passes(MIN_RECORD_COVERAGE):
                return self._record_answer(frame, tasks[0], tasks, "owner_deadline")
        if indicators and wants_indicator and not frame.wants_owner and leads(indicators[0]):
            if indicators[0].passes(MIN_RECORD_COVERAGE):
                return self._record_answer(frame, indicators[0], indicators, "indicator")
        if best_clause is not None and best_clause.passes(MIN_CLAUSE_COVERAGE):
            if frame.wants_quantity and not any(
                _NUMBER.search(c.passage.text) for c in clauses[:3]
            ):
                return self._not_found(frame, None, candidates)
            return self._guidance(frame, clauses)
        return self._not_found(frame, None, candidates)

    def _record_answer(
        self, frame: QuestionFrame, best: Candidate, records: list[Candidate], intent: str
    ) -> Answer:
        view = self._views[best.passage.id]
        fact = self.kb.record_json(view)
        display = self.kb.directory.display
        if intent == "indicator":
            text = compose.indicator_answer(fact, display)
        else:
            text = compose.owner_deadline_answer(fact, display, self.today())
        others = [
            self.kb.record_json(self._views[c.passage.id])
            for c in records[1:3]
            if c.passage.id in self._views and c.cover >= MIN_RECORD_COVERAGE
        ]
        facts = [fact, *others]
        return Answer(
            question=frame.text,
            intent=intent,  # type: ignore[arg-type]
            answer=text,
            facts=facts,
            citations=[Citation(**f["citation"], record_id=f["id"]) for f in facts],
            confidence=round(min(1.0, best.cover), 3),
        )

    def _guidance(self, frame: QuestionFrame, clauses: list[Candidate]) -> Answer:
        chosen = [c for c in clauses[:3] if c.cover >= MIN_CLAUSE_COVERAGE * 0.75] or clauses[:1]
        citations = []
        for c in chosen:
            clause = self._clauses.get(c.passage.id)
            if clause is None:
                continue
            cj = self.kb.clause_json(clause)
            citations.append(Citation(**cj["citation"], clause_id=clause.id))
        return Answer(
            question=frame.text,
            intent="guidance",
            answer=compose.guidance_answer([c.model_dump() for c in citations]),
            citations=citations,
            confidence=round(min(1.0, chosen[0].cover), 3),
        )

    def _duties(self, frame: QuestionFrame) -> Answer | None:
        """Clauses under a heading that names the agency ("3. Sở Tài chính"): its duties."""
        allowed = self._allowed(frame)
        finder = self.kb.directory.find_in_text
        wanted = set(frame.agencies)
        asked = set(tokens(expand_query(frame.text)))
        chosen: list[Clause] = []
        for clause in self._clauses.values():
            if allowed is not None and clause.id not in allowed:
                continue
            if not clause.heading_path:
                continue
            heading = clause.heading_path[-1]
            if wanted and set(finder(heading)) & wanted:
                chosen.append(clause)
            elif not wanted and _names_heading(heading, asked):
                chosen.append(clause)
        if not chosen:
            return None
        # Prefer the newest plan in scope, then the clauses closest to the question's topic.
        chosen.sort(key=lambda c: (-(self._doc_year(c.document)), c.document, c.line_start))
        doc = chosen[0].document
        chosen = [c for c in chosen if c.document == doc]
        named = set(tokens(" ".join(frame.agencies))) | _DUTY_WORDS
        topic = " ".join(t for t in tokens(self._residual_question(frame)) if t not in named)
        if content_tokens(topic):
            order = {c.id: i for i, c in enumerate(chosen)}
            chosen.sort(key=lambda c: (-coverage(topic, c.text, self.vocab), order[c.id]))
        chosen = chosen[:_DUTY_CLAUSES]
        citations = []
        for clause in chosen:
            cj = self.kb.clause_json(clause)
            citations.append(Citation(**cj["citation"], clause_id=clause.id))
        heading = chosen[0].heading_path[-1]
        text = f"Trách nhiệm của {heading} theo {citations[0].title}:\n"
        text += "\n".join(f"• {compose.shorten(c.quote, 500)}" for c in citations)
        return Answer(
            question=frame.text,
            intent="guidance",
            answer=text,
            citations=citations,
            confidence=1.0,
        )

    def _printed_agencies(self, folded_question: str) -> list[str]:
        """Agencies named in the question as printed in the tables, when the directory lacks them."""
        found: list[str] = []
        padded = f" {folded_question} "
        for key, printed in self._printed_names:
            words = key.split()
            head = " ".join(words[:5]) if len(words) >= 5 else key
            if f" {head} " in padded and not any(head in fold(f) for f in found):
                found.append(printed)
        return found

    def _doc_year(self, doc_id: str) -> int:
        doc = self._docs_by_id.get(doc_id)
        return int(doc.date[:4]) if doc and doc.date else 0

    # -- lists ----------------------------------------------------------------------------------------
    def _list(self, frame: QuestionFrame) -> Answer | None:
        kind = list_kind(frame)
        views: dict[str, RecordView] = {}
        document = frame.documents[0] if len(frame.documents) == 1 else None
        agencies = frame.agencies or [None]
        for agency in agencies:
            f = RecordFilter(document=document, kind=kind, due=frame.period)
            if agency is not None:
                if frame.role == "coordinating":
                    f.coordinating = agency
                elif frame.role == "lead":
                    f.lead = agency
                else:
                    f.agency = agency
            for v in self.kb.records(f):
                views.setdefault(v.record.id, v)
        found = list(views.values())
        if frame.period is not None and frame.period.due_by is not None:
            found = [v for v in found if due_within(v, frame.period)]
        printed = [v for v in found if not v.inherited]
        inherited = [v for v in found if v.inherited]
        found = printed or found
        found = self._topic_filter(frame, found)
        if not found:
            return None
        facts = [self.kb.record_json(v) for v in found]
        heading = list_heading(frame, kind, len(facts), self._docs_by_id)
        text = compose.list_answer(facts, heading, self.kb.directory.display, self.today())
        if printed and inherited:
            old_names = sorted({n for v in inherited for n in v.record.lead})
            text += (
                f"\nNgoài ra có {len(inherited)} mục ghi tên cơ quan cũ "
                f"({'; '.join(self.kb.directory.display(n) for n in old_names[:3])})."
            )
        return Answer(
            question=frame.text,
            intent="list",
            answer=text,
            facts=facts,
            citations=[Citation(**f["citation"], record_id=f["id"]) for f in facts],
            confidence=1.0,
        )

    def _topic_filter(self, frame: QuestionFrame, views: list[RecordView]) -> list[RecordView]:
        """Keep rows of the sections a distinctive topic in the question names ("nhân lực số")."""
        if len(views) < 2:
            return views
        named = set(tokens(" ".join(frame.agencies)))
        toks = [t for t in tokens(self._residual_question(frame)) if t not in named]
        limit = 0.10 * max(1, self.vocab.n_passages)
        topics = [
            f"{a} {b}"
            for a, b in zip(toks, toks[1:], strict=False)
            if not (a in STOPWORDS and b in STOPWORDS)
            and 0 < self.vocab.bigram_df[f"{a} {b}"] <= limit
        ]
        for topic in topics:
            kept = [v for v in views if topic in " ".join(tokens(v.record.section))]
            if kept and len(kept) < len(views):
                return kept
        return views

    # -- not found ------------------------------------------------------------------------------------
    def _not_found(
        self, frame: QuestionFrame, reason: str | None, candidates: list[Candidate] | None = None
    ) -> Answer:
        suggestions: list[str] = []
        for c in candidates or []:
            text = compose.shorten(c.passage.text, 140)
            if len(c.passage.text) >= 40 and text not in suggestions:
                suggestions.append(text)
            if len(suggestions) == 3:
                break
        unseen = unseen_terms(frame.text, self.vocab) if reason is None else []
        if unseen:
            reason = "Các kế hoạch không có nội dung về: " + ", ".join(unseen[:3]) + "."
        return Answer(
            question=frame.text,
            intent="not_found",
            answer=compose.not_found_answer(reason, suggestions),
            suggestions=suggestions,
        )


_HEADING_NUMBER = re.compile(r"^[\divxlcIVXLC.]+\s*\)?\s*")


def _names_heading(heading: str, asked: set[str]) -> bool:
    """A heading naming a body ("2.2. Phòng Văn hóa và Thông tin thành phố") that the question
    names too (abbreviations expanded): every content word of the heading is in the question."""
    words = content_tokens(_HEADING_NUMBER.sub("", heading))
    return len(words) >= 3 and all(w in asked for w in words)
