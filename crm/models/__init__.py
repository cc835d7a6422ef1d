"""Demand side of the park: people, enterprises, projects, service requests and reminders."""

from .base import IndustryChain, Jurisdiction, TimeStampedModel
from .enterprises import Contact, Enterprise, EnterpriseQualification
from .notifications import Notification
from .projects import (
    ACTIVE_STAGES,
    KEY_PROJECT_THRESHOLD,
    LANDED_STAGES,
    MAJOR_PROJECT_THRESHOLD,
    PIPELINE,
    SIGNED_OR_LATER,
    AnnualCommitment,
    CapitalArrival,
    Event,
    FollowUp,
    Milestone,
    Project,
    ProjectCredit,
    ProjectMilestone,
    ProjectStageChange,
    SourceChannel,
    Stage,
)
from .reminders import NotificationWebhook, ReminderRule
from .services import (
    FINISHED_REQUEST_STATUSES,
    OPEN_REQUEST_STATUSES,
    ApprovalStep,
    CalendarDay,
    RequestStatus,
    ServiceCategory,
    ServiceRequest,
    ServiceRequestAttachment,
    ServiceRequestMessage,
    ServiceRequestTransition,
)
from .site import SiteProfile
from .targets import YearlyTarget
from .users import CalendarFeed, Role, User

__all__ = [
    "ACTIVE_STAGES",
    "FINISHED_REQUEST_STATUSES",
    "KEY_PROJECT_THRESHOLD",
    "LANDED_STAGES",
    "MAJOR_PROJECT_THRESHOLD",
    "OPEN_REQUEST_STATUSES",
    "PIPELINE",
    "SIGNED_OR_LATER",
    "AnnualCommitment",
    "ApprovalStep",
    "CalendarDay",
    "CalendarFeed",
    "CapitalArrival",
    "Contact",
    "Enterprise",
    "EnterpriseQualification",
    "Event",
    "FollowUp",
    "IndustryChain",
    "Jurisdiction",
    "Milestone",
    "Notification",
    "NotificationWebhook",
    "Project",
    "ProjectCredit",
    "ProjectMilestone",
    "ProjectStageChange",
    "ReminderRule",
    "RequestStatus",
    "Role",
    "ServiceCategory",
    "ServiceRequest",
    "ServiceRequestAttachment",
    "ServiceRequestMessage",
    "ServiceRequestTransition",
    "SiteProfile",
    "SourceChannel",
    "Stage",
    "TimeStampedModel",
    "User",
    "YearlyTarget",
]
