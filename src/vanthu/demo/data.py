"""The invented "Tỉnh Demo": agencies, units, people, issuers and document subjects.

Every name here is made up for demonstration; any resemblance to real officials is accidental.
"""

from __future__ import annotations

from dataclasses import dataclass

DEMO_PASSWORD = "Vanthu@2026"  # noqa: S105 - the published demo password, printed after loading
PROVINCE_CODE = "000.00.00.H99"
PRESS_NAME = "Báo Demo"
PLACE = "Demo"


@dataclass(frozen=True)
class UnitSpec:
    name: str
    abbreviation: str
    slug: str  # used in usernames: truongphong.<slug>.<agency slug>


@dataclass(frozen=True)
class AgencySpec:
    name: str
    abbreviation: str
    organ_id: str
    level: str
    slug: str
    head: str  # position names
    deputy: str
    units: tuple[UnitSpec, ...]
    documents: int  # how many incoming documents the demo gives this agency
    parent_slug: str | None = None
    head_name: str = ""
    deputy_name: str = ""


_OFFICE = UnitSpec("Văn phòng", "VP", "vp")
_INSPECTION = UnitSpec("Thanh tra", "TTR", "ttr")


def _department(
    name: str, abbr: str, n: int, slug: str, unit: UnitSpec, head_name: str, deputy_name: str
) -> AgencySpec:
    return AgencySpec(name, abbr, f"000.00.{n:02d}.H99", "DEPARTMENT", slug, "Giám đốc", "Phó Giám đốc",
                      (_OFFICE, _INSPECTION, unit), 16, "ubnd", head_name, deputy_name)


def _district(name: str, n: int, slug: str, head_name: str, deputy_name: str) -> AgencySpec:
    return AgencySpec(name, "UBND", f"000.00.{n:02d}.H99", "DISTRICT", slug, "Chủ tịch", "Phó Chủ tịch",
                      (UnitSpec("Văn phòng HĐND và UBND", "VP", "vp"),
                       UnitSpec("Phòng Tài chính - Kế hoạch", "TCKH", "tckh")), 10, "ubnd", head_name, deputy_name)


def _commune(name: str, n: int, district_n: int, slug: str, parent: str, head_name: str) -> AgencySpec:
    return AgencySpec(name, "UBND", f"000.{n:02d}.{district_n:02d}.H99", "COMMUNE", slug, "Chủ tịch", "Phó Chủ tịch",
                      (UnitSpec("Văn phòng - Thống kê", "VP", "vp"),
                       UnitSpec("Địa chính - Xây dựng", "DCXD", "dcxd")), 3, parent, head_name, "Lò Văn Sơn")


AGENCIES: tuple[AgencySpec, ...] = (
    AgencySpec("Ủy ban nhân dân tỉnh Demo", "UBND", PROVINCE_CODE, "PROVINCE", "ubnd", "Chủ tịch", "Phó Chủ tịch",
               (_OFFICE, UnitSpec("Phòng Tổng hợp", "TH", "th"), UnitSpec("Phòng Kinh tế", "KT", "kt")), 70,
               None, "Nguyễn Văn Minh", "Trần Thị Thu Hà"),
    _department("Sở Nội vụ", "SNV", 1, "sonv", UnitSpec("Phòng Tổ chức, biên chế", "TCBC", "tcbc"),
                "Lê Quang Huy", "Phạm Thị Ngọc"),
    _department("Sở Tài chính", "STC", 2, "sotc", UnitSpec("Phòng Quản lý ngân sách", "QLNS", "ns"),
                "Hoàng Đức Thắng", "Vũ Thị Lan"),
    _department("Sở Kế hoạch và Đầu tư", "SKHĐT", 3, "sokhdt", UnitSpec("Phòng Tổng hợp, quy hoạch", "THQH", "th"),
                "Đặng Minh Tuấn", "Bùi Thị Hằng"),
    _department("Sở Xây dựng", "SXD", 4, "soxd", UnitSpec("Phòng Quản lý xây dựng", "QLXD", "qlxd"),
                "Đỗ Văn Long", "Ngô Thị Mai"),
    _department("Sở Y tế", "SYT", 5, "soyt", UnitSpec("Phòng Nghiệp vụ Y", "NVY", "nvy"),
                "Dương Thị Hạnh", "Lý Văn Phúc"),
    _district("Ủy ban nhân dân huyện Đông Sơn", 31, "dongson", "Trịnh Văn Hùng", "Mai Thị Hoa"),
    _district("Ủy ban nhân dân huyện Tây Hòa", 32, "tayhoa", "Cao Văn Bình", "Lâm Thị Thảo"),
    _district("Ủy ban nhân dân thị xã Bắc Thành", 33, "bacthanh", "Tạ Quang Vinh", "Hồ Thị Yến"),
    _commune("Ủy ban nhân dân xã Đông Hưng", 1, 31, "donghung", "dongson", "Phan Văn Tài"),
    _commune("Ủy ban nhân dân xã Đông Phú", 2, 31, "dongphu", "dongson", "Chu Văn Đạt"),
    _commune("Ủy ban nhân dân xã Hòa Bình", 1, 32, "hoabinh", "tayhoa", "Kiều Thị Nga"),
    _commune("Ủy ban nhân dân xã Hòa Thịnh", 2, 32, "hoathinh", "tayhoa", "Vi Văn Khánh"),
    _commune("Ủy ban nhân dân phường An Lạc", 1, 33, "anlac", "bacthanh", "Quách Thị Liên"),
    _commune("Ủy ban nhân dân xã Thành Công", 2, 33, "thanhcong", "bacthanh", "Âu Văn Nam"),
)

