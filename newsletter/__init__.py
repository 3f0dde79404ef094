"""newsletter: YAML articles → Babel catalogs → MJML → HTML and plain text, per locale."""

__version__ = "0.1.0"
