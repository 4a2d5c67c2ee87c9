"""Register books (sổ đăng ký văn bản, ND30 Phụ lục IV): rows, XLSX and PDF exports."""

from vanthu.documents.registers.pdf import register_pdf
from vanthu.documents.registers.rows import (
    ArrivalRow,
    BookKind,
    HandlingRow,
    RegisterBook,
    RegisterPeriod,
    incoming_registers_for_user,
    register_book,
    register_documents,
    register_get_for_user,
    register_rows,
)
from vanthu.documents.registers.xlsx import register_xlsx

__all__ = [
    "ArrivalRow", "BookKind", "HandlingRow", "RegisterBook", "RegisterPeriod", "incoming_registers_for_user",
    "register_book", "register_documents", "register_get_for_user", "register_pdf", "register_rows",
    "register_xlsx",
]
