"""What every answerer reads: the knowledge service, passages, vocabulary, policy and today."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date

from bot.answer.evidence import Evidence
from bot.answer.grounding import (
    Vocabulary,
    build_vocabulary,
    content_tokens,
    named_places,
    printed_places,
    tokens,
)
from bot.answer.intent import QuestionFrame, place_documents
from bot.answer.policy import POLICY, Policy
from bot.schemas import Citation
from retrieval.abbreviations import expand_abbreviations
from retrieval.kb import RecordView
from retrieval.models import Clause, Document
from retrieval.passages import Passage
from retrieval.service import KnowledgeService
from retrieval.textnorm import fold

_WORD = re.compile(r"[\w&]+")
# Words that begin a document's name in a question ("trong Kế hoạch thí điểm …", "KH 402").
_DOC_WORDS = frozenset(
    ["ke hoach", "kh", "cong van", "cv", "huong dan", "tai lieu", "van ban", "quyet dinh", "qd"]
)
_ROLE_WORDS = frozenset(["phu trach", "dau moi"])  # "ai phụ trách": asks who, names no topic
_ASKERS = frozenset(["ai", "nao", "la"])
# "bao lâu … một lần", "mấy lần": ask how often, name no topic (a plan may never print "lần")
_HOW_OFTEN = frozenset(["bao lau", "may lan"])
INDICATOR_WORDS = (
    "chỉ tiêu mục tiêu tỷ lệ tỷ trọng phần trăm đạt phải đạt phấn đấu mức năm 2025 2026 2030 "
    "cơ quan đầu mối theo dõi thành phố"
)


class AnswerContext:
    """Read-only indexes over one knowledge-base build, shared by the answerers."""

    def __init__(
        self,
        service: KnowledgeService,
        searcher: object,
        passages: list[Passage],
        policy: Policy = POLICY,
        today: Callable[[], date] = date.today,
    ) -> None:
        self.service = service
        self.kb = service.kb
        self.directory = service.directory
        self.searcher = searcher
        self.policy = policy
        self.today = today
        self.passages = {p.id: p for p in passages}
        self.vocab: Vocabulary = build_vocabulary(expand_abbreviations(p.text) for p in passages)
        self.documents: list[Document] = service.documents()
        self.docs_by_id = {d.id: d for d in self.documents}
        self.views: dict[str, RecordView] = {v.record.id: v for v in service.records()}
        self.clauses: dict[str, Clause] = {c.id: c for c in service.clauses()}
        printed: dict[str, str] = {}
        for view in self.views.values():
            for name in [*view.record.lead, *view.record.coordinating]:
                key = " ".join(tokens(name))
                if len(key.split()) >= 3 and not key.startswith("cac "):
                    printed.setdefault(key, name)
        self.printed_names = sorted(printed.items(), key=lambda kv: -len(kv[0]))
        self.doc_context = {
            d.id: f"{d.title} {d.short_name} {d.issuer} {d.number} {' '.join(d.aliases)}"
            for d in self.documents
        }
        self.passage_tokens = {p.id: tokens(expand_abbreviations(p.text)) for p in passages}
        for item_id, view in self.views.items():  # a row's agencies are evidence too
            r = view.record
            names = [r.coordinating_raw, r.leader or "", *view.lead_current]
            names += view.coordinating_current
            if item_id in self.passage_tokens:
                self.passage_tokens[item_id] = self.passage_tokens[item_id] + tokens(
                    expand_abbreviations(" ".join(names))
                )
        self.doc_tokens = {d: tokens(text) for d, text in self.doc_context.items()}
        # places printed after a place word ("thành phố Bến Đò") → the plans printing them
        self.place_docs: dict[str, set[str]] = {}
        for p in passages:
            for name in printed_places(p.text):
                self.place_docs.setdefault(name, set()).add(p.document)
        # An indicator's name, its target and the words any question about a target uses.
        self.indicator_tokens = {
            i: tokens(expand_abbreviations(f"{v.record.content} {v.record.target or ''}"))
            + tokens(f"{INDICATOR_WORDS} {self.doc_context.get(v.record.document, '')}")
            for i, v in self.views.items()
            if v.record.kind == "indicator"
        }
        # the same tokens indexed once for ranking; a row's with its plan's name after it
        self.passage_evidence = {i: Evidence.of(t) for i, t in self.passage_tokens.items()}
        self.doc_evidence = {d: Evidence.of(t) for d, t in self.doc_tokens.items()}
        self.planned_evidence = {
            p.id: self.passage_evidence[p.id].plus(
                self.doc_evidence.get(p.document, Evidence.of([]))
            )
            for p in passages
        }
        self.indicator_evidence = {i: Evidence.of(t) for i, t in self.indicator_tokens.items()}
        self._doc_words: dict[str, set[str]] = {}  # filled by plans_hold
        self._bodies: dict[str, tuple[list[str], list[str]]] = {}  # filled by clause_bodies
        self._heading_bodies: dict[str, list[str]] = {}  # filled by clause_bodies
        self.ids_by_doc: dict[str, set[str]] = {}
        for p in passages:
            self.ids_by_doc.setdefault(p.document, set()).add(p.id)

    # -- scope -------------------------------------------------------------------------------------
    @staticmethod
    def scope(frame: QuestionFrame) -> list[str]:
        """The plans a question limits itself to: those it names, else those of the place it
        names ("Sở Y tế tỉnh Lâm Hà"); empty for every plan. Every step reads it from here."""
        return frame.documents or frame.places

    def place_plans(self, folded_question: str) -> list[str]:
        """Plans of a place the question names: issued for it ("tỉnh Thanh Hóa"), else printing
        it ("ở thành phố Bến Đò") when not every plan does — a town or district only one plan
        covers scopes the question to that plan."""
        issued = place_documents(folded_question, self.documents)
        if issued:
            return issued
        docs: set[str] = set()
        for name in named_places(folded_question, self.place_docs):
            docs |= self.place_docs[name]
        return sorted(docs) if docs and len(docs) < len(self.documents) else []

    def allowed(self, frame: QuestionFrame) -> set[str] | None:
        """Passage ids of the plans the question names (None: every plan)."""
        scope = self.scope(frame)
        if not scope:
            return None
        allowed: set[str] = set()
        for doc_id in scope:
            allowed |= self.ids_by_doc.get(doc_id, set())
        return allowed

    def clause_bodies(self, clause: Clause) -> tuple[list[str], list[str]]:
        """(bodies its heading lists, bodies its text gives work to), read once per clause and
        once per heading (857 clauses of the bundled plans sit under 169 headings)."""
        found = self._bodies.get(clause.id)
        if found is None:
            heading = clause.heading_path[-1] if clause.heading_path else ""
            listed = self._heading_bodies.get(heading)
            if listed is None:
                listed = self._heading_bodies[heading] = self.directory.heading_bodies(heading)
            found = (listed, self.directory.assigned_in(clause.text))
            self._bodies[clause.id] = found
        return found

    def plans_hold(self, words: list[str], plans: list[str]) -> bool:
        """Whether every word the corpus uses is used somewhere in these plans (a topic such plans
        never mention is not theirs, whatever a partial match scores)."""
        used = set()
        for doc in plans:
            if doc not in self._doc_words:
                self._doc_words[doc] = {
                    t for i in self.ids_by_doc.get(doc, ()) for t in self.passage_tokens.get(i, [])
                }
            used |= self._doc_words[doc]
        return all(w in used for w in words if self.vocab.token_df[w])

    def evidence(self, item_id: str, with_plan: bool) -> Evidence:
        """A passage's words for ranking; `with_plan`: its plan's name too (when the question
        names no plan, the plan's name is evidence as well)."""
        found = (self.planned_evidence if with_plan else self.passage_evidence).get(item_id)
        return found if found is not None else Evidence.of([])

    def involves(self, item_id: str, agencies: list[str]) -> bool:
        """Whether a record's lead or coordinating cells name one of the agencies."""
        view = self.views.get(item_id)
        if view is None:
            return False
        matches = self.directory.agency_matches
        printed = [*view.record.lead, *view.record.coordinating]
        return any(matches(a, p)[0] for a in agencies for p in printed)

    def residual_question(self, frame: QuestionFrame, text: str | None = None) -> str:
        """The question without the words that only name its plan ("trong Kế hoạch 402", "(KH
        402)", an alias) and without role or frequency asks ("ai phụ trách", "bao lâu … một lần"):
        its topic, as typed. Words the plan's title shares with the topic ("xã chuyển đổi số
        điển hình" in a plan about "mô hình chuyển đổi số điển hình") stay unless a document
        word starts their run."""
        text = frame.text if text is None else text
        spans = [m.span() for m in _WORD.finditer(text)]
        keys = [fold(text[a:b]) for a, b in spans]
        cut: set[int] = set()
        for i in range(1, len(keys)):  # "ai phụ trách", "đơn vị nào là đầu mối"
            before = text[spans[i - 2][1] : spans[i - 1][0]] if i >= 2 else ""
            asked = i == 1 or keys[i - 2] in _ASKERS or bool(re.search(r"[,;:(]", before))
            if f"{keys[i - 1]} {keys[i]}" in _ROLE_WORDS and asked:
                cut |= {i - 1, i}
            pair = f"{keys[i - 1]} {keys[i]}"
            if pair in _HOW_OFTEN or (pair == "mot lan" and "bao lau" in frame.folded):
                cut |= {i - 1, i}
        if frame.documents:
            cut |= self._plan_naming(keys, frame.documents)
            for i in range(1, len(spans)):  # the symbol glued to a cut number: 402/KH-UBND
                if i - 1 in cut and re.fullmatch(r"[/-]", text[spans[i - 1][1] : spans[i][0]]):
                    cut.add(i)
        if not cut:
            return text
        kept, last = [], 0
        for i, (a, b) in enumerate(spans):
            if i in cut:
                kept.append(text[last:a])
                last = b
        kept.append(text[last:])
        residual = re.sub(r"\(\s*\)", " ", "".join(kept))
        residual = re.sub(r"\s+([,.;:?)])", r"\1", re.sub(r"\s{2,}", " ", residual)).strip()
        return residual if content_tokens(residual) else text

    def title_terms(self, frame: QuestionFrame, residual: str) -> frozenset[str]:
        """Terms (tokens and word pairs) of the residual question's runs shared with the named
        plan's title: inside that plan every row is about its title ("chuyển đổi số"), so they
        are weak evidence for one row (coverage weighs them `Policy.title_weight`)."""
        if not frame.documents:
            return frozenset()
        spans = [m.span() for m in _WORD.finditer(residual)]
        keys = [fold(residual[a:b]) for a, b in spans]
        cut = sorted(self._plan_naming(keys, frame.documents, title_runs=True))
        terms = {t for i in cut for t in tokens(keys[i])}
        terms |= {f"{keys[i]} {keys[i + 1]}" for i in cut if i + 1 in cut}
        return frozenset(terms)

    def _plan_naming(
        self, keys: list[str], documents: list[str], title_runs: bool = False
    ) -> set[int]:
        """Positions of the words that name one of `documents`: runs of its name begun by a
        document word ("kế hoạch", "KH", "công văn" …), its aliases, its number; with
        `title_runs`, every run of ≥ 2 words of its name."""
        naming = " | ".join(
            " ".join(fold(w) for w in _WORD.findall(self.doc_context.get(d, ""))) for d in documents
        )  # split as the question is split ("7/KH-UBND" → 7 kh ubnd)
        naming = f" {naming} "
        aliases = [
            [fold(w) for w in _WORD.findall(a)]
            for d in documents
            for a in (self.docs_by_id[d].aliases if d in self.docs_by_id else [])
        ]
        cut: set[int] = set()
        i = 0
        while i < len(keys):
            j = i + 1
            while j <= len(keys) and f" {' '.join(keys[i:j])} " in naming:
                j += 1
            span = j - 1 - i  # longest run of words starting at i found in the plan's name
            alias = max((len(a) for a in aliases if a and keys[i : i + len(a)] == a), default=0)
            led = span >= 2 and (
                title_runs or keys[i] in _DOC_WORDS or " ".join(keys[i : i + 2]) in _DOC_WORDS
            )
            if led or alias or (span >= 1 and keys[i].isdigit()):
                width = max(span if led or keys[i].isdigit() else 0, alias)
                cut |= set(range(i, i + width))
                i += width
                continue
            i += 1
        return cut

    def printed_agencies(self, folded_question: str) -> list[str]:
        """Agencies named in the question as printed in the tables, when the directory lacks them."""
        found: list[str] = []
        padded = f" {folded_question} "
        for key, printed in self.printed_names:
            words = key.split()
            head = " ".join(words[:5]) if len(words) >= 5 else key
            if f" {head} " in padded and not any(head in fold(f) for f in found):
                found.append(printed)
        return found

    def doc_year(self, doc_id: str) -> int:
        """The year a plan was issued (0 when unknown)."""
        doc = self.docs_by_id.get(doc_id)
        return int(doc.date[:4]) if doc and doc.date else 0

    def plan_name(self, doc_id: str) -> str:
        """The short name a plan is known by ("Kế hoạch 402/KH-UBND")."""
        doc = self.docs_by_id.get(doc_id)
        return doc.short_name if doc else doc_id

    # -- facts and citations -----------------------------------------------------------------------
    def record_fact(self, record_id: str) -> dict[str, object]:
        """A record as JSON (as `planbot tasks --json` prints it)."""
        return self.kb.record_json(self.views[record_id])

    def clause_citation(self, clause: Clause) -> Citation:
        """A citation quoting one clause."""
        cj = self.kb.clause_json(clause)
        return Citation(**cj["citation"], clause_id=clause.id)
