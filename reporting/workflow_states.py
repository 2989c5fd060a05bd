"""The states of a piece of work in the workflow (a return, an update, a risk's review), in a module
of their own so that every model file can use them (reporting.models imports them from here)."""
from django.db import models


class WorkflowState(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    RETURNED = "returned", "Returned for changes"
    APPROVED = "approved", "Approved"
    PUBLISHED = "published", "Published"


WORKFLOW_STATE_VALUES = [value for value, _ in WorkflowState.choices]
