"""Text bound for Postgres is refused at the edge (422) when the database could not store it."""

from __future__ import annotations

from typing import Annotated

import pytest
from pydantic import BaseModel, ValidationError

from hms_platform.web.text import Encodable, Storable


class Body(BaseModel):
    name: Annotated[str, Storable]
    password: Annotated[str, Encodable]


@pytest.mark.parametrize(("name", "password"), [("a\x00b", "x"), ("a\ud800", "x"),
                                                ("ok", "\udfff")])
def test_nul_and_lone_surrogates_are_refused(name: str, password: str) -> None:
    with pytest.raises(ValidationError):
        Body(name=name, password=password)


def test_a_password_may_hold_nul_it_is_never_stored() -> None:
    assert Body(name="Amina Wanjiru", password="a\x00b").password == "a\x00b"
