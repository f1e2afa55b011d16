"""Running the platform: backup and restore (and, from other work, serve and jobs)."""
