"""Who reads the reports: managers (领导, the ``manager`` group) and superusers on the pages; all staff over the API."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.shortcuts import render

from crm.models import Role


def can_view_report_pages(user) -> bool:
    """The dashboard is for the committee's leaders; officers work in the admin and may read the API."""
    return user.is_authenticated and user.is_active and (user.is_superuser or user.has_role(Role.MANAGER))


def manager_required(view):
    """Anonymous visitors go to the staff login; anyone signed in without the manager role gets a 403 page."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not can_view_report_pages(request.user):
            return render(request, "reports/forbidden.html", status=403)
        return view(request, *args, **kwargs)

    return wrapper
