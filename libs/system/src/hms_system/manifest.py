"""HMS, the whole system in one place: each service's processes, HTTP prefixes, the events it
consumes, its settings and secrets, its health ports and how it scales.

`make generate` writes every deployment file from this: docker-compose.yml, .env.example,
deploy/k8s/base (each service's Deployments, Services, budgets and autoscalers, ConfigMaps, the
Jobs, the gateway, the web app's nginx), deploy/haproxy/haproxy.cfg's routes and backends,
deploy/web/nginx.conf and deploy/rabbitmq/definitions.json. The embedded run (`make run`),
`make dev` and the whole-system tests read it as they start. A test fails while a generated
file differs from what this says.
"""

from __future__ import annotations

from hms_contracts.registry import event_names
from hms_system.model import (
    Consumer,
    Process,
    Resources,
    Service,
    Setting,
    Site,
    System,
    Variable,
)

# --- what an operator fills in (compose's .env; .env.example lists them in this order) -------

POSTGRES_PASSWORD = Variable(
    "HMS_POSTGRES_PASSWORD",
    about="Postgres superuser (the one-shot migrate job provisions one role per service with it).")
RABBITMQ_USER = Variable("HMS_RABBITMQ_USER", "hms")
RABBITMQ_PASSWORD = Variable(
    "HMS_RABBITMQ_PASSWORD",
    about="RabbitMQ's user for every service (the user name defaults to hms).")
KEY_ENCRYPTION_KEY = Variable(
    "AUTH_KEY_ENCRYPTION_KEY", hint="base64 of 32 random bytes",
    about="auth's signing keys are stored encrypted under this key (base64 of 32 random bytes). "
          "Keep it:\nwithout it the stored keys cannot be opened.")
CODE_ENCRYPTION_KEY = Variable(
    "HMS_CODE_ENCRYPTION_KEY", hint="base64 of 32 random bytes, shared with notifications",
    about="One-time codes (activation, password reset) travel in events sealed under this key; "
          "auth and\nnotifications share it (base64 of 32 random bytes).")
DISPLAY_SECRET = Variable("QUEUE_DISPLAY_SECRET", hint="a long random string",
                          about="Signs waiting-room display links (a long random string).")
ADMIN_PASSWORD = Variable("HMS_ADMIN_PASSWORD",
                          about="The first admin, created when no admin exists yet.")
ADMIN_USERNAME = Variable("HMS_ADMIN_USERNAME", "admin")
JWT_ISSUER = Variable("HMS_JWT_ISSUER", "https://hms.local/auth")
CLINIC_TIMEZONE = Variable("HMS_CLINIC_TIMEZONE", "Africa/Nairobi")
METRICS_TOKEN = Variable(
    "HMS_METRICS_TOKEN", "",
    about="Bearer token Prometheus sends for /api/<service>/metrics; empty: metrics are not "
          "served.")
SIGNIN_PER_MINUTE = Variable(
    "HMS_SIGNIN_PER_MINUTE", "20",
    about="Sign-in and registration attempts per client address per minute, at the gateway.")
API_REPLICAS_MAX = Variable(
    "HMS_API_REPLICAS_MAX", "4",
    about="How many replicas of one API the gateway can balance over (docker compose --scale).")
NETWORK_SUBNET = Variable(
    "HMS_NETWORK_SUBNET", "172.28.0.0/24",
    about="The compose network and the gateway's fixed address on it (the services trust its\n"
          "X-Forwarded-For and nobody else's).")
