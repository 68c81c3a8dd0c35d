"""The moderators' inbox of error reports (wagtail-modeladmin), declared here and registered
in wagtail_hooks.py. Owners see the reports about their own fiches and structures only."""

from datetime import timedelta

from django.contrib import messages
from django.contrib.admin import SimpleListFilter
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import HttpResponseForbidden
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST
from wagtail.admin.panels import FieldPanel, HelpPanel, ObjectList
from wagtail_modeladmin.helpers import PermissionHelper
from wagtail_modeladmin.options import ModelAdmin
from wagtail_modeladmin.views import EditView, IndexView

from fiches.models import FicheCoveredCommune, Theme
from territories.models import TerritoirePage

from .models import ErrorReport, ReportStatus

# --- Filters ----------------------------------------------------------------------------


class AgeFilter(SimpleListFilter):
    title = gettext_lazy("ancienneté")
    parameter_name = "age"

    def lookups(self, request, model_admin):
        return [("7", _("moins de 7 jours")), ("30", _("7 à 30 jours")), ("old", _("plus de 30 jours"))]

    def queryset(self, request, queryset):
        now = timezone.now()
        if self.value() == "7":
            return queryset.filter(created_at__gte=now - timedelta(days=7))
        if self.value() == "30":
            return queryset.filter(
                created_at__lt=now - timedelta(days=7), created_at__gte=now - timedelta(days=30)
            )
        if self.value() == "old":
            return queryset.filter(created_at__lt=now - timedelta(days=30))
        return queryset


class OwnerFilter(SimpleListFilter):
    title = gettext_lazy("responsable")
    parameter_name = "responsable"

    def lookups(self, request, model_admin):
        users = (
            get_user_model()
            .objects.filter(Q(owned_fiches__isnull=False) | Q(owned_structures__isnull=False))
            .distinct()
            .order_by("last_name", "username")
        )
        return [(str(u.pk), u.get_full_name() or u.username) for u in users]

    def queryset(self, request, queryset):
        if self.value() and self.value().isdigit():
            return queryset.filter(
                Q(page__fichepage__owners=self.value()) | Q(page__structurepage__owners=self.value())
            ).distinct()
        return queryset


class TerritoryFilter(SimpleListFilter):
    title = gettext_lazy("territoire")
    parameter_name = "territoire"

    def lookups(self, request, model_admin):
        return [(str(t.pk), t.title) for t in TerritoirePage.objects.live().order_by("title")]

    def queryset(self, request, queryset):
        if not (self.value() and self.value().isdigit()):
            return queryset
        territory = TerritoirePage.objects.filter(pk=self.value()).first()
        if territory is None:
            return queryset.none()
        communes = territory.covered_communes()
        fiche_ids = FicheCoveredCommune.objects.filter(commune__in=communes).values("fiche_id")
        return queryset.filter(
            Q(page_id__in=fiche_ids) | Q(page__structurepage__commune__in=communes)
        ).distinct()


class ThemeFilter(SimpleListFilter):
    title = gettext_lazy("thème")
    parameter_name = "theme"

    def lookups(self, request, model_admin):
        return [(str(t.pk), t.name) for t in Theme.objects.filter(parent=None)]

    def queryset(self, request, queryset):
        if self.value() and self.value().isdigit():
            return queryset.filter(
                Q(page__fichepage__themes=self.value()) | Q(page__fichepage__themes__parent=self.value())
            ).distinct()
        return queryset


# --- Views ------------------------------------------------------------------------------


class ReportIndexView(IndexView):
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        visible = ErrorReport.objects.visible_to(self.request.user)
        counts = dict(visible.values_list("status").annotate(n=Count("pk")))
        context["status_counts"] = [(s.label, s.value, counts.get(s.value, 0)) for s in ReportStatus]
        context["statuses"] = ReportStatus.choices
        context["can_change"] = self.request.user.has_perm("moderation.change_errorreport")
        return context


class ReportEditView(EditView):
    """Saving the form goes through `change_status`, so every change is in the history."""

    def form_valid(self, form):
        new_status = form.cleaned_data["status"]
        old = ErrorReport.objects.get(pk=self.instance.pk)
        comment = form.cleaned_data.get("resolution", "")
        self.instance.status = old.status
        response = super().form_valid(form)
        self.instance.change_status(
            new_status, self.request.user, comment if comment != old.resolution else ""
        )
        return response


@login_required
@require_POST
def bulk_status(request):
    if not request.user.has_perm("moderation.change_errorreport"):
        return HttpResponseForbidden(_("Vous n’avez pas le droit de modifier les signalements."))
    status = request.POST.get("status")
    ids = [i for i in request.POST.getlist("ids") if i.isdigit()]
    back = request.POST.get("next", "")
    back = back if back.startswith("/admin/") else "/admin/moderation/errorreport/"
    if status not in ReportStatus.values or not ids:
        messages.error(request, _("Cochez au moins un signalement et choisissez un statut."))
        return redirect(back)
    comment = request.POST.get("comment", "").strip()[:2000]
    changed = 0
    for report in ErrorReport.objects.filter(pk__in=ids):
        changed += report.change_status(status, request.user, comment) is not None
    messages.success(
        request,
        _("%(n)d signalement(s) passé(s) au statut « %(s)s ».")
        % {"n": changed, "s": ReportStatus(status).label},
    )
    return redirect(back)


