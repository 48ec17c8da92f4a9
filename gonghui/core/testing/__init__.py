"""Test harness that needs no domain app: the database plugin (db_plugin.py, pgcluster.py,
pgroles.py), the browser plugin (browser.py) and the permission-matrix harness (matrix.py).
Fixtures that build orgs and users live in gonghui/testing/ (they use the domain apps)."""

# The password of every user the fixtures create (gonghui/testing/fixtures.py), with which
# the browser tests log in.
TEST_PASSWORD = "Test@Gonghui2026"
