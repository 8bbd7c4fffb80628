"""Calibration questions generated from the knowledge base itself, gold in the dev.jsonl format.

For every record and a sample of clauses: questions in the styles officials type (with and without
diacritics, abbreviated, paraphrased, naming the plan or not, naming an agency by its new name),
plus questions the plans cannot answer (other places, quantities and topics they do not hold).
Templates are written here from the kinds of questions the assistant serves, not from any eval set.
Run: python -m bot.answer.gen_questions --index-dir indexes --out artifacts/generated.jsonl
"""

from __future__ import annotations

import argparse
import json
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from retrieval.agencies import AgencyDirectory
from retrieval.deadlines import duty_times, recurs
from retrieval.kb import KnowledgeBase, RecordFilter, RecordView
from retrieval.models import Clause, Document
from retrieval.query_text import abbreviations
from retrieval.textnorm import fold, nfc

SEED = 20261126

OWNER_TEMPLATES = (
    "Ai chủ trì {t}?",
    "Cơ quan nào chủ trì {t}, hạn khi nào?",
    "Đơn vị nào là đầu mối thực hiện {t}?",
    "Cho tôi biết cơ quan chủ trì và thời hạn của việc {t}",
    "{T}: sở nào làm, bao giờ phải xong?",
    "Hạn hoàn thành {t} là khi nào, ai phụ trách?",
    "Việc {t} giao cho ai chủ trì?",
    "Thời gian hoàn thành {t} và đơn vị chủ trì?",
)
INDICATOR_TEMPLATES = (
    "Chỉ tiêu {t} năm 2025 là bao nhiêu?",
    "Mục tiêu của chỉ tiêu {t} là bao nhiêu, cơ quan nào đầu mối?",
    "{T} phải đạt mức bao nhiêu?",
    "Chỉ tiêu về {t} do ai theo dõi và mục tiêu thế nào?",
)
LIST_TEMPLATES = (
    "{a} chủ trì những {k} nào{p}?",
    "Liệt kê các {k} do {a} chủ trì{p}",
    "Danh sách {k} {a} được giao chủ trì{p}",
    "{a} phải chủ trì bao nhiêu {k}{p}, gồm những gì?",
)
GUIDANCE_TEMPLATES = (
    "Kế hoạch yêu cầu gì về {t}?",
    "{T} được quy định như thế nào?",
    "Nội dung về {t} ra sao?",
    "Hướng dẫn thế nào về việc {t}?",
)
# Who / when / how often about a clause of the plan's body that sets a time for a duty ("định kỳ
# hằng quý báo cáo …", "trước ngày 15/12"): the answer is that clause, not a table row, though the
# question asks what rows hold (a lead, a deadline).
CLAUSE_WHEN_TEMPLATES = (
    "{A} phải {o} khi nào?",
    "Khi nào {a} cần {o}?",
    "{A} {o} vào lúc nào?",
    "Bao giờ thì {a} phải {o}?",
)
CLAUSE_WHEN_BARE = ("Việc {o} phải làm khi nào?", "{O} vào thời điểm nào?", "Bao giờ phải {o}?")
CLAUSE_OFTEN_TEMPLATES = (
    "Bao lâu {a} phải {o} một lần?",
    "{A} phải {o} mấy lần, vào lúc nào?",
)
CLAUSE_OFTEN_BARE = ("Bao lâu thì phải {o} một lần?",)
CLAUSE_WHO_TEMPLATES = ("Ai phải {o} {w}?", "Cơ quan nào {o} {w}?", "Đơn vị nào phải {w} {o}?")
ABSENT_PLACE_TEMPLATES = (
    "Kế hoạch chuyển đổi số của {place} giao ai chủ trì {t}?",
    "Ở {place}, việc {t} hạn khi nào?",
)
ABSENT_TOPIC_TEMPLATES = (
    "Tỷ lệ {who} sử dụng {thing} năm 2025 phải đạt bao nhiêu phần trăm?",
    "Ai chủ trì triển khai {thing} cho {who}?",
    "Kinh phí cho {thing} là bao nhiêu tiền?",
    "Hạn hoàn thành việc đưa {thing} vào {who} là khi nào?",
)
# Places no plan of a corpus about Hà Nội, Hưng Yên and Thanh Hóa names (checked against it).
OTHER_PLACES = (
    "tỉnh Quảng Ninh",
    "thành phố Cần Thơ",
    "tỉnh Nghệ An",
    "thành phố Hải Phòng",
    "tỉnh Lào Cai",
    "tỉnh Khánh Hòa",
    "tỉnh Bình Dương",
    "tỉnh Cà Mau",
    "tỉnh Lâm Đồng",
    "tỉnh Kiên Giang",
)
ABSENT_THINGS = (
    "công nghệ chuỗi khối",
    "điện toán lượng tử",
    "xe tự hành",
    "máy bay không người lái giao hàng",
    "kính thực tế ảo",
    "robot phẫu thuật",
    "vệ tinh viễn thám riêng",
    "tiền mã hóa",
)
ABSENT_WHO = ("hộ nông dân", "bệnh viện tư nhân", "trường mầm non", "ngư dân", "doanh nghiệp FDI")
# Everyday words officials use instead of the plans' words (paraphrase style), and where in a
# topic they apply: a row's topic starts with its action ("Tổ chức hội nghị", "Ứng dụng công
# nghệ …"), so a word that is a verb there and a noun elsewhere ("cá nhân, tổ chức"; "nền
# tảng, ứng dụng") is swapped only where it has the sense its everyday word has.
LEAD, INNER, ANYWHERE = "lead", "inner", "anywhere"
PARAPHRASES: tuple[tuple[str, str, str], ...] = (
    ("triển khai", "làm", ANYWHERE),
    ("xây dựng", "làm", ANYWHERE),
    ("nâng cấp", "cải tiến", ANYWHERE),
    ("hoàn thiện", "làm xong", LEAD),  # "hoàn thiện cơ chế" = perfect, not finish, inside
    ("cơ sở dữ liệu", "kho dữ liệu", ANYWHERE),
    ("ứng dụng", "phần mềm", INNER),  # the noun (an app), not the verb (to apply)
    ("người dân", "bà con", ANYWHERE),
    ("doanh nghiệp", "công ty", ANYWHERE),
    ("trực tuyến", "online", ANYWHERE),
    ("tổ chức", "mở", LEAD),  # the verb (to hold), not the noun (an organisation)
    ("đào tạo", "dạy", ANYWHERE),
    ("bồi dưỡng", "tập huấn", ANYWHERE),
    ("thành phố", "TP", ANYWHERE),
    # words the plans never print, as officials type them: only the encoder can tell such a
    # question from one about something the plans lack, so the calibration needs them
    ("cơ sở dữ liệu", "database", ANYWHERE),
    ("dữ liệu", "data", INNER),
    ("điện thoại thông minh", "smartphone", ANYWHERE),
    ("điện toán đám mây", "cloud", ANYWHERE),
    ("thương mại điện tử", "bán hàng online", ANYWHERE),
    ("số hóa", "scan", LEAD),  # the action on records, not "chuyển đổi số hóa"
)
_LEADING = re.compile(r"^(?:mô hình|nhiệm vụ|chỉ tiêu)\s*:\s*", re.IGNORECASE)
_NUMBERING = re.compile(r"^[\s\divxlcIVXLC.)\-–+*•a-zđ]{0,6}[.)]\s+")


