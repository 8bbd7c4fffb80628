"""Invented plan for tester3: UBND tỉnh Sông Mã, Kế hoạch 57/KH-UBND, Chuyển đổi số năm 2026.

Layout: header paragraphs (no header table), body sections I-IV with a few indicators,
appendix table STT | Nhiệm vụ | Cơ quan chủ trì | Cơ quan phối hợp | Thời gian hoàn thành,
group rows lettered A, B, C ... spanning the table.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from docx import Document
from docx.shared import Pt

ROWS = [
    ("A", "GIAO THÔNG VÀ ĐÔ THỊ"),
    (
        "1",
        "Triển khai vé điện tử, thanh toán không dùng tiền mặt trên các tuyến vận tải hành khách công cộng nội tỉnh",
        "Sở Xây dựng",
        "Sở Tài chính; các doanh nghiệp vận tải",
        "Quý III/2026",
    ),
    (
        "2",
        "Xây dựng hệ thống giám sát hình ảnh giao thông tại các nút giao trọng điểm thành phố Bến Đò",
        "Công an tỉnh",
        "Sở Xây dựng; UBND thành phố Bến Đò",
        "Tháng 10/2026",
    ),
    (
        "3",
        "Lắp đặt hệ thống quan trắc môi trường tự động, truyền dữ liệu về trung tâm điều hành của tỉnh",
        "Sở Nông nghiệp và Môi trường",
        "Sở Khoa học và Công nghệ",
        "Năm 2026",
    ),
    ("B", "DU LỊCH, VĂN HÓA"),
    (
        "4",
        "Phủ sóng mạng không dây công cộng miễn phí tại các khu, điểm du lịch và quảng trường trung tâm",
        "Sở Văn hóa, Thể thao và Du lịch",
        "Các doanh nghiệp viễn thông; UBND các xã, phường",
        "Quý II/2026",
    ),
    (
        "5",
        "Phát triển ứng dụng du lịch thông minh trên thiết bị di động giới thiệu điểm đến, lưu trú, ẩm thực của tỉnh",
        "Sở Văn hóa, Thể thao và Du lịch",
        "Sở Khoa học và Công nghệ; Hiệp hội Du lịch tỉnh",
        "Quý IV/2026",
    ),
    (
        "6",
        "Lắp đặt điểm truy cập thông tin và thư viện số tại các thiết chế văn hóa cơ sở thôn, bản",
        "Sở Văn hóa, Thể thao và Du lịch",
        "UBND các xã, phường",
        "Tháng 12/2026",
    ),
    ("C", "GIÁO DỤC VÀ Y TẾ"),
    (
        "7",
        "Triển khai sổ liên lạc điện tử và học bạ số tại 100% trường mầm non, tiểu học, trung học cơ sở",
        "Sở Giáo dục và Đào tạo",
        "UBND các xã, phường; Viettel Sông Mã",
        "Tháng 8/2026",
    ),
    (
        "8",
        "Tổ chức tuyển sinh đầu cấp trực tuyến vào lớp 1, lớp 6 và lớp 10",
        "Sở Giáo dục và Đào tạo",
        "Công an tỉnh",
        "Tháng 6/2026",
    ),
    (
        "9",
        "Triển khai bệnh án điện tử tại các bệnh viện đa khoa tuyến tỉnh",
        "Sở Y tế",
        "Bảo hiểm xã hội tỉnh",
        "Quý IV/2026",
    ),
    (
        "10",
        "Đặt lịch khám bệnh trực tuyến và thu viện phí không dùng tiền mặt tại các cơ sở khám chữa bệnh công lập",
        "Sở Y tế",
        "Ngân hàng Nhà nước khu vực; các ngân hàng thương mại",
        "Tháng 9/2026",
    ),
    (
        "11",
        "Khám, chữa bệnh từ xa giữa Bệnh viện Đa khoa tỉnh và trạm y tế các xã vùng cao",
        "Bệnh viện Đa khoa tỉnh",
        "Sở Y tế; UBND các xã vùng cao",
        "Năm 2026",
    ),
    ("D", "NÔNG NGHIỆP VÀ THƯƠNG MẠI"),
    (
        "12",
        "Truy xuất nguồn gốc nông sản chủ lực (cam, chè, mật ong) bằng mã QR",
        "Sở Nông nghiệp và Môi trường",
        "Sở Công Thương; các hợp tác xã",
        "Quý III/2026",
    ),
    (
        "13",
        "Đưa sản phẩm OCOP và nông sản chủ lực của tỉnh lên các sàn thương mại điện tử",
        "Sở Công Thương",
        "Bưu điện tỉnh; Tỉnh đoàn",
        "Thường xuyên",
    ),
    (
        "14",
        "Xây dựng cơ sở dữ liệu đất đai tỉnh Sông Mã, kết nối với cơ sở dữ liệu quốc gia",
        "Sở Nông nghiệp và Môi trường",
        "UBND các xã, phường",
        "Tháng 12/2026",
    ),
    ("E", "CHÍNH QUYỀN SỐ"),
    (
        "15",
        "Cung cấp dịch vụ công trực tuyến toàn trình đối với các thủ tục hành chính đủ điều kiện",
        "Văn phòng UBND tỉnh",
        "Trung tâm Phục vụ hành chính công tỉnh; các sở, ngành",
        "Quý II/2026",
    ),
    (
        "16",
        "Số hóa hồ sơ, kết quả giải quyết thủ tục hành chính còn hiệu lực",
        "Trung tâm Phục vụ hành chính công tỉnh",
        "Các sở, ngành; UBND các xã, phường",
        "Thường xuyên",
    ),
    (
        "17",
        "Mở rộng hệ thống họp trực tuyến từ tỉnh đến 100% xã, phường",
        "Văn phòng UBND tỉnh",
        "Sở Khoa học và Công nghệ",
        "Tháng 7/2026",
    ),
    (
        "18",
        "Nâng cấp Trung tâm giám sát, điều hành thông minh (IOC) tỉnh Sông Mã",
        "Sở Khoa học và Công nghệ",
        "Các sở, ngành",
        "Quý IV/2026",
    ),
    (
        "19",
        "Bồi dưỡng kỹ năng số cho cán bộ, công chức cấp xã",
        "Sở Nội vụ",
        "Sở Khoa học và Công nghệ",
        "Quý IV/2026",
    ),
    ("G", "AN TOÀN THÔNG TIN MẠNG VÀ XÃ HỘI SỐ"),
    (
        "20",
        "Vận hành Trung tâm giám sát an toàn thông tin mạng (SOC) tập trung của tỉnh",
        "Sở Khoa học và Công nghệ",
        "Công an tỉnh",
        "Quý III/2026",
    ),
    (
        "21",
        "Tổ chức diễn tập thực chiến an toàn thông tin mạng cấp tỉnh",
        "Công an tỉnh",
        "Sở Khoa học và Công nghệ; Bộ Chỉ huy Quân sự tỉnh",
        "Tháng 11/2026",
    ),
    (
        "22",
        "Duy trì hoạt động Tổ công nghệ số cộng đồng hướng dẫn người dân sử dụng dịch vụ số",
        "UBND các xã, phường",
        "Tỉnh đoàn; Hội Liên hiệp Phụ nữ tỉnh",
        "Thường xuyên",
    ),
]


def para(doc, text, bold=False, center=False):
    p = doc.add_paragraph()
    r = p.add_run(text)
    r.bold = bold
    r.font.size = Pt(13)
    if center:
        p.alignment = 1


def main(out_dir: Path) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    doc = Document()
    para(doc, "ỦY BAN NHÂN DÂN TỈNH SÔNG MÃ", bold=True)
    para(doc, "Số: 57/KH-UBND")
    para(doc, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold=True, center=True)
    para(doc, "Độc lập - Tự do - Hạnh phúc", center=True)
    para(doc, "Sông Mã, ngày 20 tháng 01 năm 2026", center=True)
    para(doc, "KẾ HOẠCH", bold=True, center=True)
    para(doc, "Chuyển đổi số năm 2026 của tỉnh Sông Mã", bold=True, center=True)
    para(
        doc,
        "Thực hiện Nghị quyết số 57-NQ/TW ngày 22/12/2024 của Bộ Chính trị về đột phá phát triển "
        "khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số quốc gia, Ủy ban nhân dân tỉnh "
        "Sông Mã ban hành Kế hoạch chuyển đổi số năm 2026 như sau:",
    )
    para(doc, "I. MỤC ĐÍCH, YÊU CẦU", bold=True)
    para(
        doc,
        "- Xác định cụ thể nhiệm vụ, cơ quan chủ trì, cơ quan phối hợp và thời hạn hoàn thành "
        "để triển khai chuyển đổi số đồng bộ trên địa bàn tỉnh trong năm 2026.",
    )
    para(
        doc,
        "- Lấy người dân, doanh nghiệp làm trung tâm; bảo đảm an toàn thông tin mạng trong "
        "mọi hoạt động chuyển đổi số.",
    )
    para(doc, "II. CHỈ TIÊU CHỦ YẾU", bold=True)
    for it in [
        "Tỷ lệ hồ sơ thủ tục hành chính được tiếp nhận, giải quyết trực tuyến toàn trình đạt 65%.",
        "100% trường mầm non, tiểu học, trung học cơ sở sử dụng học bạ số.",
        "90% bệnh viện công lập tuyến tỉnh triển khai bệnh án điện tử.",
        "Tỷ trọng kinh tế số trong GRDP của tỉnh đạt 11%.",
        "80% khu, điểm du lịch được phủ sóng mạng không dây công cộng.",
    ]:
        para(doc, "- " + it)
    para(doc, "III. NHIỆM VỤ TRỌNG TÂM", bold=True)
    para(
        doc,
        "Các nhiệm vụ cụ thể, cơ quan chủ trì, phối hợp và thời gian hoàn thành tại Phụ lục kèm theo.",
    )
    para(doc, "IV. TỔ CHỨC THỰC HIỆN", bold=True)
    para(
        doc,
        "1. Sở Khoa học và Công nghệ là cơ quan thường trực, theo dõi, đôn đốc, định kỳ hằng quý "
        "tổng hợp kết quả thực hiện Kế hoạch, báo cáo UBND tỉnh.",
    )
    para(
        doc,
        "2. Các sở, ban, ngành, UBND các xã, phường căn cứ nhiệm vụ được giao tại Phụ lục chủ động "
        "bố trí nguồn lực, tổ chức thực hiện bảo đảm tiến độ.",
    )
    para(
        doc,
        "3. Sở Tài chính tham mưu bố trí kinh phí thực hiện Kế hoạch từ ngân sách tỉnh năm 2026.",
    )
    para(doc, "TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH\n\nLê Văn Hòa", bold=True)
    doc.add_page_break()
    para(doc, "PHỤ LỤC", bold=True, center=True)
    para(doc, "DANH MỤC NHIỆM VỤ CHUYỂN ĐỔI SỐ NĂM 2026", bold=True, center=True)
    para(
        doc, "(Kèm theo Kế hoạch số 57/KH-UBND ngày 20/01/2026 của UBND tỉnh Sông Mã)", center=True
    )
    t = doc.add_table(rows=1, cols=5)
    t.style = "Table Grid"
    for i, h in enumerate(
        ["STT", "Nhiệm vụ", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời gian hoàn thành"]
    ):
        t.rows[0].cells[i].text = h
    truth = []
    for row in ROWS:
        cells = t.add_row().cells
        cells[0].text = row[0]
        if len(row) == 2:
            m = cells[1].merge(cells[4])
            m.text = row[1]
            continue
        for i, v in enumerate(row[1:], start=1):
            cells[i].text = v
        truth.append(
            dict(zip(["stt", "task", "lead", "coordinating", "deadline"], row, strict=False))
        )
    doc.save(out_dir / "kh57_songma.docx")
    (out_dir / "kh57_truth.json").write_text(
        json.dumps(truth, ensure_ascii=False, indent=1), encoding="utf-8"
    )


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).parent / "out")
