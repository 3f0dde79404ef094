"""What the tests share beyond conftest.py's project and CLI fixtures: the browser engines the recipient's view
and the preview are measured in (browsers.py), and the PO-editing helpers (catalogs.py)."""
