"""Exports for mailing providers: one small module per provider behind providers/base.py."""
