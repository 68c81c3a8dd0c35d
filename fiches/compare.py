"""How the admin's revision comparison shows a fiche's values: yes/no in words, keywords as a set.
Wagtail's declared extension points: a block's `get_comparison_class()` and
`register_comparison_class` (registered in wagtail_hooks.py)."""

from django.utils.html import escape, format_html, format_html_join
from django.utils.translation import gettext as _
from wagtail import blocks
from wagtail.admin.compare import (
    BlockComparison,
    FieldComparison,
    StructBlockComparison,
    TagsFieldComparison,
    TextDiff,
    get_comparison_class_for_block,
)


def yes_no(value):
    return _("Oui") if value else _("Non")


def _yes_no_diff(value_a, value_b):
    if bool(value_a) == bool(value_b):
        return escape(yes_no(value_a))
    return TextDiff([("deletion", yes_no(value_a)), ("addition", yes_no(value_b))]).to_html()


class YesNoBlockComparison(BlockComparison):
    """A BooleanBlock as "Oui"/"Non" (Wagtail renders the Python value: "False")."""

    def htmlvalue(self, val):
        return escape(yes_no(val))

    def htmldiff(self):
        return _yes_no_diff(self.val_a, self.val_b)

    def has_changed(self):
        return bool(self.val_a) != bool(self.val_b)


def _child_comparison(block):
    if isinstance(block, blocks.BooleanBlock):
        return YesNoBlockComparison
    return get_comparison_class_for_block(block)


class StructWithYesNoComparison(StructBlockComparison):
    """Wagtail's StructBlock comparison, its boolean children as "Oui"/"Non"."""

    def htmlvalue(self, val):
        rows = [
            (
                block.label,
                _child_comparison(block)(block, True, True, val[name], val[name]).htmlvalue(val[name]),
            )
            for name, block in self.block.child_blocks.items()
        ]
        return format_html(
            "<dl>\n{}\n</dl>", format_html_join("\n", "    <dt>{}</dt>\n    <dd>{}</dd>", rows)
        )

    def htmldiff(self):
        rows = [
            (
                block.label,
                _child_comparison(block)(
                    block, self.exists_a, self.exists_b, self.val_a[name], self.val_b[name]
                ).htmldiff(),
            )
            for name, block in self.block.child_blocks.items()
        ]
        return format_html(
            "<dl>\n{}\n</dl>", format_html_join("\n", "    <dt>{}</dt>\n    <dd>{}</dd>", rows)
        )


class YesNoFieldComparison(FieldComparison):
    """A model's BooleanField as "Oui"/"Non"."""

    def htmldiff(self):
        return _yes_no_diff(self.val_a, self.val_b)


class UnorderedTagsComparison(TagsFieldComparison):
    """Keywords compared as a set: reordering them is not a change."""

    def get_items(self):
        items_a, items_b = super().get_items()
        return sorted(items_a, key=lambda tag: tag.slug), sorted(items_b, key=lambda tag: tag.slug)
