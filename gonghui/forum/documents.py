"""The published edition's page (刊发版面) as a PDF: one A3 newspaper page per edition (more
when the articles run over), the masthead, the articles in three columns with their images
and editor's notes, Chinese fonts embedded (gonghui.core.pdf). Each article title is also a
PDF bookmark, so a reader jumps between articles.

A published edition changes only when an editor's note is edited, so the file is cached under
a key that moves with the edition's and its articles' last change."""

from django.core.cache import cache
from django.template.loader import render_to_string

from gonghui.core.pdf import font_files, html_to_pdf, media_uri
from gonghui.forum.models import Edition

CACHE_SECONDS = 7 * 24 * 3600


def edition_title(edition: Edition) -> str:
    return f"主席论坛 第{edition.number}期"


def edition_html(edition: Edition, articles) -> str:
    rows = []
    for article in articles:
        images = [media_uri(f.file) for f in article.files.all() if f.is_image]
        rows.append({"a": article, "images": images})
    return render_to_string(
        "forum/edition_pdf.html",
        {"e": edition, "rows": rows, "fonts": font_files(), "title": edition_title(edition)},
    )


def edition_pdf(edition: Edition, articles) -> bytes:
    """The edition's PDF (articles: the published ones in page order, files prefetched)."""
    articles = list(articles)
    stamp = max([edition.updated_at, *(a.updated_at for a in articles)]).timestamp()
    key = f"forum:edition_pdf:{edition.pk}:{len(articles)}:{stamp}"
    content = cache.get(key)
    if content is None:
        content = html_to_pdf(edition_html(edition, articles), title=edition_title(edition))
        cache.set(key, content, CACHE_SECONDS)
    return content
