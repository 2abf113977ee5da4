from factcheck.errors import BadInput


class ArticleImportError(BadInput):
    """An article could not be imported; the message says why, in words for the user."""
