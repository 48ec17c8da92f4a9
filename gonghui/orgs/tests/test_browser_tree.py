"""Browser: the org tree's expand/collapse (fetching /orgs/<id>/children/) and search."""

import pytest
from playwright.sync_api import expect

from gonghui.core.testing.browser import browser_login

pytestmark = pytest.mark.browser


def node(page, org):
    return page.locator(f'#org-tree li.tree-node[data-org-id="{org.pk}"]')


def toggle(page, org):
    return node(page, org).locator(":scope > .tree-row > .tree-toggle")


def test_expand_and_collapse_tree_nodes(page, users, tree):
    browser_login(page, users.county_admin)
    page.goto("/orgs/")

    # the county is the root, open at its first level: the townships in org-code order
    expect(page.locator("#org-tree > li.tree-node")).to_have_count(1)
    expect(toggle(page, tree.county)).to_have_attribute("aria-expanded", "true")
    expect(node(page, tree.a)).to_be_visible()
    expect(node(page, tree.b)).to_be_visible()
    expect(node(page, tree.a).locator(".tree-meta")).to_have_text("2 个下级")
    names = node(page, tree.county).locator(":scope > ul > li > .tree-row > a").all_inner_texts()
    assert names.index(tree.a.name) < names.index(tree.b.name)  # 999001 before 999002

    # collapsing the county hides them, expanding shows them again
    toggle(page, tree.county).click()
    expect(toggle(page, tree.county)).to_have_attribute("aria-expanded", "false")
    expect(node(page, tree.a)).to_be_hidden()
    toggle(page, tree.county).click()
    expect(node(page, tree.a)).to_be_visible()

    # expanding township A shows its community and enterprise unions
    with page.expect_response(f"**/orgs/{tree.a.pk}/children/") as children:
        toggle(page, tree.a).click()
    assert children.value.status == 200
    expect(node(page, tree.a1)).to_be_visible()
    expect(node(page, tree.a1)).to_contain_text("甲镇一村工会")
    expect(node(page, tree.ae)).to_be_visible()
    expect(node(page, tree.b1)).to_have_count(0)  # township B stays collapsed

    # collapsing hides them again without another request, expanding shows them
    requests = []
    page.on("request", lambda r: requests.append(r.url) if "/children/" in r.url else None)
    toggle(page, tree.a).click()
    expect(toggle(page, tree.a)).to_have_attribute("aria-expanded", "false")
    expect(toggle(page, tree.a)).to_have_text("+")
    expect(node(page, tree.a1)).to_be_hidden()
    toggle(page, tree.a).click()
    expect(node(page, tree.a1)).to_be_visible()
    assert requests == []

    # the node links to the org's page
    node(page, tree.a1).locator("a").first.click()
    expect(page.locator("h1")).to_contain_text("甲镇一村工会")


def test_search_expands_to_the_match_and_highlights_it(page, users, tree):
    browser_login(page, users.county_admin)
    page.goto("/orgs/")

    page.fill("#tree-q", "乙镇一村")
    with page.expect_navigation():
        page.press("#tree-q", "Enter")

    expect(page.locator(".card p.muted").first).to_contain_text("找到 1 个匹配的组织")
    highlighted = page.locator("#org-tree .tree-row.match")
    expect(highlighted).to_have_count(1)
    expect(highlighted).to_contain_text("乙镇一村工会")
    expect(highlighted).to_be_visible()
    # the path to it is expanded, the other township is not
    expect(toggle(page, tree.county)).to_have_attribute("aria-expanded", "true")
    expect(toggle(page, tree.b)).to_have_attribute("aria-expanded", "true")
    expect(toggle(page, tree.a)).to_have_attribute("aria-expanded", "false")
    # the highlight is visible: a background colour other than the plain row's
    plain = node(page, tree.a).locator(":scope > .tree-row")
    background = "el => getComputedStyle(el).backgroundColor"
    assert highlighted.evaluate(background) != plain.evaluate(background)

    # a name that matches nothing says so
    page.fill("#tree-q", "不存在的工会")
    with page.expect_navigation():
        page.press("#tree-q", "Enter")
    expect(page.locator(".card")).to_contain_text("没有找到名称或编码包含「不存在的工会」的组织。")
