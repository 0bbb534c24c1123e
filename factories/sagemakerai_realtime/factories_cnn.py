"""A SageMaker AI real-time endpoint serving an image model (a CNN), called with boto3's invoke_endpoint.

Each request sends one pre-computed image tensor as JSON ({"instances": [tensor]}, the TensorFlow
Serving / PyTorch TorchServe request shape) and reads the whole answer. invoke returns the status
and the bytes received; it raises on an error, which fails the request.

Against the endpoint simulator (boto3 is pointed at it through IB_ENDPOINT_URL; see below):

    ./benchmark --factories-file factories/sagemakerai_realtime/factories_cnn.py --endpoint-name my-cnn \
        --simulate=latency=30ms --client-rps 20 --obs-time 10

Against a real endpoint: run without --simulate, with --endpoint-name set to the endpoint's name and
AWS credentials and region as boto3 finds them anywhere else (AWS_PROFILE, AWS_REGION, an instance
role, ...). To reach it through a VPC endpoint or a proxy, set the AWS SDK's own
AWS_ENDPOINT_URL_SAGEMAKER_RUNTIME=https://...; IB_ENDPOINT_URL, when set, wins over it. Change
TENSOR_SHAPE (or load real images and encode them once in payload_factory) to what your model takes.

    python3 -m pip install -r factories/requirements.txt
"""
import json
import os
import random

ENDPOINT_NAME = "my-cnn"
TENSOR_SHAPE = (3, 32, 32)  # channels, height, width
DISTINCT_IMAGES = 16


def sagemaker_runtime_client():
    """One client per worker process: boto3 clients are thread-safe and keep their connections alive."""
    import boto3  # imported here so a missing package is reported when the workers start
    from botocore.config import Config

    config = Config(
        # a retried request would be measured as one slow success: let every failure show
        retries={"total_max_attempts": 1},
        # one keep-alive connection per request in flight (the default 10 would open and drop connections)
        max_pool_connections=128,
        read_timeout=120,
    )
    session = boto3.session.Session()
    options = {"config": config}
    url = os.environ.get("IB_ENDPOINT_URL")
    if url:
        options["endpoint_url"] = url
    local = url or os.environ.get("AWS_ENDPOINT_URL_SAGEMAKER_RUNTIME", "")
    if local.startswith("http://"):
        # a local endpoint such as the simulator (no AWS endpoint is plain HTTP): it checks no signature,
        # so any region and, when none are configured, placeholder credentials will do
        options["region_name"] = session.region_name or "us-east-1"
        if session.get_credentials() is None:
            options.update(aws_access_key_id="local", aws_secret_access_key="local")
    return session.client("sagemaker-runtime", **options)


def invoke_factory(endpoint_name=None):
    # Once per worker process.
    client = sagemaker_runtime_client()
    name = endpoint_name or ENDPOINT_NAME

    def invoke(payload):
        # Once per request: payload is bytes, encoded once in payload_factory.
        response = client.invoke_endpoint(EndpointName=name, ContentType="application/json",
                                          Accept="application/json", Body=payload)
        body = response["Body"].read()
        return {"status": response["ResponseMetadata"]["HTTPStatusCode"], "response_bytes": len(body)}

    return invoke


def image_tensor(seed):
    channels, height, width = TENSOR_SHAPE
    rng = random.Random(seed)
    return [[[round(rng.random(), 3) for _ in range(width)] for _ in range(height)] for _ in range(channels)]


def payload_factory():
    # Pre-computed: serialising a tensor to JSON costs milliseconds, so it is done once, not per request.
    return {"pre_computed": True,
            "input": [json.dumps({"instances": [image_tensor(i)]}).encode("utf-8") for i in range(DISTINCT_IMAGES)]}
