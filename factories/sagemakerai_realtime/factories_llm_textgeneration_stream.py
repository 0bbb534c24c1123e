"""An LLM on a SageMaker AI endpoint, streamed with boto3's invoke_endpoint_with_response_stream.

Each request sends a chat payload with "stream": true to a container with the Messages API (TGI,
LMI/vLLM, ...). SageMaker delivers the container's server-sent events inside PayloadPart events, cut
wherever the container flushed, so invoke joins the parts into lines before parsing them. It returns
the measurements the benchmark turns into token metrics (aiperf's definitions, as --openai reports):

    token_times_ms   when each part carrying content arrived, in ms from the request's start:
                     time to first token, time to second token, inter-token latency and the
                     request latency follow from these;
    output_tokens    the answer's usage.completion_tokens (asked for with stream_options), so a part
                     carrying several tokens counts them all; without usage, parts are counted;
    input_tokens, status, response_bytes.

Against the endpoint simulator (it streams SageMaker's event-stream framing, which boto3 checks):

    ./benchmark --factories-file factories/sagemakerai_realtime/factories_llm_textgeneration_stream.py \
        --endpoint-name my-llm --simulate=ttft=200ms,itl=20ms,tokens-per-chunk=2 --client-rps 5 --obs-time 10

Against a real endpoint: run without --simulate, with --endpoint-name YOUR_ENDPOINT and AWS credentials
and region as boto3 finds them (AWS_PROFILE, AWS_REGION, an instance role, ...).
AWS_ENDPOINT_URL_SAGEMAKER_RUNTIME points boto3 elsewhere; IB_ENDPOINT_URL wins over it. For an
inference component, pass InferenceComponentName as factories_ic.py does.

    python3 -m pip install -r factories/requirements.txt
"""
import json
import os
import time

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
                    max_pool_connections=128, read_timeout=300)  # a kept-alive connection per stream in flight
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


def has_content(event):
    """Whether a parsed event carries generated text: OpenAI chunk shape, or TGI's {"token": {"text": ...}}."""
    for choice in event.get("choices") or ():
        if (choice.get("delta") or {}).get("content") or choice.get("text"):
            return True
    token = event.get("token")
    return bool(token and not token.get("special") and token.get("text"))


def invoke_factory(endpoint_name=None):
    # Once per worker process.
    client = sagemaker_runtime_client()
    name = endpoint_name or ENDPOINT_NAME

    def invoke(payload):
        started = time.perf_counter()
        response = client.invoke_endpoint_with_response_stream(
            EndpointName=name, ContentType="application/json", Accept="application/json", Body=payload)
        token_times, usage, received, pending = [], None, 0, b""
        for event in response["Body"]:  # PayloadPart events; a ModelStreamError event raises here
            part = event.get("PayloadPart")
            if not part:
                continue
            arrived = (time.perf_counter() - started) * 1000.0
            received += len(part["Bytes"])
            *lines, pending = (pending + part["Bytes"]).split(b"\n")  # a part may end mid-line
            content = False
            for line in lines:
                line = line.strip()
                if line.startswith(b"data:"):
                    line = line[5:].strip()
                if not line.startswith(b"{"):
                    continue  # blank lines between events, "[DONE]"
                parsed = json.loads(line)
                usage = parsed.get("usage") or usage
                content = content or has_content(parsed)
            if content:
                token_times.append(arrived)
        return {
            "status": response["ResponseMetadata"]["HTTPStatusCode"],
            "response_bytes": received,
            "input_tokens": usage.get("prompt_tokens") if usage else None,
            "output_tokens": usage.get("completion_tokens") if usage else None,  # None: parts are counted
            "token_times_ms": token_times,
        }

    return invoke


def payload_factory():
    return {"pre_computed": True,
            "input": [json.dumps({"messages": [{"role": "user", "content": q}], "max_tokens": MAX_TOKENS,
                                  "stream": True, "stream_options": {"include_usage": True}}).encode("utf-8")
                      for q in QUESTIONS]}
