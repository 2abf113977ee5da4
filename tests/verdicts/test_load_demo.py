"""`load_demo` builds a newsroom a newcomer can explore, and running it twice changes nothing."""

import os

import pytest
from django.core.management import CommandError, call_command

from apps.articles.models import Article
from apps.claims.models import Claim
from apps.sources import render
from apps.sources.evidence import claim_evidence
from apps.sources.models import Citation, RenderState, Snapshot, Source
from apps.verdicts.models import ClaimSetVersion, PriorCheckMatch, StaffProfile, Verdict

pytestmark = pytest.mark.django_db


def load(capsys, **options) -> str:
    call_command("load_demo", **options)
    return capsys.readouterr().out


def counts() -> tuple[int, ...]:
    return tuple(
        m.objects.count() for m in (Article, Claim, Source, Citation, Verdict, ClaimSetVersion)
    )


@pytest.fixture
def chromium(settings):
    """Rendering on exactly when Chromium is installed, as on a laptop running `make run`."""
    settings.RENDER_ENABLED = os.path.exists(settings.RENDER_CHROMIUM)
    yield settings.RENDER_ENABLED
    if settings.RENDER_ENABLED:
        render.browsers_close()


def test_load_demo_builds_every_state_and_is_idempotent(
    settings, capsys, django_user_model, chromium
):
    settings.DEBUG = True
    out = load(capsys)
    assert "Imported: 'Russia looks for a role" in out
    assert "reviewer-demo-pass" in out and "editor-demo-pass" in out and "admin-demo-pass" in out

    article = Article.objects.get(title__startswith="Russia looks for a role")
    assert article.claims.count() >= 10
    # Every state but an approved correction (one click from published): the demo shows a
    # correction still waiting for a second editor instead.
    states = {v.state for v in Verdict.objects.all()}
    assert states == set(Verdict.State.values) - {Verdict.State.CORRECTION_APPROVED}
    assert Citation.objects.count() == 8
    assert Source.objects.count() == 10, "7 cited (the two Manbij URLs are one) + 3 demo pages"
    assert not Source.objects.filter(url__contains="utm_").exists()
    assert Snapshot.objects.filter(state=Snapshot.State.QUEUED).count() == 7
    # The demo's own pages, archived from 127.0.0.1 by the capture pipeline, give suggestions.
    assert "3 demo source pages archived" in out
    pages = Source.objects.filter(snapshots__state=Snapshot.State.ARCHIVED)
    assert {s.publisher for s in pages} == {"Demo Desk Monitor", "Demo Relief Bulletin"}
    assert all(s.url.startswith("http://127.0.0.1:") for s in pages)
    seeds = Snapshot.objects.filter(state=Snapshot.State.ARCHIVED)
    if chromium:
        # Rendered now, from the same local server: the stylesheet and the logo were fetched.
        assert "3 demo source pages rendered" in out
        for snapshot in seeds:
            assert snapshot.render_state == RenderState.COMPLETE, snapshot.render_reason
            assert snapshot.screenshot and snapshot.thumbnail and snapshot.pdf
            assert (snapshot.subresources_ok, snapshot.subresources_refused) == (2, 0)
    else:
        assert "Chromium not found" in out
        assert {s.render_state for s in seeds} == {RenderState.NONE}
    claim = article.claims.get(text__contains="30,000")
    evidence = claim_evidence(claim=claim)
    assert evidence.problem == "" and evidence.suggestions
    best = {r["kind"]: r["found"] for r in evidence.suggestions[0].reasons}
    assert "30,000" in best["matched numbers"]
    assert ClaimSetVersion.objects.filter(article=article).count() >= 4
    assert django_user_model.objects.get(username="admin").is_superuser
    assert django_user_model.objects.get(username="editor").groups.get().name == "Editors"
    assert StaffProfile.objects.get(user__username="editor2").public_name == "Standards editor"
    added = article.claims.get(origin=Claim.Origin.REVIEWER)
    assert added.text == "That process has already started."
    assert article.body[added.start : added.end] == added.text
    rejected = article.claims.get(status=Claim.Status.NOT_CHECKWORTHY)
    assert "Russia is looking for ways to remain involved" in rejected.text
    assert "2 reviewer decisions added" in out
    repeat = PriorCheckMatch.objects.get(claim__text__contains="Kurds took by storm")
    assert repeat.prior_claim.article == article and repeat.score >= settings.PRIOR_CHECK_FLAG
    assert repeat.prior_claim.verdicts.get().state in Verdict.LIVE_PUBLIC_STATES
    assert "prior check(s) found" in out

    before = counts()
    out = load(capsys)
    assert "Already loaded" in out
    assert "0 citations, 0 verdicts and 0 reviewer decisions added" in out
    assert "0 demo source pages archived" in out and "pages rendered" not in out
    assert counts() == before


def test_load_demo_refuses_with_debug_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="refuses to run with DEBUG off; pass --force"):
        call_command("load_demo")
    assert not Article.objects.exists()


def test_load_demo_force_with_debug_off(settings, capsys):
    settings.DEBUG = False
    assert "Imported" in load(capsys, force=True)
