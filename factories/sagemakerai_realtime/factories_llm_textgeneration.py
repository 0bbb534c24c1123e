"""An LLM on a SageMaker AI endpoint (TGI, LMI/vLLM, ... with the Messages API), one whole answer per request.

Each request sends a chat payload ({"messages": [...], "max_tokens": 64}) with boto3's invoke_endpoint
and reads the chat completion back. invoke returns the status, the bytes, and the tokens from the
answer's usage (input_tokens, output_tokens), which the benchmark summarises per request and as
tokens per second. Time to first token needs a stream: see factories_llm_textgeneration_stream.py.

Against the endpoint simulator (it answers a chat body on the invocation path as a chat completion,
taking TTFT + (tokens - 1) x ITL):

    ./benchmark --factories-file factories/sagemakerai_realtime/factories_llm_textgeneration.py \
        --endpoint-name my-llm --simulate=ttft=200ms,itl=20ms --client-rps 5 --obs-time 10

Against a real endpoint: run without --simulate, with --endpoint-name YOUR_ENDPOINT and AWS credentials
and region as boto3 finds them (AWS_PROFILE, AWS_REGION, an instance role, ...).
AWS_ENDPOINT_URL_SAGEMAKER_RUNTIME points boto3 elsewhere; IB_ENDPOINT_URL wins over it. Containers
without the Messages API take their own shape (e.g. TGI's {"inputs": "...", "parameters":
{"max_new_tokens": 64}}): change payload_factory and where invoke reads the tokens.

    python3 -m pip install -r factories/requirements.txt
"""
import json
import os

ENDPOINT_NAME = "my-llm"
MAX_TOKENS = 64
QUESTIONS = [
    "What is the capital of France?",
    "Explain keep-alive connections in one paragraph.",
    "Write a haiku about load testing.",
    "List three uses of a percentile.",
]


def sagemaker_runtime_client():
    """One client per worker process: boto3 clients are thread-safe and keep their connections alive."""
    import boto3  # imported here so a missing package is reported when the workers start
    from botocore.config import Config

    config = Config(retries={"total_max_attempts": 1},  # a retry would hide a failure inside a slow success
                    max_pool_connections=128, read_timeout=300)  # generation can take minutes
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
    name = endpoint_name or ENDPOINT_NAME

    def invoke(payload):
        response = client.invoke_endpoint(EndpointName=name, ContentType="application/json",
                                          Accept="application/json", Body=payload)
        body = response["Body"].read()
        usage = json.loads(body).get("usage") or {}
        return {
            "status": response["ResponseMetadata"]["HTTPStatusCode"],
            "response_bytes": len(body),
            "input_tokens": usage.get("prompt_tokens"),
            "output_tokens": usage.get("completion_tokens"),
        }

    return invoke


def payload_factory():
    return {"pre_computed": True,
            "input": [json.dumps({"messages": [{"role": "user", "content": q}], "max_tokens": MAX_TOKENS}).encode("utf-8")
                      for q in QUESTIONS]}