@dataclass(frozen=True)
class Question:
    """One generated question with its gold answer."""

    id: str
    question: str
    kind: str
    style: str
    gold: dict[str, Any]
    plan: str  # document id the gold comes from ("" for absent questions)

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "question": self.question,
            "kind": self.kind,
            "style": self.style,
            "gold": self.gold,
            "plan": self.plan,
        }


_DANGLING = frozenset(
    "của và với cho các tại trong đến theo để về từ trên những một là được có như hoặc".split()
)


def topic(text: str, words: int = 12, compounds: frozenset[str] = frozenset()) -> str:
    """The first sentence of a cell or clause, cut to `words` words, not ending on "của", "và",
    … or a comma, nor inside a word of two syllables (`compounds`: lower-case pairs such as
    "cơ sở", "điều hành", "hà nội"), as a question would name it."""
    text = _LEADING.sub("", text.strip()).lstrip("-–+•* ")
    text = _NUMBERING.sub("", text)
    first = re.split(r"(?<=[.;:])\s", text, maxsplit=1)[0].rstrip(".;:,")
    every = first.split()
    cut = every[:words]
    if len(every) > len(cut) and _joined(cut[-1], every[len(cut)], compounds):
        cut = every[: len(cut) + 1]  # "hoàn thiện cơ" → "hoàn thiện cơ chế"

    def unfinished(cut: list[str]) -> bool:
        last = cut[-1]
        if last.lower().strip(",") in _DANGLING or last.endswith(","):
            return True
        return len(cut) < len(every) and _joined(last, every[len(cut)], compounds)

    while len(cut) > 3 and unfinished(cut):
        cut = cut[:-1]
    return " ".join(cut).rstrip(",;:")


