"""Write an invented provincial plan (UBND tỉnh Lâm Hà, 86/KH-UBND) as DOCX, for a new-user test.

Layout differs from corpus/ and tests/plangen.py: body sections I–V with body indicators, duties
per body (some headings name several bodies), and an appendix task table whose header spans two
rows ("Đơn vị thực hiện" over "Chủ trì | Phối hợp"), roman section rows, vertical merges.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.shared import Cm, Pt

P = "tỉnh Lâm Hà"

INDICATORS = [
    (
        "a) Về chính quyền số",
        [
            "100% văn bản trao đổi giữa các cơ quan nhà nước của tỉnh (trừ văn bản mật) dưới dạng điện tử, được ký số.",
            "Tỷ lệ hồ sơ thủ tục hành chính được xử lý trực tuyến toàn trình đạt tối thiểu 60%.",
            "Tỷ lệ số hóa hồ sơ, kết quả giải quyết thủ tục hành chính đạt 90%.",
            "85% dịch vụ công trực tuyến toàn trình có phát sinh hồ sơ.",
        ],
    ),
    (
        "b) Về kinh tế số",
        [
            "Tỷ trọng kinh tế số trong GRDP của tỉnh đạt 12%.",
            "Tỷ lệ doanh nghiệp nhỏ và vừa sử dụng nền tảng số đạt trên 45%.",
            "Tỷ lệ thanh toán không dùng tiền mặt tại bệnh viện, trường học đạt 80%.",
        ],
    ),
    (
        "c) Về xã hội số",
        [
            "Tỷ lệ người dân trưởng thành có điện thoại thông minh đạt 88%.",
            "95% hộ gia đình được phủ cáp quang băng rộng.",
            "Tỷ lệ dân số có hồ sơ sức khỏe điện tử đạt 92%.",
            "70% người dân từ đủ 15 tuổi trở lên có tài khoản định danh điện tử mức độ 2.",
        ],
    ),
]

TASKS_BODY = [
    (
        "1. Hoàn thiện thể chế, chính sách",
        [
            "Giao Sở Tư pháp chủ trì, phối hợp với Sở Thông tin và Truyền thông rà soát các văn bản "
            "quy phạm pháp luật của tỉnh có nội dung cản trở chuyển đổi số, đề xuất sửa đổi, hoàn "
            "thành trong Quý II/2025.",
            "Giao Sở Tài chính chủ trì tham mưu cơ chế hỗ trợ kinh phí cho các xã thực hiện chuyển "
            "đổi số, trình Hội đồng nhân dân tỉnh tại kỳ họp cuối năm 2025.",
        ],
    ),
    (
        "2. Phát triển hạ tầng số",
        [
            "Giao Sở Thông tin và Truyền thông chủ trì, phối hợp với các doanh nghiệp viễn thông "
            "phủ sóng di động 4G đến 100% thôn, bản; thí điểm mạng 5G tại thành phố Bảo Lâm.",
            "Giao Ban Quản lý các khu công nghiệp tỉnh chủ trì bảo đảm hạ tầng cáp quang tại 100% "
            "khu công nghiệp.",
        ],
    ),
    (
        "3. Y tế số",
        [
            "Giao Sở Y tế chủ trì triển khai bệnh án điện tử tại 100% bệnh viện công lập tuyến tỉnh "
            "trong năm 2025; triển khai khám chữa bệnh từ xa tại các trạm y tế xã vùng sâu.",
            "Giao Sở Y tế phối hợp Bảo hiểm xã hội tỉnh hoàn thành liên thông dữ liệu khám chữa bệnh "
            "với Cổng giám định bảo hiểm y tế.",
        ],
    ),
    (
        "4. Giáo dục số",
        [
            "Giao Sở Giáo dục và Đào tạo chủ trì triển khai học bạ số đối với 100% trường tiểu học "
            "và trung học cơ sở; xây dựng kho học liệu số dùng chung của tỉnh.",
        ],
    ),
    (
        "5. Bảo đảm an toàn thông tin mạng",
        [
            "Giao Công an tỉnh chủ trì, phối hợp với Sở Thông tin và Truyền thông tổ chức diễn tập "
            "ứng cứu sự cố an toàn thông tin mạng ít nhất 01 lần trong năm.",
        ],
    ),
    (
        "6. Phát triển nhân lực số",
        [
            "Giao Sở Nội vụ chủ trì tổ chức bồi dưỡng kỹ năng số cho 100% cán bộ, công chức cấp xã.",
            "Giao Sở Lao động - Thương binh và Xã hội chủ trì đào tạo nghề công nghệ thông tin cho "
            "ít nhất 500 lao động nông thôn.",
        ],
    ),
]

DUTIES = [
    (
        "1. Sở Thông tin và Truyền thông",
        [
            "Là cơ quan thường trực, chủ trì theo dõi, đôn đốc, kiểm tra việc thực hiện Kế hoạch; "
            "tổng hợp, báo cáo UBND tỉnh định kỳ 6 tháng và hằng năm.",
            "Hướng dẫn các cơ quan, đơn vị triển khai các nền tảng số dùng chung của tỉnh.",
        ],
    ),
    (
        "2. Sở Tài chính, Sở Kế hoạch và Đầu tư",
        [
            "Cân đối, bố trí kinh phí thực hiện Kế hoạch trong dự toán ngân sách hằng năm theo phân "
            "cấp ngân sách hiện hành.",
            "Ưu tiên bố trí vốn đầu tư công cho các dự án hạ tầng số, cơ sở dữ liệu dùng chung.",
        ],
    ),
    (
        "3. Sở Nội vụ",
        [
            "Đưa kết quả thực hiện chuyển đổi số vào tiêu chí đánh giá, xếp loại thi đua hằng năm của "
            "các cơ quan, đơn vị và người đứng đầu.",
        ],
    ),
    (
        "4. Sở Y tế, Sở Giáo dục và Đào tạo",
        [
            "Chỉ đạo các cơ sở khám chữa bệnh, cơ sở giáo dục thực hiện thanh toán không dùng tiền mặt.",
            "Báo cáo kết quả chuyển đổi số của ngành về Sở Thông tin và Truyền thông trước ngày 15/12/2025.",
        ],
    ),
    (
        "5. Công an tỉnh",
        [
            "Đẩy mạnh cấp tài khoản định danh điện tử mức độ 2; làm sạch dữ liệu dân cư phục vụ "
            "khai thác, sử dụng cơ sở dữ liệu quốc gia về dân cư.",
        ],
    ),
    (
        "6. UBND các huyện, thành phố",
        [
            "Xây dựng kế hoạch chuyển đổi số năm 2025 của địa phương, ban hành trước ngày 31/3/2025.",
            "Duy trì hoạt động của Tổ công nghệ số cộng đồng tại 100% thôn, tổ dân phố.",
        ],
    ),
]

# Appendix rows: (stt, task, lead, coordinating, deadline, note). stt "I"… = section row.
# lead None = merged down from the row above (same lead, vertically merged cell).
ROWS = [
    ("I", "HẠ TẦNG SỐ", "", "", "", ""),
    (
        "1",
        "Phủ sóng di động 4G đến các thôn, bản còn vùng lõm sóng",
        "Sở TT&TT",
        "Viettel Lâm Hà, VNPT Lâm Hà, UBND các huyện",
        "Quý III/2025",
        "",
    ),
    (
        "2",
        "Thí điểm mạng 5G tại thành phố Bảo Lâm",
        None,
        "Các doanh nghiệp viễn thông",
        "Tháng 10/2025",
        "",
    ),
    (
        "3",
        "Nâng cấp Trung tâm dữ liệu tỉnh Lâm Hà lên đạt chuẩn Tier 2",
        None,
        "Sở Tài chính",
        "Năm 2025-2026",
        "Dự án chuyển tiếp",
    ),
    (
        "4",
        "Xây dựng mạng truyền số liệu chuyên dùng cấp II đến 100% xã",
        "Sở TT&TT",
        "Bưu điện tỉnh",
        "Quý IV/2025",
        "",
    ),
    ("II", "CHÍNH QUYỀN SỐ VÀ DỮ LIỆU SỐ", "", "", "", ""),
    (
        "5",
        "Tái cấu trúc quy trình, cung cấp dịch vụ công trực tuyến toàn trình trên Cổng dịch vụ công của tỉnh",
        "Văn phòng UBND tỉnh",
        "Các sở, ngành; UBND các huyện",
        "Quý II/2025",
        "",
    ),
    (
        "6",
        "Số hóa hồ sơ, kết quả giải quyết thủ tục hành chính còn hiệu lực",
        "Văn phòng UBND tỉnh",
        "Trung tâm Phục vụ hành chính công tỉnh",
        "Thường xuyên",
        "",
    ),
    (
        "7",
        "Xây dựng cơ sở dữ liệu đất đai tỉnh Lâm Hà và kết nối với cơ sở dữ liệu quốc gia",
        "Sở Tài nguyên và Môi trường",
        "Sở TT&TT, UBND các huyện",
        "Năm 2025-2026",
        "",
    ),
    (
        "8",
        "Xây dựng kho dữ liệu dùng chung và nền tảng tích hợp, chia sẻ dữ liệu (LGSP) phiên bản 2.0",
        "Sở TT&TT",
        "Các sở, ngành",
        "Tháng 9/2025",
        "",
    ),
    (
        "9",
        "Xây dựng cơ sở dữ liệu về doanh nghiệp và dự án đầu tư trên địa bàn tỉnh",
        "Sở KH&ĐT tỉnh Lâm Hà",
        "Cục Thuế tỉnh, Sở TT&TT",
        "Quý IV/2025",
        "",
    ),
    (
        "10",
        "Xây dựng cơ sở dữ liệu người có công và đối tượng bảo trợ xã hội",
        "Sở LĐ-TB&XH",
        "Công an tỉnh, UBND các huyện",
        "Tháng 11/2025",
        "",
    ),
    (
        "11",
        "Triển khai hệ thống họp trực tuyến đến cấp xã",
        "Văn phòng UBND tỉnh",
        "Sở TT&TT",
        "Quý III/2025",
        "Đã có dự án",
    ),
    ("III", "KINH TẾ SỐ", "", "", "", ""),
    (
        "12",
        "Đưa sản phẩm OCOP của tỉnh lên các sàn thương mại điện tử",
        "Sở Công Thương",
        "Sở Nông nghiệp và Phát triển nông thôn, Bưu điện tỉnh",
        "Thường xuyên",
        "",
    ),
    (
        "13",
        "Hỗ trợ doanh nghiệp nhỏ và vừa chuyển đổi số theo Chương trình SMEdx",
        "Sở KH&ĐT tỉnh Lâm Hà",
        "Hiệp hội doanh nghiệp tỉnh",
        "Năm 2025",
        "",
    ),
    (
        "14",
        "Truy xuất nguồn gốc nông sản chủ lực (cà phê, chè, sầu riêng) bằng mã QR",
        "Sở Nông nghiệp và Phát triển nông thôn",
        "Sở Khoa học và Công nghệ",
        "Tháng 12/2025",
        "",
    ),
    (
        "15",
        "Phát triển du lịch thông minh, bản đồ số điểm du lịch",
        "Sở Văn hóa, Thể thao và Du lịch",
        "Sở TT&TT",
        "Quý IV/2025",
        "",
    ),
    ("IV", "XÃ HỘI SỐ", "", "", "", ""),
    (
        "16",
        "Triển khai bệnh án điện tử tại các bệnh viện công lập tuyến tỉnh",
        "Sở Y tế",
        "Bảo hiểm xã hội tỉnh",
        "Tháng 10/2025",
        "",
    ),
    (
        "17",
        "Triển khai khám chữa bệnh từ xa tại trạm y tế xã vùng sâu, vùng xa",
        None,
        "Sở TT&TT, UBND các huyện",
        "Năm 2025-2026",
        "",
    ),
    (
        "18",
        "Thanh toán không dùng tiền mặt viện phí tại các cơ sở y tế công lập",
        None,
        "Ngân hàng Nhà nước chi nhánh tỉnh Lâm Hà",
        "Quý III/2025",
        "",
    ),
    (
        "19",
        "Triển khai học bạ số cấp tiểu học và trung học cơ sở",
        "Sở Giáo dục và Đào tạo",
        "Sở TT&TT",
        "Tháng 8/2025",
        "Trước năm học mới",
    ),
    (
        "20",
        "Đào tạo nghề công nghệ thông tin cho lao động nông thôn",
        "Sở LĐ-TB&XH",
        "Sở Nội vụ, UBND các huyện",
        "Năm 2025",
        "",
    ),
    (
        "21",
        "Phổ cập kỹ năng số cho người dân thông qua Tổ công nghệ số cộng đồng",
        "UBND các huyện, thành phố",
        "Sở TT&TT, Tỉnh đoàn",
        "Thường xuyên",
        "",
    ),
    ("V", "AN TOÀN THÔNG TIN MẠNG VÀ NHÂN LỰC", "", "", "", ""),
    (
        "22",
        "Tổ chức diễn tập thực chiến ứng cứu sự cố an toàn thông tin mạng",
        "Công an tỉnh",
        "Sở TT&TT, Bộ Chỉ huy Quân sự tỉnh",
        "Quý III/2025",
        "",
    ),
    (
        "23",
        "Triển khai giám sát an toàn thông tin (SOC) cho hệ thống thông tin cấp độ 3",
        "Sở TT&TT",
        "Công an tỉnh",
        "Tháng 6/2025",
        "",
    ),
    (
        "24",
        "Bồi dưỡng kỹ năng số cho cán bộ, công chức cấp xã",
        "Sở Nội vụ",
        "Sở TT&TT, Trường Chính trị tỉnh",
        "Quý IV/2025",
        "",
    ),
    (
        "25",
        "Đưa tiêu chí chuyển đổi số vào đánh giá thi đua, khen thưởng hằng năm",
        "Sở Nội vụ",
        "Sở TT&TT",
        "Thường xuyên",
        "",
    ),
]


def truth() -> list[dict[str, object]]:
    """The appendix rows as a reader must recover them (merged leads filled in)."""
    out, section, lead = [], "", ""
    for stt, task, ld, co, dl, note in ROWS:
        if not stt.isdigit():
            section = f"{stt}. {task}"
            continue
        lead = lead if ld is None else ld
        kept = co.replace("sở, ngành", "sở\x00 ngành").replace("huyện, thành", "huyện\x00 thành")
        coord = [c.strip().replace("\x00", ",") for c in re.split("[,;]", kept) if c.strip()]
        out.append(
            {
                "row": stt,
                "section": section,
                "task": task,
                "lead": [lead],
                "coordinating": coord,
                "deadline": dl,
                "note": note,
            }
        )
    return out


def para(doc, text: str, bold: bool = False, size: int = 13, center: bool = False) -> None:
    p = doc.add_paragraph()
    run = p.add_run(text)
    run.bold = bold
    run.font.size = Pt(size)
    if center:
        p.alignment = 1


def header(doc) -> None:
    t = doc.add_table(rows=1, cols=2)  # borderless header table, as Word templates do
    t.cell(0, 0).text = "ỦY BAN NHÂN DÂN\nTỈNH LÂM HÀ\n\nSố: 86/KH-UBND"
    t.cell(0, 1).text = (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n\n"
        "Lâm Hà, ngày 14 tháng 02 năm 2025"
    )
    para(doc, "KẾ HOẠCH", bold=True, center=True)
    para(doc, "Chuyển đổi số tỉnh Lâm Hà năm 2025", bold=True, center=True)
    para(
        doc,
        "Căn cứ Quyết định số 749/QĐ-TTg ngày 03/6/2020 của Thủ tướng Chính phủ phê duyệt "
        "Chương trình Chuyển đổi số quốc gia; căn cứ Nghị quyết số 05-NQ/TU của Tỉnh ủy về "
        "chuyển đổi số tỉnh Lâm Hà giai đoạn 2021-2025, Ủy ban nhân dân tỉnh ban hành Kế "
        "hoạch chuyển đổi số năm 2025 như sau:",
    )


def body(doc) -> None:
    para(doc, "I. MỤC ĐÍCH, YÊU CẦU", bold=True)
    para(doc, "1. Mục đích")
    para(
        doc,
        "- Cụ thể hóa các mục tiêu chuyển đổi số của tỉnh trong năm 2025; xác định rõ "
        "nhiệm vụ, thời hạn và trách nhiệm của từng cơ quan, đơn vị.",
    )
    para(doc, "2. Yêu cầu")
    para(
        doc,
        "- Người đứng đầu các cơ quan, đơn vị trực tiếp chỉ đạo và chịu trách nhiệm về kết "
        "quả chuyển đổi số tại cơ quan, đơn vị mình.",
    )
    para(doc, "II. MỤC TIÊU", bold=True)
    para(doc, "1. Mục tiêu chung")
    para(
        doc,
        "Phát triển đồng bộ chính quyền số, kinh tế số, xã hội số; đưa tỉnh Lâm Hà vào "
        "nhóm 30 tỉnh dẫn đầu về chỉ số chuyển đổi số cấp tỉnh (DTI).",
    )
    para(doc, "2. Chỉ tiêu cụ thể")
    for head, items in INDICATORS:
        para(doc, head)
        for it in items:
            para(doc, "- " + it)
    para(doc, "III. NHIỆM VỤ, GIẢI PHÁP", bold=True)
    for head, items in TASKS_BODY:
        para(doc, head)
        for it in items:
            para(doc, "- " + it)
    para(doc, "IV. KINH PHÍ THỰC HIỆN", bold=True)
    para(
        doc,
        "Kinh phí thực hiện Kế hoạch được bố trí từ ngân sách nhà nước theo phân cấp hiện "
        "hành, nguồn vốn Chương trình mục tiêu quốc gia và các nguồn huy động hợp pháp khác.",
    )
    para(doc, "V. TỔ CHỨC THỰC HIỆN", bold=True)
    for head, items in DUTIES:
        para(doc, head)
        for it in items:
            para(doc, "- " + it)
    para(
        doc,
        "Trong quá trình thực hiện, nếu có khó khăn, vướng mắc, các cơ quan, đơn vị báo cáo "
        "về Sở Thông tin và Truyền thông để tổng hợp, trình UBND tỉnh xem xét, quyết định./.",
    )
    para(doc, "TM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\n\nNguyễn Văn Thành", bold=True)


def appendix(doc) -> None:
    sec = doc.add_section()
    sec.orientation = WD_ORIENT.LANDSCAPE
    sec.page_width, sec.page_height = sec.page_height, sec.page_width
    para(doc, "PHỤ LỤC", bold=True, center=True)
    para(doc, "DANH MỤC NHIỆM VỤ CHUYỂN ĐỔI SỐ TỈNH LÂM HÀ NĂM 2025", bold=True, center=True)
    para(doc, "(Kèm theo Kế hoạch số 86/KH-UBND ngày 14/02/2025 của UBND tỉnh Lâm Hà)", center=True)
    t = doc.add_table(rows=2, cols=6)
    t.style = "Table Grid"
    h0, h1 = t.rows[0].cells, t.rows[1].cells
    for i, txt in ((0, "STT"), (1, "Nhiệm vụ"), (4, "Thời gian hoàn thành"), (5, "Ghi chú")):
        h0[i].text = txt
        h0[i].merge(h1[i])
    h0[2].text = "Đơn vị thực hiện"
    h0[2].merge(h0[3])
    h1[2].text = "Chủ trì"
    h1[3].text = "Phối hợp"
    lead_cell = None
    for stt, task, ld, co, dl, note in ROWS:
        cells = t.add_row().cells
        if not stt.isdigit():
            cells[0].text = stt
            merged = cells[1].merge(cells[5])
            merged.text = task
            lead_cell = None
            continue
        cells[0].text = stt
        cells[1].text = task
        if ld is None and lead_cell is not None:
            lead_cell = lead_cell.merge(cells[2])
        else:
            cells[2].text = ld or ""
            lead_cell = cells[2]
        cells[3].text = co
        cells[4].text = dl
        cells[5].text = note
    for row in t.rows:
        row.cells[1].width = Cm(9)


def main(out_dir: Path) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    doc = Document()
    header(doc)
    body(doc)
    appendix(doc)
    doc.save(out_dir / "kh86_lamha.docx")
    (out_dir / "kh86_truth.json").write_text(
        json.dumps(truth(), ensure_ascii=False, indent=1), encoding="utf-8"
    )


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).parent / "out")
