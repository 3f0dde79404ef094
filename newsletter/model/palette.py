"""The brand's palette: its colours as newsletter.yaml writes them, and the colour arithmetic that derives
the dark-mode palette from the light one (contrast by WCAG 2, lightness by HLS)."""

from __future__ import annotations

import colorsys
import re
from dataclasses import dataclass, field

import wcag_contrast_ratio

from newsletter.errors import quoted
from newsletter.model.fieldspec import spec, yaml_keys
from newsletter.model.yamlsource import Fields

COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")


def color_spec(description: str, optional: bool = False) -> dict:
    return spec(f"{description}, as '#' and six hex digits (in quotes).", pattern=COLOR.pattern, optional=optional)


@dataclass(frozen=True)
class DarkPalette:
    """The brand colours in dark mode (mail apps that honour it): set under brand.dark, or derived."""

    # headings, links, outlined buttons; the filled button's background
    primary_color: str = field(metadata=color_spec("Headings, links and buttons in dark mode", optional=True))
    text_color: str = field(metadata=color_spec("Body text in dark mode", optional=True))
    # the cards; also the filled button's label
    background_color: str = field(metadata=color_spec("The email's background in dark mode", optional=True))


COLOR_KEYS = yaml_keys(DarkPalette)  # primary_color, text_color, background_color


def read_color(fields: Fields, key: str, required: bool = True) -> str | None:
    value = fields.text(key, required=required)
    if value is not None and not COLOR.match(value):
        fields.problems.add(fields.location(key), f"expected a colour like '#1f4e79', got {quoted(value)}",
                            "write six hex digits after '#', in quotes")
        return None
    return value


def read_dark(fields: Fields | None) -> dict[str, str]:
    """brand.dark: the colours set by hand; the others are derived."""
    if fields is None:
        return {}
    colors = {key: read_color(fields, key, required=False) for key in COLOR_KEYS}
    return {key: value for key, value in colors.items() if value}


DARK_CARD, DARK_TEXT = "#1e1e1e", "#e8e8e8"
DARK_CONTRAST = 7.0  # derived colours aim at WCAG AAA, well clear of the AA minimum the checks require


def derive_dark(light: DarkPalette, chosen: dict[str, str]) -> DarkPalette:
    """The dark palette: what brand.dark sets, and for the rest a dark card (the brand's own background
    when it is dark already), light text, and the primary colour lightened until it reads on the card."""
    background = chosen.get("background_color") or (
        light.background_color if _is_dark(light.background_color) else DARK_CARD)
    text = chosen.get("text_color") or readable(DARK_TEXT, background)
    primary = chosen.get("primary_color") or readable(light.primary_color, background)
    return DarkPalette(primary_color=primary, text_color=text, background_color=background)


def readable(color: str, background: str, target: float = DARK_CONTRAST) -> str:
    """The colour made lighter, keeping its hue and saturation, until it reaches the target contrast on
    the (dark) background."""
    hue, lightness, saturation = colorsys.rgb_to_hls(*_channels(color))
    for step in range(101):
        lighter = colorsys.hls_to_rgb(hue, lightness + (1 - lightness) * step / 100, saturation)
        candidate = "#" + "".join(f"{round(channel * 255):02x}" for channel in lighter)
        if contrast_ratio(candidate, background) >= target:
            return candidate
    return "#ffffff"


def _channels(color: str) -> tuple[float, float, float]:
    return tuple(int(color[i:i + 2], 16) / 255 for i in (1, 3, 5))


def _is_dark(color: str) -> bool:
    return contrast_ratio(color, "#ffffff") > contrast_ratio(color, "#000000")


def contrast_ratio(one: str, other: str) -> float:
    return wcag_contrast_ratio.rgb(_channels(one), _channels(other))