STAFF_NAMES = (
    "Nguyễn Thị Hồng", "Trần Văn Nam", "Lê Thị Phương", "Phạm Văn Đức", "Hoàng Thị Thúy", "Vũ Văn Khoa",
    "Đặng Thị Loan", "Bùi Văn Toàn", "Đỗ Thị Huyền", "Ngô Văn Quân", "Dương Thị Trang", "Lý Văn Hiếu",
    "Trịnh Thị Vân", "Mai Văn Sáng", "Cao Thị Ánh", "Lâm Văn Tiến", "Tạ Thị Giang", "Hồ Văn Lực",
)


@dataclass(frozen=True)
class IssuerSpec:
    """A sender of incoming documents. ``slug`` links it to a demo agency (internal delivery)."""

    name: str
    parent: str  # tên cơ quan chủ quản, printed above the issuer on the PDF
    abbreviation: str
    unit: str  # the drafting unit in a công văn's ký hiệu
    place: str
    signer_position: str
    signers: tuple[str, ...]
    organ_id: str = ""
    slug: str | None = None


ISSUERS: tuple[IssuerSpec, ...] = (
    IssuerSpec("Văn phòng Chính phủ", "", "VPCP", "KSTT", "Hà Nội", "Phó Chủ nhiệm",
               ("Nguyễn Hữu Lộc", "Trần Quốc Bảo")),
    IssuerSpec("Bộ Nội vụ", "", "BNV", "CCVC", "Hà Nội", "Thứ trưởng", ("Lê Thị Quỳnh", "Phan Minh Khôi")),
    IssuerSpec("Bộ Tài chính", "", "BTC", "NSNN", "Hà Nội", "Thứ trưởng", ("Đinh Văn Thành", "Võ Thị Kim")),
    IssuerSpec("Bộ Xây dựng", "", "BXD", "HĐXD", "Hà Nội", "Thứ trưởng", ("Hà Văn Sơn",)),
    IssuerSpec("Bộ Y tế", "", "BYT", "KCB", "Hà Nội", "Thứ trưởng", ("Tô Thị Hòa", "Kim Văn Đông")),
    IssuerSpec("Tỉnh ủy Demo", "ĐẢNG CỘNG SẢN VIỆT NAM", "TU", "VPTU", PLACE, "Phó Bí thư", ("La Văn Hòa",)),
    IssuerSpec("Hội đồng nhân dân tỉnh Demo", "", "HĐND", "VP", PLACE, "Phó Chủ tịch", ("Khúc Thị Duyên",)),
    IssuerSpec("Ủy ban nhân dân tỉnh Demo", "", "UBND", "TH", PLACE, "Phó Chủ tịch", ("Trần Thị Thu Hà",),
               PROVINCE_CODE, "ubnd"),
    IssuerSpec("Sở Tài chính", "UBND TỈNH DEMO", "STC", "QLNS", PLACE, "Phó Giám đốc", ("Vũ Thị Lan",),
               "000.00.02.H99", "sotc"),
    IssuerSpec("Sở Nội vụ", "UBND TỈNH DEMO", "SNV", "TCBC", PLACE, "Giám đốc", ("Lê Quang Huy",),
               "000.00.01.H99", "sonv"),
    IssuerSpec("Sở Kế hoạch và Đầu tư", "UBND TỈNH DEMO", "SKHĐT", "THQH", PLACE, "Phó Giám đốc",
               ("Bùi Thị Hằng",), "000.00.03.H99", "sokhdt"),
    IssuerSpec("Sở Y tế", "UBND TỈNH DEMO", "SYT", "NVY", PLACE, "Giám đốc", ("Dương Thị Hạnh",),
               "000.00.05.H99", "soyt"),
    IssuerSpec("Công an tỉnh Demo", "BỘ CÔNG AN", "CAT", "PV01", PLACE, "Phó Giám đốc", ("Mạc Văn Hưng",)),
    IssuerSpec("Kho bạc Nhà nước Demo", "KHO BẠC NHÀ NƯỚC", "KBDM", "KSC", PLACE, "Giám đốc", ("Ông Thị Bích",)),
)

