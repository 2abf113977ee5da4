"""Which URLs and network addresses the archiver may contact (the SSRF policy).

Two layers, both applied to every hop of every fetch:

* `url_check` looks at the URL text alone: scheme, credentials, odd characters, ports and the
  numeric host spellings resolvers read as IP addresses (2130706433, 0x7f000001, 0177.1, 127.1).
* `address_check` looks at each address a host resolves to. The fetcher resolves a host once,
  checks every answer with this function and then connects to one of those checked addresses, so
  a second DNS answer can never be used (DNS rebinding).

Networks listed in ARCHIVE_ALLOWED_NETWORKS are exempt from the address check; that is for tests
(127.0.0.0/8) and special deployments, and it is empty by default.
"""

import ipaddress
import re
from urllib.parse import SplitResult, urlsplit

import idna
from django.conf import settings

from factcheck.errors import Refused

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

DEFAULT_PORTS = {"http": 80, "https": 443}

# The policy is an allow-list: only global unicast may be contacted. For IPv4 that is every
# address outside the special-purpose registry (RFC 6890 and successors), refused by name here so
# the reason names the most useful category, and then, as a second net, Python's `is_global`.
_IPV4_RANGES = [
    ("unspecified", ipaddress.ip_network("0.0.0.0/8")),
    ("loopback", ipaddress.ip_network("127.0.0.0/8")),
    ("private", ipaddress.ip_network("10.0.0.0/8")),
    ("private", ipaddress.ip_network("172.16.0.0/12")),
    ("private", ipaddress.ip_network("192.168.0.0/16")),
    ("link-local", ipaddress.ip_network("169.254.0.0/16")),
    ("shared (CGNAT)", ipaddress.ip_network("100.64.0.0/10")),
    ("multicast", ipaddress.ip_network("224.0.0.0/4")),
    ("broadcast", ipaddress.ip_network("255.255.255.255/32")),
    ("reserved", ipaddress.ip_network("240.0.0.0/4")),
    ("protocol-assignment", ipaddress.ip_network("192.0.0.0/24")),
    ("documentation", ipaddress.ip_network("192.0.2.0/24")),
    ("documentation", ipaddress.ip_network("198.51.100.0/24")),
    ("documentation", ipaddress.ip_network("203.0.113.0/24")),
    ("6to4 relay", ipaddress.ip_network("192.88.99.0/24")),
    ("benchmarking", ipaddress.ip_network("198.18.0.0/15")),
]

# IPv6: only 2000::/3 (global unicast) is allowed, minus the special blocks inside it. Forms that
# carry an IPv4 address (mapped, translated, NAT64, 6to4) are judged by the IPv4 address they
# embed, since that is what gets reached; the other special ranges are named for a clear reason.
_GLOBAL_UNICAST_V6 = ipaddress.ip_network("2000::/3")
_IPV6_RANGES = [
    ("unspecified", ipaddress.ip_network("::/128")),
    ("loopback", ipaddress.ip_network("::1/128")),
    ("IPv4-compatible", ipaddress.ip_network("::/96")),
    ("discard-only", ipaddress.ip_network("100::/64")),
    ("Teredo", ipaddress.ip_network("2001::/32")),
    ("documentation", ipaddress.ip_network("2001:db8::/32")),
    ("special-purpose", ipaddress.ip_network("2001::/23")),
    ("documentation", ipaddress.ip_network("3fff::/20")),
    ("SRv6 SID", ipaddress.ip_network("5f00::/16")),
    ("site-local", ipaddress.ip_network("fec0::/10")),
    ("unique-local", ipaddress.ip_network("fc00::/7")),
    ("link-local", ipaddress.ip_network("fe80::/10")),
    ("multicast", ipaddress.ip_network("ff00::/8")),
]
_IPV4_MAPPED = ipaddress.ip_network("::ffff:0:0/96")
_IPV4_TRANSLATED = ipaddress.ip_network("::ffff:0:0:0/96")
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_NAT64_LOCAL = ipaddress.ip_network("64:ff9b:1::/48")
_6TO4 = ipaddress.ip_network("2002::/16")

# Characters allowed in a host name after IDNA encoding ("_" occurs in real sub-domains).
_HOSTNAME = re.compile(r"^[a-z0-9_](?:[a-z0-9_-]{0,62})(?:\.[a-z0-9_](?:[a-z0-9_-]{0,62}))*\.?$")
# Anything a resolver's inet_aton() would read as an IPv4 address in some base.
_NUMERIC_LABEL = re.compile(r"^(?:0x[0-9a-f]*|[0-9]+)$")
_CONTROL = re.compile(r"[\x00-\x20\x7f\\]")


class AddressRefused(Refused):
    """A URL or address the archiver must not contact; `message` is shown to reviewers."""

    @property
    def reason(self) -> str:
        """The message, under the name the capture code and its tests still read."""
        return self.message


def _allowed_networks():
    return list(getattr(settings, "ARCHIVE_ALLOWED_NETWORKS", []))


