"""Demo data of the 主席论坛 column for the fictional 青禾县: topics (open and closed), staff
and public articles in every state (each review stage, one waiting past the reminder, sent
back, declined, accepted, on a planned edition, published), proof rounds, editors' notes and
three editions (two published, one being planned).

Deterministic for a seed and idempotent: nothing is added once the demo topics exist.
Every name and phone number is made up.
"""

import datetime
import random

from django.db import transaction
from django.utils import timezone

from gonghui.accounts.models import Role, RoleCode, User
from gonghui.core.demo import DEMO_PASSWORD
from gonghui.forum import services
from gonghui.forum.models import Edition, Submission, SubmissionSource, Topic
from gonghui.orgs.models import Org, township_q

COUNTY_CODE = "339901"
TOPICS = [
    ("学党史、悟思想", "结合本单位实际，谈学习党史的收获和体会。", 30),
    ("办实事、开新局", "讲讲工会为职工办实事的做法、成效和思考。", 45),
    ("产业工人队伍建设改革", "围绕技能提升、职业发展谈基层工会的实践。", -20),
]
TITLES = [
    "把职工的“小事”当成工会的“大事”",
    "让职工之家真正成为职工的家",
    "从一次走访说起",
    "新就业形态劳动者入会的几点思考",
    "以技能竞赛带动队伍建设",
    "工会主席要当好“娘家人”",
    "用好户外劳动者服务站点",
    "困难职工帮扶要精准",
    "企业民主管理的基层实践",
    "做实做细职工普惠服务",
    "园区联合工会的探索",
    "劳动关系协调员在行动",
    "以案促改 维护职工合法权益",
    "女职工关爱行动的体会",
]
SURNAMES = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张"
POSITIONS = ["工会主席", "工会副主席", "工会干部", "工会委员"]
SENTENCES = [
    "基层工会是党联系职工群众的桥梁和纽带，必须把职工的需要作为工作的出发点和落脚点。",
    "今年以来，我们坚持走访企业、倾听职工呼声，建立了问题台账，逐项销号解决。",
    "在实践中我们体会到，工会工作只有贴近职工，才能赢得职工的信任和支持。",
    "我们依托职工之家和户外劳动者服务站点，把服务送到职工身边。",
    "针对新就业形态劳动者流动性强的特点，我们推行“线上入会、就近服务”。",
    "下一步，我们将继续完善帮扶机制，让困难职工的帮扶更精准、更及时。",
    "技能竞赛既是练兵场，也是职工成长成才的舞台。",
    "企业发展离不开职工，职工成长离不开企业，工会要当好双方沟通的桥梁。",
]
NOTES = [
    "从一件件小事做起，才能把职工的心焐热。",
    "这篇文章里的做法，值得各乡镇工会借鉴。",
    "服务职工没有终点，期待更多基层的好故事。",
]


def _text(rng: random.Random) -> str:
    paragraphs = []
    for _ in range(rng.randint(4, 6)):
        paragraphs.append("".join(rng.sample(SENTENCES, 3)))
    return "\n\n".join(paragraphs)


def _editor(county: Org) -> User:
    """A second county staff member for the editorial office (初审 in the demo)."""
    from gonghui.accounts.services import role_grant, user_create

    user = User.objects.filter(username="forum_editor").first()
    if user is None:
        user = user_create(
            actor=None,
            username="forum_editor",
            password=DEMO_PASSWORD,
            full_name="孙编辑",
            org=county,
        )
        role_grant(
            actor=None, user=user, org=county, role=Role.objects.get(code=RoleCode.COUNTY_STAFF)
        )
    return user


def seed(*, seed: int) -> str:
    county = Org.objects.filter(code=COUNTY_CODE).first()
    if county is None:
        return "skipped: the demo county is missing (run gonghui.orgs.demo first)"
    if Topic.objects.filter(org=county, title=TOPICS[0][0]).exists():
        return "forum demo already present"
    reviewers = {
        "first": _editor(county),
        "second": User.objects.filter(username="county_staff").first(),
        "final": User.objects.filter(username="county_admin").first(),
    }
    if None in reviewers.values():
        return "skipped: the demo users are missing (run gonghui.accounts.demo first)"
    townships = list(
        Org.objects.filter(township_q(), path__startswith=county.path).order_by("code")
    )
    with transaction.atomic():
        return _seed(random.Random(seed), county, townships, reviewers)


