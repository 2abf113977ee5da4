"""The SSRF table: every kind of address the fetcher must refuse, run with the default settings:
nothing private is allowed, only ports 80, 443, 8080, 8443. Every refusal must be immediate (no
connection attempt)."""

import ipaddress

import pytest

from apps.sources import fetch
from apps.sources.addresses import AddressRefused, address_check, url_check
from apps.sources.fetch import BlockedError, FetchError, TransientFetchError, fetch_url


def no_dns(host, port):
    raise AssertionError(f"the fetcher must not resolve {host} for a refused URL")


def resolving_to(*answers):
    calls = []

    def resolver(host, port):
        calls.append(host)
        return list(answers)

    resolver.calls = calls
    return resolver


REFUSED_URLS = [
    # scheme
    ("ftp://example.org/file", "only http and https"),
    ("file:///etc/passwd", "only http and https"),
    ("gopher://example.org/", "only http and https"),
    ("javascript:alert(1)", "only http and https"),
    # credentials
    ("http://user:secret@example.org/", "credentials"),
    ("http://user@example.org/", "credentials"),
    ("http://example.org@127.0.0.1/", "credentials"),
    # odd characters in the host
    ("http://exa\x00mple.org/", "control characters"),
    ("http://example.org\\@evil.org/", "backslashes"),
    ("http://exa mple.org/", "spaces"),
    ("http://exa%6dple.org/", "odd characters"),
    ("http://ex*ample.org/", "host name"),
    ("http:///path-only", "no host"),
    # ports
    ("http://example.org:22/", "port 22 is not allowed"),
    ("http://example.org:6379/", "port 6379 is not allowed"),
    ("https://example.org:99999/", "invalid port"),
    # encoded IPs
    ("http://2130706433/", "encoded IP"),
    ("http://0x7f000001/", "encoded IP"),
    ("http://0177.1/", "encoded IP"),
    ("http://127.1/", "encoded IP"),
    ("http://0177.0.0.1/", "encoded IP"),
    ("http://127.000.000.001/", "encoded IP"),
    ("http://0x7f.0x0.0x0.0x1/", "encoded IP"),
    ("http://3232235521/", "encoded IP"),
    # literal addresses in every forbidden range
    ("http://127.0.0.1/", "loopback address 127.0.0.1"),
    ("http://10.0.0.5/", "private address 10.0.0.5"),
    ("http://172.16.3.4/", "private address 172.16.3.4"),
    ("http://192.168.1.1/", "private address 192.168.1.1"),
    ("http://169.254.169.254/latest/meta-data/", "link-local address 169.254.169.254"),
    ("http://100.64.0.1/", "shared (CGNAT) address 100.64.0.1"),
    ("http://224.0.0.1/", "multicast address 224.0.0.1"),
    ("http://240.0.0.1/", "reserved address 240.0.0.1"),
    ("http://255.255.255.255/", "broadcast address 255.255.255.255"),
    ("http://0.0.0.0/", "unspecified address 0.0.0.0"),
    ("http://[::1]/", "loopback address ::1"),
    ("http://[::]/", "unspecified address ::"),
    ("http://[::ffff:127.0.0.1]/", "IPv4-mapped address"),
    ("http://[::ffff:169.254.169.254]/", "IPv4-mapped address"),
    ("http://[64:ff9b::a00:5]/", "NAT64 address"),
    ("http://[2002:a00:5::1]/", "6to4 address"),
    ("http://[2001:0:4136:e378::1]/", "Teredo address"),
    ("http://[fec0::1]/", "site-local address"),
    ("http://[fc00::1]/", "unique-local address"),
    ("http://[fd12:3456::1]/", "unique-local address"),
    ("http://[fe80::1]/", "link-local address"),
    ("http://[ff02::1]/", "multicast address"),
]


@pytest.mark.parametrize(("url", "reason"), REFUSED_URLS)
def test_refused_url_is_blocked_at_once(url, reason):
    lookups = []

    def resolver(host, port):
        lookups.append(host)
        return no_dns(host, port)

    with pytest.raises(BlockedError) as caught:
        fetch_url(url, resolver=resolver)
    assert reason.lower() in caught.value.reason.lower()
    assert caught.value.reason.startswith("blocked:")
    assert lookups == [], "refused before any DNS lookup"


RESOLVED = [
    (["127.0.0.1"], "loopback address 127.0.0.1"),
    (["10.0.0.5"], "private address 10.0.0.5"),
    (["169.254.169.254"], "link-local address 169.254.169.254"),
    (["100.100.100.100"], "shared (CGNAT)"),
    (["::1"], "loopback address ::1"),
    (["::ffff:10.0.0.5"], "IPv4-mapped"),
    (["fd00::5"], "unique-local"),
    (["fe80::1%eth0"], "link-local"),
    # one bad answer among good ones is enough to refuse
    (["93.184.216.34", "10.0.0.5"], "private address 10.0.0.5"),
    (["2606:2800:220:1:248:1893:25c8:1946", "::1"], "loopback address ::1"),
]


@pytest.mark.parametrize(("answers", "reason"), RESOLVED)
def test_name_resolving_to_a_forbidden_address_is_blocked(answers, reason):
    resolver = resolving_to(*answers)
    with pytest.raises(BlockedError) as caught:
        fetch_url("http://innocent.example.org/page", resolver=resolver)
    assert reason in caught.value.reason
    assert resolver.calls == ["innocent.example.org"]


def test_localhost_by_name_is_blocked():
    with pytest.raises(BlockedError, match="loopback"):
        fetch_url("http://localhost:8080/")


