"""Works contests, entries and judges for tests and matrix setups (outside any fixture)."""

import datetime
import io
import itertools

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from gonghui.outreach.contests import services
from gonghui.outreach.contests.models import ContestStatus, WorksContest

_counter = itertools.count(1)
CATEGORIES = [
    {"name": "征文", "takes_text": True, "max_images": 0, "text_max_chars": 2000},
    {"name": "摄影", "takes_text": False, "max_images": 3},
]


def png_upload(name="work.png", size=(40, 30), colour=(200, 30, 30)):
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def build_contest(*, org, actor=None, status=ContestStatus.OPEN, **overrides):
    now = timezone.now()
    data = dict(
        title=f"“劳动最美”职工作品征集{next(_counter)}",
        theme="讴歌劳动、礼赞工匠",
        opens_at=now - datetime.timedelta(days=10),
        deadline=now + datetime.timedelta(days=10),
        prizes=[{"name": "一等奖", "count": 1}, {"name": "二等奖", "count": 2}],
        categories=CATEGORIES,
    )
    data.update(overrides)
    contest = services.contest_create(actor=actor, org=org, **data)
    if status != ContestStatus.DRAFT:
        WorksContest.objects.filter(pk=contest.pk).update(status=status)
        contest.refresh_from_db()
    return contest


def category(contest, name="征文"):
    return contest.categories.get(name=name)


def submit(contest, *, name="征文", phone=None, **overrides):
    n = next(_counter)
    data = dict(
        author_name=f"作者{n}",
        author_unit="甲镇电子厂",
        phone=phone or f"139{n:08d}",
        title=f"作品{n}",
        text="劳动创造美好生活。" if name == "征文" else "",
        images=[] if name == "征文" else [png_upload()],
    )
    data.update(overrides)
    return services.entry_submit_public(contest=contest, category=category(contest, name), **data)
