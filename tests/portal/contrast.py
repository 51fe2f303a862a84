"""WCAG 2.1 contrast ratio (success criterion 1.4.3), used to check the chart palette and the
stylesheet's colour pairs: https://www.w3.org/TR/WCAG21/#dfn-contrast-ratio"""
from __future__ import annotations


def relative_luminance(hex_colour: str) -> float:
    """Relative luminance of an sRGB colour written ``#rrggbb`` (WCAG 2.1 definition)."""
    digits = hex_colour.lstrip("#")
    if len(digits) == 3:
        digits = "".join(2 * digit for digit in digits)
    channels = [int(digits[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(first: str, second: str) -> float:
    """From 1 (same colour) to 21 (black on white); text needs 4.5, large text and UI parts 3."""
    high, low = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (high + 0.05) / (low + 0.05)
