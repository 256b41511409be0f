"""One error vocabulary: every service's domain errors derive from hms_platform.domain_errors,
so the platform answers each with its category's status and no service keeps a map of its own."""

from __future__ import annotations

import importlib
import inspect
from pathlib import Path

import pytest

from hms_platform import domain_errors as base

ROOT = Path(__file__).resolve().parents[1]
MODULES = sorted(f"{path.parents[1].name}.domain.errors"
                 for path in ROOT.glob("services/*/src/hms_*/domain/errors.py"))
# Raised for a reason other than answering a request: left without a category (a 500 if one
# ever reached the API).
NO_CATEGORY = {"hms_notifications.domain.errors.ContactNotYetKnown"}

each_module = pytest.mark.parametrize("module_name", MODULES)


def _errors(module_name: str) -> list[type[BaseException]]:
    module = importlib.import_module(module_name)
    return [cls for _, cls in inspect.getmembers(module, inspect.isclass)
            if issubclass(cls, BaseException) and cls.__module__ == module_name]


def test_every_service_has_domain_errors() -> None:
    assert [m.split(".")[0] for m in MODULES] == [
        "hms_appointments", "hms_auth", "hms_notifications", "hms_queue", "hms_reporting",
        "hms_sync"]


@each_module
def test_every_error_derives_from_the_platform_base(module_name: str) -> None:
    outside = [cls.__name__ for cls in _errors(module_name)
               if not issubclass(cls, base.DomainError)]
    assert not outside, f"{module_name}: {outside} do not derive from DomainError"


@each_module
def test_every_error_but_the_service_base_has_a_category(module_name: str) -> None:
    errors = _errors(module_name)
    roots = [cls for cls in errors if base.DomainError in cls.__bases__]
    assert len(roots) == 1, f"{module_name}: one service base expected, found {roots}"
    loose = [cls.__name__ for cls in errors
             if cls is not roots[0] and not issubclass(cls, base.CATEGORIES)
             and f"{module_name}.{cls.__name__}" not in NO_CATEGORY]
    assert not loose, f"{module_name}: {loose} belong to no category of hms_platform.domain_errors"


@each_module
def test_a_category_keeps_the_platform_name_and_derives_from_it(module_name: str) -> None:
    errors = _errors(module_name)
    root = next(cls for cls in errors if base.DomainError in cls.__bases__)
    for cls in errors:
        platform = getattr(base, cls.__name__, None)
        if platform in base.CATEGORIES:
            assert issubclass(cls, platform), f"{module_name}.{cls.__name__} is not {platform}"
            assert issubclass(cls, root), f"{module_name}.{cls.__name__} is not a {root}"
        # A category of the service's own is one of the platform's under the same name.
        if root in cls.__bases__:
            assert platform in base.CATEGORIES or f"{module_name}.{cls.__name__}" in NO_CATEGORY, (
                f"{module_name}.{cls.__name__}: a category must carry the platform's name")


def test_no_service_maps_errors_itself() -> None:
    maps = [str(path.relative_to(ROOT)) for path in ROOT.glob("services/*/src/**/*.py")
            if "error_map" in path.read_text().lower()]
    assert not maps, f"{maps} map errors to statuses; derive them from the platform's instead"
