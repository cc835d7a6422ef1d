"""Who reads the reports: the table's ``Area.REPORTS`` (``crm.roles.WHO_READS``) — managers (领导) and superusers, on
the pages, the exports and the API alike. A report mixes every area (the service report lists requests, the
pipeline report names projects), so an officer reads its own area's records in the admin instead."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.shortcuts import render

from crm.roles import Area, may_read


def can_view_report_pages(user) -> bool:
    """The dashboard is for the committee's leaders; officers work in the admin."""
    return may_read(user, Area.REPORTS)


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
