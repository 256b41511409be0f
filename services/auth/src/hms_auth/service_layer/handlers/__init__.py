"""Every command's handler, registered in one place."""

from __future__ import annotations

from typing import Any

from hms_auth.service_layer import commands as c
from hms_auth.service_layer.handlers.accounts import (
    create_staff_user,
    ensure_first_admin,
    register_patient,
    register_walk_in_patient,
)
from hms_auth.service_layer.handlers.activation import activate_patient, issue_activation_code
from hms_auth.service_layer.handlers.keys import ensure_signing_key, get_jwks, rotate_signing_keys
from hms_auth.service_layer.handlers.passwords import (
    change_password,
    issue_password_reset,
    reset_password,
)
from hms_auth.service_layer.handlers.profiles import (
    confirm_caller,
    get_user,
    list_users,
    search_patients,
    update_patient,
    update_profile,
    update_user,
)
from hms_auth.service_layer.handlers.refusals import report_throttled_sign_ins
from hms_auth.service_layer.handlers.reset_requests import request_password_reset
from hms_auth.service_layer.handlers.sessions import refresh_session, sign_in, sign_out
from hms_platform.messagebus import Handler

HANDLERS: dict[type[c.Command[Any]], Handler] = {
    c.RegisterPatient: register_patient,
    c.RegisterWalkInPatient: register_walk_in_patient,
    c.IssueActivationCode: issue_activation_code,
    c.ActivatePatient: activate_patient,
    c.CreateStaffUser: create_staff_user,
    c.EnsureFirstAdmin: ensure_first_admin,
    c.UpdateUser: update_user,
    c.UpdateProfile: update_profile,
    c.UpdatePatient: update_patient,
    c.GetUser: get_user,
    c.ListUsers: list_users,
    c.SearchPatients: search_patients,
    c.ConfirmCaller: confirm_caller,
    c.SignIn: sign_in,
    c.RefreshSession: refresh_session,
    c.SignOut: sign_out,
    c.ReportThrottledSignIns: report_throttled_sign_ins,
    c.ChangePassword: change_password,
    c.IssuePasswordReset: issue_password_reset,
    c.ResetPassword: reset_password,
    c.RequestPasswordReset: request_password_reset,
    c.EnsureSigningKey: ensure_signing_key,
    c.RotateSigningKeys: rotate_signing_keys,
    c.GetJwks: get_jwks,
}
