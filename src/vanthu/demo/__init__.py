"""The demo province ("Tỉnh Demo"): organisations, people, documents, PKI and hub for trying Vanthu out."""
