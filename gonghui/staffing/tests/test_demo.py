"""The staffing demo: every state of the module shows up after `gonghui seed-demo`."""

import io

from django.core.management import call_command

from gonghui.staffing.models import (
    Appraisal,
    AppraisalResult,
    AppraisalStatus,
    Objection,
    Post,
    SocialWorker,
    Training,
)


def test_the_demo_has_every_state(db):
    call_command("seed-demo", "--seed", "2026", stdout=io.StringIO())
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