def _joined(left: str, right: str, compounds: frozenset[str]) -> bool:
    """Whether two syllables, as printed, form one word (no punctuation between them)."""
    if re.search(r"[,.;:()]$", left) or re.match(r"[(\[]", right):
        return False
    return f"{nfc(left).lower()} {nfc(right).lower().rstrip(',.;:)')}" in compounds


def compounds_of(texts: list[str], min_count: int = 3, share: float = 0.3) -> frozenset[str]:
    """Syllable pairs (lower case, diacritics kept: "thức" is not "thực") that make one word in these texts: one syllable comes with the
    other in at least `share` of its (≥ `min_count`) uses ("cơ sở", "kỹ năng", "địa bàn")."""
    pairs: dict[str, int] = {}
    seen: dict[tuple[str, int], int] = {}  # (syllable, 0: before a syllable / 1: after one)
    for text in texts:
        toks = re.findall(r"\w+|[^\w\s]", nfc(text).lower())
        for a, b in zip(toks, toks[1:], strict=False):
            if a.isalpha() and b.isalpha():
                pairs[f"{a} {b}"] = pairs.get(f"{a} {b}", 0) + 1
            if a.isalpha():
                seen[(a, 0)] = seen.get((a, 0), 0) + 1
            if b.isalpha():
                seen[(b, 1)] = seen.get((b, 1), 0) + 1
    out = set()
    for pair, n in pairs.items():
        a, b = pair.split()
        if n >= min_count and n >= share * min(seen[(a, 0)], seen[(b, 1)]):
            out.add(pair)
    return frozenset(out)


def as_typed(t: str) -> str:
    """A topic as typed mid-sentence: first letter lower case unless it starts an acronym."""
    first = t.split()[0] if t.split() else ""
    if len(first) > 1 and first.isupper():
        return t
    return t[:1].lower() + t[1:]


def quote_of(text: str, words: int = 7) -> str:
    """A short exact span of the source text a correct citation must contain."""
    return " ".join(text.split()[:words])


def _reverse_abbreviations() -> list[tuple[str, str]]:
    """Full forms → abbreviation, longest first (for the abbreviated style)."""
    pairs = [(full, abbr) for abbr, full in abbreviations().items() if len(full.split()) >= 2]
    pairs.sort(key=lambda kv: -len(kv[0]))
    return pairs


def abbreviate(text: str) -> str | None:
    """The question with full forms replaced by officials' abbreviations; None when none apply."""
    out = text
    for full, abbr in _reverse_abbreviations():
        pattern = re.compile(rf"(?<!\w){re.escape(full)}(?!\w)", re.IGNORECASE)
        shown = abbr.upper() if "&" not in abbr else abbr.upper()
        out = pattern.sub(shown, out)
    return out if out != text else None


