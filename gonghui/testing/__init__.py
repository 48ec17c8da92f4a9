"""Test helpers built on the domain apps: the shared org tree, users per role and
employers (fixtures.py, a pytest plugin wired in gonghui/conftest.py), and a seeded demo
database with every encrypted field filled (seeding.py). The domain-free harness (database,
browser, permission matrix) is gonghui/core/testing/."""