@pytest.mark.parametrize(
    "address",
    ["93.184.216.34", "8.8.8.8", "2606:4700:4700::1111", "1.1.1.1"],
)
def test_public_addresses_pass(address):
    assert str(address_check(address)) == address


def test_allowed_ports_and_default_ports_pass_the_url_check():
    for url in ["http://example.org/", "https://example.org:443/", "http://example.org:8080/"]:
        url_check(url)
    with pytest.raises(AddressRefused):
        url_check("http://example.org:8081/")


def test_allowed_networks_exempt_only_what_they_list(settings):
    settings.ARCHIVE_ALLOWED_NETWORKS = [ipaddress.ip_network("127.0.0.0/8")]
    address_check("127.0.0.1")
    with pytest.raises(AddressRefused):
        address_check("10.0.0.5")


def test_redirect_from_allowed_server_to_metadata_address_is_blocked(localweb_allowed):
    url = localweb_allowed.url("/to?url=http://169.254.169.254/latest/meta-data/")
    with pytest.raises(BlockedError) as caught:
        fetch_url(url)
    assert caught.value.reason == "blocked: resolves to link-local address 169.254.169.254"


def test_redirect_from_allowed_server_to_private_address_is_blocked(localweb_allowed):
    with pytest.raises(BlockedError) as caught:
        fetch_url(localweb_allowed.url("/to?url=http://10.0.0.5/admin"))
    assert caught.value.reason == "blocked: resolves to private address 10.0.0.5"


@pytest.mark.parametrize(
    "target",
    [
        "http://2130706433/",
        "http://[::ffff:7f00:1]/",
        "ftp://example.org/",
        "http://user:pw@example.org/",
        "http://example.org:25/",
    ],
)
def test_every_redirect_hop_is_checked(localweb_allowed, target):
    with pytest.raises(BlockedError):
        fetch_url(localweb_allowed.url(f"/to?url={target}"), resolver=no_dns)


def test_redirect_to_a_name_resolving_privately_is_blocked(localweb_allowed):
    resolver = resolving_to("192.168.0.10")
    with pytest.raises(BlockedError, match=r"private address 192\.168\.0\.10"):
        fetch_url(localweb_allowed.url("/to?url=http://intranet.example.org/"), resolver=resolver)


def test_dns_rebinding_connects_to_the_checked_address(localweb, settings):
    """First answer allowed (the local server), every later answer the metadata service: one
    lookup per connection, and the connection goes to the address that was checked."""
    settings.ARCHIVE_ALLOWED_NETWORKS = [ipaddress.ip_network("127.0.0.0/8")]
    settings.ARCHIVE_ALLOWED_PORTS = [80, 443, localweb.port]
    answers = iter([["127.0.0.1"]])
    calls = []

    def rebinding(host, port):
        calls.append(host)
        return next(answers, ["169.254.169.254"])

    url = f"http://rebind.example.org:{localweb.port}/html/rebind"
    with fetch_url(url, resolver=rebinding) as result:
        assert result.status == 200
        assert result.peer == "127.0.0.1"
    assert calls == ["rebind.example.org"]


def test_dns_rebinding_public_then_private_never_reaches_the_private_answer(localweb, settings):
    """The classic attack: checked answer public, second answer loopback. We must connect to the
    public address (unreachable here) and never to the local server the second answer names."""
    settings.ARCHIVE_ALLOWED_PORTS = [80, 443, localweb.port]
    settings.ARCHIVE_CONNECT_TIMEOUT = 0.5
    settings.ARCHIVE_TOTAL_TIMEOUT = 2
    answers = iter([["192.88.99.1"], ["93.184.216.34"]])
    calls = []

    def rebinding(host, port):
        calls.append(host)
        return next(answers, ["127.0.0.1"])

    before = localweb.hits["/html/secret"]
    with pytest.raises((BlockedError, TransientFetchError, FetchError)):
        fetch_url(f"http://rebind.example.org:{localweb.port}/html/secret", resolver=rebinding)
    assert localweb.hits["/html/secret"] == before
    assert len(calls) == 1


def test_kept_connection_is_not_reused_once_the_address_is_forbidden(
    localweb_allowed, settings, monkeypatch
):
    """A connection checked under one policy must not serve a fetch under a stricter one: the
    thread's kept connections go when ARCHIVE_ALLOWED_NETWORKS or ARCHIVE_ALLOWED_PORTS change."""
    monkeypatch.setattr(fetch, "system_resolver", resolving_to("127.0.0.1"))
    url = f"http://kept.example.org:{localweb_allowed.port}/html/"
    with fetch_url(url + "allowed") as result:
        assert result.peer == "127.0.0.1"
    settings.ARCHIVE_ALLOWED_NETWORKS = []
    before = localweb_allowed.hits["/html/forbidden"]
    with pytest.raises(BlockedError, match=r"loopback address 127\.0\.0\.1"):
        fetch_url(url + "forbidden")
    assert localweb_allowed.hits["/html/forbidden"] == before


def test_proxy_environment_is_ignored(localweb_allowed, monkeypatch):
    monkeypatch.setenv("HTTP_PROXY", "http://10.0.0.5:3128")
    monkeypatch.setenv("HTTPS_PROXY", "http://10.0.0.5:3128")
    monkeypatch.setenv("ALL_PROXY", "http://10.0.0.5:3128")
    with fetch_url(localweb_allowed.url("/html/proxy")) as result:
        assert result.status == 200
        assert result.peer == "127.0.0.1"
