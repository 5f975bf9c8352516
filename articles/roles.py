"""The newsroom's roles: auth groups made by a data migration, enforced by the services."""

WRITER_ROLE = "Writer"
EDITOR_ROLE = "Editor"
# Created by the comments work (issue 3); listed so `assign_role` can hand it out.
MODERATOR_ROLE = "Moderator"
ROLES = (WRITER_ROLE, EDITOR_ROLE, MODERATOR_ROLE)