def paraphrase(
    text: str, rng: random.Random, is_topic: bool = True, keep: tuple[str, ...] = ()
) -> str | None:
    """Everyday words for some of the plan's words; None when unchanged. In a topic (its first
    word is its action) a pair applies where its sense holds (`PARAPHRASES`); elsewhere (a whole
    question) only the pairs that hold anywhere. Names in `keep` (an agency: "Sở Xây dựng" is
    not "Sở Làm") are left as they are."""
    out = text
    pairs = list(PARAPHRASES)
    rng.shuffle(pairs)
    changed = 0
    for plan_word, everyday, where in pairs:
        if not is_topic and where != ANYWHERE:
            continue
        pattern = re.compile(rf"(?<!\w){re.escape(plan_word)}(?!\w)", re.IGNORECASE)
        kept = [
            (k.start(), k.end())
            for name in keep
            for k in re.finditer(re.escape(name), out, re.IGNORECASE)
        ]
        for m in pattern.finditer(out):
            if any(a < m.end() and m.start() < b for a, b in kept):
                continue
            lead = not out[: m.start()].strip()
            if (where == LEAD and not lead) or (where == INNER and lead):
                continue
            word = everyday[:1].upper() + everyday[1:] if m.group()[:1].isupper() else everyday
            out = out[: m.start()] + word + out[m.end() :]
            changed += 1
            break
        if changed == 2:
            break
    return out if changed else None


def plan_phrase(doc: Document, rng: random.Random) -> str:
    """How a question names a plan: by number, short name or alias."""
    number = doc.number.split("/")[0].strip()
    options = [f" trong {doc.short_name}"]
    if number.isdigit():
        options += [f" theo kế hoạch số {number}", f" (KH {number})"]
    if doc.aliases:
        options.append(f" trong {doc.aliases[0]}")
    return rng.choice(options)


def _styled(
    base: str,
    rng: random.Random,
    para: str | None = None,
    has_topic: bool = False,
    keep: tuple[str, ...] = (),
) -> Iterator[tuple[str, str]]:
    """The question in each style officials type (`para`: its paraphrase built from the
    paraphrased topic when `has_topic`, else the whole question paraphrased, names in `keep`
    left alone)."""
    yield "vi", base
    yield "nodiac", fold(base)
    short = abbreviate(base)
    if short:
        yield "abbr", short
    if not has_topic:
        para = paraphrase(base, rng, is_topic=False, keep=keep)
    if para and para != base:
        yield "para", para


def _record_gold(view: RecordView) -> dict[str, Any]:
    r = view.record
    gold: dict[str, Any] = {
        "doc": view.document.file,
        "row": r.row,
        "lead": list(r.lead),
        "coordinating": list(r.coordinating),
        "deadline": r.deadline,
        "leader": r.leader,
        "quote": quote_of(r.quote or r.content),
    }
    if r.kind == "indicator":
        gold = {
            "doc": view.document.file,
            "row": r.row,
            "target": r.target,
            "lead": r.lead[0] if r.lead else "",
            "leader": r.leader,
            "quote": quote_of(r.quote or r.content),
        }
    return gold


def stream(seed: int, key: str) -> random.Random:
    """The random draws of one question (or section), seeded by its own key: changing how one
    record's questions are made leaves every other question as it was."""
    return random.Random(f"{seed}:{key}")


def _ask(template: str, t: str, named: str) -> str:
    """A template filled with a topic, and the plan's name when the question names it."""
    text = template.format(t=t, T=t[:1].upper() + t[1:])
    return text.rstrip("?") + named + "?" if named else text


def _distinct(views: list[RecordView], compounds: frozenset[str]) -> list[RecordView]:
    """Rows whose topic names them alone (no other row of the corpus starts the same way)."""
    seen: dict[str, int] = {}
    for v in views:
        key = fold(topic(v.record.content, 8, compounds))
        seen[key] = seen.get(key, 0) + 1
    return [v for v in views if seen[fold(topic(v.record.content, 8, compounds))] == 1]


