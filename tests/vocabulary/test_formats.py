"""French formats: one set of rules for the API, the portal and the note."""
import pytest

from vocabulary import formats

NB = "\u202f"  # narrow no-break space: thousands and before a unit


@pytest.mark.parametrize(("value", "unit", "expected"), [
    (202500.0, "€", f"202{NB}500{NB}€"),
    (1234567.0, "€", f"1{NB}234{NB}567{NB}€"),
    (25.9, "ans", f"25,9{NB}ans"),
    (40.0, "ans", f"40{NB}ans"),
    (16.46, "mois", f"16,5{NB}mois"),
    (12.4, "jours", f"12{NB}jours"),
    (0.125, "%", f"12,5{NB}%"),  # shares between 0 and 1 (docs/features.md)
    (0.25, "%", f"25{NB}%"),
    (3, "nombre", "3"),
    (2.5, "nombre", "2,5"),
    (0.2634, "score", "0,26"),
    (3.2, "ratio", "3,20"),
    (1.0, "", "oui"),
    (0.0, "", "non"),
    (1.5, "", "1,50"),
    (None, "€", "non renseigné"),
    (float("nan"), "ans", "non renseigné"),
    (True, "", "oui"),
    ("Cash loans", "", "Prêt personnel"),
    ("F", None, "Femme"),
])
def test_value(value, unit, expected) -> None:
    assert formats.value(value, unit) == expected


def test_percent_points_ordinal() -> None:
    assert formats.percent(0.0912) == f"9,1{NB}%"
    assert formats.percent(None) == "non renseigné"
    assert formats.points(0.025) == f"+2,5{NB}points"
    assert formats.points(-0.004) == f"−0,4{NB}point"
    assert formats.ordinal(1) == "1er centile" and formats.ordinal(67.4) == "67ᵉ centile"


def test_unknown_category_passes_through() -> None:
    assert formats.value("Something new") == "Something new"
