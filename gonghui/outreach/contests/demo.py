"""Demo works contests, one in each stage: a published call (征文 and 摄影) with entries
screened, rejected and withdrawn, judged by a panel of five (trimmed mean, a tie for a prize)
and its winners' gallery; a call being judged (书画, some scores still to give); an open call
with entries waiting for screening; a draft. Pictures are drawn here (no real photos).

Entries are only taken before the deadline, so the closed calls are seeded as the office
would have lived them: the call opens, entries come in, and the deadline is then moved back
through `contest_update` before the judging. Idempotent: nothing is added when the county
already has contests."""

import datetime
import io
import random
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from gonghui.accounts.models import User
from gonghui.orgs.models import Org
from gonghui.outreach.caravans.demo import person
from gonghui.outreach.contests import services
from gonghui.outreach.contests.models import Entry, EntryStatus, ScoringMethod, WorksContest

JUDGES = ["county_staff", "county_admin", "township_staff", "leader", "social_worker"]
UNITS = ["机电有限公司", "服饰有限公司", "物流有限公司", "县人民医院", "建筑工程公司", "实验小学"]
ESSAY = (
    "清晨六点，车间的灯光已经亮起。老师傅把焊枪递给我，说：“手要稳，心更要稳。”"
    "十年过去，我从学徒成了班组长，才懂得劳动不只是谋生，更是把平凡的日子过得踏实而有光。"
)
TEXT = {"takes_text": True, "max_images": 0, "text_max_chars": 3000}
PICTURES = {"takes_text": False, "max_images": 3}


