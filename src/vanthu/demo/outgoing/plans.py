"""The demo's outgoing documents as data: who drafts each, how far it goes, who receives it (``PLANS``)."""

from __future__ import annotations

from dataclasses import dataclass

from vanthu.documents.enums import Confidentiality, Priority
from vanthu.documents.outgoing.enums import OutgoingState

S = OutgoingState
SENDERS = ("ubnd", "sotc", "sonv")  # the agencies whose outgoing work the demo shows, in this order




@dataclass(frozen=True)
class Plan:
    """One outgoing document of the demo and how far it goes."""

    sender: int  # index into the agencies that can sign (SENDERS order, wrapping around)
    target: str  # OutgoingState value
    type_code: str
    subject: str
    body: str
    to_places: str
    signer: str = "head"  # or "deputy" (KT.)
    capacity: str = ""  # "TM." for a collective decision; deputies always sign KT.
    addressees: str = ""
    priority: int = Priority.NORMAL
    confidentiality: int = Confidentiality.NONE
    recipients: tuple[tuple[str, str], ...] = ()  # (agency slug, status code the recipient reaches)
    external: tuple[tuple[str, str], ...] = ()  # (QCVN 102 code, name): through the hub, when one is connected
    attachment: str = ""  # title of a phụ lục in a separate file
    docx: bool = False
    reason: str = ""  # of a return, cancel, void or recall
    summary: str = ""


CONG_VAN_CDS = (
    "Thực hiện Nghị quyết của Ban Chấp hành Đảng bộ tỉnh về chuyển đổi số đến năm 2025, định hướng đến năm 2030 "
    "và Kế hoạch chuyển đổi số tỉnh Demo năm {y}, Ủy ban nhân dân tỉnh đề nghị các sở, ban, ngành và Ủy ban "
    "nhân dân các huyện, thị xã thực hiện tốt một số nội dung sau:\n\n"
    "1. Xây dựng, ban hành kế hoạch chuyển đổi số của cơ quan, đơn vị trước ngày 15 của tháng tiếp theo; bảo đảm "
    "100% văn bản đi được ký số và gửi, nhận trên môi trường mạng, trừ văn bản mật theo quy định.\n\n"
    "2. Phân công một lãnh đạo phụ trách và một công chức đầu mối về chuyển đổi số; rà soát, cấp chứng thư số "
    "cho lãnh đạo và văn thư cơ quan theo Nghị định số 30/2020/NĐ-CP.\n\n"
    "3. Định kỳ hằng quý báo cáo kết quả thực hiện (theo Phụ lục kèm theo) về Ủy ban nhân dân tỉnh (qua Phòng "
    "Tổng hợp) để tổng hợp, báo cáo cấp có thẩm quyền./."
)

