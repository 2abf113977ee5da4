"""A local HTTP server on 127.0.0.1 for tests that fetch URLs (placeholder; the sources work
fills it in)."""
