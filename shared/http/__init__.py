"""What every service's web app shares: problems, auth, health, metrics, OpenAPI."""
