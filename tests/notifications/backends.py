"""E-mail backends for the delivery tests. They are real backends (Django's own, which keep
or write every message) with one behaviour added; nothing about the database is faked."""

import os
import time

from django.core.mail.backends.filebased import EmailBackend as FileBackend
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend


class SlowLocmemBackend(LocmemBackend):
    """Takes a while per message, like a real mail server, so concurrent runs overlap."""

    def send_messages(self, messages):
        time.sleep(0.02)
        return super().send_messages(messages)


class SlowFileBackend(FileBackend):
    def send_messages(self, messages):
        time.sleep(0.02)
        return super().send_messages(messages)


class ProcessDied(BaseException):
    """Raised after a message went out: like a kill, nothing in the process catches it."""


class DiesAfterSendingBackend(LocmemBackend):
    """Hands the message over (to ``mail.outbox``), then the process "dies" before delivery
    can commit."""

    def send_messages(self, messages):
        super().send_messages(messages)
        raise ProcessDied


class ExitsAfterSendingFileBackend(FileBackend):
    """Writes the message to its file, then ends the process at once (``os._exit``: no
    cleanup, no commit), as a kill -9 or an out-of-memory kill would."""

    def send_messages(self, messages):
        super().send_messages(messages)
        self.close()  # the message is on disk, as a mail server would have accepted it
        os._exit(137)
