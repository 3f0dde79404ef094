"""Authoring aids: next month's issue from a skeleton or a copy (newsletter new), a blog post as an article
(newsletter import)."""
