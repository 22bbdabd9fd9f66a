"""Standard Webhooks signing: HMAC-SHA256 over ``{id}.{timestamp}.{body}``, rotation, replay window."""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from caseline.domain.errors import SignatureInvalidError
from caseline.domain.signing import SignedHeaders, SigningSecrets, parse_headers, secret_key, sign, verify

SECRET = "old-secret-0123456789"
NEW_SECRET = "new-secret-9876543210"
TS = 1_772_445_600
BODY = b'{"hello": "world"}'


def headers_for(body: bytes = BODY, *, secret: str = SECRET, webhook_id: str = "msg_1", ts: int = TS) -> SignedHeaders:
    return SignedHeaders(webhook_id, ts, (sign(secret, webhook_id, ts, body),))


def test_round_trip_verifies_with_the_signing_secret() -> None:
    # Given a body signed with the force's secret
    headers = headers_for()
    # When it is verified at the same moment
    index = verify([SECRET], headers, BODY, now=TS)
    # Then the first (only) secret verified it
    assert index == 0


def test_matches_the_standard_webhooks_reference_vector() -> None:
    """Given the Standard Webhooks specification's published example, the same signature comes out."""
    signature = sign(
        "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, b'{"test": 2432232314}'
    )
    assert signature == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="


def test_signature_is_hmac_sha256_over_id_timestamp_and_body() -> None:
    # Given an independently computed HMAC over the documented message layout
    digest = hmac.new(SECRET.encode(), b"msg_1." + str(TS).encode() + b"." + BODY, hashlib.sha256).digest()
    # Then sign() produces exactly that, as a v1 entry
    assert sign(SECRET, "msg_1", TS, BODY) == "v1," + base64.b64encode(digest).decode()


@pytest.mark.parametrize(
    ("body", "webhook_id", "ts"),
    [
        pytest.param(BODY + b" ", "msg_1", TS, id="tampered-body"),
        pytest.param(BODY, "msg_2", TS, id="tampered-id"),
        pytest.param(BODY, "msg_1", TS + 1, id="tampered-timestamp"),
    ],
)
def test_any_tampering_fails(body: bytes, webhook_id: str, ts: int) -> None:
    # Given the signature made over the original id, timestamp and body
    original = sign(SECRET, "msg_1", TS, BODY)
    # When one of them is changed in transit
    tampered = SignedHeaders(webhook_id, ts, (original,))
    # Then verification fails
    with pytest.raises(SignatureInvalidError):
        verify([SECRET], tampered, body, now=ts)


@pytest.mark.parametrize("skew", [-301, 301, -10_000, 10_000])
def test_timestamp_outside_the_window_fails_in_both_directions(skew: int) -> None:
    # Given a correctly signed request whose timestamp is more than 300 s from now
    headers = headers_for()
    # Then it is refused even though the signature is valid
    with pytest.raises(SignatureInvalidError):
        verify([SECRET], headers, BODY, now=TS + skew)


@pytest.mark.parametrize("skew", [-300, 300])
def test_timestamp_exactly_at_the_tolerance_is_accepted(skew: int) -> None:
    assert verify([SECRET], headers_for(), BODY, now=TS + skew) == 0


def test_during_rotation_the_second_secret_verifies_and_its_index_is_returned() -> None:
    # Given a force rotating secrets, still signing with the old one
    headers = headers_for(secret=SECRET)
    # When verified against [new, old]
    index = verify([NEW_SECRET, SECRET], headers, BODY, now=TS)
    # Then the old secret (index 1) verified it
    assert index == 1


def test_a_secret_that_is_not_current_fails() -> None:
    with pytest.raises(SignatureInvalidError):
        verify([NEW_SECRET], headers_for(secret=SECRET), BODY, now=TS)


def test_no_secrets_fails() -> None:
    with pytest.raises(SignatureInvalidError):
        verify([], headers_for(), BODY, now=TS)


def test_any_valid_entry_among_several_signatures_passes() -> None:
    # Given a header listing a bogus v1 entry, an unknown version and then the real signature
    valid = sign(SECRET, "msg_1", TS, BODY)
    raw = {"webhook-id": "msg_1", "webhook-timestamp": str(TS), "webhook-signature": f"v1,Ym9ndXM= v2,xyz  {valid}"}
    # When parsed and verified
    headers = parse_headers(raw)
    # Then every entry was read and the valid one is accepted
    assert headers.signatures == ("v1,Ym9ndXM=", "v2,xyz", valid)
    assert verify([SECRET], headers, BODY, now=TS) == 0


def test_a_correct_digest_under_another_version_label_is_not_accepted() -> None:
    digest = sign(SECRET, "msg_1", TS, BODY).split(",", 1)[1]
    with pytest.raises(SignatureInvalidError):
        verify([SECRET], SignedHeaders("msg_1", TS, (f"v2,{digest}",)), BODY, now=TS)


def test_header_names_are_case_insensitive() -> None:
    raw = {"Webhook-Id": " msg_1 ", "WEBHOOK-TIMESTAMP": str(TS), "Webhook-Signature": "v1,abc"}
    assert parse_headers(raw) == SignedHeaders("msg_1", TS, ("v1,abc",))


