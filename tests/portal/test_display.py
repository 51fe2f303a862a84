"""French formatting of values for advisors."""
import pytest

from portal.clients.display import fr_category, fr_ordinal, fr_percent, fr_value

NB = "\u202f"


@pytest.mark.parametrize(("value", "unit", "expected"), [
    (202500.0, "€", f"202{NB}500{NB}€"),
    (25.9, "ans", "25,9 ans"),
    (40.0, "ans", "40 ans"),
    (12.4, "jours", "12 jours"),
    (0.125, "%", f"12,5{NB}%"),  # shares between 0 and 1 (docs/features.md)
    (3, "nombre", "3"),
    (0.2634, "score", "0,26"),
    (None, "€", "non renseigné"),
    (float("nan"), "ans", "non renseigné"),
    (True, "", "oui"),
])
def test_fr_value(value, unit, expected):
    assert fr_value(value, unit) == expected


def test_percent_ordinal_category():
    assert fr_percent(0.0912) == f"9,1{NB}%"
    assert fr_ordinal(1) == "1er centile" and fr_ordinal(67.4) == "67ᵉ centile"
    assert fr_category("Cash loans") == "Prêt personnel"
    assert fr_category("Something new") == "Something new" and fr_category(None) == "non renseigné"
