"""TokenVerifier against the token attack matrix (testing.tokens), and what a valid token yields."""

import time
import uuid
from typing import Any

import pytest
from joserfc.util import urlsafe_b64encode

from hms_platform.auth import JwksCache, Principal, StaticJwksSource, TokenVerifier
from hms_platform.errors import Unauthorized
from hms_platform.testing.tokens import TokenFactory, encode

pytestmark = pytest.mark.asyncio

ATTACKS = list(TokenFactory().attack_tokens())


@pytest.fixture
def factory() -> TokenFactory:
    return TokenFactory(kid="key-a")


def make_verifier(factory: TokenFactory, **kwargs: Any) -> TokenVerifier:
    cache = JwksCache(StaticJwksSource(factory.jwks()))
    return TokenVerifier(cache, issuer=factory.issuer, audience=factory.audience, **kwargs)


@pytest.fixture
def verifier(factory: TokenFactory) -> TokenVerifier:
    return make_verifier(factory)


async def test_valid_token_gives_the_principal(factory, verifier) -> None:
    user_id = uuid.uuid4()

    principal = await verifier.verify(factory.issue(user_id, role="doctor"))

    assert principal == Principal(user_id=user_id, role="doctor", claims=principal.claims)
    assert principal.claims["iss"] == factory.issuer
    assert not principal.is_staff


@pytest.mark.parametrize("role", ["admin", "receptionist"])
async def test_admin_and_receptionist_are_staff(factory, verifier, role) -> None:
    assert (await verifier.verify(factory.issue(role=role))).is_staff


@pytest.mark.parametrize("typ", ["at+jwt", "AT+JWT", "application/at+jwt"])
async def test_access_token_type_spellings_are_accepted(factory, verifier, typ) -> None:
    assert (await verifier.verify(factory.issue(typ=typ))).role == "patient"


async def test_audience_list_containing_ours_is_accepted(factory, verifier) -> None:
    token = factory.issue(audience=["billing", factory.audience])

    assert (await verifier.verify(token)).role == "patient"


@pytest.mark.parametrize("attack", ATTACKS)
async def test_attack_token_is_refused(factory, verifier, attack) -> None:
    token = factory.attack_tokens()[attack]

    with pytest.raises(Unauthorized) as caught:
        await verifier.verify(token)

    assert caught.value.detail == "Invalid or expired access token."
    assert caught.value.extra["headers"]["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize(
    "token", ["a.b.c", "..", "Zm9v.Zm9v.Zm9v", "eyJhbGciOiJFUzI1NiJ9.e30.", "é.é.é", "[" * 9000]
)
async def test_garbage_is_refused(verifier, token) -> None:
    with pytest.raises(Unauthorized):
        await verifier.verify(token)


async def test_alg_none_with_a_signature_is_refused_by_the_allow_list(factory, verifier) -> None:
    header = {"alg": "none", "typ": "at+jwt", "kid": factory.kid}
    token = encode(header, factory.claims(role="admin"), lambda data: b"sig")

    with pytest.raises(Unauthorized):
        await verifier.verify(token)


async def test_non_ascii_payload_is_refused(factory, verifier) -> None:
    header, _, signature = factory.issue().split(".")

    with pytest.raises(Unauthorized):
        await verifier.verify(f"{header}.é.{signature}")


@pytest.mark.parametrize(
    "extra", [{"x5c": ["MIIBcert"]}, {"jku": "https://hms.test/auth/jwks"}, {"crit": ["b64"]}]
)
async def test_key_pointing_headers_are_refused_even_on_a_valid_signature(
    factory, verifier, extra
) -> None:
    with pytest.raises(Unauthorized):
        await verifier.verify(factory.issue(headers=extra))


@pytest.mark.parametrize("role", [["admin"], {"admin": True}, None])
async def test_role_of_the_wrong_type_is_refused(factory, verifier, role) -> None:
    with pytest.raises(Unauthorized):
        await verifier.verify(factory.issue(extra_claims={"role": role}))


@pytest.mark.parametrize("header", [b"[[[]]]", b"[" * 2000 + b"]" * 2000, b"\xff\xfe"])
async def test_header_that_is_not_a_json_object_is_refused(verifier, header) -> None:
    token = f"{urlsafe_b64encode(header).decode()}.e30.c2ln"

    with pytest.raises(Unauthorized):
        await verifier.verify(token)


@pytest.mark.parametrize("algorithms", [("ES256", "HS256"), ("none",), ()])
async def test_symmetric_or_no_algorithm_cannot_be_allowed(factory, algorithms) -> None:
    with pytest.raises(ValueError):
        make_verifier(factory, algorithms=algorithms)


async def test_detail_never_echoes_the_token(factory, verifier) -> None:
    token = factory.issue(issuer="https://evil.example/auth")

    with pytest.raises(Unauthorized) as caught:
        await verifier.verify(token)

    assert token not in str(caught.value) and "evil" not in caught.value.detail


@pytest.mark.parametrize(("skew", "accepted"), [(20, True), (45, False)])
async def test_expiry_leeway(factory, skew, accepted) -> None:
    # The token expires in 10 s; the verifier's clock runs `skew` seconds ahead, leeway 30 s.
    verifier = make_verifier(factory, clock=lambda: time.time() + skew)
    token = factory.issue(expires_in=10)

    if accepted:
        assert await verifier.verify(token)
    else:
        with pytest.raises(Unauthorized):
            await verifier.verify(token)


@pytest.mark.parametrize(("ahead", "accepted"), [(20, True), (45, False)])
async def test_not_before_leeway(factory, verifier, ahead, accepted) -> None:
    token = factory.issue(not_before=int(time.time()) + ahead)

    if accepted:
        assert await verifier.verify(token)
    else:
        with pytest.raises(Unauthorized):
            await verifier.verify(token)


async def test_issued_in_the_future_is_refused(factory, verifier) -> None:
    token = factory.issue(extra_claims={"iat": int(time.time()) + 120})

    with pytest.raises(Unauthorized):
        await verifier.verify(token)


@pytest.mark.parametrize("claim", ["iss", "aud", "exp"])
async def test_essential_claims_are_required(factory, verifier, claim) -> None:
    with pytest.raises(Unauthorized):
        await verifier.verify(factory.issue(extra_claims={claim: None}))


async def test_non_canonical_uuid_sub_is_refused(factory, verifier) -> None:
    token = factory.issue(f"{{{uuid.uuid4()}}}")

    with pytest.raises(Unauthorized):
        await verifier.verify(token)
