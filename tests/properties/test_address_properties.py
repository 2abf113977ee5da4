"""Property: an address in a forbidden range is refused however it is spelled: dotted decimal,
one decimal number, octal or hexadecimal parts, IPv4-mapped, IPv4-translated, NAT64 or 6to4
IPv6 forms, and plain IPv6 in a non-global range. Nothing reaches DNS or a socket: the URL check
judges the text alone."""

import ipaddress

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from apps.sources.addresses import AddressRefused, address_check, url_check
from apps.sources.fetch import BlockedError, fetch_url

FORBIDDEN_V4 = [
    "0.0.0.0/8",
    "10.0.0.0/8",
    "100.64.0.0/10",
    "127.0.0.0/8",
    "169.254.0.0/16",
    "172.16.0.0/12",
    "192.0.0.0/24",
    "192.0.2.0/24",
    "192.88.99.0/24",
    "192.168.0.0/16",
    "198.18.0.0/15",
    "198.51.100.0/24",
    "203.0.113.0/24",
    "224.0.0.0/4",
    "240.0.0.0/4",
]
FORBIDDEN_V6 = [
    "::/128",
    "::1/128",
    "::/96",
    "100::/64",
    "2001::/23",
    "2001:db8::/32",
    "3fff::/20",
    "5f00::/16",
    "fc00::/7",
    "fe80::/10",
    "fec0::/10",
    "ff00::/8",
    "4000::/2",
    "8000::/1",
]


def _in(network: str):
    net = ipaddress.ip_network(network)
    return st.integers(0, net.num_addresses - 1).map(lambda i: net[i])


forbidden_v4 = st.sampled_from(FORBIDDEN_V4).flatmap(_in)
forbidden_v6 = st.sampled_from(FORBIDDEN_V6).flatmap(_in)


def _dotted(ip, base: str, parts: int) -> str:
    value = int(ip)
    if parts == 1:
        numbers = [value]
    elif parts == 2:
        numbers = [value >> 24, value & 0xFFFFFF]
    elif parts == 3:
        numbers = [value >> 24, (value >> 16) & 0xFF, value & 0xFFFF]
    else:
        numbers = [(value >> s) & 0xFF for s in (24, 16, 8, 0)]
    spell = {"dec": str, "oct": lambda n: "0" + format(n, "o"), "hex": hex}[base]
    return ".".join(spell(n) for n in numbers)


def _ipv6_forms(ip: ipaddress.IPv4Address) -> list[str]:
    v = int(ip)
    hi, lo = v >> 16, v & 0xFFFF
    return [
        f"::ffff:{ip}",
        f"::ffff:{hi:x}:{lo:x}",
        f"::ffff:0:{ip}",
        f"::ffff:0:{hi:x}:{lo:x}",
        f"64:ff9b::{ip}",
        f"64:ff9b::{hi:x}:{lo:x}",
        f"64:ff9b:1::{hi:x}:{lo:x}",
        f"2002:{hi:x}:{lo:x}::1",
        f"2002:{hi:x}:{lo:x}:ffff::",
    ]


@settings(max_examples=200, deadline=None, database=None)
@given(
    forbidden_v4,
    st.sampled_from(["dec", "oct", "hex"]),
    st.sampled_from([1, 2, 3, 4]),
    st.sampled_from(["http", "https"]),
)
def test_forbidden_ipv4_in_any_numeric_spelling_is_refused(ip, base, parts, scheme):
    host = _dotted(ip, base, parts)
    with pytest.raises(AddressRefused):
        url_check(f"{scheme}://{host}/x")


@settings(max_examples=200, deadline=None, database=None)
@given(forbidden_v4, st.integers(0, 8))
def test_forbidden_ipv4_inside_any_ipv6_form_is_refused(ip, which):
    literal = _ipv6_forms(ip)[which]
    with pytest.raises(AddressRefused):
        address_check(literal)
    with pytest.raises(AddressRefused):
        url_check(f"http://[{literal}]/")
    with pytest.raises(BlockedError):
        fetch_url(f"http://[{literal}]/", resolver=_no_dns)
    # and when a name resolves to it
    with pytest.raises(BlockedError):
        fetch_url("http://innocent.example.org/", resolver=lambda host, port: [literal])


@settings(max_examples=200, deadline=None, database=None)
@given(forbidden_v6)
def test_non_global_ipv6_is_refused(ip):
    with pytest.raises(AddressRefused):
        address_check(ip)
    with pytest.raises(AddressRefused):
        url_check(f"http://[{ip.compressed}]/")
    with pytest.raises(AddressRefused):
        url_check(f"http://[{ip.exploded}]/")


def _no_dns(host, port):
    raise AssertionError(f"resolved {host} for a URL that should have been refused")
