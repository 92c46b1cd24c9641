"""The project store: one SQLite file per review project (see review.store.project)."""

from review.store.project import SEARCH_SIDES, Project, project_target
from review.store.tables import SCHEMA_VERSION, STORED_FLAG_SCHEMA, STORED_SEGMENT_SCHEMA

__all__ = ["Project", "project_target", "SCHEMA_VERSION", "SEARCH_SIDES", "STORED_FLAG_SCHEMA", "STORED_SEGMENT_SCHEMA"]
