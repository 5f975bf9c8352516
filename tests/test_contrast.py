"""Every colour pair the stylesheet puts text on is readable (WCAG 2.2 AA: 4.5:1 for text,
3:1 for the focus ring and form borders), in the light scheme and in the dark one."""

import re

from django.conf import settings

import pytest

CSS = (settings.BASE_DIR / "newsroom" / "static" / "css" / "site.css").read_text()

# (foreground, background, minimum ratio, where a reader meets the pair)
PAIRS = [
    ("--ink", "--paper", 4.5, "body text"),
    ("--muted", "--paper", 4.5, "bylines, dates, help text, footer links"),
    ("--accent", "--paper", 4.5, "links and form errors"),
    ("--accent-ink", "--accent", 4.5, "text on buttons"),
    ("--paper", "--ink", 4.5, "the skip link"),
    ("--focus", "--paper", 3, "the focus ring"),
    ("--muted", "--paper", 3, "form field borders"),
]


def custom_properties(block: str) -> dict[str, str]:
    return dict(re.findall(r"(--[\w-]+):\s*(#[0-9a-fA-F]{3,6})\b", block))


def schemes() -> dict[str, dict[str, str]]:
    light = custom_properties(re.search(r":root\s*{(.*?)}", CSS, re.S).group(1))
    dark_block = re.search(
        r"@media \(prefers-color-scheme: dark\)\s*{\s*:root\s*{(.*?)}", CSS, re.S
    ).group(1)
    return {"light": light, "dark": {**light, **custom_properties(dark_block)}}


def luminance(colour: str) -> float:
    colour = colour.lstrip("#")
    if len(colour) == 3:
        colour = "".join(c * 2 for c in colour)
    channels = [int(colour[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(foreground: str, background: str) -> float:
    lighter, darker = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def rule_colours(selector: str, css: str = CSS) -> tuple[str, str]:
    """The (color, background) literal hex colours of the rule for ``selector``."""
    body = re.search(re.escape(selector) + r"\s*{([^}]*)}", css).group(1)
    colour = re.search(r"(?<![-\w])color:\s*(#[0-9a-fA-F]{3,6})", body).group(1)
    background = re.search(r"background:\s*(#[0-9a-fA-F]{3,6})", body).group(1)
    return colour, background


def test_contrast_helper_matches_known_values():
    assert contrast("#000", "#fff") == pytest.approx(21)
    assert contrast("#767676", "#fff") == pytest.approx(4.54, abs=0.01)


def test_both_schemes_define_every_colour():
    both = schemes()
    for name in ("--ink", "--muted", "--paper", "--rule", "--accent", "--accent-ink", "--focus"):
        assert name in both["light"], name
    dark_only = custom_properties(
        re.search(r"prefers-color-scheme: dark\)\s*{(.*?)}", CSS, re.S)[1]
    )
    assert set(dark_only) >= {"--ink", "--muted", "--paper", "--accent", "--accent-ink", "--focus"}


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize(("foreground", "background", "minimum", "where"), PAIRS)
def test_text_colour_pairs_are_readable(scheme, foreground, background, minimum, where):
    colours = schemes()[scheme]
    ratio = contrast(colours[foreground], colours[background])
    assert ratio >= minimum, f"{where} in the {scheme} scheme: {ratio:.2f}:1"


@pytest.mark.parametrize(
    "selector", [".button--danger", "mark", ".preview-banner"], ids=lambda s: s.strip(".")
)
def test_fixed_colour_rules_are_readable(selector):
    colour, background = rule_colours(selector)
    assert contrast(colour, background) >= 4.5, selector


def test_message_backgrounds_keep_body_text_readable():
    light, dark = schemes()["light"], schemes()["dark"]
    light_bg = re.search(r"\.message\s*{[^}]*background:\s*(#[0-9a-fA-F]+)", CSS).group(1)
    dark_bg = re.search(
        r"prefers-color-scheme: dark\).*?\.message\s*{\s*background:\s*(#[0-9a-fA-F]+)", CSS, re.S
    ).group(1)
    assert contrast(light["--ink"], light_bg) >= 4.5
    assert contrast(dark["--ink"], dark_bg) >= 4.5
