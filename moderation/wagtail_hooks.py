from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.ui.components import Component
from wagtail_modeladmin.options import modeladmin_register

from .models import ErrorReport
from .viewsets import ErrorReportAdmin, bulk_status

modeladmin_register(ErrorReportAdmin)


@hooks.register("register_admin_urls")
def register_bulk_url():
    return [path("signalements/statut/", bulk_status, name="moderation_bulk_status")]


class OpenReportsPanel(Component):
    name = "open_reports"
    order = 50
    template_name = "moderation/admin/open_reports_panel.html"

    def __init__(self, count):
        self.count = count

    def get_context_data(self, parent_context):
        return {
            "count": self.count,
            "url": reverse(ErrorReportAdmin().url_helper.get_action_url_name("index")),
        }


@hooks.register("construct_homepage_panels")
def add_open_reports_panel(request, panels):
    if request.user.has_perm("moderation.view_errorreport"):
        panels.append(OpenReportsPanel(ErrorReport.objects.visible_to(request.user).open().count()))
