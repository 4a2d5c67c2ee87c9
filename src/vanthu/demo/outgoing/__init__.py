"""Outgoing documents of Tỉnh Demo in every state, really signed with the demo PKI (``vanthu demo-sign``):
``plans`` (the documents as data), ``files`` (DOCX and phụ lục sources), ``pkiservice`` (the TSA/OCSP service
while signing), ``loader`` (the run through the real services)."""

from vanthu.demo.outgoing.loader import DemoSignSummary, demo_outgoing_exists, demo_sign
from vanthu.demo.outgoing.pkiservice import demo_pki_running

__all__ = ["DemoSignSummary", "demo_outgoing_exists", "demo_pki_running", "demo_sign"]
