"""Localization: catalogs, the YAML extractor, translation checks, status and pseudo-locales."""
