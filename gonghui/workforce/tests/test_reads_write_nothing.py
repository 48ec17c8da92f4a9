"""A GET writes nothing: the county's default studio checklist and mentorship rule are
shown (pages and API) from unsaved defaults and saved only when a user saves."""

import datetime

import pytest

from gonghui.accounts.services import token_create
from gonghui.workforce.mentorships import services as mentorship_services
from gonghui.workforce.mentorships.models import MentorshipPolicy
from gonghui.workforce.studios import services as studio_services
from gonghui.workforce.studios.models import StandardItem
from gonghui.workforce.tests import factories as f

pytestmark = pytest.mark.django_db
YEAR = datetime.date.today().year - 1
API = "/api/v1/workforce"


def _rows():
    return StandardItem.objects.count(), MentorshipPolicy.objects.count()


def test_pages_and_api_reads_of_the_checklist_and_the_rule_write_nothing(client, tree, users):
    staff = users.township_staff
    studio = studio_services.studio_create(
        actor=staff, lead=f.member(tree.a1), host=f.enterprise(tree.a1, has_union=True),
        name="测试劳模创新工作室", kind="model_worker", founded_on=datetime.date(YEAR - 2, 3, 1),
        site="厂区二号楼", area_m2=80, funds="30000",
    )  # fmt: skip
    studio_services.studio_name(
        actor=staff, studio=studio, level="county", named_on=datetime.date(YEAR, 1, 1)
    )
    signed_on = datetime.date.today() - datetime.timedelta(days=30)
    pair = mentorship_services.mentorship_create(
        actor=staff, master=f.member(tree.a1), apprentice=f.member(tree.a1), trade=f.trade(),
        signed_on=signed_on, starts_on=signed_on, ends_on=signed_on + datetime.timedelta(days=364),
        goals="一年内达到高级工水平",
    )  # fmt: skip
    MentorshipPolicy.objects.all().delete()  # as before the county's rule was first used
    assert _rows() == (0, 0)

    client.force_login(staff)
    for url in (
        f"/workforce/studios/{studio.pk}/",
        f"/workforce/studios/{studio.pk}/appraisal/",
        f"/workforce/mentorships/{pair.pk}/",
    ):
        assert client.get(url).status_code == 200, url
    page = client.get(f"/workforce/studios/{studio.pk}/appraisal/")
    assert "场所" in page.content.decode()  # the default checklist, shown unsaved
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token_create(user=staff, name='t')}"}
    preview = client.get(f"{API}/studios/{studio.pk}/appraisal?year={YEAR}&sign=8", **auth)
    assert preview.status_code == 200 and len(preview.json()["items"]) == 8
    admin = users.county_admin
    client.force_login(admin)
    settings_page = client.get(f"/workforce/settings/?county={tree.county.pk}")
    assert settings_page.status_code == 200
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token_create(user=admin, name='t')}"}
    standards = client.get(f"{API}/studios/standards?county_id={tree.county.pk}", **auth)
    assert standards.status_code == 200 and len(standards.json()["items"]) == 8
    policy = client.get(f"{API}/mentorships/policy?county_id={tree.county.pk}", **auth)
    assert policy.status_code == 200
    assert _rows() == (0, 0)

    # Saving an appraisal keeps the checklist it was computed with
    studio_services.studio_appraise(
        actor=staff, studio=studio, year=YEAR, manual_scores={"sign": 8, "facilities": 10, "rules": 6}
    )  # fmt: skip
    assert StandardItem.objects.filter(org=tree.county).count() == 8
