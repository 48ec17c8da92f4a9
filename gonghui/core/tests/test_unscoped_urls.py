"""The URLs outside the module permission matrix: one's own pages and the public ones.

Every role reaches its own home, profile and /api/v1/me; anonymous users are sent to the
login page (API: 401); the public join pages and the health check need no login. The home
page counts only the user's subtree.
"""

import pytest

from gonghui.core.testing.matrix import ROLES
from gonghui.testing.fixtures import make_user

pytestmark = pytest.mark.django_db

OWN_PAGES = ["/", "/accounts/profile/"]
PUBLIC_PAGES = [
    "/join/",
    "/join/status/",
    "/join/employers/?q=测试",
    "/healthz",
    "/accounts/login/",
]


@pytest.mark.parametrize("role", ROLES)
def test_every_role_reaches_its_own_pages(client, tree, role):
    user = make_user(f"own_{role}", role, tree.a)
    client.force_login(user)
    for url in OWN_PAGES:
        assert client.get(url).status_code == 200, url
    from gonghui.accounts.services import token_create

    token = token_create(user=user, name="t")
    me = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert me.status_code == 200
    assert me.json()["username"] == f"own_{role}"


def test_anonymous_is_sent_to_login_for_own_pages(client):
    for url in OWN_PAGES:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert client.get("/api/v1/me").status_code == 401


def test_public_pages_need_no_login(client, tree):
    for url in PUBLIC_PAGES:
        assert client.get(url).status_code == 200, url


def test_home_counts_only_the_users_subtree(client, tree, enterprise_factory):
    enterprise_factory(org=tree.a1)
    enterprise_factory(org=tree.b1)
    client.force_login(make_user("home_a", "township_staff", tree.a))
    counts = client.get("/").context["counts"]
    assert counts["orgs"] == 3  # A, A1, AE
    assert counts["enterprises"] == 1
