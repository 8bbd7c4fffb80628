"""Generate plans with invented content in many layouts (text, pipe text, DOCX, PDF), seeded.

A layout is a list of (header text, field) pairs, so a new layout is one line in LAYOUTS.
`make_plan(seed, rows)` gives the content; `write_text`/`write_docx`/`write_pdf` print it; the
returned `PlanSpec.rows` is the truth a reader must recover.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from pathlib import Path

FONTS = (  # TrueType fonts with Vietnamese glyphs (scripts/install_system_deps.sh installs DejaVu)
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
    Path("/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf"),
    Path("/usr/share/fonts/truetype/freefont/FreeSans.ttf"),
)
FONT = next((f for f in FONTS if f.is_file()), FONTS[0])
Layout = list[tuple[str, str]]  # (header text as printed, field: number/task/lead/…)

LAYOUTS: dict[str, Layout] = {
    "national": [
        ("TT", "number"),
        ("Tên nhiệm vụ", "task"),
        ("Cơ quan chủ trì", "lead"),
        ("Cơ quan phối hợp", "coordinating"),
        ("Kết quả", "product"),
        ("Thời gian hoàn thành", "deadline"),
    ],
    "reordered": [
        ("STT", "number"),
        ("Nội dung công việc", "task"),
        ("Thời hạn", "deadline"),
        ("Đơn vị chủ trì", "lead"),
        ("Đơn vị phối hợp", "coordinating"),
        ("Ghi chú", "note"),
    ],
    "leader": [
        ("TT", "number"),
        ("Nội dung", "task"),
        ("Lãnh đạo chỉ đạo", "leader"),
        ("Cơ quan chủ trì", "lead"),
        ("Cơ quan phối hợp", "coordinating"),
        ("Thời gian hoàn thành", "deadline"),
        ("Ghi chú", "note"),
    ],
    "minimal": [
        ("Số TT", "number"),
        ("Nhiệm vụ", "task"),
        ("Đầu mối", "lead"),
        ("Tiến độ", "deadline"),
    ],
    "product": [
        ("TT", "number"),
        ("Nhiệm vụ", "task"),
        ("Sản phẩm đầu ra", "product"),
        ("Cơ quan chủ trì theo dõi", "lead"),
        ("Phối hợp", "coordinating"),
        ("Thời gian thực hiện", "deadline"),
    ],
    "model": [
        ("STT", "number"),
        ("Tên mô hình", "task"),
        ("Thời gian thực hiện", "deadline"),
        ("Đơn vị chủ trì", "lead"),
        ("Đơn vị phối hợp, hướng dẫn", "coordinating"),
    ],
}

MINISTRIES = [
    "Bộ Khoa học và Công nghệ",
    "Bộ Công an",
    "Bộ Tài chính",
    "Bộ Nội vụ",
    "Bộ Quốc phòng",
    "Văn phòng Chính phủ",
    "Bộ Y tế",
    "Bộ Giáo dục và Đào tạo",
    "Bộ Xây dựng",
    "Bộ Nông nghiệp và Môi trường",
    "Ngân hàng Nhà nước Việt Nam",
    "Bộ Tư pháp",
    "Bộ Công Thương",
    "Bộ Ngoại giao",
    "Bộ Văn hóa, Thể thao và Du lịch",
]
PROVINCE = [
    "Sở Khoa học và Công nghệ",
    "Sở Nội vụ",
    "Sở Tài chính",
    "Sở Y tế",
    "Sở Giáo dục và Đào tạo",
    "Công an tỉnh",
    "Văn phòng UBND tỉnh",
    "Sở Xây dựng",
    "Sở Nông nghiệp và Môi trường",
    "UBND các xã, phường",
]
VERBS = [
    "Xây dựng",
    "Triển khai",
    "Nâng cấp",
    "Hoàn thiện",
    "Kết nối",
    "Số hóa",
    "Đánh giá",
    "Tổ chức",
    "Rà soát",
    "Phát triển",
]
OBJECTS = [
    "cơ sở dữ liệu dân cư",
    "nền tảng chia sẻ dữ liệu",
    "hệ thống giám sát an toàn thông tin",
    "dịch vụ công trực tuyến toàn trình",
    "kho dữ liệu dùng chung",
    "hạ tầng điện toán đám mây",
    "ứng dụng định danh điện tử",
    "hệ thống báo cáo điều hành",
    "chữ ký số cho cán bộ",
    "trung tâm điều hành thông minh",
    "cổng thông tin điện tử",
    "hồ sơ sức khỏe điện tử",
    "học bạ số",
    "bản đồ số quy hoạch",
    "hệ thống quản lý văn bản",
]
DEADLINES = [
    "Quý I/2026",
    "Quý II/2026",
    "Quý III/2026",
    "Quý IV/2026",
    "Năm 2026",
    "Tháng 6/2026",
    "Tháng 12/2026",
    "2026-2027",
    "Hằng năm",
    "Năm 2027",
]
PRODUCTS = ["Quyết định phê duyệt", "Báo cáo", "Hệ thống đưa vào vận hành", "Kế hoạch", "Đề án"]
LEADERS = ["Phó Thủ tướng Nguyễn Văn An", "PCT UBND tỉnh Trần Thị Bình", "Chủ tịch UBND tỉnh"]
SECTIONS = [
    "Hoàn thiện thể chế",
    "Phát triển hạ tầng số",
    "Phát triển dữ liệu số",
    "Chính quyền số",
    "Kinh tế số",
    "Xã hội số",
    "Bảo đảm an toàn thông tin",
]


@dataclass
class TaskRow:
    """One task as the generator printed it: the truth to compare a reader's record with."""

    section: str
    number: str
    values: dict[str, str]