def generate(kb: KnowledgeBase, clauses_per_plan: int = 30, seed: int = SEED) -> list[Question]:
    """Every record in several styles, a sample of clauses, agency lists and absent questions."""
    docs = {d.id: d for d in kb.documents()}
    out: list[Question] = []
    directory = kb.directory
    views = [v for v in kb.iter_records() if v.record.lead and len(v.record.content) >= 20]
    joined = compounds_of([v.record.content for v in views] + [c.text for c in kb.clauses()])
    for v in _distinct(views, joined):
        r = v.record
        doc = docs[r.document]
        rng = stream(seed, r.id)
        raw = topic(r.content, compounds=joined)
        t = as_typed(raw)
        templates = INDICATOR_TEMPLATES if r.kind == "indicator" else OWNER_TEMPLATES
        kind = "indicator" if r.kind == "indicator" else "owner_deadline"
        template = rng.choice(templates)
        named = plan_phrase(doc, rng) if rng.random() < 0.5 else ""
        base = _ask(template, t, named)
        para_topic = paraphrase(raw, rng)
        para = _ask(template, as_typed(para_topic), named) if para_topic else None
        for style, text in _styled(base, rng, para, has_topic=True):
            out.append(Question(f"g-{r.id}-{style}", text, kind, style, _record_gold(v), doc.id))
        renamed = [
            n
            for n in r.lead
            if directory.current(n) and directory.current(n) != directory.canonical(n)
        ]
        if renamed and kind == "owner_deadline":
            now = directory.current(renamed[0])
            text = f"Việc {t} mà {now} tiếp nhận từ {renamed[0]} có hạn khi nào?"
            out.append(
                Question(f"g-{r.id}-renamed", text, kind, "renamed", _record_gold(v), doc.id)
            )
    out += _lists(kb, docs, seed)
    out += _guidance(kb, docs, seed, clauses_per_plan, joined)
    out += _clause_when(kb, docs, seed, joined)
    out += _absent(kb, views, stream(seed, "absent"), joined)
    return out


def _lists(kb: KnowledgeBase, docs: dict[str, Document], seed: int) -> list[Question]:
    """ "Which rows does agency X lead in plan P" for every agency leading ≥ 2 rows of a plan."""
    out: list[Question] = []
    nouns = {"task": "nhiệm vụ", "model": "mô hình", "indicator": "chỉ tiêu"}
    groups: dict[tuple[str, str, str], set[str]] = {}
    for v in kb.iter_records():
        for name in v.record.lead:
            canon = kb.directory.canonical(name)
            if canon and not kb.directory.is_group(canon) and len(canon.split()) >= 2:
                groups.setdefault((v.record.document, v.record.kind, canon), set()).add(v.record.id)
    for (doc_id, kind, agency), _ in sorted(groups.items()):
        rows = [
            v.record.row
            for v in kb.records(RecordFilter(lead=agency, document=doc_id, kind=kind))
            if not v.inherited
        ]
        if len(rows) < 2:
            continue
        doc = docs[doc_id]
        rng = stream(seed, f"list:{doc_id}:{kind}:{agency}")
        base = rng.choice(LIST_TEMPLATES).format(a=agency, k=nouns[kind], p=plan_phrase(doc, rng))
        gold = {"doc": doc.file, "rows": rows, "quotes": []}
        for style, text in _styled(base, rng, keep=(agency,)):
            key = f"g-list-{doc_id}-{kind}-{fold(agency).replace(' ', '_')}-{style}"
            out.append(Question(key, text, "list", style, gold, doc_id))
    return out


