"""What the web edge does to every request before a view sees it: who the client is, which characters a text may
carry, which security headers a response takes, and how a refused request is logged."""
