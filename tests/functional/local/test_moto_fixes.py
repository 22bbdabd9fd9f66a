"""Concurrent writes through moto's threaded server must reach the stream once each, as in DynamoDB."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto.server import ThreadedMotoServer

from caseline_local import moto_fixes

WRITERS, WRITES = 6, 40


@pytest.fixture
def server() -> Iterator[str]:
    moto_fixes.apply()
    moto = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    moto.start()
    host, port = moto.get_host_and_port()
    yield f"http://{host}:{port}"
    moto.stop()


def test_every_concurrent_write_appears_once_in_the_stream_despite_cancelled_transactions(server: str) -> None:
    kwargs = {"endpoint_url": server, "region_name": "eu-west-2"}
    ddb = boto3.client("dynamodb", **kwargs)
    arn = ddb.create_table(
        TableName="race",
        BillingMode="PAY_PER_REQUEST",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
    )["TableDescription"]["LatestStreamArn"]
    ddb.put_item(TableName="race", Item={"pk": {"S": "taken"}})

    def writer(index: int) -> None:
        client = boto3.client("dynamodb", **kwargs)
        for n in range(WRITES):
            client.put_item(TableName="race", Item={"pk": {"S": f"{index}-{n}"}})
            # A cancelled transaction between the writes: moto restores a table copy when this fails.
            with contextlib.suppress(client.exceptions.TransactionCanceledException):
                client.transact_write_items(
                    TransactItems=[
                        {
                            "Put": {
                                "TableName": "race",
                                "Item": {"pk": {"S": "taken"}},
                                "ConditionExpression": "attribute_not_exists(pk)",
                            }
                        }
                    ]
                )

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    streams = boto3.client("dynamodbstreams", **kwargs)
    shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]
    iterator = streams.get_shard_iterator(StreamArn=arn, ShardId=shard, ShardIteratorType="TRIM_HORIZON")
    records = streams.get_records(ShardIterator=iterator["ShardIterator"], Limit=1000)["Records"]
    keys = [r["dynamodb"]["Keys"]["pk"]["S"] for r in records]
    sequence_numbers = [r["dynamodb"]["SequenceNumber"] for r in records]
    assert len(set(sequence_numbers)) == len(sequence_numbers)
    assert sorted(keys) == sorted(["taken"] + [f"{i}-{n}" for i in range(WRITERS) for n in range(WRITES)])
    assert ddb.scan(TableName="race", Select="COUNT")["Count"] == WRITERS * WRITES + 1


def _table_with_stream(ddb: object, name: str) -> str:
    return str(
        ddb.create_table(  # type: ignore[attr-defined]
            TableName=name,
            BillingMode="PAY_PER_REQUEST",
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
            StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
        )["TableDescription"]["LatestStreamArn"]
    )


def _table_with_index(ddb: Any, name: str, index_keys: tuple[str, ...], projection: str) -> None:
    """A table keyed by ``pk`` and ``sk``, with one global secondary index ``gsi1`` on ``index_keys``."""
    ddb.create_table(
        TableName=name,
        BillingMode="PAY_PER_REQUEST",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        AttributeDefinitions=[{"AttributeName": n, "AttributeType": "S"} for n in ("pk", "sk", *index_keys)],
        GlobalSecondaryIndexes=[
            {
                "IndexName": "gsi1",
                "KeySchema": [
                    {"AttributeName": key, "KeyType": kind}
                    for key, kind in zip(index_keys, ("HASH", "RANGE")[: len(index_keys)], strict=True)
                ],
                "Projection": {"ProjectionType": projection},
            }
        ],
    )


def _read_after(streams: object, arn: str, after: str | None) -> list[dict[str, object]]:
    shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]  # type: ignore[attr-defined]
    position = (
        {"ShardIteratorType": "AFTER_SEQUENCE_NUMBER", "SequenceNumber": after}
        if after
        else {"ShardIteratorType": "TRIM_HORIZON"}
    )
    iterator = streams.get_shard_iterator(StreamArn=arn, ShardId=shard, **position)["ShardIterator"]  # type: ignore[attr-defined]
    return list(streams.get_records(ShardIterator=iterator, Limit=1000)["Records"])  # type: ignore[attr-defined]


def test_polling_a_stream_leaves_no_shard_iterators_behind(server: str) -> None:
    from moto.dynamodbstreams.models import dynamodbstreams_backends

    kwargs = {"endpoint_url": server, "region_name": "eu-west-2"}
    ddb, streams = boto3.client("dynamodb", **kwargs), boto3.client("dynamodbstreams", **kwargs)
    arn = _table_with_stream(ddb, "iterators")
    backend = dynamodbstreams_backends["123456789012"]["eu-west-2"]
    before = len(backend.shard_iterators)
    # Given a poller that asks for a fresh iterator and reads, 200 times (twenty seconds of the stack's polling)
    last = None
    for n in range(200):
        ddb.put_item(TableName="iterators", Item={"pk": {"S": str(n)}})
        records = _read_after(streams, arn, last)
        last = str(records[-1]["dynamodb"]["SequenceNumber"])  # type: ignore[index]
    # Then moto keeps none of the iterators it issued (it used to keep two per read)
    assert len(backend.shard_iterators) == before


def test_unused_iterators_are_bounded(server: str) -> None:
    from moto.dynamodbstreams.models import dynamodbstreams_backends

    kwargs = {"endpoint_url": server, "region_name": "eu-west-2"}
    ddb, streams = boto3.client("dynamodb", **kwargs), boto3.client("dynamodbstreams", **kwargs)
    arn = _table_with_stream(ddb, "unused")
    shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]
    backend = dynamodbstreams_backends["123456789012"]["eu-west-2"]
    # When a client asks for more iterators than are kept and never uses them
    for _ in range(moto_fixes.ITERATORS_KEPT + 50):
        streams.get_shard_iterator(StreamArn=arn, ShardId=shard, ShardIteratorType="TRIM_HORIZON")
    # Then only the newest are kept, and the newest still works
    assert len(backend.shard_iterators) <= moto_fixes.ITERATORS_KEPT
    newest = streams.get_shard_iterator(StreamArn=arn, ShardId=shard, ShardIteratorType="TRIM_HORIZON")
    assert streams.get_records(ShardIterator=newest["ShardIterator"])["Records"] == []


def test_trimming_drops_read_records_and_keeps_the_rest_with_their_numbers(server: str) -> None:
    from moto.dynamodb.models import dynamodb_backends

    kwargs = {"endpoint_url": server, "region_name": "eu-west-2"}
    ddb, streams = boto3.client("dynamodb", **kwargs), boto3.client("dynamodbstreams", **kwargs)
    arn = _table_with_stream(ddb, "trim")
    for n in range(10):
        ddb.put_item(TableName="trim", Item={"pk": {"S": str(n)}})
    records = _read_after(streams, arn, None)
    sixth = str(records[5]["dynamodb"]["SequenceNumber"])  # type: ignore[index]
    table = dynamodb_backends["123456789012"]["eu-west-2"].tables["trim"]
    # When every consumer has read up to the sixth record and the stack trims
    assert moto_fixes.trim_stream(table, int(sixth)) == 6
    # Then reading after the sixth still gives the last four, with the numbers they had
    rest = _read_after(streams, arn, sixth)
    assert [r["dynamodb"]["Keys"]["pk"]["S"] for r in rest] == ["6", "7", "8", "9"]  # type: ignore[index]
    assert [r["dynamodb"]["SequenceNumber"] for r in rest] == [r["dynamodb"]["SequenceNumber"] for r in records[6:]]  # type: ignore[index]
    # And a new write continues the numbering, and a consumer starting over sees only what is kept
    ddb.put_item(TableName="trim", Item={"pk": {"S": "10"}})
    after = _read_after(streams, arn, str(rest[-1]["dynamodb"]["SequenceNumber"]))  # type: ignore[index]
    assert int(after[0]["dynamodb"]["SequenceNumber"]) == int(rest[-1]["dynamodb"]["SequenceNumber"]) + 1  # type: ignore[index]
    assert len(_read_after(streams, arn, None)) == 5
    assert moto_fixes.trim_stream(table, 0) == 0


def test_a_stream_write_wakes_a_waiting_poller(server: str) -> None:
    kwargs = {"endpoint_url": server, "region_name": "eu-west-2"}
    ddb = boto3.client("dynamodb", **kwargs)
    _table_with_stream(ddb, "signal")
    seen = moto_fixes.STREAM_WRITES.count
    woke: list[int] = []
    waiter = threading.Thread(target=lambda: woke.append(moto_fixes.STREAM_WRITES.wait(seen, timeout=30)))
    waiter.start()
    ddb.put_item(TableName="signal", Item={"pk": {"S": "x"}})
    waiter.join(timeout=30)
    assert woke and woke[0] > seen
    # And with no write, a wait ends at its timeout with the count unchanged
    assert moto_fixes.STREAM_WRITES.wait(moto_fixes.STREAM_WRITES.count, timeout=0.05) == moto_fixes.STREAM_WRITES.count


def test_queries_see_exactly_what_a_walk_of_the_whole_table_would_find(server: str) -> None:
    kwargs = {"endpoint_url": server, "region_name": "eu-west-2"}
    ddb = boto3.client("dynamodb", **kwargs)
    _table_with_index(ddb, "narrow", ("gsi1pk", "gsi1sk"), "ALL")
    # Given items in four partitions, three index keys, then updates that move items between index keys
    for n in range(60):
        item = {"pk": {"S": f"P{n % 4}"}, "sk": {"S": f"S{n:03d}"}}
        if n % 3:
            item |= {"gsi1pk": {"S": f"G{n % 3}"}, "gsi1sk": {"S": f"{60 - n:03d}"}}
        ddb.put_item(TableName="narrow", Item=item)
    for n in range(0, 60, 7):
        ddb.update_item(
            TableName="narrow",
            Key={"pk": {"S": f"P{n % 4}"}, "sk": {"S": f"S{n:03d}"}},
            UpdateExpression="SET gsi1pk = :g, gsi1sk = :s",
            ExpressionAttributeValues={":g": {"S": "G9"}, ":s": {"S": f"{n:03d}"}},
        )
    ddb.delete_item(TableName="narrow", Key={"pk": {"S": "P1"}, "sk": {"S": "S001"}})
    everything = ddb.scan(TableName="narrow")["Items"]

    def pages(**query: object) -> list[dict[str, object]]:
        found, start = [], None
        while True:
            page = ddb.query(TableName="narrow", Limit=4, **query, **({"ExclusiveStartKey": start} if start else {}))
            found += page["Items"]
            start = page.get("LastEvaluatedKey")
            if not start:
                return found

    # Then each partition's Query, forwards, backwards and with a key condition, is what the scan holds
    for p in ("P0", "P1", "P2", "P3", "P9"):
        expected = sorted((i for i in everything if i["pk"]["S"] == p), key=lambda i: i["sk"]["S"])
        values = {":p": {"S": p}}
        assert pages(KeyConditionExpression="pk = :p", ExpressionAttributeValues=values) == expected
        backwards = pages(KeyConditionExpression="pk = :p", ExpressionAttributeValues=values, ScanIndexForward=False)
        assert backwards == expected[::-1]
        after = pages(
            KeyConditionExpression="pk = :p AND sk > :s", ExpressionAttributeValues={**values, ":s": {"S": "S030"}}
        )
        assert after == [i for i in expected if i["sk"]["S"] > "S030"]
    # And each index key's Query sees the items' current index keys, in index order
    for g in ("G1", "G2", "G9", "G0"):
        expected = sorted((i for i in everything if i.get("gsi1pk", {}).get("S") == g), key=lambda i: i["gsi1sk"]["S"])
        found = pages(
            IndexName="gsi1", KeyConditionExpression="gsi1pk = :g", ExpressionAttributeValues={":g": {"S": g}}
        )
        assert found == expected
    assert (
        len(
            pages(IndexName="gsi1", KeyConditionExpression="gsi1pk = :g", ExpressionAttributeValues={":g": {"S": "G9"}})
        )
        == 9
    )


def _answers(ddb: object, streams: object, arn: str, suffix: str) -> list[dict[str, object]]:
    """A fixed sequence of item-carrying calls, their answers as botocore parsed them."""
    key = {"pk": {"S": f"item-{suffix}"}}
    item = {
        **key,
        "n": {"N": "12.50"},
        "b": {"B": b"\x00\xffsealed"},
        "l": {"L": [{"S": "x"}, {"NULL": True}, {"BOOL": False}, {"M": {"k": {"SS": ["a", "b"]}}}]},
        "bs": {"BS": [b"one", b"two"]},
    }
    calls = [
        lambda: ddb.put_item(TableName="fast", Item=item, ReturnValues="ALL_OLD"),  # type: ignore[attr-defined]
        lambda: ddb.put_item(TableName="fast", Item={**item, "n": {"N": "1"}}, ReturnValues="ALL_OLD"),  # type: ignore[attr-defined]
        lambda: ddb.get_item(TableName="fast", Key=key, ConsistentRead=True),  # type: ignore[attr-defined]
        lambda: ddb.get_item(TableName="fast", Key={"pk": {"S": "absent"}}),  # type: ignore[attr-defined]
        lambda: ddb.update_item(  # type: ignore[attr-defined]
            TableName="fast",
            Key=key,
            UpdateExpression="SET n = n + :one",
            ExpressionAttributeValues={":one": {"N": "1"}},
            ReturnValues="ALL_NEW",
        ),
        lambda: ddb.query(  # type: ignore[attr-defined]
            TableName="fast", KeyConditionExpression="pk = :p", ExpressionAttributeValues={":p": key["pk"]}
        ),
        lambda: ddb.delete_item(TableName="fast", Key=key, ReturnValues="ALL_OLD"),  # type: ignore[attr-defined]
    ]
    answers = [call() for call in calls]
    shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]  # type: ignore[attr-defined]
    iterator = streams.get_shard_iterator(StreamArn=arn, ShardId=shard, ShardIteratorType="TRIM_HORIZON")  # type: ignore[attr-defined]
    records = streams.get_records(ShardIterator=iterator["ShardIterator"])["Records"]  # type: ignore[attr-defined]
    answers.append({"Records": [r for r in records if r["dynamodb"]["Keys"]["pk"]["S"] == f"item-{suffix}"]})
    for answer in answers:
        answer.pop("ResponseMetadata", None)
        answer.pop("NextShardIterator", None)
        for record in answer.get("Records", []):
            record.pop("eventID")
            record["dynamodb"].pop("SequenceNumber")
            record["dynamodb"].pop("ApproximateCreationDateTime")
            record["dynamodb"].pop("SizeBytes")  # moto's own estimate, not part of the serialising
    return answers


def test_the_fast_json_answers_parse_exactly_as_motos_own_serialiser(server: str) -> None:
    from moto.core.responses import ActionResult

    kwargs = {"endpoint_url": server, "region_name": "eu-west-2"}
    ddb, streams = boto3.client("dynamodb", **kwargs), boto3.client("dynamodbstreams", **kwargs)
    arn = _table_with_stream(ddb, "fast")
    fast = ActionResult.execute_result
    assert hasattr(fast, "__wrapped__")  # the local stack's fast path is installed
    # Given the same calls answered by moto's own serialiser and by the fast path
    ActionResult.execute_result = fast.__wrapped__  # type: ignore[attr-defined,method-assign]
    try:
        motos = _answers(ddb, streams, arn, "a")
    finally:
        ActionResult.execute_result = fast  # type: ignore[method-assign]
    ours = _answers(ddb, streams, arn, "b")
    # Then botocore parses the same answers (the keys differ only by one letter)
    assert repr(ours).replace("item-b", "item-a") == repr(motos)
    # And a created-date timestamp still parses as a datetime
    created = streams.get_records(
        ShardIterator=streams.get_shard_iterator(
            StreamArn=arn,
            ShardId=streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"],
            ShardIteratorType="TRIM_HORIZON",
        )["ShardIterator"]
    )["Records"][0]["dynamodb"]["ApproximateCreationDateTime"]
    assert created.year >= 2026


def test_the_housekeeper_trims_what_every_poller_of_the_stream_has_read(server: str) -> None:
    from caseline_local.housekeeping import Housekeeper

    kwargs = {"endpoint_url": server, "region_name": "eu-west-2"}
    ddb, streams = boto3.client("dynamodb", **kwargs), boto3.client("dynamodbstreams", **kwargs)
    arn = _table_with_stream(ddb, "housekept")
    for n in range(5):
        ddb.put_item(TableName="housekept", Item={"pk": {"S": str(n)}})
    third = int(_read_after(streams, arn, None)[2]["dynamodb"]["SequenceNumber"])  # type: ignore[index]

    class Poller:
        stream_arn = arn

        def read_up_to(self) -> dict[str, int]:
            return {"shard": third}

    # When the housekeeper runs with one poller that has read the first three records
    keeper = Housekeeper(pollers=[Poller()], region="eu-west-2", stop=threading.Event())  # type: ignore[list-item]
    keeper.poll_once()
    # Then those three are gone from moto and the last two remain
    assert keeper.trimmed == 3
    assert [r["dynamodb"]["Keys"]["pk"]["S"] for r in _read_after(streams, arn, None)] == ["3", "4"]  # type: ignore[index]


def test_moto_keeps_no_list_of_every_object_it_ever_made(server: str) -> None:
    from moto.dynamodb.models.table import StreamRecord

    kwargs = {"endpoint_url": server, "region_name": "eu-west-2"}
    ddb = boto3.client("dynamodb", **kwargs)
    _table_with_stream(ddb, "untracked")
    before = len(StreamRecord.instances_tracked)  # type: ignore[attr-defined]
    # When a hundred writes make a hundred stream records
    for n in range(100):
        ddb.put_item(TableName="untracked", Item={"pk": {"S": str(n)}})
    # Then moto's class-level list of instances did not grow (trimmed records can be freed)
    assert len(StreamRecord.instances_tracked) == before  # type: ignore[attr-defined]


def _email_pool(idp: Any, name: str) -> str:
    """A user pool signed into by email, with a password policy any pass phrase of 12 characters meets."""
    open_policy = {"MinimumLength": 12, "RequireLowercase": False, "RequireNumbers": False}
    open_policy |= {"RequireSymbols": False, "RequireUppercase": False}
    pool = idp.create_user_pool(PoolName=name, UsernameAttributes=["email"], Policies={"PasswordPolicy": open_policy})
    return str(pool["UserPool"]["Id"])


def test_signing_out_by_sub_revokes_the_tokens_issued_to_the_email(server: str) -> None:
    idp = boto3.client("cognito-idp", endpoint_url=server, region_name="eu-west-2")
    pool = _email_pool(idp, "sign-out")
    flows = ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]
    client = idp.create_user_pool_client(UserPoolId=pool, ClientName="portal", ExplicitAuthFlows=flows)
    client_id = client["UserPoolClient"]["ClientId"]
    sub = idp.sign_up(ClientId=client_id, Username="sam.jones@example.org", Password="a long pass phrase")["UserSub"]
    idp.admin_confirm_sign_up(UserPoolId=pool, Username="sam.jones@example.org")
    signed_in = idp.initiate_auth(
        ClientId=client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "sam.jones@example.org", "PASSWORD": "a long pass phrase"},
    )["AuthenticationResult"]
    # When the account is signed out everywhere by its sub (as the victim API does)
    idp.admin_user_global_sign_out(UserPoolId=pool, Username=sub)
    # Then the refresh token issued to the email address no longer works, as in Cognito
    with pytest.raises(idp.exceptions.NotAuthorizedException):
        idp.initiate_auth(
            ClientId=client_id,
            AuthFlow="REFRESH_TOKEN_AUTH",
            AuthParameters={"REFRESH_TOKEN": signed_in["RefreshToken"]},
        )


def test_a_sign_up_not_yet_confirmed_can_have_its_code_sent_again(server: str) -> None:
    idp = boto3.client("cognito-idp", endpoint_url=server, region_name="eu-west-2")
    pool = _email_pool(idp, "resend")
    client_id = idp.create_user_pool_client(UserPoolId=pool, ClientName="portal")["UserPoolClient"]["ClientId"]
    idp.sign_up(ClientId=client_id, Username="sam.jones@example.org", Password="a long pass phrase")
    # When the victim asks for the code again, Cognito says where it went (moto answered 500)
    sent = idp.resend_confirmation_code(ClientId=client_id, Username="sam.jones@example.org")
    assert sent["CodeDeliveryDetails"] == {
        "Destination": "s***@example.org",
        "DeliveryMedium": "EMAIL",
        "AttributeName": "email",
    }
    # And an address with no sign-up is refused as Cognito refuses it
    with pytest.raises(idp.exceptions.UserNotFoundException):
        idp.resend_confirmation_code(ClientId=client_id, Username="nobody@example.org")


def test_answers_from_stored_items_and_shared_update_expressions_leave_the_table_as_dynamodb_would(
    server: str,
) -> None:
    kwargs = {"endpoint_url": server, "region_name": "eu-west-2"}
    ddb = boto3.client("dynamodb", **kwargs)
    _table_with_index(ddb, "shared", ("gsi1pk",), "KEYS_ONLY")
    key = {"pk": {"S": "P"}, "sk": {"S": "S"}}
    # The same update expression text, with other values each time, and once on an item not there yet
    for n in range(3):
        ddb.update_item(
            TableName="shared",
            Key=key,
            UpdateExpression="SET gsi1pk = :g, note = :note ADD visits :one",
            ExpressionAttributeValues={":g": {"S": "G"}, ":note": {"M": {"n": {"N": str(n)}}}, ":one": {"N": "1"}},
        )
    with pytest.raises(ddb.exceptions.ClientError, match="ValidationException"):
        ddb.update_item(TableName="shared", Key=key, UpdateExpression="SET = :x", ExpressionAttributeValues={})
    # Projections, an index that keeps only keys, and answers read while other writes run
    projected = ddb.query(
        TableName="shared",
        KeyConditionExpression="pk = :p",
        ExpressionAttributeValues={":p": {"S": "P"}},
        ProjectionExpression="note.n",
    )["Items"]
    keys_only = ddb.query(
        TableName="shared",
        IndexName="gsi1",
        KeyConditionExpression="gsi1pk = :g",
        ExpressionAttributeValues={":g": {"S": "G"}},
    )["Items"]
    scanned = ddb.scan(TableName="shared", ProjectionExpression="pk")["Items"]

    def write(index: int) -> None:
        client = boto3.client("dynamodb", **kwargs)
        for n in range(20):
            client.update_item(
                TableName="shared",
                Key={"pk": {"S": "W"}, "sk": {"S": f"{index}-{n % 5}"}},
                UpdateExpression="SET note = :note",
                ExpressionAttributeValues={":note": {"M": {"n": {"N": str(n)}, "pad": {"S": "x" * n}}}},
            )

    writers = [threading.Thread(target=write, args=(i,)) for i in range(3)]
    for thread in writers:
        thread.start()
    reads = [
        ddb.query(TableName="shared", KeyConditionExpression="pk = :p", ExpressionAttributeValues={":p": {"S": "W"}})
        for _ in range(20)
    ]
    for thread in writers:
        thread.join()

    assert projected == [{"note": {"M": {"n": {"N": "2"}}}}]
    assert keys_only == [{"pk": {"S": "P"}, "sk": {"S": "S"}, "gsi1pk": {"S": "G"}}]
    assert scanned == [{"pk": {"S": "P"}}]
    assert ddb.get_item(TableName="shared", Key=key, ConsistentRead=True)["Item"] == {
        **key,
        "gsi1pk": {"S": "G"},
        "note": {"M": {"n": {"N": "2"}}},
        "visits": {"N": "3"},
    }
    assert all(len(answer["Items"]) <= 15 for answer in reads)
    final = ddb.query(
        TableName="shared", KeyConditionExpression="pk = :p", ExpressionAttributeValues={":p": {"S": "W"}}
    )["Items"]
    assert (
        sorted(item["note"]["M"]["n"]["N"] for item in final)
        == ["15", "15", "15", "16", "16", "16"] + ["17"] * 3 + ["18"] * 3 + ["19"] * 3
    )


def test_a_condition_or_filter_text_used_again_with_other_values_answers_for_those_values(server: str) -> None:
    ddb = boto3.client("dynamodb", endpoint_url=server, region_name="eu-west-2")
    _table_with_index(ddb, "parsed", ("gsi1pk",), "ALL")
    kinds = ("case", "event", "event", "outbox", "victim")
    for n, kind in enumerate(kinds):
        ddb.put_item(TableName="parsed", Item={"pk": {"S": "C"}, "sk": {"S": f"{n}"}, "entity": {"S": kind}})

    def only(*wanted: str) -> list[str]:
        names = ", ".join(f":k{i}" for i in range(len(wanted)))
        found = ddb.query(
            TableName="parsed",
            KeyConditionExpression="pk = :p",
            FilterExpression=f"entity IN ({names})",
            ExpressionAttributeValues={":p": {"S": "C"}} | {f":k{i}": {"S": k} for i, k in enumerate(wanted)},
        )["Items"]
        return sorted(item["entity"]["S"] for item in found)

    assert only("event", "case") == ["case", "event", "event"]
    assert only("outbox", "victim") == ["outbox", "victim"]  # the same text, other values
    assert only("event", "case") == ["case", "event", "event"]  # and the first ones again
    # A condition text with a value: each write is checked against its own value
    key = {"pk": {"S": "C"}, "sk": {"S": "0"}}
    for revision in range(3):
        ddb.update_item(
            TableName="parsed",
            Key=key,
            UpdateExpression="SET revision = :next",
            ConditionExpression="attribute_not_exists(revision) OR revision = :seen",
            ExpressionAttributeValues={":next": {"N": str(revision + 1)}, ":seen": {"N": str(revision)}},
        )
    with pytest.raises(ddb.exceptions.ConditionalCheckFailedException):
        ddb.update_item(
            TableName="parsed",
            Key=key,
            UpdateExpression="SET revision = :next",
            ConditionExpression="attribute_not_exists(revision) OR revision = :seen",
            ExpressionAttributeValues={":next": {"N": "9"}, ":seen": {"N": "1"}},  # stale: it is 3 now
        )
    assert ddb.get_item(TableName="parsed", Key=key)["Item"]["revision"] == {"N": "3"}
