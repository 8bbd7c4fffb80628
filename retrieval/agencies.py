"""Agency cells → agencies; canonical names, aliases and typos; the 2025 successor table."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from retrieval.textnorm import collapse_ws, fold, loose_key

DATA_FILE = Path(__file__).parent / "data" / "agencies.json"

# Folded first words that start a specific, named agency after ", ".
_SPECIFIC_HEADS = (
    "so ",
    "ubnd ",
    "uy ban ",
    "cuc ",
    "chi cuc ",
    "ban ",
    "cong an ",
    "trung tam ",
    "van phong ",
    "thanh tra ",
    "bao ",
    "dai ",
    "ngan hang ",
    "bo ",
    "vien thong ",
    "buu dien ",
    "tap doan ",
    "hoi ",
    "doan ",
    "thanh doan ",
    "kho bac ",
    "bao hiem ",
    "tong cong ty ",
    "cong ty ",
    "hoc vien ",
    "benh vien ",
    "truong ",
    "mat tran ",
    "lien doan ",
    "hdnd ",
    "hoi dong ",
    "thue ",
    "toa an ",
    "vien kiem sat ",
    "catp",
    "vp ubnd",
    "bql ",
)
# Folded first words that start a collective or generic party ("các Sở…", "đơn vị liên quan").
_GROUP_HEADS = ("cac ", "don vi ", "co quan ")
# Place-name parts like "Ba Vì" never start a new agency; "Sở" alone ("Sở, ngành") is collective.
_NO_SPLIT_WORDS = {
    "va",
    "cua",
    "voi",
    "theo",
    "cho",
    "giao",
    "tai",
    "thuoc",
    "hoac",
    "la",
    "do",
    "boi",
    "gom",
    "cac",
    "huong",
    "dan",
}
_MIDSTRING_HEAD = re.compile(r"\s(?=(?:Các Sở|Các UBND|Các cơ quan|Sở [A-ZĐÂĂÊÔƠƯÁÀẢÃẠ]))")
_SYNONYMS = [
    (re.compile(r"\buy ban nhan dan\b"), "ubnd"),
    (re.compile(r"\bthanh pho\b"), "tp"),
    (re.compile(r"\bvp\b"), "van phong"),
    (re.compile(r"\bhn\b"), "ha noi"),
    (re.compile(r"\bq\b"), "quan"),
    (re.compile(r"\btx\b"), "thi xa"),
]
_TRAIL_PUNCT = " ;,.:-–"
_PART_TRAIL = " ;,:"  # split parts keep a printed final "." (gold quotes cells as printed)


@dataclass(frozen=True)
class Succession:
    """One 2025 reorganisation step: `predecessor` became `successor` (None: abolished)."""

    predecessor: str
    successor: str | None
    effective: date | None
    source: str
    note: str = ""


def _key(text: str) -> str:
    """Matching key: loose fold plus synonym folding (Ủy ban nhân dân→ubnd, thành phố→tp)."""
    k = loose_key(text)
    for pattern, repl in _SYNONYMS:
        k = pattern.sub(repl, k)
    return k


def _compact(text: str) -> str:
    """Key without spaces and '&' so 'Sở TT&TT', 'Sở TTTT', 'so tt tt' meet."""
    return _key(text).replace(" ", "").replace("&", "")


def clean_name(name: str | None) -> str:
    """Printed name cleaned: NFC, whitespace collapsed, trailing ;,. stripped."""
    return collapse_ws(name).strip(_TRAIL_PUNCT)


def _part_class(part: str, whole: bool = False) -> str:
    """'specific', 'group' or 'none' for a piece's start (`whole`: the piece ends here too)."""
    f = fold(part) + " "
    if f.startswith("so ") and re.match(r"so\s*[,;]|so\s*$", f.strip()):
        return "group"
    if (
        any(f.startswith(h) for h in _GROUP_HEADS)
        or f.startswith("ubnd cac")
        or f.startswith("ubnd 0")
    ):
        return "group"
    if whole and " va cac " in f:
        return "group"
    if part[:1].isupper() and any(f.startswith(h) for h in _SPECIFIC_HEADS):
        return "specific"
    return "none"


