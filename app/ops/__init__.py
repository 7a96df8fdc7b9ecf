"""Running Cirkelbord for real: retention, backups, structured logs and metrics."""
