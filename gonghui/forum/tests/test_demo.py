"""The forum's demo data: every state of an article and of an edition, reviews by three
different people, deterministic and idempotent."""

import pytest

from gonghui.forum.models import (
    Edition,
    EditionStatus,
    Submission,
    SubmissionReview,
    SubmissionStatus,
)


@pytest.mark.django_db
def test_demo_has_every_state_and_keeps_the_stage_rule():
    # the demo county and its users are all the forum's seeder reads (not the members,
    # sites, staffing or assistance demos seeded before it)
    from gonghui.accounts.demo import seed as seed_accounts
    from gonghui.forum.demo import seed
    from gonghui.orgs.demo import seed as seed_orgs

    seed_orgs(seed=2026)
    seed_accounts(seed=2026)
    seed(seed=2026)
    states = set(Submission.objects.values_list("status", flat=True))
    assert states == set(SubmissionStatus.values)
    assert set(Edition.objects.values_list("status", flat=True)) == set(EditionStatus.values)
    assert set(Submission.objects.values_list("source", flat=True)) == {"staff", "public"}
    # No one took two stages of one article.
    pairs = SubmissionReview.objects.values_list("submission_id", "reviewer_id", "stage")
    seen: dict[tuple[int, int], set[str]] = {}
    for submission_id, reviewer_id, stage in pairs:
        seen.setdefault((submission_id, reviewer_id), set()).add(stage)
    assert all(len(stages) == 1 for stages in seen.values())
    before = (Submission.objects.count(), SubmissionReview.objects.count())
    assert seed(seed=2026) == "forum demo already present"
    assert (Submission.objects.count(), SubmissionReview.objects.count()) == before
