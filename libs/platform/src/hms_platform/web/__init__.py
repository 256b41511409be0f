"""HTTP plumbing shared by the services."""

from hms_platform.web.app import create_service_app, make_token_verifier
from hms_platform.web.openapi import Problem, install_problem_openapi, problems
from hms_platform.web.problems import PROBLEM_JSON, install_problem_handlers, problem_response

__all__ = [
    "PROBLEM_JSON", "Problem", "create_service_app", "install_problem_handlers",
    "install_problem_openapi", "make_token_verifier", "problem_response", "problems",
]
