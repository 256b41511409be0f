"""Request and response bodies (XCreate / XUpdate / XPublic), validated at the edge.

Every text that reaches Postgres refuses NUL and lone surrogates: Postgres cannot store the
first, and the second cannot even be encoded; either would otherwise surface as a 500.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any, Literal, Self

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)

from hms_auth.domain.users import MAX_PASSWORD, MIN_PASSWORD
from hms_platform.web.text import Encodable, Storable


def _length(low: int, high: int) -> StringConstraints:
    return StringConstraints(strip_whitespace=True, min_length=low, max_length=high)


Name = Annotated[str, _length(1, 200), Storable, Field(examples=["Amina Wanjiru"])]
Department = Annotated[str, _length(1, 100), Storable, Field(examples=["Cardiology"])]
Room = Annotated[str, _length(1, 50), Storable, Field(examples=["B-12"])]
PhoneNumber = Annotated[str, _length(1, 40), Storable, Field(
    description="Any common format; stored as E.164.", examples=["+254712345678"])]
Email = Annotated[str, _length(1, 320), Storable, Field(examples=["amina@example.com"])]
ActivationCodeText = Annotated[str, _length(8, 64), Storable, Field(examples=["ABCDE-FGHJK"])]
LoginName = Annotated[str, _length(1, 320), Storable]
Username = Annotated[str, Field(min_length=3, max_length=64, pattern=r"^[A-Za-z][A-Za-z0-9._@-]*$",
                                examples=["dr.otieno"])]
# Any Unicode, NUL included (it never reaches the database); surrogates cannot be hashed.
Password = Annotated[str, Field(min_length=MIN_PASSWORD, max_length=MAX_PASSWORD),
                     Encodable]
StaffRole = Literal["admin", "receptionist", "doctor"]
RoleName = Literal["admin", "receptionist", "doctor", "patient"]


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")  # a misspelt field is an error, not a no-op


class PatientRegister(_Body):
    phone_number: PhoneNumber
    password: Password
    full_name: Name
    email: Email | None = None
    username: Username | None = Field(default=None, description="Default: the phone number.")


class WalkInPatientCreate(_Body):
    id: uuid.UUID | None = Field(default=None, description="the client's own id; taken: 409")
    phone_number: PhoneNumber
    full_name: Name
    email: Email | None = None
    username: Username | None = None


class PatientActivate(_Body):
    phone_number: PhoneNumber
    activation_code: ActivationCodeText
    password: Password


class PasswordChange(_Body):
    current_password: Annotated[str, Field(min_length=1, max_length=MAX_PASSWORD),
                                Encodable]
    new_password: Password


class PasswordResetRedeem(_Body):
    username: LoginName | None = None
    phone_number: PhoneNumber | None = None
    code: ActivationCodeText
    new_password: Password

    @model_validator(mode="after")
    def _one_login(self) -> Self:
        if (self.username is None) == (self.phone_number is None):
            raise ValueError("give exactly one of username or phone_number")
        return self

    @property
    def login(self) -> str:
        return self.username or self.phone_number or ""


class PasswordResetRequest(_Body):
    phone_number: PhoneNumber


class PasswordResetRequested(BaseModel):
    message: Literal["If an account uses this number, a code is on its way by SMS."] = Field(
        default="If an account uses this number, a code is on its way by SMS.",
        description="The same whatever happened.")


class PasswordResetPublic(BaseModel):
    user_id: uuid.UUID
    sent_to: str = Field(description="The phone number the code went to by SMS, masked.",
                         examples=["+2547••••678"])
    message: str = Field(examples=["sent by SMS to +2547••••678"])
    code: str | None = Field(
        default=None, description="Null: the code went to the user's phone only. Shown once, "
        "to hand over at the desk, only for a walk-in who has never set a password.")
    expires_at: datetime


class StaffCreate(_Body):
    username: Username
    password: Password
    role: StaffRole
    full_name: Name
    email: Email | None = None
    phone_number: PhoneNumber | None = None
    department: Department | None = Field(default=None, description="Required for doctors.")
    room: Room | None = Field(default=None, description="Required for doctors.")


class ProfileUpdate(_Body):
    """Only the fields sent change; null clears email or phone_number."""

    full_name: Name | None = None
    email: Email | None = None
    phone_number: PhoneNumber | None = None


    @model_validator(mode="after")
    def _no_null_for_required(self) -> Self:
        # Absent means "unchanged"; null means "clear", which only optional fields allow.
        for name in ("full_name", "role", "active"):
            if name in self.model_fields_set and getattr(self, name, ...) is None:
                raise ValueError(f"{name} cannot be null")
        return self

    def changes(self) -> dict[str, Any]:
        return self.model_dump(exclude_unset=True)


class ProfileWrite(ProfileUpdate):
    """A profile change that may have been made offline."""

    client_updated_at: AwareDatetime | None = Field(default=None, description=(
        "offline writes: when the client made the change (RFC 3339 with offset); last write "
        "wins per field, staff over patients (docs/api.md, Offline writes)"))

    def changes(self) -> dict[str, Any]:
        return self.model_dump(exclude_unset=True, exclude={"client_updated_at"})


class UserUpdate(ProfileUpdate):
    role: RoleName | None = None
    active: bool | None = None
    department: Department | None = None
    room: Room | None = None


class UserPublic(BaseModel):
    id: uuid.UUID
    username: str
    role: RoleName
    full_name: str
    email: str | None
    phone_number: str | None
    department: str | None
    room: str | None
    active: bool
    activated: bool = Field(description="False until a walk-in patient sets a first password; "
                            "a reset does not make it false again.")
    created_at: datetime
    updated_at: datetime


class WalkInPatientPublic(UserPublic):
    activation_code: str = Field(description="Shown once: hand it to the patient.")
    activation_code_expires_at: datetime
    voucher: str | None = Field(default=None, description=(
        "auth's signed word that this patient exists (a JWT of type hms-patient+jwt, valid a "
        "day; never an access token): POST /api/queue/tickets takes it as `patient_voucher` to "
        "issue a ticket before the queue has heard of the patient"))


class UserList(BaseModel):
    items: list[UserPublic]
    total: int
    limit: int
    offset: int


class PasswordGrant(BaseModel):
    """OAuth2 password grant form (RFC 6749 section 4.3.2); `username` may be a phone number."""

    grant_type: Literal["password"] | None = None
    username: LoginName
    password: Annotated[str, Field(min_length=1, max_length=MAX_PASSWORD),
                        Encodable]


class TokenPair(BaseModel):
    access_token: str
    refresh_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_in: int = Field(description="Seconds until the access token expires.")


RefreshTokenText = Annotated[str, Field(min_length=1, max_length=512), Storable]


class RefreshRequest(_Body):
    refresh_token: RefreshTokenText


class LogoutRequest(_Body):
    refresh_token: RefreshTokenText | None = Field(
        default=None, description="Revoke this token's family; without it, every session.")


class Jwks(BaseModel):
    keys: list[dict[str, Any]]
