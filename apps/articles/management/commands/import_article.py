"""import_article (FILE | - | --url URL) [--title T] [--reextract]: create an Article and its
Claims in one transaction."""

import sys

from django.core.management.base import BaseCommand, CommandError

from apps.articles.exceptions import ArticleImportError
from apps.articles.inputfile import input_read
from apps.articles.models import Article
from apps.articles.services import article_import, article_import_url
from apps.articles.textinput import TextInputError, text_decode
from apps.claims.services import claims_extract


class Command(BaseCommand):
    help = "Import an article from a UTF-8 text file, standard input (-) or a URL."
    stealth_options = ("stdin",)  # a stream to read "-" from, for call_command

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", help="A UTF-8 text file, or - for standard input.")
        parser.add_argument("--url", help="Fetch the article from this URL instead.")
        parser.add_argument("--title", default="", help="Title (default: the first line).")
        parser.add_argument(
            "--reextract",
            action="store_true",
            help="If this text was imported before, re-run claim extraction on it.",
        )

    def handle(self, *args, file, url, title, reextract, **options):
        if bool(file) == bool(url):
            raise CommandError("give exactly one of FILE, - (standard input) or --url URL")
        try:
            if url:
                article, created = article_import_url(url=url, title=title)
            else:
                data = input_read(file, stdin=options.get("stdin") or sys.stdin)
                body = text_decode(data, name="standard input" if file == "-" else file)
                origin = Article.Origin.TEXT if file == "-" else Article.Origin.FILE
                article, created = article_import(body=body, title=title, origin=origin)
        except (TextInputError, ArticleImportError) as exc:
            raise CommandError(exc.message) from None

        if created:
            self.stdout.write(
                f"Imported article #{article.pk} “{article.title}” with "
                f"{article.claims.count()} claims."
            )
            return
        self.stdout.write(
            f"Already imported: the same text is article #{article.pk} “{article.title}”."
        )
        if reextract:
            result = claims_extract(article=article)
            self.stdout.write(
                f"Re-extracted: {result.added} added, {result.kept} kept, {result.stale} stale."
            )