# Heads of bodies named after their fields ("Sở Văn hóa, Thể thao và Du lịch").
_FIELD_HEADS = ("so ", "bo ", "ban ", "phong ", "cuc ", "vu ", "trung tam ", "vien ")
# "UBND huyện X", "xã Y": a list of places after it names one more place, not a new agency.
_PLACE_UNIT = re.compile(
    r"^(?:ubnd|uy ban nhan dan)\s+(?:cac\s+)?(?:tinh|thanh pho|tp|huyen|quan|thi xa|xa|phuong|"
    r"thi tran)\b"
)


def _next_part(rest: str) -> str:
    """The text after a comma up to the next comma (what a reader sees as the next item)."""
    return rest.split(",", 1)[0].strip()


def _is_place_name(text: str) -> bool:
    """'Ba Vì', 'Đam Rông': a short run of capitalised words (a place's name)."""
    words = text.split()
    return 0 < len(words) <= 4 and all(w[:1].isupper() for w in words)


def _inside_name(cur: str, rest: str) -> bool:
    """Whether the comma between `cur` and `rest` lies inside one agency's name: a name the
    directory lists with commas, fields listed before 'và' ('Sở Lao động, Thương binh và Xã hội'),
    or one more place after 'UBND huyện X'."""
    whole = _key(f"{cur} {rest}")
    cur_key = _key(cur)
    if any(len(cur_key) < len(k) and whole.startswith(k) for k in directory().comma_keys):
        return True
    part = _next_part(rest)
    folded = fold(cur) + " "
    if any(folded.startswith(h) for h in _FIELD_HEADS) and " và " in part:
        after = part.split(" và ", 1)[1]
        return _part_class(after) == "none" and _part_class(part) == "none"
    return bool(_PLACE_UNIT.match(folded)) and _is_place_name(part)


def _joins(cur: str, rest: str) -> bool:
    """Whether `rest` continues the agency `cur` after a comma; otherwise a new one starts.

    Commas separate agencies, except inside a known or field-listed name, inside a collective
    party's own list ("Các Sở, ban, ngành", "Các trường Đại học, Cao đẳng") and before a lower-case
    word that is not a new party ("UBND phường A, xã B")."""
    nxt, kind = _part_class(rest), _part_class(cur, whole=True)
    if _inside_name(cur, rest):
        return True
    if kind == "group":
        return nxt != "specific"
    if nxt != "none":
        return False
    return not rest[:1].isupper()


def _split_commas(segment: str) -> list[str]:
    """Split one ';'-free segment at the commas that separate agencies (`_joins`)."""
    pieces: list[str] = []
    depth = 0
    buf = ""
    after_colon = False
    for i, ch in enumerate(segment):
        depth += ch == "("
        depth -= ch == ")" and depth > 0
        after_colon = after_colon or (ch == ":" and depth == 0)
        if ch == "," and depth == 0 and not after_colon and buf.strip():
            rest = segment[i + 1 :].lstrip()
            if rest and not _joins(buf.strip(), rest):
                pieces.append(buf)
                buf = ""
                continue
        buf += ch
    pieces.append(buf)
    return pieces


def _split_midstring(segment: str) -> list[str]:
    """Split where a new agency starts without any separator ('… Truyền thông Các Sở, ngành')."""
    out: list[str] = []
    start = 0
    for m in _MIDSTRING_HEAD.finditer(segment):
        before = segment[start : m.start()].strip()
        prev = fold(before).split(" ")[-1] if before else ""
        if not before or prev in _NO_SPLIT_WORDS or before.endswith(("(", ":", "-", ",")):
            continue
        out.append(before)
        start = m.end()
    out.append(segment[start:])
    return out


def split_agencies(cell: str | None) -> list[str]:
    """Split a lead/coordinating cell into agencies as printed (never inside 'Các Sở, ban, ngành')."""
    if not cell:
        return []
    try:
        text = collapse_ws(cell.replace("\n", " ; ").replace("\r", " "))
        parts: list[str] = []
        for segment in text.split(";"):
            for piece in _split_midstring(segment.strip()):
                parts.extend(_split_commas(piece))
        return [c for c in (collapse_ws(p).strip(_PART_TRAIL) for p in parts) if c]
    except Exception:  # noqa: BLE001 — unknown input must never raise
        return [clean_name(cell)] if clean_name(cell) else []


