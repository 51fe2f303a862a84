"""Home Credit's category codes (English in the data) as advisors read them, and the French
names of the categorical application columns. Unknown codes pass through unchanged."""
from __future__ import annotations

COLUMNS = {
    "CODE_GENDER": "Sexe",
    "NAME_CONTRACT_TYPE": "Type de contrat",
    "NAME_INCOME_TYPE": "Type de revenus",
    "NAME_EDUCATION_TYPE": "Niveau d'études",
    "NAME_FAMILY_STATUS": "Situation familiale",
    "NAME_HOUSING_TYPE": "Logement",
    "OCCUPATION_TYPE": "Profession",
}

VALUES = {
    # CODE_GENDER
    "F": "Femme", "M": "Homme",
    # NAME_CONTRACT_TYPE
    "Cash loans": "Prêt personnel", "Revolving loans": "Crédit renouvelable",
    # NAME_INCOME_TYPE
    "Working": "Salarié·e", "Commercial associate": "Commerçant·e ou associé·e",
    "Pensioner": "Retraité·e", "State servant": "Fonctionnaire", "Unemployed": "Sans emploi",
    "Student": "Étudiant·e", "Businessman": "Chef·fe d'entreprise",
    "Maternity leave": "Congé maternité",
    # NAME_EDUCATION_TYPE
    "Academic degree": "Doctorat", "Higher education": "Études supérieures",
    "Incomplete higher": "Études supérieures non terminées",
    "Lower secondary": "Collège", "Secondary / secondary special": "Lycée ou CAP/BEP",
    # NAME_FAMILY_STATUS ("civil marriage" is living together without marriage)
    "Civil marriage": "Union libre", "Married": "Marié·e", "Separated": "Séparé·e",
    "Single / not married": "Célibataire", "Widow": "Veuf ou veuve",
    # NAME_HOUSING_TYPE
    "Co-op apartment": "Logement coopératif", "House / apartment": "Maison ou appartement",
    "Municipal apartment": "Logement social", "Office apartment": "Logement de fonction",
    "Rented apartment": "Location", "With parents": "Chez ses parents",
    # OCCUPATION_TYPE
    "Accountants": "Comptable", "Cleaning staff": "Agent·e d'entretien",
    "Cooking staff": "Cuisinier·ère", "Core staff": "Employé·e", "Drivers": "Chauffeur·e",
    "HR staff": "Ressources humaines", "High skill tech staff": "Technicien·ne qualifié·e",
    "IT staff": "Informaticien·ne", "Laborers": "Ouvrier·ère",
    "Low-skill Laborers": "Ouvrier·ère non qualifié·e", "Managers": "Cadre",
    "Medicine staff": "Personnel médical",
    "Private service staff": "Employé·e de services à la personne",
    "Realty agents": "Agent·e immobilier", "Sales staff": "Vendeur·se",
    "Secretaries": "Secrétaire", "Security staff": "Agent·e de sécurité",
    "Waiters/barmen staff": "Serveur·se ou barman",
}


def category(code: str) -> str:
    """A Home Credit category code in French (``"Cash loans"`` → ``"Prêt personnel"``)."""
    return VALUES.get(code, code)


def one_hot_label(column: str, code: str) -> str:
    """Label of a 0/1 feature that says the column takes this code: « Profession : Cadre »."""
    return f"{COLUMNS[column]} : {category(code)}"
