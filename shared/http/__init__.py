"""What every service's web app shares: problems, auth, health, metrics, OpenAPI."""

from flask_smorest.arguments import ArgumentsMixin

from shared.http.bad_input import SafeParser

# Every blueprint's @arguments reads the parser when a view is decorated, at import time:
# set it here, which every module with views imports first (shared.http.auth, ...).
ArgumentsMixin.ARGUMENTS_PARSER = SafeParser()
