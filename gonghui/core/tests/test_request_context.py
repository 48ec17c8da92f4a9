import pytest
from django.test import RequestFactory, override_settings

from gonghui.core.request_context import client_ip


def _request(**meta):
    return RequestFactory().get("/", REMOTE_ADDR="198.51.100.7", **meta)


@override_settings(TRUSTED_PROXY=True)
@pytest.mark.parametrize(
    ("forwarded", "expected"),
    [
        ("203.0.113.5", "203.0.113.5"),
        # A client sends its own header; the proxy appends the address it saw: that one counts.
        ("10.9.9.9, 203.0.113.5", "203.0.113.5"),
        ("2001:db8::1", "2001:db8::1"),
        # Garbage from a misconfigured proxy must not become a 500 when the audit stores it.
        ("10.0.78.256", "198.51.100.7"),
        ("unknown", "198.51.100.7"),
        ("", "198.51.100.7"),
    ],
)
def test_client_ip_behind_a_trusted_proxy(forwarded, expected):
    assert client_ip(_request(HTTP_X_FORWARDED_FOR=forwarded)) == expected


@override_settings(TRUSTED_PROXY=False)
def test_client_ip_ignores_the_header_without_a_trusted_proxy():
    assert client_ip(_request(HTTP_X_FORWARDED_FOR="203.0.113.5")) == "198.51.100.7"
