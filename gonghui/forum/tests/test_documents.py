"""The published edition's page as a PDF (刊发版面): produced from the published articles
in page order with their images and editor's notes, Chinese fonts embedded, each title a
bookmark; not for an edition still being planned."""

import re

import pytest

from gonghui.core.testing.pdf import pdf_objects, pdf_page_count, pdf_titles
from gonghui.forum import documents, selectors
from gonghui.forum.models import SubmissionFile
from gonghui.forum.tests.factories import build_edition, build_submission, png_upload

pytestmark = pytest.mark.django_db


def _published(tree):
    edition = build_edition(org=tree.county, number=7, status="published", title="办实事")
    first = build_submission(
        org=tree.a, title="甲镇工会的实事清单", status="published", edition=edition, position=1
    )
    second = build_submission(
        org=tree.b,
        title="乙镇：把服务送到车间",
        status="published",
        edition=edition,
        position=2,
        editor_note="值得一读",
    )
    upload = png_upload()
    SubmissionFile.objects.create(
        submission=second,
        file=upload,
        original_name="photo.png",
        content_type="image/png",
        size=upload.size,
    )
    build_submission(org=tree.a, title="还在审的文章", status="first")
    return edition, first, second


def test_the_published_edition_downloads_as_a_pdf_with_its_titles(client, tree):
    edition, first, second = _published(tree)
    response = client.get(f"/forum/public/editions/{edition.pk}/pdf/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    pdf = response.content
    assert pdf.startswith(b"%PDF-") and pdf_page_count(pdf) >= 1
    titles = pdf_titles(pdf)
    # The document's title, and the masthead and the articles in page order (bookmarks).
    assert "主席论坛 第7期" in titles
    assert [t for t in titles if t in (first.title, second.title)] == [first.title, second.title]
    assert "还在审的文章" not in titles
    objects = pdf_objects(pdf)
    assert b"/FontFile" in objects  # the fonts travel inside the file
    assert b"NotoSerifCJK" in objects or b"NotoSansCJK" in objects
    assert re.search(rb"/Subtype\s*/Image", objects)  # the article's picture


def test_the_pdf_lays_out_the_text_and_the_editors_note(tree):
    from weasyprint import HTML

    edition, first, second = _published(tree)
    html = documents.edition_html(edition, selectors.public_articles(edition))
    document = HTML(string=html).render()
    text = "".join(
        box.text
        for page in document.pages
        for box in page._page_box.descendants()
        if hasattr(box, "text")
    )
    assert first.title in text and "值得一读" in text and "第7期" in text
    assert "基层工会是党联系职工群众的桥梁和纽带" in text


def test_a_planned_edition_has_no_pdf(client, tree):
    edition = build_edition(org=tree.county, number=8)
    assert client.get(f"/forum/public/editions/{edition.pk}/pdf/").status_code == 404