def _guidance(
    kb: KnowledgeBase,
    docs: dict[str, Document],
    seed: int,
    per_plan: int,
    compounds: frozenset[str],
) -> list[Question]:
    """ "What does the plan say about X" for a sample of substantial clauses of every plan."""
    out: list[Question] = []
    by_doc: dict[str, list[Clause]] = {}
    for c in kb.clauses():
        if len(c.text) >= 80 and len(c.text.split()) >= 14:
            by_doc.setdefault(c.document, []).append(c)
    for doc_id, clauses in sorted(by_doc.items()):
        firsts: dict[str, int] = {}
        for c in clauses:
            key = fold(topic(c.text, 8, compounds))
            firsts[key] = firsts.get(key, 0) + 1
        unique = [c for c in clauses if firsts[fold(topic(c.text, 8, compounds))] == 1]
        for c in stream(seed, f"guidance:{doc_id}").sample(unique, min(per_plan, len(unique))):
            rng = stream(seed, c.id)
            t = topic(c.text, 10, compounds)
            template = rng.choice(GUIDANCE_TEMPLATES)
            named = plan_phrase(docs[doc_id], rng)
            base = template.format(t=as_typed(t), T=t).rstrip("?") + named + "?"
            para_topic = paraphrase(t, rng)
            para = None
            if para_topic:
                para = template.format(t=as_typed(para_topic), T=para_topic).rstrip("?")
                para += named + "?"
            gold = {"doc": docs[doc_id].file, "quote": quote_of(_NUMBERING.sub("", c.text), 8)}
            for style, text in _styled(base, rng, para, has_topic=True):
                out.append(Question(f"g-{c.id}-{style}", text, "guidance", style, gold, doc_id))
    return out


# First words of a phrase that names bodies or joins, not a duty ("các phòng, ban …").
_NOT_DUTY = frozenset("các những và hoặc của".split())
# Words that lead a time ("trước ngày 15/12"): part of the time, not of the duty.
_TIME_LEAD = frozenset("trước vào ngày định kỳ lúc trong đến hạn khi sau".split())


def _duty_phrase(text: str, compounds: frozenset[str]) -> str:
    """A duty as a question names it: its first words, without a dangling time word."""
    text = text.strip(" ,;:.-–()")
    words = topic(text, 10, compounds).split()
    while len(words) > 3 and words[-1].lower().strip(",(") in _TIME_LEAD:
        words = words[:-1]
    return " ".join(words).rstrip(",;:(")


def timed_duty(
    clause: Clause, directory: AgencyDirectory, compounds: frozenset[str]
) -> tuple[str, str, str | None, bool] | None:
    """(duty, time as printed, actor, recurring) of a clause that sets a time for a duty
    (`retrieval.deadlines.duty_times`), or None. The actor is the body its heading lists, else
    the body its sentence gives the work to; the duty is the words before the time (or after it
    when the time leads the sentence)."""
    text = _NUMBERING.sub("", clause.text)
    for part in re.split(r"(?<=[.;])\s+", text):
        spans = duty_times(part)
        if not spans:
            continue
        a, b = spans[0]
        while (lead := re.search(r"(\w+)\W*$", part[:a])) and lead.group(1).lower() in _TIME_LEAD:
            a = lead.start()  # "trước ngày 15/12", not "15/12"
        before, after = part[:a], part[b:]
        # the duty the time belongs to: the words after a time that opens its phrase ("…;
        # định kỳ hằng quý báo cáo …", "Căn cứ …, hàng năm xây dựng …"), else those before it
        opens = not before.strip() or before.rstrip()[-1:] in ",;" or len(before.split()) < 4
        source = after if opens else before
        actor = next(
            (
                found[0]
                for h in reversed(clause.heading_path)
                if (found := directory.heading_bodies(h))
            ),
            None,
        ) or next(iter(directory.assigned_in(part) or directory.assigned_in(text)), None)
        if actor:  # "UBND cấp huyện thường xuyên tổng kết …": the body is not the duty
            for name in directory.find_in_text(source[:60]):
                source = re.sub(rf"^\W*{re.escape(name)}\W*", "", source, flags=re.IGNORECASE)
        duty = _duty_phrase(source, compounds)
        if len(duty.split()) < 3 or not duty[:1].isalpha() or duty.split()[0].lower() in _NOT_DUTY:
            return None  # "100% CBCC … hằng ngày" states a target; "các phòng …" names bodies
        return duty, part[a:b], actor, recurs(part[a:b])
    return None


