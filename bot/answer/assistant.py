"""The assistant: read a question, route it to one answerer (order in policy.DISPATCH_ORDER)."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from datetime import date
from functools import lru_cache
from pathlib import Path

from bot.answer import compose
from bot.answer.answerers.agency_status import agency_status, status_of_last
from bot.answer.answerers.duties import asks_duties, duties, lead_rows_instead
from bot.answer.answerers.follow_up import (
    follow_up,
    is_follow_up,
    names_only_a_place,
    topic_follow_up,
)
from bot.answer.answerers.guidance import guidance
from bot.answer.answerers.lists import list_rows
from bot.answer.answerers.not_found import not_found
from bot.answer.answerers.records import record_answer
from bot.answer.context import AnswerContext
from bot.answer.grounding import (
    content_tokens,
    date_unsupported,
    quantity_unsupported,
    tokens,
    unknown_places,
)
from bot.answer.intent import QuestionFrame, doc_place, read_question
from bot.answer.policy import POLICY, Policy
from bot.answer.ranking import Candidate, rank
from bot.answer.session import SessionStore, Turn, answer_plans
from bot.answer.vocabulary import plain_question
from bot.schemas import Answer
from retrieval.deadlines import duty_times
from retrieval.deadlines import today as default_today
from retrieval.kb import KnowledgeBase
from retrieval.models import Clause
from retrieval.passages import build_passages, is_clause_id
from retrieval.search_index import load_searcher
from retrieval.service import KnowledgeService
from retrieval.textnorm import fold

log = logging.getLogger(__name__)

HELP_TEXT = (
    "Bạn hãy đặt câu hỏi về các kế hoạch chuyển đổi số, ví dụ:\n"
    "• Ai chủ trì triển khai hệ thống SOC, hạn khi nào?\n"
    "• Sở Nội vụ chủ trì những nhiệm vụ nào trong Kế hoạch 402?\n"
    "• Chỉ tiêu tỷ lệ DVCTT phát sinh hồ sơ năm 2025 là bao nhiêu?\n"
    "• Tổ công nghệ số cộng đồng phải làm gì?"
)
_NUMBER = re.compile(r"\d")
_SMALL_TALK = frozenset(
    "xin chao chao ban hello hi alo cam on thanks thank you ok oke bot oi a nhe giup toi voi".split()
)


# How a topic follow-up is asked, by the kind of the answer it follows.
_ASKED_AS = {"owner_deadline": "Ai chủ trì {}?", "indicator": "Chỉ tiêu {} là bao nhiêu?"}


class Assistant:
    """Answers questions from one knowledge base build; safe to share across threads."""

    def __init__(
        self,
        kb: KnowledgeBase,
        searcher: object,
        passages: list,
        today: Callable[[], date] = default_today,
        policy: Policy = POLICY,
        sessions: SessionStore | None = None,
    ) -> None:
        self.service = KnowledgeService(kb, searcher)  # type: ignore[arg-type]
        self.kb = kb
        self.searcher = searcher
        self.ctx = AnswerContext(self.service, searcher, passages, policy, today)
        self.passages = self.ctx.passages
        self.sessions = sessions or SessionStore()

    @classmethod
    def from_index(
        cls, index_dir: Path | str, embedder_spec: str | None = None, policy: Policy = POLICY
    ) -> Assistant:
        """Load the knowledge base and search indexes built by `planbot index`."""
        index_dir = Path(index_dir)
        kb = KnowledgeBase(index_dir / "kb.sqlite")
        records = [v.record for v in kb.iter_records()]
        passages = build_passages(records, kb.clauses())
        searcher = load_searcher(index_dir, passages, embedder_spec)
        return cls(kb, searcher, passages, policy=policy)

    @property
    def policy(self) -> Policy:
        """The answering policy in use."""
        return self.ctx.policy

    def with_policy(self, policy: Policy) -> Assistant:
        """The same indexes answering under another policy (tuning)."""
        clone = object.__new__(Assistant)
        clone.__dict__.update(self.__dict__)
        clone.ctx = object.__new__(AnswerContext)
        clone.ctx.__dict__.update(self.ctx.__dict__)
        clone.ctx.policy = policy
        clone.sessions = SessionStore()
        return clone

    @property
    def build_id(self) -> str:
        """Identifies the knowledge-base build this assistant answers from."""
        return str(self.kb.build_info().get("corpus_hash", ""))

    # -- entry point --------------------------------------------------------------------------------
    def ask(self, question: str, session: str | None = None) -> Answer:
        """Answer one question (a follow-up when `session` has a recent answer); never raises."""
        text = (question or "").strip()[: self.policy.max_question_chars]
        try:
            answer = self._ask(text, self.sessions.last(session))
        except Exception:  # noqa: BLE001 - a bad question must get a reply, never a crash
            log.exception("ask failed")
            answer = Answer(
                question=text,
                intent="not_found",
                answer=compose.not_found_answer("Đã có lỗi khi xử lý câu hỏi.", []),
            )
        if session:
            answer.session = session
            self.sessions.remember(session, text, answer)
        return answer

    def _ask(self, text: str, turn: Turn | None) -> Answer:
        ctx = self.ctx
        frame = read_question(text, ctx.documents, ctx.directory.find_in_text, ctx.today())
        plain = plain_question(text).plain
        frame.places = ctx.place_plans(fold(plain))
        if turn is not None:
            # a question of its own even right after a list; "sở đó giờ là sở nào?" asks about
            # the last row's lead
            status = agency_status(ctx, frame) or (
                status_of_last(ctx, frame, turn.record_ids[0]) if turn.record_ids else None
            )
            if status is not None:
                return status
            again = (
                self._other_place(frame, plain, turn)
                or self._follow_up(frame, plain, turn)
                or self._same_plan(frame, turn)
            )
            if again is not None:
                return again
        return self._route(frame, plain)

    def _route(self, frame: QuestionFrame, plain: str) -> Answer:
        """The dispatch steps after the follow-ups (policy.DISPATCH_ORDER)."""
        ctx = self.ctx
        text = frame.text
        asks_nothing = not content_tokens(text) and not frame.period and not frame.agencies
        if asks_nothing or set(tokens(text)) <= _SMALL_TALK:
            return Answer(question=text, intent="not_found", answer=HELP_TEXT)
        status = agency_status(ctx, frame)  # about the agency, whatever place it serves
        if status is not None:
            return status
        places = unknown_places(plain, ctx.vocab)
        if places:
            reason = f"Các kế hoạch hiện có không nhắc đến {', '.join(places)}."
            return not_found(ctx, frame, reason)
        if asks_duties(frame):
            found = duties(ctx, frame) or lead_rows_instead(ctx, frame)
            if found is not None:
                return found
        if frame.wants_list and not frame.agencies:
            frame.agencies = ctx.printed_agencies(frame.folded)
        if frame.wants_list and (frame.agencies or frame.period):
            listed = list_rows(ctx, frame)
            if listed is not None:
                return listed
            if frame.agencies and frame.documents:
                plans = ", ".join(ctx.plan_name(d) for d in frame.documents)
                who = ", ".join(frame.agencies)
                return not_found(ctx, frame, f"{plans} không giao mục nào cho {who}.")
            if frame.period is not None and not frame.agencies:
                return not_found(ctx, frame, "Không có mục nào có hạn trong khoảng thời gian này.")
        candidates = rank(ctx, frame, plain)
        if not candidates:
            return not_found(ctx, frame, None)
        return self._answer_from(frame, candidates)

    def _follow_up(self, frame: QuestionFrame, plain: str, turn: Turn) -> Answer | None:
        """A question that only makes sense after the session's last answer."""
        if (
            turn.answer.intent == "list"
            and (frame.agencies or frame.period)
            and not frame.documents
        ):
            topic = [
                t for t in content_tokens(plain) if t not in set(tokens(" ".join(frame.agencies)))
            ]
            if len(topic) <= 1:  # "còn Sở Tài chính thì sao?" → the same list for another agency
                last = read_question(
                    turn.question,
                    self.ctx.documents,
                    self.ctx.directory.find_in_text,
                    self.ctx.today(),
                )
                if frame.agencies:
                    last.agencies = frame.agencies
                if frame.period:
                    last.period = frame.period
                last.text = frame.text
                return list_rows(self.ctx, last)
        if is_follow_up(frame, plain, turn):
            return follow_up(self.ctx, frame, turn)
        return None

    def _other_place(self, frame: QuestionFrame, plain: str, turn: Turn) -> Answer | None:
        """ "Còn ở Lâm Hà thì sao?": the last question again, in the plans of the place named."""
        ctx = self.ctx
        place_words = {t for d in frame.places for t in tokens(doc_place(ctx.docs_by_id[d]))}
        if not names_only_a_place(frame, plain, place_words):
            return None
        last_plain = plain_question(turn.question).plain
        last = read_question(turn.question, ctx.documents, ctx.directory.find_in_text, ctx.today())
        last.documents, last.places = [], list(frame.places)
        answer = self._route(last, last_plain)
        answer.question = frame.text
        return answer

    def _same_plan(self, frame: QuestionFrame, turn: Turn) -> Answer | None:
        """ "Còn X thì sao?" naming no plan: X asked as the last question was, in the plans of the
        last answer when they hold an answer (said so), otherwise in every plan."""
        topic = topic_follow_up(frame.text)
        if topic is None or frame.documents or not turn.plans:
            return None
        ctx = self.ctx
        # asked as the last answer was asked, so the same bars judge it as a direct question
        question = _ASKED_AS.get(turn.answer.intent, "{}").format(topic)
        plain = plain_question(question).plain
        asked = read_question(question, ctx.documents, ctx.directory.find_in_text, ctx.today())
        asked.places = ctx.place_plans(fold(plain))
        asked.documents = list(turn.plans)
        holds = ctx.plans_hold(content_tokens(plain_question(topic).plain), turn.plans)
        scoped = self._route(asked, plain) if holds else None
        asked.documents = []
        broad = self._route(asked, plain)
        plans = ", ".join(ctx.plan_name(d) for d in turn.plans)
        elsewhere = broad.intent != "not_found" and not set(answer_plans(broad)) <= set(turn.plans)
        margin = self.policy.follow_up_plan_margin
        if (
            scoped is not None
            and scoped.intent != "not_found"
            and not (elsewhere and broad.confidence > scoped.confidence + margin)
        ):
            scoped.answer = f"Vẫn theo {plans} (như câu trước):\n{scoped.answer}"
            answer = scoped
        else:
            answer = broad
            if elsewhere:
                note = f"{plans} (câu trước) không nêu nội dung này; theo kế hoạch khác:"
                answer.answer = f"{note}\n{broad.answer}"
        answer.question = frame.text
        return answer

    # -- ranked answers -----------------------------------------------------------------------------
    def _answer_from(self, frame: QuestionFrame, candidates: list[Candidate]) -> Answer:
        answer = self._choose(frame, candidates)
        if answer.intent != "not_found":
            # the answer's own row or first clause must hold the amount asked for
            evidence = [c.quote for c in answer.citations[:1]]
            evidence += [str(f.get("target") or "") for f in answer.facts[:1]]
            if quantity_unsupported(frame.text, evidence):
                return not_found(self.ctx, frame, "Các kế hoạch không nêu con số này.", candidates)
            if answer.intent == "guidance" and date_unsupported(frame.text, evidence[:1]):
                return not_found(
                    self.ctx, frame, "Các kế hoạch không nêu thời hạn này.", candidates
                )
        return answer

    def _choose(self, frame: QuestionFrame, candidates: list[Candidate]) -> Answer:
        p = self.policy
        ctx = self.ctx
        records = [c for c in candidates if not is_clause_id(c.passage.id)]
        clauses = [c for c in candidates if is_clause_id(c.passage.id)]
        indicators = [c for c in records if c.passage.kind == "indicator"]
        tasks = [c for c in records if c.passage.kind != "indicator"]
        best_clause = clauses[0] if clauses else None

        def leads(c: Candidate) -> bool:
            return best_clause is None or c.score >= best_clause.score - p.clause_lead_margin

        wants_indicator = frame.wants_indicator or frame.wants_quantity
        if indicators and records[0] is indicators[0]:
            if (wants_indicator or leads(indicators[0])) and indicators[0].passes(
                p.min_record_coverage
            ):
                return record_answer(ctx, frame, indicators[0], indicators, "indicator")
        if tasks and frame.wants_owner and frame.wants_time:
            timed = self._timed_clause(frame, clauses, tasks)
            if timed is not None:
                return guidance(ctx, frame, [timed, *(c for c in clauses if c is not timed)])
        # An owner/deadline answer needs a question that asks for an owner or a deadline.
        if tasks and frame.wants_owner and (leads(tasks[0]) or not frame.wants_guidance):
            best = _first_passing(tasks, p.min_record_coverage, p.clause_lead_margin)
            if best is not None:
                return record_answer(ctx, frame, best, tasks, "owner_deadline")
        if indicators and wants_indicator and not frame.wants_owner and leads(indicators[0]):
            if indicators[0].passes(p.min_record_coverage):
                return record_answer(ctx, frame, indicators[0], indicators, "indicator")
        if best_clause is not None and best_clause.passes(p.min_clause_coverage):
            if frame.wants_quantity and not any(
                _NUMBER.search(c.passage.text) for c in clauses[:3]
            ):
                return not_found(ctx, frame, None, candidates)
            return guidance(ctx, frame, clauses)
        return not_found(ctx, frame, None, candidates)

    def _timed_clause(
        self, frame: QuestionFrame, clauses: list[Candidate], tasks: list[Candidate]
    ) -> Candidate | None:
        """The best clause stating a time for a duty (`duty_times`: "định kỳ hằng quý báo cáo
        …"), when it beats the best row by `clause_time_margin`: a question asking when or how
        often may be answered by the plan's body rather than a row's deadline. The margin is
        `actor_relief` lower when the question names the body that acts, the row does not have
        it as its lead and the clause gives it the work ("UBND các quận … phải báo cáo khi
        nào?" against a row UBND quận only coordinates)."""
        p = self.policy
        row = _first_passing(tasks, p.min_record_coverage, p.clause_lead_margin)
        relief = row is not None and not self._leads(frame, row)  # judged once per question
        for c in clauses:
            clause = self.ctx.clauses.get(c.passage.id)
            if clause is None or not c.passes(p.min_clause_coverage):
                continue
            if row is not None and c.score < row.score + p.clause_time_margin:
                # behind by the margin: wins only with the actor relief, if the body acts in it
                relieved = relief and self._acts_in(frame, clause)
                if not relieved or c.score < row.score + p.clause_time_margin - p.actor_relief:
                    continue
            if _states_time(clause.text):
                return c
        return None

    def _leads(self, frame: QuestionFrame, row: Candidate) -> bool:
        """Whether the row's lead is a body the question names."""
        view = self.ctx.views.get(row.passage.id)
        matches = self.ctx.directory.agency_matches
        return view is not None and any(
            matches(a, lead)[0] for a in frame.agencies for lead in view.record.lead
        )

    def _acts_in(self, frame: QuestionFrame, clause: Clause) -> bool:
        """Whether the question names a body the clause's heading lists or its text gives work."""
        if not frame.agencies or frame.role == "coordinating":
            return False
        heading, assigned = self.ctx.clause_bodies(clause)
        matches = self.ctx.directory.agency_matches
        return any(matches(a, b)[0] for a in frame.agencies for b in [*heading, *assigned])


@lru_cache(maxsize=4096)
def _states_time(text: str) -> bool:
    """Whether a clause sets a time for a duty (the period grammar's `duty_times`)."""
    return bool(duty_times(text))


def _first_passing(ranked: list[Candidate], bar: float, margin: float) -> Candidate | None:
    """The best-ranked candidate that passes its bar, among those tied with the first."""
    for c in ranked:
        if c.score < ranked[0].score - margin:
            return None
        if c.passes(bar):
            return c
    return None
