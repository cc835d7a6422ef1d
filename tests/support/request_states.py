"""The state table of a service request (企业诉求), written by hand: the oracle the transition tests check against.

It is deliberately not derived from ``ACTIONS`` in the service-request services, so a wrong entry there makes
the tests fail instead of agreeing with itself. The statuses, their order and labels, "withdrawn by the enterprise,
before acceptance" and "rejected (reason required)" are the product brief's (PRODUCT.md, ServiceRequest);
the action names, their labels and the remaining moves are the product's wording as the staff and the portal show it.
"""

from crm.service_requests.services import service_request_transition

DESK = "desk"  # the service desk: a service officer (企业服务专员)
ENTERPRISE = "enterprise"  # a member of the request's enterprise

# The statuses in the brief's order, with the brief's labels.
STATUS_LABELS = {
    "submitted": "已提交",
    "accepted": "已受理",
    "in_progress": "办理中",
    "waiting_external": "待外部审批",
    "resolved": "已办结",
    "closed": "已关闭",
    "rejected": "不予受理",
    "withdrawn": "已撤回",
}
STATUSES = list(STATUS_LABELS)

# Every action: its label and who may take it.
ACTION_LABELS = {
    "accept": "受理",
    "start": "开始办理",
    "wait_external": "转外部审批",
    "resolve": "办结",
    "close": "确认关闭",
    "reject": "不予受理",
    "withdraw": "撤回",
    "reopen": "重新办理",
}
ACTIONS = list(ACTION_LABELS)
WHO = {
    "accept": {DESK},
    "start": {DESK},
    "wait_external": {DESK},
    "resolve": {DESK},
    "close": {DESK, ENTERPRISE},
    "reject": {DESK},
    "withdraw": {ENTERPRISE},
    "reopen": {DESK, ENTERPRISE},
}
NEEDS_A_REASON = {"reject"}

# (status, action) → the status it leads to; every pair not listed is an illegal transition.
LEGAL = {
    ("submitted", "accept"): "accepted",
    ("submitted", "reject"): "rejected",
    ("submitted", "withdraw"): "withdrawn",
    ("accepted", "start"): "in_progress",
    ("accepted", "wait_external"): "waiting_external",
    ("accepted", "resolve"): "resolved",
    ("accepted", "reject"): "rejected",
    ("in_progress", "wait_external"): "waiting_external",
    ("in_progress", "resolve"): "resolved",
    ("waiting_external", "start"): "in_progress",
    ("waiting_external", "resolve"): "resolved",
    ("resolved", "close"): "closed",
    ("resolved", "reopen"): "in_progress",
}

# How to bring a fresh request to each status, as (action, by) steps.
PATH = {
    "submitted": [],
    "accepted": [("accept", DESK)],
    "in_progress": [("accept", DESK), ("start", DESK)],
    "waiting_external": [("accept", DESK), ("start", DESK), ("wait_external", DESK)],
    "resolved": [("accept", DESK), ("start", DESK), ("resolve", DESK)],
    "closed": [("accept", DESK), ("resolve", DESK), ("close", ENTERPRISE)],
    "rejected": [("reject", DESK)],
    "withdrawn": [("withdraw", ENTERPRISE)],
}


def actor_for(action: str) -> str:
    """A side that may take ``action``: the officer where both may."""
    return DESK if DESK in WHO[action] else ENTERPRISE


def bring_to(request, status: str, *, officer, enterprise):
    """Walk a freshly submitted ``request`` along ``PATH`` to ``status``, each step by the officer or the enterprise user."""
    users = {DESK: officer, ENTERPRISE: enterprise}
    for action, who in PATH[status]:
        request = service_request_transition(service_request=request, action=action, actor=users[who], note="说明")
    assert request.status == status
    return request
