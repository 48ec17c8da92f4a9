"""The staffing demo: every state of the module shows up after `gonghui seed-demo`.

The seeders after staffing's only refer back to it (none writes staffing rows), so the test
runs `seed-demo`'s seeders up to staffing's, full size (the appraisals' computed share counts
the 20,000 demo members' joins): a third of the whole demo's time.
"""

from gonghui.staffing.models import (
    Appraisal,
    AppraisalResult,
    AppraisalStatus,
    Objection,
    Post,
    SocialWorker,
    Training,
)
from gonghui.testing.seeding import seed_demo_through


def test_the_demo_has_every_state(db):
    ran = seed_demo_through("gonghui.staffing.demo.seed")
    assert "gonghui.members.joining.demo.seed" in ran  # the joins the targets count
    assert set(Appraisal.objects.values_list("status", flat=True)) == set(AppraisalStatus.values)
    results = set(Appraisal.objects.exclude(result="").values_list("result", flat=True))
    assert results == set(AppraisalResult.values)
    assert Appraisal.objects.filter(status="rating", worker_ratings__gt=0).exists()
    assert SocialWorker.objects.filter(contract_review=True).exists()
    assert set(SocialWorker.objects.values_list("status", flat=True)) == {"active", "left"}
    assert Post.objects.filter(holder__isnull=True).exists()
    assert Objection.objects.filter(answered_at__isnull=True).exists()
    assert Objection.objects.filter(answered_at__isnull=False).exists()
    assert SocialWorker.objects.get(user__username="social_worker").appraisals.exists()
    assert Training.objects.exists()