def _seed(rng, county, townships, reviewers) -> str:
    today = timezone.localdate()
    topics = [
        Topic.objects.create(
            org=county,
            title=title,
            call_text=text,
            deadline=today + datetime.timedelta(days=days),
            created_by=reviewers["final"],
        )
        for title, text, days in TOPICS
    ]
    authors = list(User.objects.filter(username__in=["township_staff", "social_worker"]))
    titles = iter(TITLES * 3)
    count = {"n": 0}

    def article(status_path: list[str], *, public: bool = False, days_ago: int = 2):
        """An article taken through the reviews listed (stage decisions), by services."""
        township = townships[count["n"] % len(townships)] if townships else county
        count["n"] += 1
        name = rng.choice(SURNAMES) + rng.choice(["建华", "志强", "丽萍", "海燕", "国庆", "秀英"])
        fields = {
            "title": next(titles),
            "author_name": name,
            "author_position": rng.choice(POSITIONS),
            "author_org": township.name,
            "text": _text(rng),
        }
        topic = rng.choice(topics[:2])
        if public:
            a = services._public_create(
                org=township,
                topic=topic,
                ip=None,
                ip_hash="",
                files=None,
                contact_name=name,
                contact_phone=f"139{rng.randint(0, 99999999):08d}",
                consent=True,
                **fields,
            )
        else:
            author = rng.choice(authors) if authors else None
            fields["author_org"] = author.org.name if author else township.name
            a = services._create(
                org=author.org if author else township,
                topic=topic,
                values={**fields, "files": []},
                source=SubmissionSource.STAFF,
                actor=author,
            )
        for stage, decision in status_path:
            services.review_record(
                actor=reviewers[stage],
                submission=a,
                stage=stage,
                decision=decision,
                comment="" if decision == "accept" else "请补充具体事例，压缩到 1500 字以内。",
            )
        a.refresh_from_db()
        Submission.objects.filter(pk=a.pk).update(
            stage_since=timezone.now() - datetime.timedelta(days=days_ago)
        )
        return a

    accept_all = [("first", "accept"), ("second", "accept"), ("final", "accept")]
    article([], days_ago=1)
    article([], public=True, days_ago=12)  # waiting past the reminder
    article([("first", "accept")], days_ago=3)
    article([("first", "accept"), ("second", "accept")], days_ago=9)
    article([("first", "revise")], public=True)
    article([("first", "decline")])
    article(accept_all)  # accepted, waiting for an edition
    article(accept_all, public=True)

    def ready():
        # Outside authors from several townships: the planner's hint then shows some
        # published a while ago and some never.
        a = article(accept_all, public=True)
        for _ in range(3):
            services.proof_record(actor=reviewers["first"], submission=a, note="已校")
        services.editor_note_set(actor=reviewers["first"], submission=a, note=rng.choice(NOTES))
        return a

    editions = []
    for number, days_back in ((1, 120), (2, 30)):
        edition = services.edition_create(
            actor=reviewers["final"],
            org=county,
            number=number,
            issue_date=today - datetime.timedelta(days=days_back),
            page="第4版",
            title="基层工会主席谈工作",
        )
        services.edition_articles_add(
            actor=reviewers["final"], edition=edition, submission_ids=[ready().pk, ready().pk]
        )
        services.edition_publish(actor=reviewers["final"], edition=edition)
        published_at = timezone.now() - datetime.timedelta(days=days_back)
        Edition.objects.filter(pk=edition.pk).update(published_at=published_at)
        Submission.objects.filter(edition=edition).update(published_at=published_at)
        editions.append(edition)
    planned = services.edition_create(
        actor=reviewers["final"],
        org=county,
        number=3,
        issue_date=today + datetime.timedelta(days=10),
        page="第4版",
    )
    services.edition_articles_add(
        actor=reviewers["final"], edition=planned, submission_ids=[ready().pk]
    )
    return f"{len(topics)} topics, {count['n']} articles, 3 editions"
