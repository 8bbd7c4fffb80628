"""Write questions.jsonl: new-user questions on the Lâm Hà plan (doc 005) with expected answers.

Written before asking the bot. Format of /work/shared/eval/dev.jsonl; doc 005 is the file name
`planbot add` gives kh86_lamha.docx (the id part depends on the corpus it is added to).
"""

import json
from pathlib import Path

D = "005_520dc7c3449e2633.docx"
H = "003_10c6ec8ef8560783.txt"
TT = "Sở TT&TT"


def od(i, q, row, lead, coord, dl, quote, style, notes=None, doc=D):
    g = {
        "doc": doc,
        "row": row,
        "lead": lead,
        "coordinating": coord,
        "deadline": dl,
        "leader": None,
        "quote": quote,
    }
    r = {"id": i, "question": q, "kind": "owner_deadline", "gold": g, "style": style}
    return r | ({"notes": notes} if notes else {})


def ind(i, q, row, target, quote, style):
    g = {"doc": D, "row": row, "target": target, "lead": [], "leader": None, "quote": quote}
    return {"id": i, "question": q, "kind": "indicator", "gold": g, "style": style}


def gd(i, q, quote, answer, style, notes=None):
    r = {
        "id": i,
        "question": q,
        "kind": "guidance",
        "gold": {"doc": D, "quote": quote, "answer": answer},
        "style": style,
    }
    return r | ({"notes": notes} if notes else {})


def ls(i, q, rows, quotes, style, notes=None):
    r = {
        "id": i,
        "question": q,
        "kind": "list",
        "gold": {"doc": D, "rows": rows, "quotes": quotes},
        "style": style,
    }
    return r | ({"notes": notes} if notes else {})


def na(i, q, style, notes):
    return {"id": i, "question": q, "kind": "no_answer", "gold": {}, "style": style, "notes": notes}