class AgencyDirectory:
    """Canonical agencies with aliases, places and successions, loaded once from JSON."""

    def __init__(self, data: dict[str, Any]) -> None:
        self._by_key: dict[str, list[str]] = {}
        self._members: dict[str, list[str]] = {}
        self._matches: dict[tuple[str, str], tuple[bool, bool]] = {}
        self._found: dict[str, list[str]] = {}
        self._provinces: dict[str, tuple[str, str] | None] = {}
        self._by_compact: dict[str, list[str]] = {}
        self._groups: set[str] = set()
        self._canon: list[str] = []
        self.comma_keys: set[str] = set()  # names printed with commas: a split never cuts them
        for entry in data.get("agencies", []):
            name = clean_name(entry.get("name"))
            if not name:
                continue
            self.comma_keys.update(_key(n) for n in [name, *entry.get("aliases", [])] if "," in n)
            if entry.get("group"):
                self._groups.add(name)
            self._add(name, name)
            for alias in entry.get("aliases", []):
                self._add(alias, name)
        self._load_places(data.get("places", {}))
        self._add_sector_aliases()
        self._suffixes = sorted(
            (_key(w) for w in data.get("action_suffixes", [])), key=len, reverse=True
        )
        self._succ: dict[str, Succession] = {}
        for s in data.get("successions", []):
            self._add_succession(s.get("from"), s.get("to"), s)
        self._dept = data.get("department_successions") or {}
        ps = data.get("place_successions") or {}
        for canon in list(self._canon):
            if any(
                fold(canon).startswith("ubnd " + fold(lvl) + " ") for lvl in ps.get("levels", [])
            ):
                self._add_succession(canon, None, ps)
        self._pattern = self._build_pattern()

    @classmethod
    def load(cls, path: Path | str = DATA_FILE) -> AgencyDirectory:
        """Read the JSON data file (an unreadable file gives an empty directory)."""
        try:
            return cls(json.loads(Path(path).read_text(encoding="utf-8")))
        except (OSError, ValueError):
            return cls({})

    def _add(self, alias: str, canonical: str) -> None:
        if canonical not in self._canon:
            self._canon.append(canonical)
        for index, key in ((self._by_key, _key(alias)), (self._by_compact, _compact(alias))):
            if key and canonical not in index.setdefault(key, []):
                index[key].append(canonical)

    def _add_sector_aliases(self) -> None:
        """'ngành giáo dục' / 'ngành y tế' name the department of that field (Sở Giáo dục và Đào tạo)."""
        for canon in list(self._canon):
            if not canon.startswith("Sở ") or canon in self._groups:
                continue
            field = canon[3:]
            for form in {field, field.split(" và ")[0]}:
                key = f"ngành {form}"
                if _key(key) not in self._by_key:
                    self._add(key, canon)

    def _load_places(self, places: dict[str, list[str]]) -> None:
        """'UBND huyện Ứng Hòa' with variants; bare place names may denote several units."""
        for level, names in places.items():
            for place in names:
                canon = f"UBND {level} {place}"
                for prefix in ("UBND", "Ủy ban nhân dân", ""):
                    self._add(f"{prefix} {level} {place}".strip(), canon)
                self._add(place, canon)

    def _add_succession(self, src: str | None, dst: str | None, s: dict[str, Any]) -> None:
        if not src:
            return
        try:
            eff = date.fromisoformat(s.get("effective", ""))
        except (TypeError, ValueError):
            eff = None
        pred = self.canonical(src)
        succ = self.canonical(dst) if dst else None
        self._succ[pred] = Succession(pred, succ, eff, s.get("source", ""), s.get("note", ""))

    def _build_pattern(self) -> re.Pattern[str] | None:
        keys = sorted(self._by_key, key=len, reverse=True)
        if not keys:
            return None
        alt = "|".join(re.escape(k) for k in keys)
        return re.compile(rf"(?<![0-9a-z&])(?:{alt})(?![0-9a-z&])")

    def _lookup(self, text: str) -> list[str]:
        return self._by_key.get(_key(text)) or self._by_compact.get(_compact(text)) or []

    def _strip_suffix(self, key: str) -> str:
        """Drop trailing action words ('tổng hợp', 'chủ động thực hiện') from a key."""
        changed = True
        while changed and key:
            changed = False
            for suf in self._suffixes:
                if key.endswith(" " + suf):
                    key = key[: -len(suf) - 1].rstrip()
                    changed = True
        return key

    @property
    def names(self) -> list[str]:
        """All canonical names."""
        return list(self._canon)

    def is_group(self, name: str) -> bool:
        """True for collective parties like 'Các Sở, ban, ngành'."""
        return self.canonical(name) in self._groups

    def canonical(self, name: str | None) -> str:
        """Printed name → canonical name; unknown names return their cleaned form."""
        cleaned = clean_name(name)
        if not cleaned:
            return ""
        hits = self._lookup(cleaned)
        if not hits:
            stripped = self._strip_suffix(_key(cleaned))
            hits = (
                self._by_key.get(stripped)
                or self._by_compact.get(stripped.replace(" ", "").replace("&", ""))
                or []
            )
        if hits:
            return hits[0] if len(hits) == 1 else cleaned
        return self._leading(cleaned) or cleaned

    def _leading(self, cleaned: str) -> str | None:
        """The one agency a longer cell starts with ('Sở X chủ trì về nội dung' → 'Sở X')."""
        found = self.find_in_text(cleaned)
        if len(found) != 1 or self._pattern is None:
            return None
        key = _key(cleaned)
        m = self._pattern.match(key)
        if not m or found[0] not in self._by_key.get(m.group(0), []):
            return None
        # "Sở X chủ trì về …" names Sở X; "Ngân hàng Nhà nước chi nhánh khu vực" or "UBND thành
        # phố Đông Hải" name another body whose name merely begins like a known one: a short
        # rest (one or two words) that is neither an action nor the body's own level is a name.
        rest = key[m.end() :].strip()
        words = rest.split()
        if (
            rest
            and rest[0].isalnum()
            and len(words) <= 2
            and not self.is_group(found[0])
            and rest not in _OWN_LEVEL
            and not any(rest == suf or rest.startswith(suf + " ") for suf in self._suffixes)
        ):
            return None
        return found[0]

    def find_in_text(self, text: str | None) -> list[str]:
        """Agencies mentioned in free text (longest alias first, works without diacritics)."""
        if not text or self._pattern is None:
            return []
        cached = self._found.get(text)
        if cached is None:
            cached = self._find_in_text(text)
            if len(self._found) < 65536:
                self._found[text] = cached
        return list(cached)

    def _find_in_text(self, text: str) -> list[str]:
        found: list[str] = []
        key = _key(text)
        for m in self._pattern.finditer(key):
            qualified = _PLACE_AFTER.match(key, m.end()) is not None
            for canon in self._by_key.get(m.group(0), []):
                if qualified and _key(canon).startswith(m.group(0) + " "):
                    # "Cục Thuế tỉnh (Lâm Hà)": the short alias of "Cục Thuế Hà Nội", but the
                    # text gives the body a place of its own, so it is another place's body
                    continue
                if canon not in found:
                    found.append(canon)
        return found

    def heading_bodies(self, heading: str | None) -> list[str]:
        """Bodies a heading lists as its subject ("3. Sở Tài chính, Sở Nội vụ", "2. Các Sở: Y tế,
        Du lịch"): each listed part must start with a known body, so a topic heading that merely
        mentions one ("Phối hợp với Sở X …") names none."""
        if not heading or self._pattern is None:
            return []
        text = re.sub(r"^\s*(?:[0-9IVXLivxl]+[.)]?)+\s*", "", heading)
        found: list[str] = []
        for part in split_agencies(text):
            members = self.group_members(part)
            starts = self._pattern.match(_key(part))
            if not members and not starts:
                continue
            named = members or self.find_in_text(part)
            found += [n for n in named if n not in found]
        return found

    def assigned_in(self, text: str | None) -> list[str]:
        """Bodies a sentence gives work to: "Giao Sở X, Sở Y chủ trì …", "Đề nghị Sở X …", or
        a sentence that starts with a body followed by an assignment verb ("Sở X chủ trì …")."""
        if not text or self._pattern is None:
            return []
        found: list[str] = []
        for sentence in re.split(r"[.;:\n]\s+|^- ", text):
            key = _key(sentence)
            starts = [m.end() for m in _ASSIGN_BEFORE.finditer(key)]
            for start in [0, *starts]:
                names, end = self._bodies_at(key, start)
                if names and (start or _ASSIGN_VERB.match(key, end)):
                    found += [n for n in names if n not in found]
        return found

    def _bodies_at(self, key: str, pos: int) -> tuple[list[str], int]:
        """The run of bodies named from `pos` ("so a so b va so c") and where it ends."""
        assert self._pattern is not None
        names: list[str] = []
        while True:
            while pos < len(key) and key[pos] == " ":
                pos += 1
            m = self._pattern.match(key, pos)
            if not m:
                if names and key.startswith("va ", pos):
                    nxt = self._pattern.match(key, pos + 3)
                    if nxt:
                        m = nxt
                if not m:
                    return names, pos
            names += [c for c in self._by_key.get(m.group(0), []) if c not in names]
            pos = m.end()

    def match(self, query: str | None) -> list[str]:
        """User input (any spelling/abbreviation) → canonical names it denotes."""
        if not query or not clean_name(query):
            return []
        exact = self._lookup(query)
        if exact:
            return list(exact)
        key = self._strip_suffix(_key(query))
        if key in self._by_key:
            return list(self._by_key[key])
        for guess in (f"Sở {query}", f"UBND {query}"):
            hits = self._lookup(guess)
            if hits:
                return list(hits)
        found = self.find_in_text(query)
        if found:
            return found
        if len(key) >= 4:
            return [c for c in self._canon if _key(c).startswith(key + " ")]
        return []

    def provincial(self, name: str | None) -> tuple[str, str] | None:
        """'Sở TT&TT tỉnh Bắc Ninh' → ('Sở Thông tin và Truyền thông', 'tỉnh Bắc Ninh'): a known
        department followed by its province (any but Hà Nội, whose steps the table records)."""
        key = clean_name(name)
        if key not in self._provinces:
            found = self._departments_before_places(key, whole=True)
            if len(self._provinces) < 65536:
                self._provinces[key] = found[0] if found else None
            return found[0] if found else None
        return self._provinces[key]

    def provincial_mentions(self, text: str | None) -> list[str]:
        """Departments named with a province in free text ("Sở TT&TT tỉnh Bắc Ninh bây giờ …"),
        as canonical department + province."""
        found = self._departments_before_places(collapse_ws(text or ""), whole=False)
        return [f"{base} {where}" for base, where in found]

    def _departments_before_places(self, text: str, whole: bool) -> list[tuple[str, str]]:
        out: list[tuple[str, str]] = []
        for m in _LEVEL_WORD.finditer(text):
            words = text[: m.start()].split()
            base = None
            for n in range(min(len(words), 9), 1, -1):
                if whole and n != len(words):
                    continue
                hits = self._lookup(" ".join(words[-n:]))
                if len(hits) == 1 and hits[0].startswith("Sở ") and hits[0] not in self._groups:
                    base = hits[0]
                    break
            if base is None:
                continue
            place: list[str] = []
            for word in text[m.end() :].split():
                word = word.strip(" ,;.:?!()")
                if not word or not (word[0].isupper() or whole) or len(place) == 4:
                    break
                place.append(word)
            if fold(" ".join(place)) in ("ha noi", "hn"):
                continue  # Hà Nội: the recorded steps apply
            where = " ".join([m.group(1), *place])
            if (base, where) not in out:
                out.append((base, where))
        return out

    def _provincial_step(self, name: str) -> Succession | None:
        """The department merger applied to one province's department, by pattern."""
        found = self.provincial(name)
        if found is None or not self._dept:
            return None
        base, where = found
        step = self._succ.get(base)
        if step is None or not step.successor or not step.successor.startswith("Sở "):
            return None
        try:
            effective: date | None = date.fromisoformat(self._dept.get("effective", ""))
        except (TypeError, ValueError):
            effective = None
        return Succession(
            f"{base} {where}",
            f"{step.successor} {where}",
            effective,
            self._dept.get("source", ""),
            step.note,
        )

    def successor(self, canonical: str) -> Succession | None:
        """The 2025 step that replaced this agency (successor None when abolished), if any;
        one province's department ("Sở TT&TT tỉnh Bắc Ninh") follows its kind's merger."""
        return self._provincial_step(canonical) or self._succ.get(self.canonical(canonical))

    def own_name(self, name: str) -> str:
        """The name's own canonical form (a province's department keeps its province)."""
        found = self.provincial(name)
        return f"{found[0]} {found[1]}" if found else self.canonical(name)

    def current(self, name: str) -> str | None:
        """Today's name after following successions (None when abolished without successor)."""
        step = self._provincial_step(name)
        if step is not None:
            return step.successor
        if self.provincial(name) is not None:
            return self.own_name(name)
        canon = self.canonical(name)
        seen: set[str] = set()
        while canon in self._succ and canon not in seen:
            seen.add(canon)
            nxt = self._succ[canon].successor
            if nxt is None:
                return None
            canon = nxt
        return canon

    def predecessors(self, canonical: str) -> list[Succession]:
        """Every step (transitively) whose successor chain leads to this agency."""
        target = self.canonical(canonical)
        out: list[Succession] = []
        frontier = [target]
        while frontier:
            cur = frontier.pop()
            for s in self._succ.values():
                if s.successor == cur and s not in out:
                    out.append(s)
                    frontier.append(s.predecessor)
        return out

    def display(self, name: str | None) -> str:
        """'Sở Thông tin và Truyền thông (nay là Sở Khoa học và Công nghệ)' for renamed agencies."""
        shown = clean_name(name)
        if not shown:
            return ""
        now = self.current(shown)
        canon = self.own_name(shown)
        if now and now != canon:
            return f"{shown} (nay là {now})"
        return shown

    def agency_matches(self, query: str, printed_name: str) -> tuple[bool, bool]:
        """(matches, via_predecessor): does a printed cell name denote the asked agency?"""
        key = (query, printed_name)
        found = self._matches.get(key)
        if found is None:
            found = self._agency_matches(query, printed_name)
            if len(self._matches) < 65536:  # the corpus has a few hundred printed names
                self._matches[key] = found
        return found

    def _agency_matches(self, query: str, printed_name: str) -> tuple[bool, bool]:
        want = self.canonical(query)
        wanted = [want] if want in self._canon else self.match(query)
        printed = set(self.find_in_text(printed_name)) | {self.canonical(printed_name)}
        printed |= set(self.group_members(printed_name))
        if any(w in printed for w in wanted):
            return True, False
        for w in wanted:
            if any(s.predecessor in printed for s in self.predecessors(w)):
                return True, True
        return False, False

    def group_members(self, printed_name: str) -> list[str]:
        """Departments a group cell enumerates: "Các Sở: Y tế, Du lịch" or "Các Sở, ngành … (GTVT,
        TN&MT, Du lịch)" → Sở Y tế, Sở Du lịch, Sở Giao thông vận tải, …"""
        cached = self._members.get(printed_name)
        if cached is not None:
            return cached
        members: list[str] = []
        text = collapse_ws(printed_name or "")
        if fold(text).startswith("cac so"):
            m = re.search(r"[:(]\s*(.+?)\)?\s*$", text)
            if m:
                for item in re.split(r"[,;]", m.group(1)):
                    item = item.strip(" .)")
                    if not item:
                        continue
                    hits = self._lookup(f"Sở {item}")
                    if len(hits) == 1 and hits[0] not in members:
                        members.append(hits[0])
        if len(self._members) < 4096:
            self._members[printed_name] = members
        return members


