"""The admin's "Orientations reçues": the orientations towards the structures the user owns
(administrators: all of them), with the person's data and the link to answer. Moderators who
own no structure see none: their figures are the indicators' counts."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse

from .models import Orientation


def sees_every_orientation(user):
    return user.is_active and (
        user.is_superuser or user.groups.filter(name=settings.FICHES_ORIENTATION_ADMIN_GROUP).exists()
    )


def received_by(user):
    orientations = Orientation.objects.select_related("structure", "sender")
    if sees_every_orientation(user):
        return orientations
    return orientations.received_by_owner(user)


@login_required
def received_view(request):
    orientations = list(received_by(request.user).order_by("-created_at")[:200])
    rows = [
        (o, reverse("fiches:orientation_answer", args=[o.answer_token()]) if o.structure_id else "")
        for o in orientations
    ]
    return render(request, "fiches/orientation/admin/received.html", {"rows": rows})
