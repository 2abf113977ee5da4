"""The address policy is an allow-list of global unicast: ranges Python's `is_global` does not
know, and IPv6 forms that carry an IPv4 address, are judged by what would really be reached."""

import ipaddress

import pytest

from apps.sources.addresses import AddressRefused, address_check, url_check

REFUSED = [
    ("::ffff:0:7f00:1", "IPv4-translated address ::ffff:0:7f00:1 (embeds loopback"),
    ("::ffff:0:a9fe:a9fe", "IPv4-translated"),
    ("::ffff:127.0.0.1", "IPv4-mapped"),
    ("64:ff9b::a9fe:a9fe", "NAT64"),
    ("64:ff9b:1::a00:5", "NAT64"),
    ("64:ff9b:1:a00:5::", "NAT64"),
    ("2002:c0a8:101::1", "6to4 address 2002:c0a8:101::1 (embeds private address 192.168.1.1)"),
    ("5f00::1", "SRv6 SID"),
    ("3fff::1", "documentation"),
    ("3fff:fff:ffff::1", "documentation"),
    ("2001:db8::1", "documentation"),
    ("2001:2::1", "special-purpose"),
    ("100::1", "discard-only"),
    ("4000::1", "non-global-unicast"),
    ("::1.2.3.4", "IPv4-compatible"),
    ("192.0.2.10", "documentation"),
    ("198.51.100.1", "documentation"),
    ("203.0.113.200", "documentation"),
    ("198.18.0.1", "benchmarking"),
    ("192.0.0.8", "protocol-assignment"),
    ("192.88.99.1", "6to4 relay"),
]


@pytest.mark.parametrize(("address", "reason"), REFUSED)
def test_non_global_unicast_is_refused(address, reason):
    with pytest.raises(AddressRefused) as caught:
        address_check(address)
    assert reason in caught.value.reason


@pytest.mark.parametrize("address", ["5f00::1", "3fff::1", "::ffff:0:7f00:1", "2002:a00:1::1"])
def test_literal_urls_in_the_new_ranges_are_refused(address):
    with pytest.raises(AddressRefused):
        url_check(f"http://[{address}]/")


@pytest.mark.parametrize(
    "address",
    [
        "8.8.8.8",
        "2606:4700:4700::1111",
        "2a00:1450:4001:82a::200e",
        "::ffff:8.8.8.8",
        "::ffff:0:808:808",
        "64:ff9b::808:808",
        "2002:808:808::1",
    ],
)
def test_global_unicast_and_forms_embedding_a_global_ipv4_pass(address):
    assert address_check(address) == ipaddress.ip_address(address)
