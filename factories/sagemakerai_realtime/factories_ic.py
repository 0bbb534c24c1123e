"""A model deployed as an inference component of a SageMaker AI endpoint, called with boto3.

Endpoints that host inference components route each request by InferenceComponentName (boto3 sends it
as the X-Amzn-SageMaker-Inference-Component header). --endpoint-name takes ENDPOINT/COMPONENT (SageMaker
names cannot contain "/"), so each component gets its own sample label and several components of one
endpoint compare run against run; IB_INFERENCE_COMPONENT names the component when the name is just
ENDPOINT. The payload is a small JSON text-classification request; invoke returns the status and bytes.

Against the endpoint simulator (it accepts any component and names it in its answer):

    ./benchmark --factories-file factories/sagemakerai_realtime/factories_ic.py \
        --endpoint-name my-endpoint/sentiment-ic --simulate=latency=20ms --client-rps 20 --obs-time 10

Against a real endpoint: run without --simulate, with --endpoint-name YOUR_ENDPOINT/YOUR_COMPONENT and
AWS credentials and region as boto3 finds them (AWS_PROFILE, AWS_REGION, an instance role, ...).
AWS_ENDPOINT_URL_SAGEMAKER_RUNTIME points boto3 elsewhere (a VPC endpoint); IB_ENDPOINT_URL wins over it.

    python3 -m pip install -r factories/requirements.txt
"""
import json
import os

ENDPOINT_NAME = "my-endpoint"
COMPONENT_NAME = "my-inference-component"
SENTENCES = [
    "The delivery was fast and the product works well.",
    "Support never answered my emails.",
    "It is fine, nothing special.",
    "Best purchase I have made this year!",
]


def sagemaker_runtime_client():
    """One client per worker process: boto3 clients are thread-safe and keep their connections alive."""
    import boto3  # imported here so a missing package is reported when the workers start
    from botocore.config import Config

    config = Config(retries={"total_max_attempts": 1},  # a retry would hide a failure inside a slow success
                    max_pool_connections=128, read_timeout=120)  # a kept-alive connection per request in flight
    session = boto3.session.Session()
    options = {"config": config}
    url = os.environ.get("IB_ENDPOINT_URL")
    if url:
        options["endpoint_url"] = url
    local = url or os.environ.get("AWS_ENDPOINT_URL_SAGEMAKER_RUNTIME", "")
    if local.startswith("http://"):
        # a local endpoint such as the simulator checks no signature: any region and credentials will do
        options["region_name"] = session.region_name or "us-east-1"
        if session.get_credentials() is None:
            options.update(aws_access_key_id="local", aws_secret_access_key="local")
    return session.client("sagemaker-runtime", **options)


def invoke_factory(endpoint_name=None):
    # Once per worker process.
    client = sagemaker_runtime_client()
    endpoint, _, component = (endpoint_name or ENDPOINT_NAME).partition("/")
    component = component or os.environ.get("IB_INFERENCE_COMPONENT", COMPONENT_NAME)

    def invoke(payload):
        response = client.invoke_endpoint(EndpointName=endpoint, InferenceComponentName=component,
                                          ContentType="application/json", Accept="application/json", Body=payload)
        body = response["Body"].read()
        return {"status": response["ResponseMetadata"]["HTTPStatusCode"], "response_bytes": len(body)}

    return invoke


def payload_factory():
    return {"pre_computed": True, "input": [json.dumps({"inputs": s}).encode("utf-8") for s in SENTENCES]}
