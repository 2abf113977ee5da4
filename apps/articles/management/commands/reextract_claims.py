"""reextract_claims ID [ID ...] | --all: re-run claim extraction, keeping reviewer work.

After a new model is shipped (``make train-claims``), ``--all`` re-scores every article with it:
each claim found again gets the current score, reasons, contributions and model version, and
keeps its status, assignee, citations and verdicts.
"""

from django.core.management.base import BaseCommand, CommandError

from apps.articles.models import Article
from apps.claims.services import claims_extract


class Command(BaseCommand):
    help = "Re-run claim extraction on articles; matching claims and their reviews are kept."

    def add_arguments(self, parser):
        parser.add_argument("ids", nargs="*", type=int, metavar="ARTICLE_ID")
        parser.add_argument("--all", action="store_true", help="Every article.")

    def handle(self, *args, ids, all, **options):
        if bool(ids) == bool(all):
            raise CommandError("give article ids or --all, not both or neither")
        articles = Article.objects.order_by("pk").only("pk", "title", "body")
        if not all:
            articles = articles.filter(pk__in=ids)
            missing = sorted(set(ids) - set(articles.values_list("pk", flat=True)))
            if missing:
                raise CommandError(f"no article with id {', '.join(map(str, missing))}")
        # One article in memory at a time: --all may cover the whole archive.
        for article in articles.iterator(chunk_size=100):
            result = claims_extract(article=article)
            self.stdout.write(
                f"#{article.pk} {article.title}: {result.added} added, {result.kept} kept, "
                f"{result.stale} stale"
            )
