"""HTTP plumbing shared by the services."""

from hms_platform.web.problems import PROBLEM_JSON, install_problem_handlers, problem_response

__all__ = ["PROBLEM_JSON", "install_problem_handlers", "problem_response"]
