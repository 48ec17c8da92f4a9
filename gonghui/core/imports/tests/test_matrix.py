"""Runs the import pages through the shared permission matrix until core/testing/matrix.py
lists this app's matrix module in MATRIX_MODULES (then the shared test covers it)."""

import pytest

from gonghui.core.imports.tests.matrix import ENDPOINTS
from gonghui.core.testing.matrix import MATRIX_MODULES, RELATIONS, ROLES
from gonghui.core.tests.test_permission_matrix import test_permission_matrix as check_case

REGISTERED = "gonghui.core.imports.tests.matrix" in MATRIX_MODULES
CASES = [
    pytest.param(endpoint, role, relation, id=f"{endpoint.name}-{role}-{relation}")
    for endpoint in ([] if REGISTERED else ENDPOINTS)
    for role in (*ROLES, "anonymous")
    for relation in (RELATIONS if endpoint.scoped else ("own",))
]


@pytest.mark.django_db
@pytest.mark.parametrize(("endpoint", "role", "relation"), CASES)
def test_import_pages_permission_matrix(client, tree, endpoint, role, relation):
    check_case(client, tree, endpoint, role, relation)
