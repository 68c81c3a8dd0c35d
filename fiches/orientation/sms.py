"""Text messages, through a backend chosen by a setting, like Django's EMAIL_BACKEND.

`FICHES_SMS_BACKEND` names a class with `send_messages(messages)` (a list of `SMS`), returning
how many were sent. `ConsoleBackend` (development, tests) writes them to standard output;
a provider's backend (an HTTP API) is a class of the same shape, outside this module. Messages
hold no personal data once sent: nothing here stores them.
"""

import sys
import threading
from dataclasses import dataclass

from django.conf import settings
from django.utils.module_loading import import_string


@dataclass
class SMS:
    to: str
    body: str


class BaseBackend:
    def __init__(self, fail_silently=False, **kwargs):
        self.fail_silently = fail_silently

    def send_messages(self, messages):
        raise NotImplementedError


class ConsoleBackend(BaseBackend):
    """Writes each message to a stream (standard output by default)."""

    def __init__(self, *args, stream=None, **kwargs):
        self.stream = stream or sys.stdout
        self._lock = threading.RLock()
        super().__init__(*args, **kwargs)

    def send_messages(self, messages):
        with self._lock:
            for message in messages:
                self.stream.write(f"SMS à {message.to}\n{message.body}\n{'-' * 40}\n")
            self.stream.flush()
        return len(messages)


def get_backend(backend=None, **kwargs):
    return import_string(backend or settings.FICHES_SMS_BACKEND)(**kwargs)


def send_sms(to, body, backend=None):
    return get_backend(backend).send_messages([SMS(to=to, body=body)])