def _allowed_ports() -> set[int]:
    return set(getattr(settings, "ARCHIVE_ALLOWED_PORTS", [80, 443, 8080, 8443]))


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> tuple[str, list[ipaddress.IPv4Address]] | None:
    """The name of the IPv4-carrying form `ip` is in and the IPv4 address(es) it may stand for.

    The local-use NAT64 prefix may be used at any RFC 6052 length, so both the /96 position (last
    32 bits) and the /48 position (bits 48-63 and 72-87) are returned: each must be global."""
    value = int(ip)
    low32 = ipaddress.IPv4Address(value & 0xFFFFFFFF)
    if ip in _IPV4_MAPPED:
        return "IPv4-mapped", [low32]
    if ip in _IPV4_TRANSLATED:
        return "IPv4-translated", [low32]
    if ip in _NAT64:
        return "NAT64", [low32]
    if ip in _NAT64_LOCAL:
        at48 = ((value >> 64) & 0xFFFF) << 16 | (value >> 40) & 0xFFFF
        return "NAT64", [low32, ipaddress.IPv4Address(at48)]
    if ip in _6TO4:
        return "6to4", [ipaddress.IPv4Address((value >> 80) & 0xFFFFFFFF)]
    return None


def _ipv4_category(ip: ipaddress.IPv4Address) -> str | None:
    for name, network in _IPV4_RANGES:
        if ip in network:
            return name
    if not ip.is_global or ip.is_multicast:
        return "reserved"
    return None


def _refusal(ip: IPAddress) -> tuple[str, str] | None:
    """(category, what it embeds) for a forbidden address, None for a global unicast one."""
    if ip.version == 4:
        category = _ipv4_category(ip)
        return (category, "") if category else None
    embedded = _embedded_ipv4(ip)
    if embedded is not None:
        form, candidates = embedded
        for inner in candidates:
            inner_category = _ipv4_category(inner)
            if inner_category:
                return form, f" (embeds {inner_category} address {inner})"
        return None
    for name, network in _IPV6_RANGES:
        if ip in network:
            return name, ""
    if ip not in _GLOBAL_UNICAST_V6:
        return "non-global-unicast", ""
    return None


def address_category(ip: IPAddress) -> str | None:
    """The name of the forbidden range `ip` is in, or None for a global unicast address. An
    IPv4-carrying IPv6 form is allowed exactly when the IPv4 address it embeds would be."""
    refusal = _refusal(ip)
    return refusal[0] if refusal else None


def address_check(ip: IPAddress | str) -> IPAddress:
    """Return the address if the archiver may connect to it, else raise AddressRefused."""
    if isinstance(ip, str):
        ip = ipaddress.ip_address(ip.split("%", 1)[0])
    if any(ip in network for network in _allowed_networks() if network.version == ip.version):
        return ip
    refusal = _refusal(ip)
    if refusal:
        category, embeds = refusal
        raise AddressRefused(f"blocked: resolves to {category} address {ip}{embeds}")
    return ip


def host_literal(host: str) -> IPAddress | None:
    """The IP address a host is spelled as (`[::1]` or `192.0.2.1`), or None for a name."""
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None


def _host_check(raw_host: str) -> str:
    if not raw_host:
        raise AddressRefused("blocked: URL has no host")
    if _CONTROL.search(raw_host) or "%" in raw_host:
        raise AddressRefused("blocked: odd characters in host name")
    if raw_host.startswith("["):
        if host_literal(raw_host) is None or not raw_host.endswith("]"):
            raise AddressRefused("blocked: malformed IPv6 address")
        return raw_host.lower()
    if host_literal(raw_host) is not None:
        return raw_host
    try:
        host = idna.encode(raw_host.rstrip("."), uts46=True).decode("ascii").lower()
    except (idna.IDNAError, UnicodeError):
        raise AddressRefused("blocked: invalid host name") from None
    if not _HOSTNAME.match(host) or len(host) > 253:
        raise AddressRefused("blocked: odd characters in host name")
    # A last label made of digits (127.1, 0177.1, 2130706433, 0x7f000001, 1.2.3.04) is read as an
    # IPv4 address by resolvers; real host names never end in one, so refuse them all.
    if _NUMERIC_LABEL.match(host.rsplit(".", 1)[-1]):
        raise AddressRefused(f"blocked: encoded IP address {raw_host}")
    return host


def url_check(url: str) -> SplitResult:
    """Refuse URLs the archiver must not fetch, judging the text alone (no DNS)."""
    if _CONTROL.search(url):
        raise AddressRefused("blocked: URL contains spaces, control characters or backslashes")
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS:
        raise AddressRefused(f"blocked: only http and https URLs, not {scheme or 'none'}")
    if "@" in parts.netloc or parts.username is not None or parts.password is not None:
        raise AddressRefused("blocked: URLs with credentials are not allowed")
    netloc = parts.netloc
    if netloc.startswith("[") and "]" in netloc:
        host_part = netloc[: netloc.index("]") + 1]
    else:
        host_part = netloc.rsplit(":", 1)[0] if ":" in netloc else netloc
    _host_check(host_part)
    try:
        port = parts.port
    except ValueError:
        raise AddressRefused("blocked: invalid port") from None
    if port is not None and port != DEFAULT_PORTS[scheme] and port not in _allowed_ports():
        raise AddressRefused(f"blocked: port {port} is not allowed")
    literal = host_literal(host_part)
    if literal is not None:
        address_check(literal)
    return parts
