"""reextract_claims ID [ID ...] | --all: re-run claim extraction, keeping reviewer work."""

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
        articles = Article.objects.all() if all else Article.objects.filter(pk__in=ids)
        found = {article.pk: article for article in articles.only("pk", "title", "body")}
        missing = sorted(set(ids) - set(found))
        if missing:
            raise CommandError(f"no article with id {', '.join(map(str, missing))}")
        for article in found.values():
            result = claims_extract(article=article)
            self.stdout.write(
                f"#{article.pk} {article.title}: {result.added} added, {result.kept} kept, "
                f"{result.stale} stale"
            )