def _picture(rng: random.Random, name: str) -> SimpleUploadedFile:
    """A drawn picture: sky, ground and a few shapes in the seed's colours."""
    from PIL import Image, ImageDraw

    width, height = 480, 360
    image = Image.new("RGB", (width, height), tuple(rng.randrange(120, 230) for _ in range(3)))
    draw = ImageDraw.Draw(image)
    draw.rectangle(
        (0, height * 2 // 3, width, height), fill=tuple(rng.randrange(40, 140) for _ in range(3))
    )
    for _ in range(5):
        x, y = rng.randrange(width - 80), rng.randrange(height - 80)
        size = rng.randrange(30, 110)
        colour = tuple(rng.randrange(256) for _ in range(3))
        shape = draw.ellipse if rng.random() < 0.5 else draw.rectangle
        shape((x, y, x + size, y + size * 3 // 4), fill=colour)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


class _Authors:
    def __init__(self, rng: random.Random):
        self.rng, self.n = rng, 0

    def submit(self, contest, category, title: str, *, text: str = "", pictures: int = 0):
        self.n += 1
        return services.entry_submit_public(
            contest=contest,
            category=category,
            author_name=person(self.rng),
            author_unit=self.rng.choice(UNITS),
            phone=f"1990{self.n:07d}",
            title=title,
            text=text,
            images=[_picture(self.rng, f"{self.n}-{k}.png") for k in range(pictures)],
        )


def _open(*, county, title, theme, categories, opens_days, deadline_days, **extra):
    now = timezone.now().replace(second=0, microsecond=0)
    contest = services.contest_create(
        actor=None,
        org=county,
        title=title,
        theme=theme,
        rules="作品须为原创，未在公开刊物发表；每人每类限投 1 件。",
        opens_at=now + datetime.timedelta(days=opens_days),
        deadline=now + datetime.timedelta(days=deadline_days),
        categories=categories,
        **extra,
    )
    if opens_days <= 0:
        contest = services.contest_advance(actor=None, contest=contest)
    return contest


def _close(contest, judges, *, days_ago: int) -> WorksContest:
    """Deadline moved back (the entries' times with it, a day apart before it), panel added,
    call closed for judging, entries assigned to all."""
    deadline = timezone.now().replace(second=0, microsecond=0) - datetime.timedelta(days=days_ago)
    contest = services.contest_update(actor=None, contest=contest, deadline=deadline)
    entries = list(contest.entries.order_by("-id").values_list("id", flat=True))
    for n, pk in enumerate(entries, start=1):
        Entry.objects.filter(pk=pk).update(submitted_at=deadline - datetime.timedelta(hours=20 * n))
    for user in judges:
        services.judge_add(actor=None, contest=contest, user=user)
    contest = services.contest_advance(actor=None, contest=contest)
    services.entries_assign(actor=None, contest=contest)
    return contest


def _score_all(rng, contest, judges, *, every: int = 1, tie: tuple[int, int] | None = None):
    """Each judge scores the entries assigned to them (every `every`-th one); the two
    entries in `tie` get the same scores, so they tie."""
    entries = list(contest.entries.filter(status=EntryStatus.ACCEPTED).order_by("id"))
    base = {e.pk: rng.randrange(140, 190) / 2 for e in entries}
    if tie is not None:
        base[entries[tie[1]].pk] = base[entries[tie[0]].pk]
    for index, entry in enumerate(entries):
        for number, judge in enumerate(judges):
            if (index + number) % every:
                continue
            noise = ((entry.pk * 7 + number * 3) % 9 - 4) / 2 if tie is None else (number - 2)
            value = Decimal(str(min(100, max(60, base[entry.pk] + noise))))
            services.score_submit(actor=judge, entry=entry, value=value, comment="主题鲜明。")


@transaction.atomic
def seed_contests(*, seed: int, county: Org, townships: list[Org]) -> str:
    if WorksContest.objects.filter(org__path__startswith=county.path).exists():
        return "contests present; nothing added"
    rng = random.Random(seed * 7919 + 182)
    authors = _Authors(rng)
    judges = list(User.objects.filter(username__in=JUDGES, is_active=True).order_by("id"))
    made = []

    # A published call: screened, judged by five (trimmed mean), results and gallery.
    contest = _open(
        county=county,
        title="“劳动创造幸福”职工征文摄影作品征集",
        theme="讲述身边的劳动故事，展现新时代产业工人风采。",
        categories=[{"name": "征文", **TEXT}, {"name": "摄影", **PICTURES}],
        opens_days=-75,
        deadline_days=1,
        scoring_method=ScoringMethod.TRIMMED_MEAN,
        prizes="一等奖:1, 二等奖:2, 三等奖:3",
    )
    essay, photo = contest.categories.order_by("position")
    for n in range(7):
        authors.submit(
            contest,
            essay,
            f"我的{['车间', '工地', '班组', '师傅', '岗位', '工友', '小家'][n]}",
            text=ESSAY,
        )
        authors.submit(contest, photo, f"劳动者剪影之{n + 1}", pictures=1 + n % 3)
    entries = list(contest.entries.order_by("id"))
    services.entry_screen(actor=None, entry=entries[-1], accept=False, note="非原创作品。")
    services.entry_withdraw(actor=None, entry=entries[-2], note="作者来电要求撤回。")
    for entry in entries[:-2]:
        services.entry_screen(actor=None, entry=entry, accept=True)
    if judges:
        contest = _close(contest, judges, days_ago=30)
        _score_all(rng, contest, judges, tie=(1, 3))
        contest = services.contest_publish(actor=None, contest=contest)
    made.append(contest)

    # A call being judged: some judges still have entries to score.
    contest = _open(
        county=county,
        title="“匠心筑梦”职工书画作品征集",
        theme="以书画展现劳模精神、劳动精神、工匠精神。",
        categories=[{"name": "书法", **PICTURES}, {"name": "绘画", **PICTURES}],
        opens_days=-40,
        deadline_days=1,
    )
    for category in contest.categories.order_by("position"):
        for n in range(4):
            authors.submit(contest, category, f"{category.name}作品{n + 1}", pictures=1)
    entries = list(contest.entries.order_by("id"))
    for entry in entries[:-1]:
        services.entry_screen(actor=None, entry=entry, accept=True)
    services.entry_screen(actor=None, entry=entries[-1], accept=False, note="尺寸不符合要求。")
    if judges:
        contest = _close(contest, judges[:3], days_ago=5)
        _score_all(rng, contest, judges[:3], every=2)
    made.append(contest)

    # An open call with entries waiting for screening.
    contest = _open(
        county=county,
        title="“声音里的劳动者”职工诵读作品征集",
        theme="诵读劳动者的诗文，传递奋斗力量。",
        categories=[{"name": "诵读文稿", **TEXT}],
        opens_days=-5,
        deadline_days=25,
    )
    category = contest.categories.get()
    for n in range(4):
        authors.submit(contest, category, f"致敬劳动者（{n + 1}）", text=ESSAY[: 60 + n * 10])
    services.entry_screen(actor=None, entry=contest.entries.order_by("id").first(), accept=True)
    made.append(contest)

    # A draft.
    made.append(
        _open(
            county=county,
            title="职工书屋读书征文",
            theme="分享一本书给你的力量。",
            categories=[{"name": "读书征文", **TEXT}],
            opens_days=10,
            deadline_days=60,
        )
    )
    entries = Entry.objects.filter(contest__in=made).count()
    return f"{len(made)} contests, {entries} entries"
