"""One spelling per cited web page, so that two reviewers citing the same article share a Source.

url-normalize does the RFC 3986 work (case, percent-encoding, default ports, dot segments, IDNA);
on top of it we drop the fragment and the tracking parameters that newsletters and social networks
append (utm_*, fbclid, gclid ...), keeping every other parameter in its original order.
"""

import re
from urllib.parse import urlsplit, urlunsplit

from url_normalize import url_normalize

from factcheck.errors import BadInput

MAX_URL_LENGTH = 2048

TRACKING_PARAMS = {
    "fbclid",
    "gclid",
    "gclsrc",
    "dclid",
    "gbraid",
    "wbraid",
    "msclkid",
    "yclid",
    "twclid",
    "ttclid",
    "igshid",
    "mc_cid",
    "mc_eid",
    "_ga",
    "_gl",
    "_hsenc",
    "_hsmi",
    "mkt_tok",
    "oly_anon_id",
    "oly_enc_id",
    "vero_id",
    "ref_src",
    "ref_url",
    "s_cid",
    "cmpid",
    "spm",
}
TRACKING_PREFIXES = ("utm_", "mtm_", "pk_", "hsa_")
_NON_WEB_SCHEMES = {"javascript", "data", "file", "mailto", "ftp", "about", "vbscript", "tel"}
_CONTROL = re.compile(r"[\x00-\x20\x7f\\]")
_BRACKETED = re.compile(r"\[[^\]]*\](:[0-9]*)?")


class BadURL(BadInput):
    """A URL that cannot be cited; the message is shown to the reviewer."""


def _is_tracking(pair: str) -> bool:
    key = pair.split("=", 1)[0].lower()
    return key in TRACKING_PARAMS or key.startswith(TRACKING_PREFIXES)


def url_normalise(url: str) -> str:
    """The canonical form of a cited URL, or BadURL with a reason a reviewer can act on."""
    url = (url or "").strip()
    if not url:
        raise BadURL("Enter a URL.")
    if _CONTROL.search(url):
        raise BadURL("A URL cannot contain spaces, control characters or backslashes.")
    if len(url) > MAX_URL_LENGTH:
        raise BadURL(f"URLs longer than {MAX_URL_LENGTH} characters are not supported.")
    if "://" in url:
        scheme = url.split("://", 1)[0].lower()
    else:
        scheme = url.split(":", 1)[0].lower() if ":" in url else ""
        scheme = scheme if scheme in _NON_WEB_SCHEMES else ""
    if scheme and scheme not in ("http", "https"):
        raise BadURL(f"Only http and https URLs can be cited, not {scheme}:.")
    try:
        normal = url_normalize(url, default_scheme="https")
        # Splitting checks a bracketed host, which encoding can leave invalid ("ø[::1]").
        parts = urlsplit(normal)
    except (ValueError, UnicodeError) as exc:
        raise BadURL(f"This is not a valid URL ({exc}).") from None
    if parts.scheme not in ("http", "https"):
        raise BadURL(f"Only http and https URLs can be cited, not {parts.scheme}:.")
    if parts.username is not None or parts.password is not None or "@" in parts.netloc:
        raise BadURL("Remove the user name and password from the URL.")
    host = parts.hostname or ""
    if "]" in parts.netloc and not _BRACKETED.fullmatch(parts.netloc):
        raise BadURL("Only a port can follow an address in brackets, as in [2001:db8::1]:8080.")
    if not host or ("." not in host and ":" not in host):
        raise BadURL("The URL needs a full host name, such as example.org.")
    try:
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        raise BadURL("The port in this URL is not a number between 0 and 65535.") from None
    query = "&".join(p for p in parts.query.split("&") if p and not _is_tracking(p))
    normal = urlunsplit((parts.scheme, parts.netloc.lower(), parts.path or "/", query, ""))
    if _CONTROL.search(normal):  # a host name's compatibility form can hide a space (U+00B8)
        raise BadURL("This is not a valid URL: its host name becomes one with a space.")
    if len(normal) > MAX_URL_LENGTH:
        raise BadURL(f"URLs longer than {MAX_URL_LENGTH} characters are not supported.")
    return normal


def url_domain(url: str) -> str:
    """The host a Source is filed under (without a leading www.)."""
    host = (urlsplit(url).hostname or "").lower()
    return host.removeprefix("www.")