PLANS: tuple[Plan, ...] = (
    # Ủy ban nhân dân tỉnh.
    Plan(0, S.ISSUED, "CONG_VAN", "triển khai Kế hoạch chuyển đổi số tỉnh Demo năm {y}", CONG_VAN_CDS,
         "Như trên;\nBộ Thông tin và Truyền thông (để báo cáo);\nChủ tịch, các PCT UBND tỉnh;\nCVP, PCVP UBND tỉnh;",
         signer="deputy", priority=Priority.URGENT, external=(("000.00.00.G17", "Bộ Thông tin và Truyền thông"),),
         addressees="Các sở, ban, ngành tỉnh; Ủy ban nhân dân các huyện, thị xã",
         recipients=(("soyt", "06"), ("soxd", "05"), ("sokhdt", "04"), ("dongson", "03"), ("tayhoa", "02"),
                     ("bacthanh", "01")),
         attachment="Danh mục nhiệm vụ chuyển đổi số năm {y}",
         summary="Giao các sở, ngành, địa phương xây dựng kế hoạch và báo cáo kết quả chuyển đổi số hằng quý.",
         reason="Văn bản gửi nhầm: đơn vị đã nhận văn bản qua đường bưu chính, đề nghị không gửi trùng."),
    Plan(0, S.RECALLED, "QUYET_DINH", "Về việc thành lập Đoàn kiểm tra công tác văn thư, lưu trữ năm {y}",
         "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;\n\n"
         "Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05 tháng 3 năm 2020 của Chính phủ về công tác văn thư;\n\n"
         "Theo đề nghị của Giám đốc Sở Nội vụ.\n\n"
         "QUYẾT ĐỊNH:\n\n"
         "Điều 1. Thành lập Đoàn kiểm tra công tác văn thư, lưu trữ năm {y} tại các sở, ban, ngành và Ủy ban nhân "
         "dân các huyện, thị xã.\n\n"
         "Điều 2. Đoàn kiểm tra có nhiệm vụ kiểm tra việc soạn thảo, ký số, ban hành, quản lý văn bản và lập hồ sơ "
         "điện tử; tổng hợp kết quả, báo cáo Chủ tịch Ủy ban nhân dân tỉnh.\n\n"
         "Điều 3. Quyết định này có hiệu lực kể từ ngày ký.",
         "Như Điều 3;\nSở Nội vụ;", capacity="TM.",
         recipients=(("sokhdt", "03"), ("soyt", "04")),
         reason="Thành phần Đoàn kiểm tra chưa đúng quy định; sẽ ban hành quyết định thay thế."),
    Plan(0, S.SEALED, "QUYET_DINH",
         "Về việc ban hành Quy chế quản lý, sử dụng chữ ký số trong các cơ quan nhà nước tỉnh Demo",
         "Căn cứ Luật Giao dịch điện tử ngày 22 tháng 6 năm 2023;\n\n"
         "Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05 tháng 3 năm 2020 của Chính phủ về công tác văn thư.\n\n"
         "QUYẾT ĐỊNH:\n\n"
         "Điều 1. Ban hành kèm theo Quyết định này Quy chế quản lý, sử dụng chữ ký số trong các cơ quan nhà nước "
         "tỉnh Demo.\n\n"
         "Điều 2. Quyết định này có hiệu lực kể từ ngày ký. Chánh Văn phòng Ủy ban nhân dân tỉnh, Thủ trưởng các "
         "sở, ban, ngành chịu trách nhiệm thi hành Quyết định này.",
         "Như Điều 2;\nVăn phòng Chính phủ;", capacity="TM.", recipients=(("sonv", ""), ("sotc", ""))),
    Plan(0, S.AWAITING_SIGNATURE, "TO_TRINH",
         "Đề nghị thông qua Nghị quyết quy định mức chi bảo đảm cho công tác cải cách hành chính",
         "Thực hiện Luật Ban hành văn bản quy phạm pháp luật, Ủy ban nhân dân tỉnh kính trình Hội đồng nhân dân "
         "tỉnh xem xét, thông qua Nghị quyết quy định mức chi bảo đảm cho công tác cải cách hành chính trên địa "
         "bàn tỉnh Demo.\n\n"
         "Dự thảo Nghị quyết đã được lấy ý kiến các sở, ngành và thẩm định theo quy định. Ủy ban nhân dân tỉnh "
         "kính trình Hội đồng nhân dân tỉnh xem xét, quyết định./.",
         "Như trên;\nThường trực HĐND tỉnh;", capacity="TM.", addressees="Hội đồng nhân dân tỉnh Demo"),
    Plan(0, S.IN_REVIEW, "GIAY_MOI", "Dự Hội nghị tổng kết công tác văn thư, lưu trữ năm {y}",
         "Ủy ban nhân dân tỉnh tổ chức Hội nghị tổng kết công tác văn thư, lưu trữ năm {y} và triển khai nhiệm vụ "
         "năm {n}.\n\n"
         "Thời gian: 08 giờ 00, thứ Năm tuần sau. Địa điểm: Hội trường Ủy ban nhân dân tỉnh.\n\n"
         "Đề nghị các đại biểu bố trí thời gian tham dự đúng giờ./.",
         "Như trên;", signer="deputy", addressees="Lãnh đạo và văn thư các sở, ban, ngành tỉnh"),
    Plan(0, S.ISSUED, "CONG_VAN", "cung cấp thông tin phục vụ công tác bảo vệ bí mật nhà nước",
         "Để phục vụ công tác bảo vệ bí mật nhà nước năm {y}, Ủy ban nhân dân tỉnh đề nghị Phòng Tổng hợp rà "
         "soát, thống kê danh mục tài liệu mật đang quản lý và báo cáo bằng văn bản giấy./.",
         "Như trên;", confidentiality=Confidentiality.SECRET, addressees="Phòng Tổng hợp"),
    Plan(0, S.AWAITING_SIGNATURE, "CONG_VAN", "đôn đốc thực hiện các chỉ tiêu kinh tế - xã hội 6 tháng cuối năm {y}",
         "Kết quả 6 tháng đầu năm {y} cho thấy một số chỉ tiêu kinh tế - xã hội đạt thấp so với kế hoạch, nhất là "
         "giải ngân vốn đầu tư công và thu ngân sách nhà nước.\n\n"
         "Chủ tịch Ủy ban nhân dân tỉnh yêu cầu Thủ trưởng các sở, ban, ngành và Chủ tịch Ủy ban nhân dân các "
         "huyện, thị xã tập trung chỉ đạo, có giải pháp cụ thể để hoàn thành các chỉ tiêu được giao; báo cáo kết quả "
         "trước ngày 25 hằng tháng./.",
         "Như trên;", signer="deputy", docx=True,
         addressees="Các sở, ban, ngành tỉnh; Ủy ban nhân dân các huyện, thị xã"),
    Plan(0, S.DRAFTING, "THONG_BAO", "Lịch tiếp công dân định kỳ của lãnh đạo Ủy ban nhân dân tỉnh quý IV năm {y}",
         "Ủy ban nhân dân tỉnh thông báo lịch tiếp công dân định kỳ của Chủ tịch và các Phó Chủ tịch Ủy ban nhân "
         "dân tỉnh quý IV năm {y} tại Trụ sở Tiếp công dân tỉnh vào ngày 15 hằng tháng./.",
         "Ban Tiếp công dân tỉnh;", signer="deputy"),
    # Sở Tài chính.
    Plan(1, S.ISSUED, "TO_TRINH", "Đề nghị phê duyệt dự toán kinh phí thực hiện chuyển đổi số năm {n}",
         "Căn cứ Kế hoạch chuyển đổi số tỉnh Demo năm {n}, Sở Tài chính đã tổng hợp nhu cầu kinh phí của các sở, "
         "ngành và địa phương.\n\n"
         "Sở Tài chính kính trình Ủy ban nhân dân tỉnh xem xét, phê duyệt dự toán kinh phí thực hiện chuyển đổi số "
         "năm {n} với tổng số 12.500 triệu đồng, trong đó: chi đầu tư phát triển 9.800 triệu đồng; chi thường "
         "xuyên 2.700 triệu đồng./.",
         "Như trên;", addressees="Ủy ban nhân dân tỉnh Demo",
         recipients=(("ubnd", "05"), ("sokhdt", "03"))),
    Plan(1, S.NUMBERED, "THONG_BAO", "Kết quả thẩm định quyết toán dự án hoàn thành năm {y}",
         "Sở Tài chính thông báo kết quả thẩm định quyết toán các dự án hoàn thành sử dụng vốn ngân sách tỉnh năm "
         "{y} như sau: đã thẩm định 24 dự án, giá trị đề nghị quyết toán 315.420 triệu đồng; giá trị được duyệt "
         "311.870 triệu đồng./.",
         "Các chủ đầu tư;", signer="deputy"),
    Plan(1, S.SIGNED, "CONG_VAN", "hướng dẫn xây dựng dự toán ngân sách nhà nước năm {n}",
         "Căn cứ Luật Ngân sách nhà nước và hướng dẫn của Bộ Tài chính, Sở Tài chính hướng dẫn các cơ quan, đơn "
         "vị xây dựng dự toán ngân sách nhà nước năm {n} bảo đảm đúng thời hạn, đầy đủ thuyết minh cơ sở tính "
         "toán và gửi về Sở Tài chính trước ngày 20 tháng 7 năm {y}./.",
         "Như trên;", signer="deputy", addressees="Các sở, ban, ngành tỉnh"),
    Plan(1, S.CHANGES_REQUESTED, "CONG_VAN", "báo cáo tình hình thực hiện tiết kiệm chi thường xuyên năm {y}",
         "Đề nghị các cơ quan, đơn vị báo cáo kết quả thực hiện tiết kiệm 10% chi thường xuyên năm {y}./.",
         "Như trên;", signer="deputy", addressees="Các sở, ban, ngành tỉnh",
         reason="Đề nghị bổ sung biểu mẫu báo cáo và thời hạn gửi báo cáo cụ thể."),
    Plan(1, S.VOIDED, "GIAY_MOI", "Dự tập huấn nghiệp vụ quản lý tài chính, tài sản công năm {y}",
         "Sở Tài chính tổ chức lớp tập huấn nghiệp vụ quản lý tài chính, tài sản công năm {y} cho kế toán các cơ "
         "quan, đơn vị. Đề nghị các đơn vị cử cán bộ tham dự đầy đủ./.",
         "Như trên;", signer="deputy", addressees="Kế toán các cơ quan, đơn vị",
         reason="Hoãn lớp tập huấn; văn bản đã cấp số nhưng chưa phát hành."),
    Plan(1, S.DRAFTING, "QUYET_DINH", "Về việc giao bổ sung dự toán chi ngân sách năm {y}",
         "Điều 1. Giao bổ sung dự toán chi ngân sách năm {y} cho các đơn vị theo phụ lục kèm theo.\n\n"
         "Điều 2. Quyết định này có hiệu lực kể từ ngày ký.",
         "Như Điều 2;"),
    # Sở Nội vụ.
    Plan(2, S.ISSUED, "GIAY_MOI", "Dự Hội nghị triển khai công tác tuyển dụng công chức năm {y}",
         "Sở Nội vụ tổ chức Hội nghị triển khai công tác tuyển dụng công chức năm {y}.\n\n"
         "Thời gian: 14 giờ 00, thứ Ba tuần sau. Địa điểm: Phòng họp tầng 3, Sở Nội vụ.\n\n"
         "Đề nghị các đơn vị cử lãnh đạo phụ trách công tác tổ chức cán bộ tham dự./.",
         "Như trên;", signer="deputy", addressees="Các sở, ban, ngành; Ủy ban nhân dân các huyện, thị xã",
         recipients=(("sotc", "06"), ("dongson", "04"), ("anlac", "01"))),
    Plan(2, S.CANCELLED, "QUYET_DINH", "Về việc cử công chức tham dự lớp bồi dưỡng quản lý nhà nước",
         "Điều 1. Cử các công chức có tên trong danh sách kèm theo tham dự lớp bồi dưỡng kiến thức quản lý nhà "
         "nước chương trình chuyên viên chính.\n\n"
         "Điều 2. Quyết định này có hiệu lực kể từ ngày ký.",
         "Như Điều 2;", reason="Lớp bồi dưỡng đổi thời gian; sẽ soạn quyết định khác."),
    Plan(2, S.AWAITING_SIGNATURE, "CONG_VAN",
         "hướng dẫn đánh giá, xếp loại chất lượng cán bộ, công chức năm {y}",
         "Căn cứ Nghị định số 90/2020/NĐ-CP của Chính phủ về đánh giá, xếp loại chất lượng cán bộ, công chức, "
         "viên chức, Sở Nội vụ hướng dẫn các cơ quan, đơn vị tổ chức đánh giá, xếp loại năm {y} và gửi kết quả về "
         "Sở Nội vụ trước ngày 15 tháng 12 năm {y}./.",
         "Như trên;", addressees="Các sở, ban, ngành tỉnh"),
)

ATTACHMENT_ROWS = (
    "1. Ban hành kế hoạch chuyển đổi số của cơ quan, đơn vị - hạn: tháng thứ nhất",
    "2. Cấp chứng thư số cho lãnh đạo, văn thư - hạn: tháng thứ hai",
    "3. Gửi, nhận văn bản điện tử có ký số - hạn: thường xuyên",
    "4. Báo cáo kết quả thực hiện - hạn: ngày 20 tháng cuối quý",
)
