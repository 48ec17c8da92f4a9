"""Builders of forum records for tests and matrix setups (outside fixtures)."""

import datetime
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from gonghui.forum.models import (
    Edition,
    ProofRound,
    Submission,
    SubmissionReview,
    SubmissionStatus,
    Topic,
)

ARTICLE_TEXT = (
    "基层工会是党联系职工群众的桥梁和纽带。" * 8
    + "\n\n我们坚持把职工的需要作为工作的出发点，走访企业、倾听呼声、解决难题。" * 4
)


def build_topic(*, org, title="学党史、悟思想", days=30) -> Topic:
    return Topic.objects.create(
        org=org,
        title=title,
        call_text="围绕主题谈认识、谈做法。",
        deadline=timezone.localdate() + datetime.timedelta(days=days),
    )


def build_submission(*, org, status=SubmissionStatus.FIRST, title="办实事的几点体会", **extra):
    return Submission.objects.create(
        org=org,
        title=title,
        author_name=extra.pop("author_name", "王主席"),
        author_position="工会主席",
        author_org=org.name,
        text=ARTICLE_TEXT,
        status=status,
        stage_since=extra.pop("stage_since", timezone.now()),
        **extra,
    )


def build_accepted(*, org, reviewers, title="录用的稿件", proofs=0, proofreader=None, note=""):
    """An accepted article with its three reviews by three different people."""
    article = build_submission(org=org, status=SubmissionStatus.ACCEPTED, title=title)
    for stage, reviewer in zip(("first", "second", "final"), reviewers, strict=True):
        SubmissionReview.objects.create(
            submission=article, stage=stage, revision=1, reviewer=reviewer, decision="accept"
        )
    for number in range(1, proofs + 1):
        ProofRound.objects.create(submission=article, number=number, proofreader=proofreader)
    if note:
        article.editor_note = note
        article.save(update_fields=["editor_note"])
    return article


def build_edition(*, org, number=1, **extra) -> Edition:
    return Edition.objects.create(
        org=org, number=number, issue_date=extra.pop("issue_date", timezone.localdate()), **extra
    )


def png_upload(name="photo.png") -> SimpleUploadedFile:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), (200, 30, 30)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def exe_upload(name="run.exe") -> SimpleUploadedFile:
    return SimpleUploadedFile(
        name, b"MZ\x90\x00" + b"\x00" * 100, content_type="application/octet-stream"
    )