@dataclass
class PlanSpec:
    """A whole invented plan: header metadata, sections and task rows."""

    number: str
    issuer: str
    place: str
    date: tuple[int, int, int]
    title: str
    rows: list[TaskRow] = field(default_factory=list)
    sections: list[tuple[str, str]] = field(default_factory=list)  # (roman, title)


def make_plan(
    seed: int, rows: int = 30, national: bool = True, sections: int = 3, lead_runs: int = 1
) -> PlanSpec:
    """Random but seeded content: `rows` tasks spread over `sections` roman sections; with
    `lead_runs` > 1 consecutive tasks share their lead in runs (printed as a merged cell)."""
    rnd = random.Random(seed)
    agencies = MINISTRIES if national else PROVINCE
    issuer = "CHÍNH PHỦ" if national else "UỶ BAN NHÂN DÂN TỈNH HÒA BÌNH"
    number = f"{rnd.randint(1, 300)}/{'NQ-CP' if national else 'KH-UBND'}"
    spec = PlanSpec(
        number,
        issuer,
        "Hà Nội" if national else "Hòa Bình",
        (rnd.randint(1, 28), rnd.randint(1, 12), 2026),
        "Chương trình hành động về chuyển đổi số năm 2026",
    )
    romans = ["I", "II", "III", "IV", "V", "VI", "VII"][:sections]
    spec.sections = [(r, SECTIONS[i % len(SECTIONS)]) for i, r in enumerate(romans)]
    for i in range(rows):
        sec = romans[min(i * len(romans) // rows, len(romans) - 1)]
        if i % lead_runs == 0 or not spec.rows:
            lead = rnd.choice(agencies)
        coord = "; ".join(rnd.sample([a for a in agencies if a != lead], rnd.randint(1, 3)))
        task = f"{rnd.choice(VERBS)} {rnd.choice(OBJECTS)} giai đoạn {rnd.randint(1, 3)} (mã {seed}-{i + 1})"
        spec.rows.append(
            TaskRow(
                sec,
                str(i + 1),
                {
                    "task": task,
                    "lead": lead,
                    "coordinating": coord,
                    "deadline": rnd.choice(DEADLINES),
                    "product": rnd.choice(PRODUCTS),
                    "leader": rnd.choice(LEADERS),
                    "note": "",
                },
            )
        )
    return spec


def _cells(row: TaskRow, layout: Layout) -> list[str]:
    return [row.number if f == "number" else row.values.get(f, "") for _, f in layout]


def _vertical_runs(
    rows: list[list[str]], layout: Layout, field_name: str, start: int = 1
) -> list[tuple[int, int, int]]:
    """(column, first row, last row) of runs of equal non-empty cells in one column."""
    fields = [f for _, f in layout]
    if field_name not in fields:
        return []
    col = fields.index(field_name)
    runs = []
    top = start
    for r in range(start + 1, len(rows) + 1):
        if r == len(rows) or rows[r][col] != rows[top][col] or not rows[r][0].isdigit():
            if r - 1 > top and rows[top][col] and rows[top][0].isdigit():
                runs.append((col, top, r - 1))
            top = r
    return runs


def table_rows(spec: PlanSpec, layout: Layout) -> list[list[str]]:
    """Header plus section and task rows, as printed cells."""
    out = [[h for h, _ in layout]]
    for roman, title in spec.sections:
        out.append([roman, title] + [""] * (len(layout) - 2))
        out.extend(_cells(r, layout) for r in spec.rows if r.section == roman)
    return out


def head_lines(spec: PlanSpec) -> list[str]:
    d, m, y = spec.date
    return [
        spec.issuer,
        f"Số: {spec.number}",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        f"{spec.place}, ngày {d:02d} tháng {m:02d} năm {y}",
        "KẾ HOẠCH",
        spec.title,
    ]


def body_lines() -> list[str]:
    return [
        "I. MỤC ĐÍCH, YÊU CẦU",
        "1. Mục đích",
        "Thúc đẩy chuyển đổi số toàn diện.",
        "II. NHIỆM VỤ",
        "Các nhiệm vụ cụ thể tại Phụ lục kèm theo.",
        "Phụ lục",
        "DANH MỤC NHIỆM VỤ",
    ]


def write_text(
    spec: PlanSpec,
    layout: Layout,
    path: Path,
    pipe: bool = False,
    body: list[str] | None = None,
) -> Path:
    """A text plan: tab-separated table, or a Markdown pipe table when `pipe`; `body` replaces
    the default body paragraphs (one line each)."""
    lines = head_lines(spec) + [""] + (body_lines() if body is None else body) + [""]
    rows = table_rows(spec, layout)
    if pipe:
        lines.append("| " + " | ".join(rows[0]) + " |")
        lines.append("|" + "---|" * len(rows[0]))
        lines += ["| " + " | ".join(r) + " |" for r in rows[1:]]
    else:
        lines += ["\t".join(r) for r in rows]
    lines += ["", "Nơi nhận:", "- Như trên;"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def manifest_entry(
    spec: PlanSpec,
    doc_id: str,
    file: str,
    issuer: str | None = None,
    title: str | None = None,
    date: str | None = None,
) -> dict[str, str]:
    """The manifest entry of a generated provincial plan (issuer, title and date from `spec`
    unless given)."""
    d, m, y = spec.date
    return {
        "id": doc_id,
        "file": file,
        "number": spec.number,
        "issuer": issuer or spec.issuer.title(),
        "title": title or spec.title,
        "scope": "province",
        "date": date or f"{y}-{m:02d}-{d:02d}",
        "short_name": f"Kế hoạch {spec.number}",
    }


def write_manifest(corpus: Path, entries: list[dict[str, str]]) -> Path:
    """corpus/manifest.json listing these documents."""
    path = corpus / "manifest.json"
    path.write_text(json.dumps({"documents": entries}), encoding="utf-8")
    return path


def index_plan(
    root: Path,
    spec: PlanSpec,
    doc_id: str,
    body: list[str] | None = None,
    **entry: str,
) -> Path:
    """One generated provincial plan as a text corpus (reordered layout, `body` as in
    `write_text`) with its manifest under root/corpus, built into root/idx; the index dir.
    `entry`: manifest fields other than the spec's (issuer, title, date)."""
    from retrieval.build import build_index

    corpus = root / "corpus"
    corpus.mkdir(exist_ok=True)
    file = f"{doc_id}_plan.txt"
    write_text(spec, LAYOUTS["reordered"], corpus / file, body=body)
    write_manifest(corpus, [manifest_entry(spec, doc_id, file, **entry)])
    report = build_index(corpus, root / "idx")
    assert report.ok, [i.message for i in report.errors]
    return root / "idx"


def write_docx(
    spec: PlanSpec,
    layout: Layout,
    path: Path,
    merge_sections: bool = True,
    page_marks_every: int = 0,
) -> Path:
    """A DOCX plan: borderless layout table for the header, bordered task table, merged section rows."""
    import docx

    document = docx.Document()
    head = document.add_table(rows=2, cols=2)  # the usual borderless header block
    lines = head_lines(spec)
    head.cell(0, 0).text, head.cell(0, 1).text = lines[0], lines[2]
    head.cell(1, 0).text, head.cell(1, 1).text = lines[1], lines[3]
    for text in lines[4:]:
        document.add_paragraph(text)
    for text in body_lines():
        style = "Heading 1" if text[:2] in ("I.", "II") else None
        document.add_paragraph(text, style=style)
    rows = table_rows(spec, layout)
    table = document.add_table(rows=len(rows), cols=len(layout))
    table.style = "Table Grid"
    for i, cells in enumerate(rows):
        for j, text in enumerate(cells):
            table.cell(i, j).text = text
        if merge_sections and i > 0 and cells[0] in {s for s, _ in spec.sections}:
            merged = table.cell(i, 1).merge(table.cell(i, len(layout) - 1))
            merged.text = cells[1]
    for col, top, bottom in _vertical_runs(rows, layout, "lead"):
        text = rows[top][col]
        merged = table.cell(top, col).merge(table.cell(bottom, col))
        merged.text = text
    if page_marks_every:  # the page-break marks Word leaves where it laid out a new page
        from docx.oxml import OxmlElement

        for i in range(page_marks_every, len(rows), page_marks_every):
            run = OxmlElement("w:r")
            run.append(OxmlElement("w:lastRenderedPageBreak"))
            table.cell(i, 0).paragraphs[0]._p.insert(0, run)
    document.add_paragraph("Nơi nhận:")
    document.save(str(path))
    return path


def write_pdf(
    spec: PlanSpec,
    layout: Layout,
    path: Path,
    rows_per_page: int = 14,
    split_rows: bool = True,
    merge: bool = True,
    ruled: bool = True,
) -> Path:
    """A PDF plan whose ruled table runs over pages: the header repeated on each page, page
    numbers in the footer and (when `split_rows`) the last row of a page continued on the next,
    its number cell empty, as word processors print a row broken by the page."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Table, TableStyle

    if not FONT.is_file():
        raise FileNotFoundError(f"{FONT} missing: run scripts/install_system_deps.sh")
    if "DejaVu" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("DejaVu", str(FONT)))
    style = ParagraphStyle("vi", fontName="DejaVu", fontSize=9, leading=11)

    def page_number(canvas, doc) -> None:  # noqa: ANN001 - reportlab callback
        canvas.setFont("DejaVu", 9)
        canvas.drawCentredString(landscape(A4)[0] / 2, 20, str(doc.page))

    story: list = [Paragraph(t, style) for t in head_lines(spec) + body_lines()]
    story.append(PageBreak())
    rows = table_rows(spec, layout)
    header, data = rows[0], rows[1:]
    chunks = [data[i : i + rows_per_page] for i in range(0, len(data), rows_per_page)]
    carry: list[str] | None = None
    task_col = [f for _, f in layout].index("task")
    for n, chunk in enumerate(chunks):
        chunk = [list(r) for r in chunk]
        if carry is not None:
            chunk.insert(0, carry)
            carry = None
        last = chunk[-1]
        if split_rows and n + 1 < len(chunks) and last[0].isdigit():
            words = last[task_col].split()
            half = len(words) // 2
            carry = [""] * len(last)
            carry[task_col] = " ".join(words[half:])
            last[task_col] = " ".join(words[:half])
        page_rows = [header, *chunk]
        cells: list[list] = [[Paragraph(c, style) for c in r] for r in page_rows]
        commands = [("VALIGN", (0, 0), (-1, -1), "TOP")]
        if ruled:  # unruled tables are set in columns only
            commands.append(("GRID", (0, 0), (-1, -1), 0.5, colors.black))
        if merge:  # section titles across the row; a lead shared by a run of rows printed once
            sections = {s for s, _ in spec.sections}
            for r, row in enumerate(page_rows):
                if r and row[0] in sections:
                    commands.append(("SPAN", (1, r), (-1, r)))
            for col, top, bottom in _vertical_runs(page_rows, layout, "lead"):
                commands.append(("SPAN", (col, top), (col, bottom)))
                for r in range(top + 1, bottom + 1):
                    cells[r][col] = ""
        table = Table(cells)
        table.setStyle(TableStyle(commands))
        story.append(table)
        if n + 1 < len(chunks):
            story.append(PageBreak())
    story.append(Paragraph("Nơi nhận:", style))
    SimpleDocTemplate(str(path), pagesize=landscape(A4)).build(
        story, onFirstPage=page_number, onLaterPages=page_number
    )
    return path


def write_scan_pdf(path: Path) -> Path:
    """A 'scanned' PDF: only drawn shapes, no text layer."""
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path))
    for i in range(20):
        c.rect(50, 50 + i * 30, 400, 20, fill=1)
    c.showPage()
    c.save()
    return path


INDICATOR_LAYOUT: Layout = [
    ("TT", "number"),
    ("Chỉ tiêu", "task"),
    ("Đơn vị tính", "unit"),
    ("Mục tiêu năm 2026", "target"),
    ("Cơ quan chủ trì theo dõi", "lead"),
]
MEASURES = [
    ("Tỷ lệ dịch vụ công trực tuyến toàn trình", "%"),
    ("Số nền tảng số dùng chung", "nền tảng"),
    ("Tỷ trọng kinh tế số trong GRDP", "%"),
    ("Số hồ sơ được số hóa", "triệu hồ sơ"),
]


def indicator_rows(seed: int, count: int, layout: Layout = INDICATOR_LAYOUT) -> list[TaskRow]:
    """Seeded indicator rows: measure, unit, target, lead (one roman section)."""
    rnd = random.Random(seed)
    rows = []
    for i in range(count):
        measure, unit = rnd.choice(MEASURES)
        values = {
            "task": f"{measure} (chỉ tiêu {i + 1})",
            "unit": unit,
            "target": str(rnd.randint(5, 95)),
            "lead": rnd.choice(MINISTRIES),
        }
        rows.append(TaskRow("I", str(i + 1), values))
    return rows


def write_docx_tables(path: Path, tables: list[tuple[str, Layout, list[TaskRow]]]) -> Path:
    """A DOCX with one titled, ruled table per (appendix title, layout, rows)."""
    import docx

    document = docx.Document()
    for title, layout, rows in tables:
        document.add_paragraph(title)
        cells = [[h for h, _ in layout]] + [_cells(r, layout) for r in rows]
        table = document.add_table(rows=len(cells), cols=len(layout))
        table.style = "Table Grid"
        for i, row in enumerate(cells):
            for j, text in enumerate(row):
                table.cell(i, j).text = text
    document.save(str(path))
    return path


DUTY_VERBS = ["Hướng dẫn", "Bố trí", "Theo dõi", "Tổng hợp", "Kiểm tra", "Tham mưu"]
SECTOR_SO = [a for a in PROVINCE if a.startswith("Sở ")]


@dataclass
class BodySpec:
    """Body paragraphs printed before the tables, and what a reader must recover from them:
    `duties` maps an agency to the duty sentences given to it (under a heading naming it, alone
    or among several, or by a "Giao Sở X chủ trì" sentence); `indicators` are (line text,
    target) of the bullets under a "CHỈ TIÊU" heading."""

    lines: list[str]
    duties: dict[str, list[str]] = field(default_factory=dict)
    indicators: list[tuple[str, str]] = field(default_factory=list)


def organisation_body(seed: int, bodies: list[str] | None = None) -> BodySpec:
    """A body with a "CHỈ TIÊU" section of bulleted targets and a "TỔ CHỨC THỰC HIỆN" section
    whose headings name one body, a "Các Sở: A, B" group or a "Sở C, Sở D" list, and one duty
    given by a sentence ("Giao Sở E chủ trì …") under a generic heading."""
    rnd = random.Random(seed)
    pool = list(bodies or SECTOR_SO)
    rnd.shuffle(pool)
    one, group, pair, given = pool[0], pool[1:3], pool[3:5], pool[5]

    def duty() -> str:
        return (
            f"{rnd.choice(DUTY_VERBS)} {rnd.choice(OBJECTS)} (việc {seed}-{rnd.randint(100, 999)})."
        )

    spec = BodySpec(["I. MỤC ĐÍCH, YÊU CẦU", "1. Mục đích", "Thúc đẩy chuyển đổi số toàn diện."])
    spec.lines += ["2. Chỉ tiêu cụ thể"]
    for i, (measure, unit) in enumerate(MEASURES):
        target = f"{rnd.randint(10, 99)}%" if unit == "%" else f"{rnd.randint(2, 40)} {unit}"
        text = f"{measure[0].lower()}{measure[1:]} của tỉnh (mục {seed}-{i}) đạt {target}"
        spec.lines.append(f"- Phấn đấu {text};" if i % 2 else f"- {text[0].upper()}{text[1:]}.")
        spec.indicators.append((text, target))
    spec.lines += ["II. NHIỆM VỤ", "Các nhiệm vụ cụ thể tại Phụ lục kèm theo."]
    spec.lines += ["III. TỔ CHỨC THỰC HIỆN", f"1. {one}"]
    spec.duties[one] = [duty(), duty()]
    spec.lines += [f"- {d}" for d in spec.duties[one]]
    spec.lines.append("2. Các Sở: " + ", ".join(g.removeprefix("Sở ") for g in group))
    shared = duty()
    spec.lines.append(shared)
    spec.lines.append("3. " + ", ".join(pair))
    both = duty()
    spec.lines.append(both)
    for g in group:
        spec.duties[g] = [shared]
    for g in pair:
        spec.duties[g] = [both]
    task = duty()
    spec.lines += [
        "4. Các cơ quan, đơn vị liên quan",
        f"Giao {given} chủ trì, {task[0].lower()}{task[1:]}",
    ]
    spec.duties[given] = [task]
    spec.lines += ["Phụ lục", "DANH MỤC NHIỆM VỤ"]
    return spec


# -- plans printed as paragraphs: a two-column header block, body lines, a signature block ------
SIGNATURE = "TM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\n\nTrần Văn Bình"


@dataclass
class ParagraphPlan:
    """A plan set as paragraphs: `header` is the (left, right) cells of the borderless header
    table, `paragraphs` the body in order; a "\\n" inside a paragraph is a soft line break."""

    header: tuple[str, str]
    paragraphs: list[str]


def paragraph_plan(spec: PlanSpec, body: list[str], signature: str = SIGNATURE) -> ParagraphPlan:
    """The usual header block (issuer and number left; motto and place/date right), the body,
    then the signature as one paragraph with line breaks, as Word templates set it."""
    d, m, y = spec.date
    issuer = spec.issuer.split(" TỈNH ")
    left = "\n".join([issuer[0], *(f"TỈNH {p}" for p in issuer[1:])]) + f"\n\nSố: {spec.number}"
    right = (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n\n"
        f"{spec.place}, ngày {d:02d} tháng {m:02d} năm {y}"
    )
    return ParagraphPlan((left, right), ["KẾ HOẠCH", spec.title, *body, signature])


def write_paragraphs_text(plan: ParagraphPlan, path: Path) -> Path:
    """The plan as a text file: header cells one after the other, a line per printed line."""
    lines = [*plan.header, *plan.paragraphs]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def write_paragraphs_docx(plan: ParagraphPlan, path: Path) -> Path:
    """The plan as DOCX: a borderless two-cell header table, then one paragraph per entry
    (python-docx writes "\\n" in a run as a soft line break, `w:br`)."""
    import docx

    document = docx.Document()
    head = document.add_table(rows=1, cols=2)
    head.cell(0, 0).text, head.cell(0, 1).text = plan.header
    for text in plan.paragraphs:
        document.add_paragraph().add_run(text)
    document.save(str(path))
    return path


def write_paragraphs_pdf(plan: ParagraphPlan, path: Path, width_cm: float = 21.0) -> Path:
    """The plan as a PDF (reportlab): the header as a borderless two-column table, paragraphs
    wrapped at the page's right margin (a narrow `width_cm` makes long bullets wrap)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import cm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table

    if "DejaVu" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("DejaVu", str(FONT)))
    style = ParagraphStyle("vi", fontName="DejaVu", fontSize=11, leading=14, spaceAfter=4)

    def para(text: str) -> Paragraph:
        return Paragraph(text.replace("&", "&amp;").replace("\n", "<br/>"), style)

    size = (width_cm * cm, A4[1])
    frame = size[0] - 4 * cm
    head = Table(
        [[para(plan.header[0]), para(plan.header[1])]], colWidths=[frame * 0.4, frame * 0.6]
    )
    story = [head, *(para(t) for t in plan.paragraphs)]
    SimpleDocTemplate(str(path), pagesize=size, leftMargin=2 * cm, rightMargin=2 * cm).build(story)
    return path