# Words (folded) that hand work to the bodies named right after them, and verbs of an assignment
# right after a body that starts a sentence.
_ASSIGN_BEFORE = re.compile(r"\b(?:giao(?: cho)?|de nghi|yeu cau|phan cong|trach nhiem cua)\s+")
_ASSIGN_VERB = re.compile(
    r"\s*(?:chu tri|la (?:co quan )?dau moi|chiu trach nhiem|co trach nhiem|tham muu|huong dan"
    r"|to chuc|trien khai|bo tri|thuc hien|xay dung|theo doi|phoi hop)\b"
)
# The word before a province's name ("Sở TT&TT tỉnh Bắc Ninh", "thành phố Đà Nẵng", "TP. Huế").
_LEVEL_WORD = re.compile(r"(?<!\w)(tỉnh|thành phố|TP\.?)(?!\w)", re.IGNORECASE)
# "Sở Y tế tỉnh", "Công an thành phố": the level word after a name is the body's own place.
_OWN_LEVEL = frozenset({"tinh", "tp", "thanh pho", "huyen", "quan", "xa", "phuong", "thi xa"})
# A place given right after a body's name, as the key of a name reads it ("… tinh lam ha").
_PLACE_AFTER = re.compile(rf"\s+(?:{'|'.join(sorted(_OWN_LEVEL, key=len, reverse=True))})\b")


@lru_cache(maxsize=1)
def directory() -> AgencyDirectory:
    """The shared directory from `retrieval/data/agencies.json` (loaded once)."""
    return AgencyDirectory.load()


def agency_matches(query_canonical: str, printed_name: str) -> tuple[bool, bool]:
    """(matches, via_predecessor) using the shared directory."""
    return directory().agency_matches(query_canonical, printed_name)
