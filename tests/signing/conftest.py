"""The ``test_pki`` fixture lives in tests/conftest.py so every test directory can use it."""
