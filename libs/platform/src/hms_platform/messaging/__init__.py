from hms_platform.messaging.bus import (
    EventBus,
    MessageHandler,
    PoisonMessage,
    PublishError,
    RetryPolicy,
    Unroutable,
    topic_matches,
)

__all__ = [
    "EventBus", "MessageHandler", "PoisonMessage", "PublishError", "RetryPolicy", "Unroutable",
    "topic_matches",
]
