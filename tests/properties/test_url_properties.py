"""Property: URL normalisation is idempotent (normalising a normal form changes nothing), and
any input either normalises or is refused with BadURL, never another exception."""

from hypothesis import given, provisional, settings
from hypothesis import strategies as st

from apps.sources.normalize import BadURL, url_normalise

PIECES = st.sampled_from(
    ["http://", "https://", "HTTP://", "www.", "Example.ORG", "exa-mple.org", ":8080", ":0",
     "/", "//", "/a/../b", "/%7Euser", "/ä", "?", "&", "=", "utm_source=x", "fbclid=1", "a=1",
     "#frag", "@", "xn--bcher-kva.example", "bücher.example", "[::1]", "[2001:db8::1]", ".",
     "%", "%zz", ";", ",", "~", "ftp://", "javascript:", "mailto:", "\t", " "]
)  # fmt: skip
URLS = st.one_of(
    provisional.urls(),
    st.lists(st.one_of(PIECES, st.text(max_size=8)), min_size=1, max_size=12).map("".join),
    st.text(max_size=60),
)


@settings(max_examples=300, deadline=None, database=None)
@given(URLS)
def test_normalisation_is_idempotent_and_refuses_cleanly(url):
    try:
        normal = url_normalise(url)
    except BadURL as exc:
        assert str(exc)
        return
    assert url_normalise(normal) == normal
