from django.db import migrations

# ND30 Điều 7 and Phụ lục III, with the QCVN 102 SĐ1:2022 list-B codes (STANDARDS.md (e)).
TYPES = [
    ("NGHI_QUYET", "Nghị quyết", "NQ", 1), ("QUYET_DINH", "Quyết định", "QĐ", 2), ("CHI_THI", "Chỉ thị", "CT", 3),
    ("QUY_CHE", "Quy chế", "QC", 4), ("QUY_DINH", "Quy định", "QyĐ", 5), ("THONG_CAO", "Thông cáo", "TC", 6),
    ("THONG_BAO", "Thông báo", "TB", 7), ("HUONG_DAN", "Hướng dẫn", "HD", 8), ("CHUONG_TRINH", "Chương trình", "CTr", 9),
    ("KE_HOACH", "Kế hoạch", "KH", 10), ("PHUONG_AN", "Phương án", "PA", 11), ("DE_AN", "Đề án", "ĐA", 12),
    ("DU_AN", "Dự án", "DA", 13), ("BAO_CAO", "Báo cáo", "BC", 14), ("BIEN_BAN", "Biên bản", "BB", 15),
    ("TO_TRINH", "Tờ trình", "TTr", 16), ("HOP_DONG", "Hợp đồng", "HĐ", 17), ("CONG_VAN", "Công văn", "", 18),
    ("CONG_DIEN", "Công điện", "CĐ", 19), ("BAN_GHI_NHO", "Bản ghi nhớ", "BGN", 20),
    ("BAN_CAM_KET", "Bản cam kết", "BCK", 21), ("BAN_THOA_THUAN", "Bản thỏa thuận", "BTT", 22),
    ("GIAY_CHUNG_NHAN", "Giấy chứng nhận", "GCN", 23), ("GIAY_UY_QUYEN", "Giấy ủy quyền", "GUQ", 24),
    ("GIAY_MOI", "Giấy mời", "GM", 25), ("GIAY_GIOI_THIEU", "Giấy giới thiệu", "GGT", 26),
    ("GIAY_NGHI_PHEP", "Giấy nghỉ phép", "GNP", 27), ("PHIEU_GUI", "Phiếu gửi", "PG", 28),
    ("PHIEU_CHUYEN", "Phiếu chuyển", "PC", 29), ("PHIEU_BAO", "Phiếu báo", "PB", 30), ("THU_CONG", "Thư công", "", 31),
    ("KHAC", "Khác", "", 0),
]


def seed(apps, schema_editor):
    DocumentType = apps.get_model("documents", "DocumentType")
    for code, name, abbr, qcvn in TYPES:
        DocumentType.objects.get_or_create(
            code=code, defaults={"name": name, "abbreviation": abbr, "qcvn_type": qcvn, "qcvn_type_detail": 0}
        )


class Migration(migrations.Migration):
    dependencies = [("documents", "0002_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