def _clause_when(
    kb: KnowledgeBase, docs: dict[str, Document], seed: int, compounds: frozenset[str]
) -> list[Question]:
    """When / how often / who about every clause that sets a time for a duty; gold is that
    clause (kind `clause_when`, scored as guidance: its quote among the top 3 citations)."""
    out: list[Question] = []
    directory = kb.directory
    for c in kb.clauses():
        if len(c.text) < 60 or len(c.text.split()) < 10:
            continue
        found = timed_duty(c, directory, compounds)
        if found is None:
            continue
        duty, when, actor, recurring = found
        doc = docs[c.document]
        gold = {"doc": doc.file, "quote": quote_of(_NUMBERING.sub("", c.text), 8)}
        o = as_typed(duty)
        asks = [("when", CLAUSE_OFTEN_TEMPLATES if recurring else CLAUSE_WHEN_TEMPLATES)]
        if not actor:
            asks = [("when", CLAUSE_OFTEN_BARE if recurring else CLAUSE_WHEN_BARE)]
        if actor:
            asks.append(("who", CLAUSE_WHO_TEMPLATES))
        for ask, templates in asks:
            rng = stream(seed, f"when:{ask}:{c.id}")
            template = rng.choice(templates)
            named = plan_phrase(doc, rng) if rng.random() < 0.5 else ""
            a = actor or ""
            text = template.format(
                a=a, A=a[:1].upper() + a[1:], o=o, O=duty[:1].upper() + duty[1:], w=when.lower()
            )
            base = text.rstrip("?") + named + "?" if named else text
            keep = (actor,) if actor else ()
            for style, q in _styled(base, rng, keep=keep):
                key = f"g-when-{ask}-{c.id}-{style}"
                out.append(Question(key, q, "clause_when", style, gold, c.document))
    return out


# Words that say what kind of thing follows ("công nghệ chuỗi khối"): a plan naming "chuỗi
# khối" among new technologies does name the thing.
_KIND_WORDS = ("công nghệ", "hệ thống", "nền tảng", "dịch vụ", "ứng dụng", "phần mềm")


def _named_as(thing: str) -> list[str]:
    """Folded ways a plan could name a thing: itself, and its name after a kind word."""
    out = [fold(thing)]
    for kind in _KIND_WORDS:
        if thing.startswith(kind + " "):
            out.append(fold(thing[len(kind) + 1 :]))
    return out


def _absent(
    kb: KnowledgeBase, views: list[RecordView], rng: random.Random, compounds: frozenset[str]
) -> list[Question]:
    """Questions the plans cannot answer: other places, things and quantities they never name."""
    corpus = " ".join(fold(v.record.content) for v in views)
    corpus += " " + " ".join(fold(c.text) for c in kb.clauses())
    places = [p for p in OTHER_PLACES if fold(p.split(" ", 1)[1]) not in corpus]
    things = [t for t in ABSENT_THINGS if not any(f in corpus for f in _named_as(t))]
    out: list[Question] = []
    sample = rng.sample(views, min(len(views), 2 * len(places)))
    for i, v in enumerate(sample):
        place = places[i % len(places)]
        t = as_typed(topic(v.record.content, 8, compounds))
        base = rng.choice(ABSENT_PLACE_TEMPLATES).format(place=place, t=t)
        for style, text in _styled(base, rng):
            out.append(Question(f"g-absent-place-{i}-{style}", text, "no_answer", style, {}, ""))
    n = 0
    for thing in things:
        for template in rng.sample(ABSENT_TOPIC_TEMPLATES, 2):
            base = template.format(thing=thing, who=rng.choice(ABSENT_WHO))
            for style, text in _styled(base, rng):
                out.append(
                    Question(f"g-absent-topic-{n}-{style}", text, "no_answer", style, {}, "")
                )
            n += 1
    return out


def main() -> None:
    """Write the generated set as JSON lines."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--index-dir", default="indexes")
    parser.add_argument("--out", default="artifacts/generated.jsonl")
    parser.add_argument("--clauses-per-plan", type=int, default=30)
    args = parser.parse_args()
    kb = KnowledgeBase(Path(args.index_dir) / "kb.sqlite")
    questions = generate(kb, args.clauses_per_plan)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8") as fh:
        for q in questions:
            fh.write(json.dumps(q.as_json(), ensure_ascii=False) + "\n")
    print(f"{len(questions)} câu hỏi → {out}")


if __name__ == "__main__":
    main()
