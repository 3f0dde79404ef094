"""newsletter: YAML articles → Babel catalogs → MJML → HTML and plain text, per locale."""

__version__ = "0.1.0"

# What Ctrl+C or SIGTERM prints, at whatever stage it comes (newsletter/__main__.py, newsletter/cli.py).
INTERRUPTED = "interrupted: nothing half-written was left; run the command again"
