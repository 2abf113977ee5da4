import pytest

from apps.claims.extraction import extract


def reason_of(line):
    extraction = extract(line, threshold=0.0)
    assert not extraction.claims, extraction.claims
    return {span.reason for span in extraction.skipped}


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        (
            "Iraqi soldiers move in formation in an alley on the outskirts of Mosul, Iraq, "
            "November 4, 2016. Photo: AP",
            "caption: photo credit",
        ),
        ("Rescue teams search the rubble in Iquique. (AP Photo/Ivan Alvarado)", "caption"),
        ("Photo by Jane Doe / AP", "caption: photo credit"),
        ("Image: Getty Images", "caption: photo credit"),
        (
            "Protesters gather outside parliament in Tbilisi, Georgia, May 1, 2024.",
            "caption: place and date line",
        ),
        ('For a very different take read: "Aleppo bombing: A lost opportunity"', "promo"),
        ('Recommended: "The death of the U.S.-Russia ceasefire deal is now official"', "promo"),
        ("Read more: Why Chile builds the safest buildings", "promo"),
        ("Read more", "promo"),
        ("Related: Okafor named player of the month", "promo"),
        ("Sign up for our weekly newsletter.", "promo"),
        (
            "The opinion of the author may not necessarily reflect the position of Russia Direct.",
            "disclaimer",
        ),
        ("The views expressed are the author's own.", "disclaimer"),
        ("© 2024 Example News. All rights reserved.", "disclaimer"),
        ("By Maria Santos and Tom Becker", "byline"),
        ("Published: March 3, 2024", "byline"),
        ("Share this article: Facebook | Twitter | Email", "share widget"),
        ("Share on Facebook Share on Twitter Copy link", "share widget"),
        ("## 30,000 troops gather", "heading"),
    ],
)
def test_boilerplate_is_skipped_with_a_reason(line, reason):
    reasons = reason_of(line)
    assert reasons and all(r.startswith(reason) for r in reasons), reasons


def test_prose_mentioning_photos_or_sharing_is_not_boilerplate():
    body = "The agency said it shared 1,200 photos of the damage with investigators on Monday."
    extraction = extract(body, threshold=0.5)
    assert [c.text for c in extraction.claims] == [body]