GATEWAY_ADDRESS = Variable("HMS_GATEWAY_ADDRESS", "172.28.0.10")
# The notification channels: each is off until its credentials are set.
CHANNELS = (
    Variable("NOTIFICATIONS_TWILIO_ACCOUNT_SID", "", about=(
        "Notification channels: a channel without credentials is off (and says so at start).")),
    Variable("NOTIFICATIONS_TWILIO_AUTH_TOKEN", ""),
    Variable("NOTIFICATIONS_TWILIO_FROM", ""),
    Variable("NOTIFICATIONS_TWILIO_STATUS_CALLBACK_URL", ""),
    Variable("NOTIFICATIONS_SMTP_HOST", ""),
    Variable("NOTIFICATIONS_SMTP_PORT", "587"),
    Variable("NOTIFICATIONS_SMTP_USERNAME", ""),
    Variable("NOTIFICATIONS_SMTP_PASSWORD", ""),
    Variable("NOTIFICATIONS_SMTP_STARTTLS", "false"),
    Variable("NOTIFICATIONS_FCM_PROJECT_ID", ""),
    Variable("NOTIFICATIONS_FCM_SERVICE_ACCOUNT_JSON", ""),
    Variable("NOTIFICATIONS_VAPID_PRIVATE_KEY", ""),
    Variable("NOTIFICATIONS_VAPID_SUBJECT", ""),
)
CHANNEL_NOTES = {  # above them in docker-compose.yml
    "NOTIFICATIONS_TWILIO_ACCOUNT_SID":
        "Channels: each is off (and says so at start) until its credentials are set.",
    "NOTIFICATIONS_SMTP_HOST":
        "Development: `docker compose --profile dev up -d mailpit` and "
        "NOTIFICATIONS_SMTP_HOST=mailpit,\nNOTIFICATIONS_SMTP_PORT=1025; the mails show at "
        "http://127.0.0.1:8025.",
    "NOTIFICATIONS_VAPID_PRIVATE_KEY":
        "Web Push (the patient app): a key from `docker compose run --rm notifications "
        "hms-notifications vapid-key`\nand a mailto: subject.",
}


def db_password(service: str) -> Variable:
    """The password of the service's own database role (.env.example lists each service's)."""
    return Variable(f"{service.upper()}_DB_PASSWORD")


# --- what every service reads --------------------------------------------------------------

JWKS_URL = "http://auth:8000/api/auth/.well-known/jwks.json"


def environment(service: str) -> Setting:
    return Setting(f"{service.upper()}_ENVIRONMENT", "production", "production")


def database(service: str) -> Setting:
    """Its own role and schema; in Kubernetes a key of its Secret."""
    return Setting(f"{service.upper()}_DATABASE_URL",
                   f"postgresql+asyncpg://hms_{service}:{db_password(service).ref}"
                   "@postgres:5432/hms")


def broker(service: str) -> Setting:
    return Setting(f"{service.upper()}_AMQP_URL",
                   f"amqp://{RABBITMQ_USER.ref}:{RABBITMQ_PASSWORD.ref}@rabbitmq:5672/")


def jwks(service: str) -> Setting:
    """Where it fetches auth's public keys to verify tokens."""
    return Setting(f"{service.upper()}_JWKS_URL", JWKS_URL, JWKS_URL)


def issuer(service: str) -> Setting:
    return Setting(f"{service.upper()}_JWT_ISSUER", JWT_ISSUER.ref, JWT_ISSUER.default)


def timezone(service: str) -> Setting:
    return Setting(f"{service.upper()}_CLINIC_TIMEZONE", CLINIC_TIMEZONE.ref,
                   CLINIC_TIMEZONE.default)


def trusted_proxies(service: str) -> Setting:
    return Setting(
        f"{service.upper()}_TRUSTED_PROXIES", GATEWAY_ADDRESS.ref, "10.0.0.0/8",
        comment="Whose X-Forwarded-For is believed: the gateway's fixed address on this network "
                "only.",
        config_comment="Whose X-Forwarded-For is believed: the pod network (only HMS pods reach "
                       "the APIs:\nnetwork-policy.yaml). Set your cluster's pod CIDR in an "
                       "overlay.")


def metrics(service: str) -> Setting:
    return Setting(f"{service.upper()}_METRICS_TOKEN", METRICS_TOKEN.ref,
                   comment=f"Bearer token Prometheus sends for /api/{service}/metrics; empty: "
                           "metrics are not served.")


# --- how processes run and scale -------------------------------------------------------------

def api() -> Process:
    """Behind the gateway, autoscaled: the gateway balances up to HMS_API_REPLICAS_MAX."""
    return Process("api", min_replicas=2, max_replicas=4,
                   resources=Resources(("100m", "128Mi"), ("1", "384Mi")))


