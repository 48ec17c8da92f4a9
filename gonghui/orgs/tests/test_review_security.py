"""Review regressions: the enterprise edit form never shows the contact phone in full."""

from django.urls import reverse


def test_enterprise_edit_form_masks_the_phone_and_keeps_it_when_posted_back(
    tree, users, login, enterprise_factory
):
    enterprise = enterprise_factory(org=tree.a1, contact_phone="13812345678")
    client = login(users.township_staff)  # may edit, may not view sensitive data
    url = reverse("orgs:enterprise_edit", args=[enterprise.pk])
    response = client.get(url)
    page = response.content.decode()
    assert "13812345678" not in page
    assert "138****5678" in page
    form = response.context["form"]
    data = {
        name: ("" if value is None else value)
        for name, value in ((n, form[n].value()) for n in form.fields)
    }
    data["address"] = "新地址"
    data = {k: v for k, v in data.items() if v is not False}
    client.post(url, data)
    enterprise.refresh_from_db()
    assert (enterprise.address, enterprise.contact_phone) == ("新地址", "13812345678")
