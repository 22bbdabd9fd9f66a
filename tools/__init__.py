"""Developer commands that are not part of any Lambda: building and scoring the article index."""