def consumer(comment: str = "") -> Process:
    """Competing consumers on the service's queue: any number may run."""
    return Process("consumer", comment, min_replicas=1, max_replicas=4)


def relay() -> Process:
    """Publishes the outbox in order: one at a time."""
    return Process("relay", replicas=1)


def scheduler(comment: str = "") -> Process:
    return Process("scheduler", comment, replicas=1)


# --- the services ----------------------------------------------------------------------------

AUTH = Service(
    name="auth",
    summary="the API (sign-in, users, keys) and the outbox relay",
    port=8001,
    prefixes=("/api/auth",),
    index=True,
    processes=(api(), relay()),
    settings=(
        environment("auth"),
        Setting("AUTH_HOST", "0.0.0.0", "0.0.0.0"),
        database("auth"),
        broker("auth"),
        Setting("AUTH_KEY_ENCRYPTION_KEY", KEY_ENCRYPTION_KEY.ref),
        Setting("HMS_CODE_ENCRYPTION_KEY", CODE_ENCRYPTION_KEY.ref),
        issuer("auth"),
        Setting("HMS_ADMIN_USERNAME", ADMIN_USERNAME.ref, ADMIN_USERNAME.default),
        Setting("HMS_ADMIN_PASSWORD", ADMIN_PASSWORD.ref),
        trusted_proxies("auth"),
        metrics("auth"),
    ),
)

APPOINTMENTS = Service(
    name="appointments",
    summary="the API, the consumer (auth's users), the relay and the no-show scheduler",
    port=8002,
    prefixes=("/api/appointments",),
    processes=(api(), consumer(), relay(), scheduler()),
    consumes=Consumer("appointments.events", (
        "auth.sessions_revoked.v1", "auth.signing_key_rotated.v1", "auth.user_deactivated.v1",
        "auth.user_registered.v1", "auth.user_updated.v1",
    )),
    settings=(
        environment("appointments"), database("appointments"), broker("appointments"),
        jwks("appointments"), issuer("appointments"), timezone("appointments"),
        trusted_proxies("appointments"), metrics("appointments"),
    ),
)

QUEUE = Service(
    name="queue",
    summary="the API (event streams included), the consumer and the relay",
    port=8003,
    prefixes=("/api/queue",),
    streams=True,
    processes=(api(), consumer(), relay()),
    consumes=Consumer("queue.events", (
        "appointments.appointment_booked.v1", "appointments.appointment_cancelled.v1",
        "appointments.appointment_completed.v1", "appointments.appointment_no_show.v1",
        "appointments.appointment_rescheduled.v1", "appointments.patient_checked_in.v1",
        "auth.sessions_revoked.v1", "auth.signing_key_rotated.v1", "auth.user_deactivated.v1",
        "auth.user_registered.v1", "auth.user_updated.v1",
    )),
    settings=(
        environment("queue"), database("queue"), broker("queue"), jwks("queue"),
        issuer("queue"), timezone("queue"),
        Setting("QUEUE_DISPLAY_SECRET", DISPLAY_SECRET.ref,
                comment="Signs waiting-room display links (HMAC-SHA256): a long random string."),
        trusted_proxies("queue"), metrics("queue"),
    ),
)

NOTIFICATIONS = Service(
    name="notifications",
    summary="the API, the consumer, the relay and the scheduler (the sender)",
    port=8004,
    prefixes=("/api/notifications",),
    processes=(api(), consumer(), relay(), scheduler(
        "Sends due messages (reminders included); any number of replicas may run.")),
    consumes=Consumer("notifications.events", (
        "appointments.appointment_booked.v1", "appointments.appointment_cancelled.v1",
        "appointments.appointment_no_show.v1", "appointments.appointment_rescheduled.v1",
        "appointments.no_show_penalty_applied.v1", "auth.activation_code_issued.v1",
        "auth.password_reset_issued.v1", "auth.sessions_revoked.v1",
        "auth.signing_key_rotated.v1", "auth.user_deactivated.v1", "auth.user_registered.v1",
        "auth.user_updated.v1", "queue.patient_called.v1", "queue.turn_approaching.v1",
    )),
    settings=(
        environment("notifications"), database("notifications"), broker("notifications"),
        jwks("notifications"), issuer("notifications"), timezone("notifications"),
        Setting("HMS_CODE_ENCRYPTION_KEY", CODE_ENCRYPTION_KEY.ref,
                comment="Opens the one-time codes auth seals into its events (the same key as "
                        "auth's)."),
        *(Setting(v.name, v.ref, comment=CHANNEL_NOTES.get(v.name, "")) for v in CHANNELS),
        trusted_proxies("notifications"), metrics("notifications"),
    ),
)

