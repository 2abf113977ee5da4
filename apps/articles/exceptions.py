class ArticleImportError(Exception):
    """An article could not be imported; the message says why, in words for the user."""
