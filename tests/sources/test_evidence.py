"""Evidence suggestions: cited sources first, reasons and highlights, the re-rank, bad input,
the staff-only API with its query counts, and citing a passage (service and admin button)."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from rest_framework.test import APIClient

from apps.sources.evidence import citation_add_from_passage, claim_evidence
from apps.sources.models import Citation, Passage, Snapshot, Source
from apps.sources.passages import passages_index
from tests.factories import ArticleFactory, CitationFactory, ClaimFactory, SnapshotFactory

pytestmark = pytest.mark.django_db

CLAIM = "Unemployment in Portugal fell to 6.1 percent in March 2024, the statistics office said."


def claim_with(text: str = CLAIM, **article):
    article = ArticleFactory(body=f"Lede sentence here. {text}", **article)
    return ClaimFactory(article=article)


def archived(text: str, url: str | None = None) -> Snapshot:
    kwargs = {"source__url": url} if url else {}
    snapshot = SnapshotFactory(text=text, **kwargs)
    passages_index(snapshot_id=snapshot.pk, source_id=snapshot.source_id, text=text)
    return snapshot


def test_suggestions_rank_the_settling_passage_first_and_explain_it():
    right = archived(
        "Portugal's statistics office published its labour survey on Tuesday. "
        "Unemployment fell to 6.1 percent in March 2024, down from 6.5 percent."
    )
    wrong_number = archived(
        "Unemployment in Portugal fell to 7.4 percent in March 2024, the office said."
    )
    other_subject = archived(
        "Unemployment in Spain fell to 11.7 percent, the statistics office said in March."
    )
    evidence = claim_evidence(claim=claim_with())
    assert evidence.problem == ""
    archive = evidence.group("archive")
    assert archive[0].passage.snapshot_id == right.pk
    order = [s.passage.snapshot_id for s in archive]
    assert order.index(right.pk) < order.index(wrong_number.pk)
    assert order.index(right.pk) < order.index(other_subject.pk)
    reasons = {r["kind"]: r for r in archive[0].reasons}
    assert "6.1 percent" in reasons["matched numbers"]["found"]
    assert {"2024", "March"} <= set(reasons["matched dates"]["found"])
    assert "Portugal" in " ".join(reasons["matched names"]["found"])
    assert reasons["matched numbers"]["effect"] > 0
    contradicted = next(s for s in archive if s.passage.snapshot_id == wrong_number.pk)
    penalty = {r["kind"]: r for r in contradicted.reasons}["contradictory numbers"]
    assert penalty["effect"] < 0
    assert penalty["found"] == ["claim says 6.1 percent, passage says 7.4 percent"]
    assert '<mark class="ev-contradiction">7.4 percent</mark>' in contradicted.html
    assert '<mark class="ev-number">6.1 percent</mark>' in archive[0].html


def test_sources_cited_on_the_article_come_first():
    elsewhere = archived("Unemployment in Portugal fell to 6.1 percent in March 2024.")
    cited = archived("Unemployment fell in Portugal, the statistics office said on Tuesday.")
    claim = claim_with()
    sibling = ClaimFactory(article=claim.article, start=0, end=19)
    CitationFactory(claim=sibling, source=cited.source, snapshot=cited)
    evidence = claim_evidence(claim=claim)
    assert [s.passage.snapshot_id for s in evidence.group("cited")] == [cited.pk]
    assert evidence.suggestions[0].group == "cited"
    assert elsewhere.pk in [s.passage.snapshot_id for s in evidence.group("archive")]
    assert cited.pk not in [s.passage.snapshot_id for s in evidence.group("archive")]
    assert not evidence.suggestions[0].already_cited  # cited by another claim, not this one


def test_hostile_passage_text_is_escaped():
    archived('Unemployment in Portugal fell <script>alert("x")</script> to 6.1 percent & more.')
    html = str(claim_evidence(claim=claim_with()).suggestions[0].html)
    assert "<script>" not in html and "&lt;script&gt;" in html and "&amp; more" in html
    assert re.sub(r"</?mark[^>]*>", "", html).count("&lt;") == 2


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("   ", "no text"),
        ("Le chômage a baissé à 6,1 % en mars selon les données de l'Insee.", "not in English"),
        ("Die Arbeitslosigkeit ist im März auf 6,1 Prozent gesunken, sagt das Amt.", "English"),
        ("失业率在三月份下降到百分之六点一。", "not in English"),
        ("2024 — 6.1 %", "no words"),
    ],
)
def test_empty_or_foreign_claims_get_no_suggestions_and_a_reason(text, why):
    archived("Unemployment in Portugal fell to 6.1 percent in March 2024.")
    claim = claim_with()
    claim.text = text
    evidence = claim_evidence(claim=claim)
    assert evidence.suggestions == [] and why in evidence.problem


def test_no_shared_word_says_so():
    archived("The orchestra played Mahler's fifth symphony.")
    evidence = claim_evidence(claim=claim_with())
    assert evidence.suggestions == [] and "No archived passage" in evidence.problem


# --- API ---------------------------------------------------------------------------------------


def api_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_api_is_staff_only(reviewer, editor):
    claim = claim_with()
    archived("Unemployment in Portugal fell to 6.1 percent in March 2024.")
    url = f"/api/v1/claims/{claim.pk}/evidence/"
    anonymous = APIClient().get(url)
    assert anonymous.status_code == 401 and anonymous.json()["code"] == "not_authenticated"
    nobody = get_user_model().objects.create_user("nobody", password="pw")
    assert api_for(nobody).get(url).status_code == 403
    response = api_for(reviewer).get(url)
    assert response.status_code == 200
    body = response.json()
    assert body["problem"] == ""
    first = body["suggestions"][0]
    assert first["group"] == "archive" and first["score"] > 0
    assert first["live_url"].startswith(first["source"]["url"] + "#:~:text=")
    assert first["archive_url"].endswith(f"?start={first['start']}&end={first['end']}#excerpt")
    assert api_for(editor).get(url).status_code == 200
    reviewer.is_staff = False  # left the newsroom; the group still grants the permission
    reviewer.save()
    refused = api_for(reviewer).get(url)
    assert refused.status_code == 403 and refused.json()["code"] == "permission_denied"
    assert api_for(editor).get("/api/v1/claims/999999/evidence/").status_code == 404
    assert api_for(editor).post(url, {}, format="json").status_code == 405


def test_api_is_in_the_schema(reviewer):
    schema = api_for(reviewer).get("/api/v1/schema/?format=json").json()
    operation = schema["paths"]["/api/v1/claims/{id}/evidence/"]["get"]
    assert operation["operationId"] == "claims_evidence"
    ref = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    assert ref.endswith("/EvidenceOut")


@pytest.mark.parametrize("sources", [10, 300])
def test_api_query_count_does_not_grow(sources, reviewer, django_assert_num_queries):
    claim = claim_with()
    sibling = ClaimFactory(article=claim.article, start=0, end=19)
    for n in range(sources):
        snapshot = archived(
            f"Unemployment in region {n} of Portugal fell to {n}.1 percent in March 2024. "
            "The statistics office said so on Tuesday."
        )
        if n % 3 == 0:
            CitationFactory(claim=sibling, source=snapshot.source, snapshot=snapshot)
    client = api_for(reviewer)
    # session user + permissions (2), claim, cited sources, search in them, how common the
    # claim's words are, search in all, passages with their sources
    with django_assert_num_queries(8):
        response = client.get(f"/api/v1/claims/{claim.pk}/evidence/")
    cited = len(range(0, sources, 3))
    groups = [s["group"] for s in response.json()["suggestions"]]
    assert groups == ["cited"] * min(5, cited) + ["archive"] * min(5, sources - cited)


# --- Citing a passage --------------------------------------------------------------------------


def test_cite_a_passage_pins_snapshot_and_offsets(reviewer, django_capture_on_commit_callbacks):
    snapshot = archived(
        "Labour survey. Unemployment in Portugal fell to 6.1 percent in March 2024. Good news."
    )
    claim = claim_with()
    passage = Passage.objects.filter(snapshot=snapshot, text__contains="6.1").first()
    citation = citation_add_from_passage(
        claim=claim, passage_id=passage.pk, stance="supports", by=reviewer
    )
    citation.refresh_from_db()
    assert (citation.snapshot_id, citation.excerpt_start, citation.excerpt_end) == (
        snapshot.pk,
        passage.start,
        passage.end,
    )
    assert citation.excerpt == snapshot.text[passage.start : passage.end] == passage.text
    assert citation.excerpt_found is True and citation.source_id == snapshot.source_id
    evidence = claim_evidence(claim=claim)
    assert all(s.already_cited for s in evidence.suggestions)


def test_cite_refuses_unknown_passage_stance_and_duplicates(reviewer):
    from factcheck.errors import DomainError

    snapshot = archived("Unemployment in Portugal fell to 6.1 percent in March 2024.")
    passage = Passage.objects.get(snapshot=snapshot)
    claim = claim_with()
    with pytest.raises(DomainError, match="no longer in the archive"):
        citation_add_from_passage(claim=claim, passage_id=10**9, stance="supports", by=reviewer)
    with pytest.raises(DomainError, match="Unknown stance"):
        citation_add_from_passage(claim=claim, passage_id=passage.pk, stance="maybe", by=reviewer)
    first = citation_add_from_passage(
        claim=claim, passage_id=passage.pk, stance="refutes", by=reviewer
    )
    # The same click again (a retry) is the same citation; a different one is refused.
    again = citation_add_from_passage(
        claim=claim, passage_id=passage.pk, stance="refutes", by=reviewer
    )
    assert again.pk == first.pk
    with pytest.raises(DomainError, match="already cites"):
        citation_add_from_passage(
            claim=claim, passage_id=passage.pk, stance="supports", by=reviewer
        )
    assert Citation.objects.count() == 1


def test_admin_panel_and_cite_button_need_csrf(reviewer):
    snapshot = archived(
        "Unemployment in Portugal fell to 6.1 percent in March 2024 <b>officially</b>."
    )
    passage = Passage.objects.get(snapshot=snapshot)
    claim = claim_with()
    client = Client(enforce_csrf_checks=True)
    client.force_login(reviewer)
    page = client.get(f"/admin/claims/claim/{claim.pk}/change/")
    html = page.content.decode()
    assert "Evidence suggestions" in html and "&lt;b&gt;officially&lt;/b&gt;" in html
    assert f'name="cite" value="{passage.pk}:supports"' in html
    assert f'formaction="/admin/claims/claim/{claim.pk}/cite-passage/"' in html
    cite = f"/admin/claims/claim/{claim.pk}/cite-passage/"
    assert client.post(cite, {"cite": f"{passage.pk}:supports"}).status_code == 403
    assert not Citation.objects.exists()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    bad = client.post(cite, {"cite": "abc:supports", "csrfmiddlewaretoken": token})
    assert bad.status_code == 302 and not Citation.objects.exists()
    done = client.post(
        cite, {"cite": f"{passage.pk}:supports", "csrfmiddlewaretoken": token}, follow=True
    )
    assert "Cited" in done.content.decode()
    citation = Citation.objects.get()
    assert (citation.claim_id, citation.stance, citation.excerpt_start) == (
        claim.pk,
        "supports",
        passage.start,
    )
    assert Source.objects.count() == 1


def test_cite_needs_the_add_citation_permission(django_user_model):
    snapshot = archived("Unemployment in Portugal fell to 6.1 percent in March 2024.")
    passage = Passage.objects.get(snapshot=snapshot)
    claim = claim_with()
    viewer = django_user_model.objects.create_user("viewer", password="pw", is_staff=True)
    from django.contrib.auth.models import Permission

    viewer.user_permissions.add(Permission.objects.get(codename="view_claim"))
    client = Client()
    client.force_login(viewer)
    response = client.post(
        f"/admin/claims/claim/{claim.pk}/cite-passage/", {"cite": f"{passage.pk}:supports"}
    )
    assert response.status_code == 403 and not Citation.objects.exists()
