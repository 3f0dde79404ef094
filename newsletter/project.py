"""The project opened: newsletter.yaml read by the settings model (newsletter/model/settings.py), each
provider's audience.<provider> section handed to the shape that provider declares (providers.AUDIENCES).

The model sits below the providers, so it cannot name them; this is the one place that joins the two.
Commands, the preview and the tests load the settings here.
"""

from __future__ import annotations

from pathlib import Path

from newsletter.model.settings import Settings, read_settings
from newsletter.providers import AUDIENCES


def load_settings(root: Path | None = None) -> Settings:
    """The project's settings (its root found from the current folder when None); a problem raises, located."""
    return read_settings(root, AUDIENCES)
