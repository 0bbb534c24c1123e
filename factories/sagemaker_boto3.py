"""The original tool's SageMaker example, unchanged but for the optional endpoint_url.

invoke_factory(endpoint_name) builds one boto3 client per worker process; invoke returns None (no
measurements), as in the original. With IB_ENDPOINT_URL set (--simulate sets it), boto3 talks to
that URL instead of AWS, which the endpoint simulator answers at /endpoints/NAME/invocations.

    AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_DEFAULT_REGION=us-east-1 \
    benchmark --factories-file factories/sagemaker_boto3.py --endpoint-name my-endpoint --simulate --client-rps 10 --obs-time 10
"""
from __future__ import annotations  # lets the original's "str | None" run on Python 3.9

import os
from typing import Any, Callable

Payload = Any  # whatever your endpoint accepts


def invoke_factory(endpoint_name: str | None = None) -> Callable[[Payload], None]:
    # WORKER-LEVEL setup: runs ONCE per worker process, shared by all its threads.
    import json
    import boto3

    extra = {"endpoint_url": os.environ["IB_ENDPOINT_URL"]} if os.environ.get("IB_ENDPOINT_URL") else {}
    client = boto3.client("sagemaker-runtime", **extra)

    def invoke(payload: Payload) -> None:
        # PER-REQUEST: called once for each request.
        resp = client.invoke_endpoint(
            EndpointName=endpoint_name or "my-endpoint",
            ContentType="application/json",
            Body=json.dumps(payload).encode("utf-8"),
        )
        resp["Body"].read()

    return invoke


def payload_factory() -> dict:
    return {"pre_computed": True, "input": [{"instances": [[1.0, 2.0, 3.0, 4.0]]}]}
