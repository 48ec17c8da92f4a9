"""The public (no-login) pages: the reading page, the printable page, the submission page
(every error in one round, nothing written, rate limit) and the status page by code."""

import pytest

from gonghui.forum.models import Submission
from gonghui.forum.services import PUBLIC_SUBMISSIONS_PER_HOUR
from gonghui.forum.tests.factories import ARTICLE_TEXT, build_edition, build_submission

pytestmark = pytest.mark.django_db


def _form(tree, **extra):
    data = {
        "title": "我心中的工会",
        "author_name": "钱主席",
        "author_org": "乙镇某公司工会",
        "org": tree.b.pk,
        "text": ARTICLE_TEXT,
        "contact_name": "钱先生",
        "contact_phone": "13700001111",
        "consent": "on",
    }
    data.update(extra)
    return data


def test_a_published_edition_is_readable_and_printable_without_login(client, tree):
    edition = build_edition(org=tree.county, number=5, status="published")
    build_submission(
        org=tree.a, title="刊发的文章", status="published", edition=edition, editor_note="好文"
    )
    build_submission(org=tree.a, title="还在审的文章", status="first")
    home = client.get("/forum/public/")
    assert home.status_code == 200 and "第5期" in home.content.decode()
    page = client.get(f"/forum/public/editions/{edition.pk}/").content.decode()
    assert "刊发的文章" in page and "小编说" in page and "还在审的文章" not in page
    printable = client.get(f"/forum/public/editions/{edition.pk}/print/")
    assert printable.status_code == 200 and "打印或另存为 PDF" in printable.content.decode()


def test_a_planned_edition_is_not_public(client, tree):
    edition = build_edition(org=tree.county, number=6)
    assert client.get(f"/forum/public/editions/{edition.pk}/").status_code == 404
    assert client.get(f"/forum/public/editions/{edition.pk}/print/").status_code == 404


def test_public_submission_stores_the_article_and_shows_the_tracking_code(client, tree):
    response = client.post("/forum/public/submit/", _form(tree))
    assert response.status_code == 302
    article = Submission.objects.get(title="我心中的工会")
    assert (article.source, article.org, article.status) == ("public", tree.b, "first")
    done = client.get(response["Location"]).content.decode()
    assert article.tracking_code in done
    status = client.get(f"/forum/public/status/?code={article.tracking_code}").content.decode()
    assert "待初审" in status


def test_public_submission_reports_every_error_at_once_and_writes_nothing(client, tree):
    response = client.post(
        "/forum/public/submit/",
        _form(tree, title="", text="太短", contact_phone="12345", consent=""),
    )
    assert response.status_code == 422
    body = response.content.decode()
    for message in ("请填写标题", "正文至少 200 个字", "手机号码应为 11 位", "请勾选投稿须知"):
        assert message in body
    assert Submission.objects.count() == 0


def test_public_submission_is_rate_limited(client, tree):
    for i in range(PUBLIC_SUBMISSIONS_PER_HOUR):
        assert client.post("/forum/public/submit/", _form(tree, title=f"稿{i}")).status_code == 302
    response = client.post("/forum/public/submit/", _form(tree, title="再一篇"))
    assert response.status_code == 429
    assert "投稿过于频繁" in response.content.decode()
    assert not Submission.objects.filter(title="再一篇").exists()


def test_an_unknown_tracking_code_answers_not_found(client, tree):
    response = client.get("/forum/public/status/?code=NOPE")
    assert response.status_code == 404
    assert "没有找到查询码" in response.content.decode()


def test_a_public_author_revises_through_the_status_page(client, tree):
    article = build_submission(org=tree.b, source="public", status="revise")
    response = client.post(
        "/forum/public/status/",
        {
            "code": article.tracking_code,
            "revise": "1",
            "title": "修改后",
            "author_name": "钱主席",
            "text": ARTICLE_TEXT,
        },
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert (article.title, article.status, article.revision) == ("修改后", "first", 2)


def test_images_are_public_only_once_their_article_is_published(client, tree):
    from gonghui.forum.services import _files_save
    from gonghui.forum.tests.factories import png_upload

    article = build_submission(org=tree.a, status="accepted")
    upload = png_upload()
    _files_save(article, [(upload, "image/png", "p.png", upload.size)])
    stored = article.files.get()
    assert client.get(f"/forum/public/files/{stored.pk}/").status_code == 404
    Submission.objects.filter(pk=article.pk).update(status="published")
    response = client.get(f"/forum/public/files/{stored.pk}/")
    assert response.status_code == 200 and response["Content-Type"] == "image/png"


def test_the_editions_pdf_takes_the_public_pages_rate_limit(client, tree, monkeypatch):
    """Counted before the edition is looked up or a PDF rendered (a planned edition: 404
    while under the limit, so no PDF is rendered here); other addresses are not held up."""
    from gonghui.sites.public import services as public

    monkeypatch.setattr(public, "PUBLIC_READS_PER_MINUTE", 2)
    edition = build_edition(org=tree.county, number=9)
    url = f"/forum/public/editions/{edition.pk}/pdf/"
    assert [client.get(url).status_code for _ in range(2)] == [404, 404]
    response = client.get(url)
    assert response.status_code == 429
    assert public.TOO_MANY_READS in response.content.decode()
    assert client.get(url, REMOTE_ADDR="10.0.0.9").status_code == 404
