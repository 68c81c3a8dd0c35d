"""The blocks of a fiche's body. Each stores meaning (steps, documents, conditions, cost);
templates decide how it looks, on screen and in handouts."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks


class RichTextSection(blocks.StructBlock):
    heading = blocks.CharBlock(label=_("titre"), required=False, max_length=120)
    text = blocks.RichTextBlock(label=_("texte"), features=["bold", "italic", "link", "ol", "ul"])

    class Meta:
        icon = "doc-full"
        label = _("Texte")
        template = "fiches/blocks/section.html"
        preview_value = {"heading": "Bon à savoir", "text": "<p>Les droits sont étudiés au cas par cas.</p>"}


class ConditionsBlock(blocks.RichTextBlock):
    class Meta:
        icon = "tick-inverse"
        label = _("Conditions")
        template = "fiches/blocks/conditions.html"
        features = ["bold", "italic", "link", "ol", "ul"]
        preview_value = (
            "<ul><li>Résider dans le département</li><li>Ressources inférieures au plafond</li></ul>"
        )


class StepsBlock(blocks.ListBlock):
    def __init__(self, **kwargs):
        super().__init__(blocks.TextBlock(label=_("étape")), **kwargs)

    class Meta:
        icon = "list-ol"
        label = _("Démarches, étape par étape")
        template = "fiches/blocks/steps.html"
        preview_value = ["Prendre rendez-vous", "Constituer le dossier", "Déposer la demande"]


class DocumentsBlock(blocks.ListBlock):
    def __init__(self, **kwargs):
        super().__init__(blocks.CharBlock(label=_("pièce"), max_length=255), **kwargs)

    class Meta:
        icon = "doc-empty"
        label = _("Pièces à fournir")
        template = "fiches/blocks/documents.html"
        preview_value = ["Pièce d’identité", "Dernier avis d’imposition"]


class CostBlock(blocks.StructBlock):
    is_free = blocks.BooleanBlock(label=_("gratuit"), required=False)
    details = blocks.TextBlock(label=_("précisions"), required=False)

    class Meta:
        icon = "pick"
        label = _("Coût")
        template = "fiches/blocks/cost.html"
        preview_value = {"is_free": True, "details": ""}

    def get_comparison_class(self):
        # Wagtail's hook for a block's revision comparison: "gratuit : Oui", not "gratuit False".
        from .compare import StructWithYesNoComparison

        return StructWithYesNoComparison


class FicheBodyBlock(blocks.StreamBlock):
    section = RichTextSection()
    conditions = ConditionsBlock()
    steps = StepsBlock()
    documents = DocumentsBlock()
    cost = CostBlock()
