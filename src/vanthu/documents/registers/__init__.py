"""Register books (sổ văn bản, ND30 Phụ lục IV): the incoming and outgoing books as rows and as titled tables."""

from vanthu.documents.registers.book import INCOMING_BOOKS, BookKind, RegisterBook, book_columns
from vanthu.documents.registers.outgoing import OutgoingRow, outgoing_register_book
from vanthu.documents.registers.rows import (
    ArrivalRow,
    HandlingRow,
    incoming_registers_for_user,
    register_documents,
    register_get_for_user,
    register_rows,
)
from vanthu.documents.registers.selectors import (
    book_documents,
    book_of,
    book_register_get,
    register_book,
    registers_for_book,
)

__all__ = [
    "INCOMING_BOOKS", "ArrivalRow", "BookKind", "HandlingRow", "OutgoingRow", "RegisterBook", "book_columns",
    "book_documents", "book_of", "book_register_get", "incoming_registers_for_user", "outgoing_register_book",
    "register_book", "register_documents", "register_get_for_user", "register_rows", "registers_for_book",
]