# --- ModelAdmin -------------------------------------------------------------------------


class ReportPermissionHelper(PermissionHelper):
    """The list's visibility rule applies to every object URL too (no URL tampering)."""

    def _visible(self, user, obj):
        return ErrorReport.objects.visible_to(user).filter(pk=obj.pk).exists()

    def user_can_inspect_obj(self, user, obj):
        return super().user_can_inspect_obj(user, obj) and self._visible(user, obj)

    def user_can_edit_obj(self, user, obj):
        return super().user_can_edit_obj(user, obj) and self._visible(user, obj)

    def user_can_delete_obj(self, user, obj):
        return False  # reports are never deleted: that is how nothing gets lost

    def user_can_create(self, user):
        return False  # reports come from the public form only


class ErrorReportAdmin(ModelAdmin):
    model = ErrorReport
    menu_label = gettext_lazy("Signalements")
    menu_icon = "warning"
    menu_order = 150
    add_to_settings_menu = False
    inspect_view_enabled = True
    permission_helper_class = ReportPermissionHelper
    index_view_class = ReportIndexView
    edit_view_class = ReportEditView
    index_template_name = "moderation/admin/report_index.html"
    index_view_extra_css = ["moderation/reports.css"]
    inspect_template_name = "moderation/admin/report_inspect.html"
    list_display = (
        "select",
        "reference",
        "page_link",
        "category",
        "status_tag",
        "owner",
        "assignee",
        "received",
    )
    # The row's buttons (edit, inspect, delete) under the page's title, not in the narrow
    # checkbox column where they stood as vertical letters.
    list_display_add_buttons = "page_link"
    list_filter = ("status", "category", TerritoryFilter, ThemeFilter, OwnerFilter, AgeFilter)
    search_fields = ("page_title", "description")
    list_per_page = 50
    edit_handler = ObjectList(
        [
            HelpPanel(template="moderation/admin/report_summary.html", heading=gettext_lazy("Signalement")),
            FieldPanel("status"),
            FieldPanel("assignee"),
            FieldPanel("resolution"),
        ]
    )

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("page", "assignee")
            .prefetch_related("page__fichepage__owners", "page__structurepage__owners")
            .visible_to(request.user)
        )

    def history_view(self, request, instance_pk):
        # The history names who handled a report and why: only for those who see the report.
        get_object_or_404(self.get_queryset(request), pk=instance_pk if str(instance_pk).isdigit() else None)
        return super().history_view(request, instance_pk)

    def select(self, obj):
        return format_html(
            '<input type="checkbox" name="ids" value="{}" form="bulk-form" aria-label="{}">',
            obj.pk,
            _("Sélectionner le signalement n° %(ref)d") % {"ref": obj.pk},
        )

    select.short_description = ""

    def reference(self, obj):
        return format_html('<span class="w-whitespace-nowrap">n° {}</span>', obj.pk)

    reference.short_description = gettext_lazy("Réf.")

    def page_link(self, obj):
        if obj.page_id is None:
            return format_html("{} <em>({})</em>", obj.page_title, _("page supprimée"))
        return format_html('<a href="/admin/pages/{}/edit/">{}</a>', obj.page_id, obj.page_title)

    page_link.short_description = gettext_lazy("Page (ouvrir l’éditeur)")

    def status_tag(self, obj):
        return format_html('<span class="w-status w-status--primary">{}</span>', obj.get_status_display())

    status_tag.short_description = gettext_lazy("Statut")
    status_tag.admin_order_field = "status"

    def owner(self, obj):
        """The page's owners (fiche or structure), read from the prefetched relations."""
        for kind in ("fichepage", "structurepage"):
            specific = getattr(obj.page, kind, None) if obj.page_id else None
            if specific is not None:
                names = [u.get_full_name() or u.username for u in specific.owners.all() if u.is_active]
                return ", ".join(names) or "—"
        return "—"

    owner.short_description = gettext_lazy("Responsable")

    def received(self, obj):
        """The age first (what a moderator sorts by in their head), the date under it."""
        days = obj.age_days
        if days == 0:
            age = _("aujourd’hui")
        elif days == 1:
            age = _("hier")
        else:
            age = ngettext("il y a %(n)d jour", "il y a %(n)d jours", days) % {"n": days}
        return format_html(
            '<span class="w-whitespace-nowrap">{}</span><br><small class="w-whitespace-nowrap">{}</small>',
            age,
            timezone.localtime(obj.created_at).strftime("%d/%m/%Y"),
        )

    received.short_description = gettext_lazy("Reçu le")
