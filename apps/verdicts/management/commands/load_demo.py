from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from apps.verdicts.demo import DemoError, demo_load


class Command(BaseCommand):
    help = (
        "Load the demo newsroom: the seed article and its claims, demo users, cited sources and "
        "verdicts in every state. Safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even when DEBUG is off (creates users with known passwords).",
        )

    def handle(self, *args, **options):
        if not (settings.DEBUG or options["force"]):
            raise CommandError(
                "load_demo creates users with known passwords, so it refuses to run with DEBUG "
                "off; pass --force if you really want demo users on this installation"
            )
        try:
            result = demo_load()
        except DemoError as exc:
            raise CommandError(str(exc)) from None
        article = result.article
        verb = "Imported" if result.article_created else "Already loaded"
        self.stdout.write(
            f"{verb}: {article.title!r} with {article.claims.count()} claims "
            f"({result.citations_added} citations, {result.verdicts_added} verdicts and "
            f"{result.reviewer_decisions} reviewer decisions added; "
            f"{result.pages.archived} demo source pages archived for evidence suggestions)."
        )
        self.stdout.write(f"{result.comments_added} staff comments added to claim threads.")
        if not result.pages.render_enabled:
            self.stdout.write(
                f"Chromium not found ({settings.RENDER_CHROMIUM}) or RENDER_ENABLED off: the demo "
                "pages are archived without screenshots; everything else works."
            )
        elif result.pages.archived:
            self.stdout.write(
                f"{result.pages.rendered} demo source pages rendered (screenshot, PDF, "
                "subresources)."
            )
        for problem in result.pages.problems:
            self.stderr.write(f"warning: demo source page {problem}")
        if result.prior_matches:
            self.stdout.write(
                f"The follow-up article repeats a checked claim: {result.prior_matches} "
                "prior check(s) found (filter the claims queue by 'Likely repeat')."
            )
        for fragment in result.missing_claims:
            self.stderr.write(f"warning: no claim found for {fragment!r} in the demo article")
        self.stdout.write("Demo logins (user / password):")
        for username, password in result.users:
            self.stdout.write(f"  {username:10} {password}")