REPORTING = Service(
    name="reporting",
    summary="the API (reports, audit trail) and the consumer (every event)",
    port=8005,
    prefixes=("/api/reporting", "/api/reports", "/api/audit"),
    processes=(api(), consumer(
        "Every event of every service into the event store, read models and audit trail.\n"
        "Rebuild the read models: `docker compose run --rm reporting-consumer hms-reporting "
        "replay`.")),
    consumes=Consumer("reporting.events", tuple(event_names())),  # it keeps every event
    settings=(
        environment("reporting"), database("reporting"), broker("reporting"),
        jwks("reporting"), issuer("reporting"), timezone("reporting"),
        trusted_proxies("reporting"), metrics("reporting"),
    ),
)

# The gateway as the other containers reach it: sync forwards each pushed operation there.
GATEWAY_URL = "http://gateway:8000"

SYNC = Service(
    name="sync",
    summary="the API (push: operations forwarded to their owners; pull: the feed) and the "
            "consumer (the feed)",
    port=8006,
    prefixes=("/api/sync",),
    processes=(api(), consumer(
        "The events of the records offline clients keep, into the feed they pull.")),
    consumes=Consumer("sync.events", (
        "appointments.appointment_booked.v1", "appointments.appointment_cancelled.v1",
        "appointments.appointment_completed.v1", "appointments.appointment_no_show.v1",
        "appointments.appointment_rescheduled.v1", "appointments.patient_checked_in.v1",
        "auth.sessions_revoked.v1", "auth.signing_key_rotated.v1", "auth.user_deactivated.v1",
        "auth.user_registered.v1", "auth.user_updated.v1",
        "notifications.notification_failed.v1", "notifications.notification_sent.v1",
        "queue.patient_called.v1", "queue.patient_served.v1", "queue.ticket_cancelled.v1",
        "queue.ticket_changed.v1", "queue.ticket_issued.v1", "queue.ticket_missed.v1",
        "queue.turn_approaching.v1",
    )),
    settings=(
        environment("sync"), database("sync"), broker("sync"), jwks("sync"), issuer("sync"),
        timezone("sync"),
        Setting("SYNC_API_URL", GATEWAY_URL, GATEWAY_URL,
                comment="Where pushed operations go: the gateway, which routes each to the "
                        "service that owns it."),
        trusted_proxies("sync"), metrics("sync"),
    ),
)

SERVICES = (AUTH, APPOINTMENTS, QUEUE, NOTIFICATIONS, REPORTING, SYNC)

# The staff web app (web/): its build, served at every path the API's /api does not take.
WEB = Site(
    name="web",
    summary="the staff web app's build (web/dist): the reception desk, the doctor's console and "
            "the admin console",
    port=8090,
    root="web/dist",
)

SYSTEM = System(
    services=SERVICES,
    variables=(
        POSTGRES_PASSWORD,  # then each service's <NAME>_DB_PASSWORD
        RABBITMQ_PASSWORD, KEY_ENCRYPTION_KEY, CODE_ENCRYPTION_KEY, DISPLAY_SECRET,
        ADMIN_PASSWORD,
        ADMIN_USERNAME, RABBITMQ_USER, JWT_ISSUER, CLINIC_TIMEZONE, METRICS_TOKEN,
        SIGNIN_PER_MINUTE, API_REPLICAS_MAX, NETWORK_SUBNET, GATEWAY_ADDRESS,
        *CHANNELS,
    ),
    site=WEB,
)
