"""moto's SES and SNS, wrapped by the local stack: each send is recorded once as it happens, and moto's own
copies stay bounded."""

from __future__ import annotations

import boto3
import pytest
from moto.core import DEFAULT_ACCOUNT_ID
from moto.ses.models import ses_backends
from moto.sns.models import sns_backends

from caseline.adapters.messaging import SesEmailSender, SnsSmsSender
from caseline_local import mailbox
from caseline_local.template import Template

from ..conftest import REGION


@pytest.fixture(autouse=True)
def fresh_sent_log() -> None:
    mailbox.install()
    mailbox.SENT.clear()


def test_every_email_and_sms_is_recorded_once_in_order(aws: Template) -> None:
    email = SesEmailSender(boto3.client("ses", region_name=REGION), sender="no-reply@caseline.example.org")
    sms = SnsSmsSender(boto3.client("sns", region_name=REGION))
    # When dispatch's senders send an email, a text and another email
    first = email.send_email(to="alex@example.org", subject="Hello", text="One", html=None, force_id="thames-valley")
    text = sms.send_sms(to="+447700900123", text="Two", force_id="thames-valley")
    email.send_email(to="sam@example.org", subject="Hi", text="Three", html=None, force_id="thames-valley")
    # Then the log has the three, numbered in order, with what each said
    log = mailbox.SENT.read()
    assert [(m.channel, m.to, m.body, m.message_id) for m in log][:2] == [
        ("email", "alex@example.org", "One", first),
        ("sms", "+447700900123", "Two", text),
    ]
    assert [m.seq for m in log] == sorted(m.seq for m in log) and len(log) == 3
    assert log[0].subject == "Hello" and log[0].source == "no-reply@caseline.example.org"
    assert [m.body for m in mailbox.SENT.read(to="+447700900123")] == ["Two"]


def test_motos_own_lists_are_trimmed(aws: Template, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(mailbox, "MOTO_KEEP", 3)
    sms = SnsSmsSender(boto3.client("sns", region_name=REGION))
    email = SesEmailSender(boto3.client("ses", region_name=REGION), sender="no-reply@caseline.example.org")
    for n in range(6):
        sms.send_sms(to=f"+44770090010{n}", text=f"text {n}", force_id="hampshire")
        email.send_email(to=f"v{n}@example.org", subject="s", text=f"mail {n}", html=None, force_id="hampshire")
    assert len(sns_backends[DEFAULT_ACCOUNT_ID][REGION].sms_messages) == 3
    assert len(ses_backends[DEFAULT_ACCOUNT_ID][REGION].sent_messages) == 3
    # The log still has all twelve
    assert len(mailbox.SENT.read()) == 12


def test_the_page_without_filters_shows_the_newest_messages_only(monkeypatch: pytest.MonkeyPatch) -> None:
    # Given a long run: more messages sent than the page shows at once
    monkeypatch.setattr(mailbox, "PAGE_NEWEST", 3)
    for n in range(1, 8):
        mailbox.SENT.record(channel="sms", to=f"+44770090010{n}", subject=None, body=f"text {n}", message_id=str(n))
    first = mailbox.SENT.read()[0].seq
    # When the page is opened with no filter, it costs the newest few, not the whole run
    shown = mailbox.page({})
    assert shown.count("<li class='message'") == 3
    assert "text 7" in shown and "text 4" not in shown
    # and the filters still select from everything kept
    assert mailbox.page({"since": ["0"]}).count("<li class='message'") == 7
    assert "text 2" in mailbox.page({"to": ["+447700900102"]})
    assert mailbox.page({"since": [str(first)]}).count("<li class='message'") == 6
