"""Import every domain's models so the metadata (and Alembic) sees the whole schema."""

from backend.auth.models import AuthSession, LoginFailure
from backend.db import ChangeCounter
from backend.observations.models import ActionStep, FeedbackResponse, Observation
from backend.org.models import (
    CareerStage,
    District,
    DistrictAdmin,
    Membership,
    Person,
    School,
    Team,
    TeamLeader,
    TeamMember,
)
from backend.rubrics.models import Rubric
from backend.sync.models import AccessChange, SyncClient, SyncMutation

__all__ = [
    "AccessChange", "ActionStep", "AuthSession", "CareerStage", "ChangeCounter", "District", "DistrictAdmin",
    "FeedbackResponse", "LoginFailure", "Membership", "Observation", "Person", "Rubric", "School",
    "SyncClient", "SyncMutation", "Team", "TeamLeader", "TeamMember",
]
