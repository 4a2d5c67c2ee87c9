"""The demo province ("Tỉnh Demo"): organisations, people and incoming documents for trying Vanthu out."""

from vanthu.demo.data import DEMO_PASSWORD
from vanthu.demo.loader import DemoLogin, DemoSummary, database_wipe, demo_exists, demo_load, demo_logins

__all__ = ["DEMO_PASSWORD", "DemoLogin", "DemoSummary", "database_wipe", "demo_exists", "demo_load", "demo_logins"]
