"""Liên thông văn bản: edXML packages (QCVN 102:2016), the hub client, the outbox and status packages."""
