"""The client's rights over an automated credit decision and their data, and how to exercise
them, in plain French: printed on the summary handed to the client (GDPR art. 13-16, 21-22,
77; consumer credit: the lender explains a refusal). The contact details are the lender's to
set; these are the demo's."""
from __future__ import annotations

from dataclasses import dataclass

LENDER = "Prêt à dépenser"
CLAIMS_ADDRESS = "Prêt à dépenser — Service réclamations, 10 rue de l'Exemple, 75000 Paris"
DPO_EMAIL = "dpo@pret-a-depenser.example"
DPO_ADDRESS = ("Prêt à dépenser — Délégué à la protection des données, 10 rue de l'Exemple, "
               "75000 Paris")
ANSWER_DELAY = "un mois"


@dataclass(frozen=True)
class Right:
    title: str
    what: str
    how: str


RIGHTS: tuple[Right, ...] = (
    Right("Demander qu'une personne réexamine votre dossier",
          "La recommandation vient d'un modèle de calcul du risque. Vous avez le droit "
          "d'obtenir qu'un conseiller examine votre dossier lui-même et prenne la décision.",
          f"Demandez-le à votre conseiller ou écrivez à : {CLAIMS_ADDRESS}."),
    Right("Contester la décision",
          "Vous pouvez donner votre point de vue et contester la décision, par exemple si "
          "votre situation a changé ou si une information est inexacte.",
          f"Écrivez à : {CLAIMS_ADDRESS}, en joignant ce document. Nous vous répondons dans un "
          "délai de deux mois ; au-delà, vous pouvez saisir gratuitement le médiateur de "
          "l'établissement."),
    Right("Consulter vos informations et les faire corriger",
          "Vous pouvez obtenir une copie de toutes les informations que nous détenons sur vous "
          "et faire corriger celles qui sont inexactes ou incomplètes.",
          f"Écrivez au délégué à la protection des données : {DPO_EMAIL} ou {DPO_ADDRESS}, avec "
          f"une copie d'une pièce d'identité. Réponse sous {ANSWER_DELAY}."),
    Right("Porter réclamation auprès de la CNIL",
          "Si vous estimez que vos données ne sont pas traitées correctement, vous pouvez "
          "vous adresser à l'autorité de contrôle.",
          "Commission nationale de l'informatique et des libertés (CNIL), www.cnil.fr, "
          "3 place de Fontenoy, 75007 Paris."),
)