Q = [
    od(
        "n01",
        "Trong Kế hoạch 86/KH-UBND của tỉnh Lâm Hà, ai chủ trì việc thí điểm 5G ở Bảo Lâm và hạn khi nào?",
        "I 2",
        [TT],
        ["Các doanh nghiệp viễn thông"],
        "Tháng 10/2025",
        "Thí điểm mạng 5G",
        "vi",
        "lead cell merged down from row 1",
    ),
    od(
        "n02",
        "ai chu tri nang cap trung tam du lieu tinh lam ha, han bao gio",
        "I 3",
        [TT],
        ["Sở Tài chính"],
        "Năm 2025-2026",
        "Trung tâm dữ liệu tỉnh Lâm Hà",
        "nodiac",
        "merged lead",
    ),
    od(
        "n03",
        "Sở TT&TT Lâm Hà phải kéo mạng TSLCD cấp II tới các xã xong vào Q nào?",
        "I 4",
        [TT],
        ["Bưu điện tỉnh"],
        "Quý IV/2025",
        "mạng truyền số liệu chuyên dùng cấp II",
        "abbr",
    ),
    od(
        "n04",
        "Việc đưa hàng OCOP của Lâm Hà lên sàn TMĐT do sở nào lo, ai phối hợp?",
        "III 12",
        ["Sở Công Thương"],
        ["Sở Nông nghiệp và Phát triển nông thôn", "Bưu điện tỉnh"],
        "Thường xuyên",
        "sản phẩm OCOP",
        "para",
    ),
    od(
        "n05",
        "Cơ sở dữ liệu doanh nghiệp và dự án đầu tư của tỉnh Lâm Hà giao ai làm, khi nào xong?",
        "II 9",
        ["Sở KH&ĐT tỉnh Lâm Hà"],
        ["Cục Thuế tỉnh", TT],
        "Quý IV/2025",
        "cơ sở dữ liệu về doanh nghiệp",
        "para",
        "renamed: Sở KH&ĐT -> Sở Tài chính (2025)",
    ),
    od(
        "n06",
        "csdl nguoi co cong va doi tuong bao tro xa hoi lam ha ai chu tri",
        "II 10",
        ["Sở LĐ-TB&XH"],
        ["Công an tỉnh", "UBND các huyện"],
        "Tháng 11/2025",
        "người có công",
        "nodiac",
        "renamed: Sở LĐ-TB&XH -> Sở Nội vụ (2025)",
    ),
    od(
        "n07",
        "Học bạ điện tử cho tiểu học, THCS ở Lâm Hà phải triển khai trước lúc nào?",
        "IV 19",
        ["Sở Giáo dục và Đào tạo"],
        [TT],
        "Tháng 8/2025",
        "học bạ số",
        "para",
    ),
    od(
        "n08",
        "Diễn tập ATTT thực chiến năm nay ở Lâm Hà: CA tỉnh chủ trì, còn ai phối hợp?",
        "V 22",
        ["Công an tỉnh"],
        [TT, "Bộ Chỉ huy Quân sự tỉnh"],
        "Quý III/2025",
        "diễn tập thực chiến",
        "abbr",
    ),
    od(
        "n09",
        "Ai chủ trì triển khai giám sát an toàn thông tin (SOC) cho hệ thống cấp độ 3 ở Lâm Hà?",
        "V 23",
        [TT],
        ["Công an tỉnh"],
        "Tháng 6/2025",
        "SOC",
        "vi",
    ),
    od(
        "n10",
        "truy xuat nguon goc ca phe, sau rieng bang ma QR - so nao chu tri, han?",
        "III 14",
        ["Sở Nông nghiệp và Phát triển nông thôn"],
        ["Sở Khoa học và Công nghệ"],
        "Tháng 12/2025",
        "Truy xuất nguồn gốc nông sản",
        "nodiac",
    ),
    od(
        "n11",
        "Bản đồ số các điểm du lịch của tỉnh Lâm Hà do đơn vị nào chủ trì?",
        "III 15",
        ["Sở Văn hóa, Thể thao và Du lịch"],
        [TT],
        "Quý IV/2025",
        "du lịch thông minh",
        "para",
    ),
    od(
        "n12",
        "Khám chữa bệnh từ xa ở trạm y tế xã vùng sâu Lâm Hà: ai chủ trì, hạn khi nào?",
        "IV 17",
        ["Sở Y tế"],
        [TT, "UBND các huyện"],
        "Năm 2025-2026",
        "khám chữa bệnh từ xa",
        "vi",
        "merged lead; body III.3 also names Sở Y tế",
    ),
    od(
        "n13",
        "Thu viện phí không dùng tiền mặt ở bệnh viện công Lâm Hà: chủ trì và phối hợp là ai?",
        "IV 18",
        ["Sở Y tế"],
        ["Ngân hàng Nhà nước chi nhánh tỉnh Lâm Hà"],
        "Quý III/2025",
        "viện phí",
        "para",
        "merged lead",
    ),
    ls(
        "n14",
        "Sở Y tế tỉnh Lâm Hà chủ trì những nhiệm vụ gì?",
        ["IV 16", "IV 17", "IV 18"],
        ["bệnh án điện tử", "khám chữa bệnh từ xa", "viện phí"],
        "vi",
    ),
    ls(
        "n15",
        "Sở Nội vụ Lâm Hà chủ trì những việc gì trong kế hoạch 86?",
        ["V 24", "V 25"],
        ["Bồi dưỡng kỹ năng số", "tiêu chí chuyển đổi số"],
        "vi",
        "inherited rows of Sở LĐ-TB&XH (II 10, IV 20) acceptable if marked as inherited",
    ),
    ls(
        "n16",
        "Sở TT&TT chủ trì những nv nào trong KH 86/KH-UBND?",
        ["I 1", "I 2", "I 3", "I 4", "II 8", "V 23"],
        ["4G", "5G", "Trung tâm dữ liệu", "truyền số liệu", "LGSP", "SOC"],
        "abbr",
    ),
    ls(
        "n17",
        "Những nhiệm vụ nào của KH 86 Lâm Hà phải xong trong Q3/2025?",
        ["I 1", "II 11", "IV 18", "V 22", "IV 19", "II 8"],
        ["4G", "họp trực tuyến", "viện phí", "diễn tập", "học bạ", "LGSP"],
        "abbr",
        "Tháng 8/2025 and Tháng 9/2025 fall in Q3",
    ),
    ind(
        "n18",
        "Tỷ lệ hồ sơ TTHC xử lý trực tuyến toàn trình của Lâm Hà năm 2025 phải đạt bao nhiêu?",
        "II.2 2",
        "tối thiểu 60%",
        "trực tuyến toàn trình",
        "abbr",
    ),
    ind(
        "n19",
        "ty trong kinh te so trong grdp lam ha 2025 la bao nhieu",
        "II.2 5",
        "12%",
        "kinh tế số trong GRDP",
        "nodiac",
    ),
    ind(
        "n20",
        "Chỉ tiêu hồ sơ sức khỏe điện tử của tỉnh Lâm Hà là bao nhiêu?",
        "II.2 10",
        "92%",
        "hồ sơ sức khỏe điện tử",
        "vi",
    ),
    ind(
        "n21",
        "Tỷ lệ DVCTT toàn trình có phát sinh hồ sơ theo KH 86 là bao nhiêu %?",
        "II.2 4",
        "85%",
        "có phát sinh hồ sơ",
        "abbr",
    ),
    ind(
        "n22",
        "Bao nhiêu phần trăm hộ dân Lâm Hà phải có cáp quang?",
        "II.2 9",
        "95%",
        "cáp quang băng rộng",
        "para",
    ),
    gd(
        "n23",
        "Sở Tài chính có trách nhiệm gì trong kế hoạch chuyển đổi số 2025 của Lâm Hà?",
        "Cân đối, bố trí kinh phí",
        "V.2 (Sở Tài chính, Sở KH&ĐT): bố trí kinh phí, ưu tiên vốn "
        "đầu tư công; III.1: tham mưu cơ chế hỗ trợ kinh phí cho xã",
        "vi",
        "heading lists two bodies",
    ),
    gd(
        "n24",
        "Công an tỉnh Lâm Hà có nhiệm vụ gì theo phần tổ chức thực hiện?",
        "định danh điện tử mức độ 2",
        "cấp tài khoản định danh mức 2; làm sạch dữ liệu dân cư",
        "vi",
    ),
    gd(
        "n25",
        "UBND các huyện phải ban hành kế hoạch CĐS năm 2025 trước ngày nào?",
        "trước ngày 31/3/2025",
        "trước ngày 31/3/2025",
        "abbr",
    ),
    gd(
        "n26",
        "Cơ quan thường trực theo dõi kế hoạch chuyển đổi số của Lâm Hà là cơ quan nào, báo cáo định kỳ ra sao?",
        "định kỳ 6 tháng và hằng năm",
        "Sở TT&TT; báo cáo UBND tỉnh định kỳ 6 tháng và hằng năm",
        "para",
    ),
    gd(
        "n27",
        "Sở Y tế với Sở GD&ĐT Lâm Hà phải báo cáo kết quả CĐS của ngành trước ngày nào?",
        "trước ngày 15/12/2025",
        "trước 15/12/2025, về Sở TT&TT",
        "abbr",
        "heading lists two bodies",
    ),
    gd(
        "n28",
        "Sở KH&ĐT tỉnh Lâm Hà bây giờ là sở nào?",
        "Sở KH&ĐT tỉnh Lâm Hà",
        "Sở Tài chính (hợp nhất 2025)",
        "abbr",
        "renamed agency",
    ),
    gd(
        "n29",
        "So LD-TB&XH nay sap nhap vao so nao?",
        "Sở LĐ-TB&XH",
        "Sở Nội vụ",
        "nodiac",
        "renamed agency",
    ),
    od(
        "n30",
        "Ai chủ trì bệnh án điện tử tại bệnh viện công lập tuyến tỉnh?",
        "IV 16",
        ["Sở Y tế"],
        ["Bảo hiểm xã hội tỉnh"],
        "Tháng 10/2025",
        "bệnh án điện tử",
        "vi",
        "plan not named; only Lâm Hà has this task row (Hưng Yên 002 mentions it in guidance)",
    ),
    od(
        "n31",
        "Theo kế hoạch của Hà Nội, ai chủ trì hệ thống SOC?",
        "I.4 2",
        ["Sở Thông tin và Truyền thông"],
        ["Các Sở, ban, ngành, UBND các quận, huyện, thị xã"],
        "Quý IV Năm 2025",
        "(SOC)",
        "vi",
        "must not answer Lâm Hà V 23",
        doc=H,
    ),
    od(
        "n32",
        "ai chu tri trien khai he thong soc, han khi nao?",
        "I.4 2",
        ["Sở Thông tin và Truyền thông"],
        [],
        "Quý IV Năm 2025",
        "SOC",
        "nodiac",
        "dev d034 unchanged: now ambiguous (Lâm Hà V 23, Tháng 6/2025); right = both named with "
        "their plans, or a choice",
        doc=H,
    ),
    od(
        "n33",
        "Ai chủ trì xây dựng CSDL đất đai tỉnh Lâm Hà?",
        "II 7",
        ["Sở Tài nguyên và Môi trường"],
        [TT, "UBND các huyện"],
        "Năm 2025-2026",
        "cơ sở dữ liệu đất đai",
        "abbr",
        "session turn 1 (HTTP)",
    ),
    gd(
        "n34",
        "còn hạn hoàn thành?",
        "cơ sở dữ liệu đất đai",
        "Năm 2025-2026 (row II 7)",
        "para",
        "session turn 2, follow-up of n33",
    ),
    gd(
        "n35",
        "sở đó giờ là sở nào?",
        "Sở Tài nguyên và Môi trường",
        "Sở Nông nghiệp và Môi trường (hợp nhất 2025)",
        "para",
        "session turn 3",
    ),
    na(
        "n36",
        "Lâm Hà giao ai chủ trì xây dựng trung tâm điều hành đô thị thông minh (IOC)?",
        "abbr",
        "no IOC task in plan 86",
    ),
    na(
        "n37",
        "Tổng kinh phí thực hiện kế hoạch 86 của Lâm Hà là bao nhiêu tỷ đồng?",
        "abbr",
        "section IV names sources only, no amount",
    ),
    na(
        "n38",
        "Chỉ tiêu tỷ lệ trường học có wifi miễn phí của Lâm Hà là bao nhiêu?",
        "vi",
        "no such indicator",
    ),
    na(
        "n39",
        "Kế hoạch chuyển đổi số 2025 của tỉnh Đắk Nông giao ai chủ trì bệnh án điện tử?",
        "vi",
        "province not in corpus; must not answer Lâm Hà IV 16 as Đắk Nông",
    ),
    od(
        "n40",
        "Lâm Hà: chuẩn hoá lại quy trình để đưa DVC lên trực tuyến toàn trình là việc của đơn vị nào, hạn?",
        "II 5",
        ["Văn phòng UBND tỉnh"],
        ["Các sở, ngành", "UBND các huyện"],
        "Quý II/2025",
        "Tái cấu trúc quy trình",
        "para",
    ),
    od(
        "n41",
        "so hoa ho so ket qua giai quyet tthc con hieu luc ai lam, han?",
        "II 6",
        ["Văn phòng UBND tỉnh"],
        ["Trung tâm Phục vụ hành chính công tỉnh"],
        "Thường xuyên",
        "Số hóa hồ sơ, kết quả giải quyết",
        "nodiac",
        "003 may have similar rows: plan not named",
    ),
    gd(
        "n42",
        "Ai được giao rà soát văn bản QPPL cản trở chuyển đổi số ở Lâm Hà, hạn khi nào?",
        "rà soát các văn bản quy phạm pháp luật",
        "Sở Tư pháp chủ trì, phối hợp Sở TT&TT; Quý II/2025",
        "abbr",
        "body clause III.1, not in the table",
    ),
    ls(
        "n43",
        "Bảo hiểm xã hội tỉnh Lâm Hà phối hợp những nhiệm vụ nào?",
        ["IV 16"],
        ["bệnh án điện tử"],
        "vi",
        "plus body III.3 liên thông dữ liệu (guidance clause)",
    ),
    gd(
        "n44",
        "Sở TT&TT Lâm Hà giờ là sở nào?",
        "Sở TT&TT",
        "Sở Khoa học và Công nghệ",
        "abbr",
        "renamed agency",
    ),
    # Added AFTER the first run (improvised probes, expected answer written before each was asked
    # but after seeing earlier answers): session follow-ups, a group heading, the PDF build.
    od(
        "n45",
        "cái thứ 2 hạn khi nào?",
        "IV 17",
        ["Sở Y tế"],
        [TT, "UBND các huyện"],
        "Năm 2025-2026",
        "khám chữa bệnh từ xa",
        "para",
        "session follow-up after n14; 2nd item of a list correctly scoped to Lâm Hà",
    ),
    gd(
        "n46",
        "còn ở Lâm Hà thì sao?",
        "SOC",
        "Lâm Hà V 23: Sở TT&TT, Tháng 6/2025",
        "para",
        "session follow-up after n32 (Hà Nội SOC answer)",
    ),
    gd(
        "n47",
        "UBND các huyện, thành phố Lâm Hà có trách nhiệm gì?",
        "ban hành trước ngày 31/3/2025",
        "V.6: kế hoạch CĐS 2025 ban hành trước 31/3/2025; duy trì Tổ công nghệ số cộng đồng",
        "vi",
        "duty heading naming a group with a comma; signature block follows it in the DOCX",
    ),
    ind(
        "n48",
        "Tỷ lệ số hóa hồ sơ, kết quả giải quyết TTHC của Lâm Hà phải đạt bao nhiêu?",
        "II.2 3",
        "90%",
        "Tỷ lệ số hóa hồ sơ",
        "abbr",
    ),
    ind(
        "n49",
        "Tỷ lệ doanh nghiệp nhỏ và vừa dùng nền tảng số ở Lâm Hà chỉ tiêu là bao nhiêu?",
        "II.2 6",
        "trên 45%",
        "doanh nghiệp nhỏ và vừa",
        "para",
    ),
    ind(
        "n50",
        "Lâm Hà đặt chỉ tiêu bao nhiêu % người trưởng thành có smartphone?",
        "II.2 8",
        "88%",
        "điện thoại thông minh",
        "para",
    ),
]

if __name__ == "__main__":
    out = Path(__file__).parent / "questions.jsonl"
    out.write_text("".join(json.dumps(q, ensure_ascii=False) + "\n" for q in Q), encoding="utf-8")
    print(len(Q), "questions ->", out)