@pytest.mark.parametrize("missing", ["webhook-id", "webhook-timestamp", "webhook-signature"])
def test_each_missing_header_raises(missing: str) -> None:
    raw = {"webhook-id": "msg_1", "webhook-timestamp": str(TS), "webhook-signature": "v1,abc"}
    del raw[missing]
    with pytest.raises(SignatureInvalidError):
        parse_headers(raw)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("webhook-id", "   "),
        ("webhook-id", "x" * 129),
        ("webhook-timestamp", "-5"),
        ("webhook-timestamp", "12.5"),
        ("webhook-timestamp", "1" * 13),
        ("webhook-signature", "  "),
    ],
)
def test_malformed_headers_raise(name: str, value: str) -> None:
    raw = {"webhook-id": "msg_1", "webhook-timestamp": str(TS), "webhook-signature": "v1,abc", name: value}
    with pytest.raises(SignatureInvalidError):
        parse_headers(raw)


def test_a_non_ascii_digit_timestamp_is_a_signature_error() -> None:
    raw = {"webhook-id": "msg_1", "webhook-timestamp": "²", "webhook-signature": "v1,abc"}
    with pytest.raises(SignatureInvalidError):
        parse_headers(raw)


def test_whsec_secrets_are_base64_key_bytes() -> None:
    # Given a whsec_ secret wrapping raw key bytes
    key = bytes(range(32))
    secret = "whsec_" + base64.b64encode(key).decode()
    # Then the key is the decoded bytes, and signatures match a plain HMAC with those bytes
    assert secret_key(secret) == key
    expected = hmac.new(key, f"msg_1.{TS}.".encode() + BODY, hashlib.sha256).digest()
    assert sign(secret, "msg_1", TS, BODY) == "v1," + base64.b64encode(expected).decode()
    assert verify([secret], headers_for(secret=secret), BODY, now=TS) == 0


def test_non_prefixed_secrets_are_their_utf8_bytes() -> None:
    assert secret_key("pässwörd") == "pässwörd".encode()


def test_a_malformed_whsec_secret_is_rejected() -> None:
    with pytest.raises(ValueError, match="whsec_"):
        secret_key("whsec_not base64!")


@given(body=st.binary(max_size=2048))
def test_property_any_body_round_trips(body: bytes) -> None:
    assert verify([SECRET], headers_for(body), body, now=TS) == 0


@given(data=st.data(), body=st.binary(min_size=1, max_size=512))
def test_property_any_single_byte_change_fails(data: st.DataObject, body: bytes) -> None:
    # Given a signed body and one byte of it replaced by a different value
    position = data.draw(st.integers(0, len(body) - 1), label="position")
    replacement = data.draw(st.integers(0, 255).filter(lambda b: b != body[position]), label="replacement")
    tampered = body[:position] + bytes([replacement]) + body[position + 1 :]
    # Then the original signature no longer verifies
    with pytest.raises(SignatureInvalidError):
        verify([SECRET], headers_for(body), tampered, now=TS)


# ------------------------------------------------------------------ the previous secret's expiry
ROTATED = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
EXPIRES = ROTATED + timedelta(days=7)


def test_the_previous_secret_is_valid_until_its_expiry_and_not_after() -> None:
    secrets = SigningSecrets(NEW_SECRET, SECRET, EXPIRES)
    assert secrets.valid_at(EXPIRES - timedelta(seconds=1)) == (NEW_SECRET, SECRET)
    assert secrets.valid_at(EXPIRES) == (NEW_SECRET,)
    assert secrets.valid_at(EXPIRES + timedelta(days=30)) == (NEW_SECRET,)


def test_a_previous_secret_with_no_expiry_is_never_valid() -> None:
    assert SigningSecrets(NEW_SECRET, SECRET, None).valid_at(ROTATED) == (NEW_SECRET,)


def test_no_current_secret_and_no_previous_secret_means_nothing_verifies() -> None:
    assert SigningSecrets("", "", EXPIRES).valid_at(ROTATED) == ()


@pytest.mark.parametrize(
    ("document", "expected"),
    [
        ({"current": "a", "previous": "b", "previous_expires_at": "2026-03-09T10:00:00Z"}, EXPIRES),
        ({"current": "a", "previous": "b", "previous_expires_at": "2026-03-09T11:00:00+01:00"}, EXPIRES),
        ({"current": "a", "previous": "b"}, None),  # missing
        ({"current": "a", "previous": "b", "previous_expires_at": ""}, None),
        ({"current": "a", "previous": "b", "previous_expires_at": "next week"}, None),  # unreadable
        ({"current": "a", "previous": "b", "previous_expires_at": "2026-03-09T10:00:00"}, None),  # no time zone
        ({"current": "a", "previous": "b", "previous_expires_at": 1773050400}, None),  # not a string
    ],
)
def test_the_expiry_is_read_from_the_secret_document(document: dict[str, object], expected: datetime | None) -> None:
    secrets = SigningSecrets.from_document(document)
    assert (secrets.current, secrets.previous, secrets.previous_expires_at) == ("a", "b", expected)


def test_signatures_with_an_expired_previous_secret_fail_like_any_other_bad_signature() -> None:
    headers = headers_for(secret=SECRET)
    secrets = SigningSecrets(NEW_SECRET, SECRET, EXPIRES)
    assert verify(secrets.valid_at(EXPIRES - timedelta(minutes=1)), headers, BODY, now=TS) == 1
    with pytest.raises(SignatureInvalidError):
        verify(secrets.valid_at(EXPIRES), headers, BODY, now=TS)
