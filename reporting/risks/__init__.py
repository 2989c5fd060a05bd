"""The risk register (issue 26): scoring, reviews through the workflow, and (beside them) the register's pages."""
