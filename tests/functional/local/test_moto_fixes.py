"""Concurrent writes through moto's threaded server must reach the stream once each, as in DynamoDB."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator

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