# (document type code, subject). ``{y}`` is the current year, ``{n}`` the next.
SUBJECTS: tuple[tuple[str, str], ...] = (
    ("CONG_VAN", "V/v triển khai Kế hoạch chuyển đổi số năm {y}"),
    ("CONG_VAN", "V/v báo cáo tình hình thực hiện nhiệm vụ phát triển kinh tế - xã hội 9 tháng đầu năm {y}"),
    ("CONG_VAN", "V/v đôn đốc giải ngân vốn đầu tư công năm {y}"),
    ("CONG_VAN", "V/v tăng cường công tác phòng, chống dịch sốt xuất huyết"),
    ("CONG_VAN", "V/v hướng dẫn xây dựng dự toán ngân sách nhà nước năm {n}"),
    ("CONG_VAN", "V/v rà soát, sắp xếp đơn vị hành chính cấp xã"),
    ("CONG_VAN", "V/v thực hiện Nghị định số 30/2020/NĐ-CP về công tác văn thư"),
    ("CONG_VAN", "V/v góp ý dự thảo Quy chế làm việc của Ủy ban nhân dân tỉnh"),
    ("CONG_VAN", "V/v cung cấp số liệu phục vụ xây dựng báo cáo cải cách hành chính"),
    ("CONG_VAN", "V/v tăng cường sử dụng chữ ký số trong gửi, nhận văn bản điện tử"),
    ("CONG_VAN", "V/v chuẩn bị nội dung làm việc với Đoàn công tác của Bộ"),
    ("CONG_VAN", "V/v kiểm tra an toàn phòng cháy, chữa cháy tại các công trình xây dựng"),
    ("CONG_VAN", "V/v đề nghị bổ sung kinh phí mua sắm trang thiết bị y tế"),
    ("CONG_VAN", "V/v tuyển dụng công chức năm {y}"),
    ("QUYET_DINH", "Về việc ban hành Quy chế quản lý văn bản và điều hành trên môi trường mạng"),
    ("QUYET_DINH", "Về việc giao chỉ tiêu kế hoạch phát triển kinh tế - xã hội năm {n}"),
    ("QUYET_DINH", "Về việc thành lập Tổ công tác triển khai Đề án 06 của tỉnh"),
    ("QUYET_DINH", "Về việc phê duyệt danh mục dự án đầu tư công trung hạn"),
    ("KE_HOACH", "Cải cách hành chính nhà nước tỉnh Demo năm {n}"),
    ("KE_HOACH", "Tổ chức Tháng hành động vì an toàn thực phẩm năm {y}"),
    ("KE_HOACH", "Kiểm tra công tác văn thư, lưu trữ năm {y}"),
    ("THONG_BAO", "Kết luận của Chủ tịch Ủy ban nhân dân tỉnh tại cuộc họp giao ban tháng"),
    ("THONG_BAO", "Lịch nghỉ Tết Nguyên đán và Quốc khánh năm {n}"),
    ("GIAY_MOI", "Dự Hội nghị sơ kết công tác chuyển đổi số 6 tháng đầu năm {y}"),
    ("GIAY_MOI", "Dự họp về tiến độ giải phóng mặt bằng các dự án trọng điểm"),
    ("BAO_CAO", "Kết quả thực hiện nhiệm vụ quý III năm {y}"),
    ("BAO_CAO", "Tình hình thu, chi ngân sách nhà nước 10 tháng đầu năm {y}"),
    ("CHI_THI", "Về việc tăng cường kỷ luật, kỷ cương hành chính trong cơ quan nhà nước"),
    ("HUONG_DAN", "Thực hiện chế độ báo cáo thống kê ngành Xây dựng"),
    ("TO_TRINH", "Đề nghị phê duyệt chủ trương đầu tư dự án Trạm y tế xã"),
)

BODY = (
    "Thực hiện chỉ đạo của cấp có thẩm quyền và căn cứ chức năng, nhiệm vụ được giao, {issuer} đề nghị "
    "các cơ quan, đơn vị quan tâm phối hợp thực hiện một số nội dung sau:",
    "1. Rà soát, tổng hợp tình hình thực hiện tại cơ quan, đơn vị; xác định rõ những việc đã làm được, "
    "những tồn tại, hạn chế và nguyên nhân; đề xuất giải pháp khắc phục trong thời gian tới.",
    "2. Phân công lãnh đạo phụ trách, bố trí công chức đầu mối theo dõi, đôn đốc; bảo đảm tiến độ, chất "
    "lượng và gửi báo cáo kết quả về {issuer} đúng thời hạn quy định.",
    "Trong quá trình thực hiện, nếu có khó khăn, vướng mắc, đề nghị phản ánh kịp thời để được hướng dẫn, "
    "giải quyết./.",
)

RETURN_REASONS = (
    "Văn bản gửi nhầm cơ quan nhận.",
    "Tệp văn bản không có chữ ký số của cơ quan ban hành.",
    "Văn bản thiếu trang, đề nghị gửi lại bản đầy đủ.",
)

RESULTS = (
    "Đã tham mưu văn bản trả lời.",
    "Đã tổng hợp, báo cáo theo yêu cầu.",
    "Đã triển khai thực hiện, lưu hồ sơ công việc.",
)
