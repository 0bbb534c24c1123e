"""An OpenAI-compatible server (vLLM, TGI, SGLang, Ollama, llama.cpp, OpenAI, Azure OpenAI), streamed
chat completions through the openai package.

Each request is one chat.completions.create(stream=True) with stream_options include_usage. invoke
returns the measurements the benchmark turns into token metrics (aiperf's definitions, the same as
the native --openai sampler's):

    token_times_ms   when each chunk carrying content arrived, in ms from the request's start (time
                     to first token, time to second token, inter-token latency, request latency);
    output_tokens    the server's usage.completion_tokens; input_tokens its prompt_tokens.

The model is --endpoint-name (else IB_MODEL, else "simulated-model"). max_tokens 64 is the --openai
default, so the two routes compare like for like. The openai package parses every chunk into
objects: it costs more client CPU per request than factories_chat_stdlib.py, which does the same
with the standard library (docs/factories.md has the figures).

Against the endpoint simulator:

    ./benchmark --factories-file factories/openai_compatible/factories_chat.py \
        --simulate=ttft=200ms,itl=20ms --client-rps 5 --obs-time 10

Against a real server: run without --simulate and point it at the server with IB_ENDPOINT_URL
(the server's root, e.g. http://gpu-host:8000; /v1 is added) or the openai package's own
OPENAI_BASE_URL (e.g. https://api.openai.com/v1), with OPENAI_API_KEY (sent as a bearer token, never
logged) and --endpoint-name set to the served model's name. For Azure OpenAI, build
openai.AzureOpenAI(azure_endpoint=..., api_version=..., api_key=...) instead, with the deployment
name as the model.

    python3 -m pip install -r factories/requirements.txt
"""
import os
import time

MAX_TOKENS = 64
QUESTIONS = [
    "What is the capital of France?",
    "Explain keep-alive connections in one paragraph.",
    "Write a haiku about load testing.",
    "List three uses of a percentile.",
]


def base_url():
    """IB_ENDPOINT_URL (a server's root, as --simulate sets it) with /v1 added, else the openai package's default."""
    url = os.environ.get("IB_ENDPOINT_URL")
    if not url:
        return None  # OPENAI_BASE_URL, else api.openai.com
    url = url.rstrip("/")
    return url if url.endswith("/v1") else url + "/v1"


def invoke_factory(endpoint_name=None):
    # Once per worker process: the client and its connection pool are shared by the worker's threads.
    import openai  # imported here so a missing package is reported when the workers start

    client = openai.OpenAI(
        base_url=base_url(),
        api_key=os.environ.get("OPENAI_API_KEY") or "not-needed",  # most self-hosted servers want none
        max_retries=0,  # a retried request would be measured as one slow success: let every failure show
        timeout=300.0,
    )
    model = endpoint_name or os.environ.get("IB_MODEL", "simulated-model")

    def invoke(payload):
        started = time.perf_counter()
        stream = client.chat.completions.create(model=model, stream=True, stream_options={"include_usage": True},
                                                **payload)
        token_times, usage = [], None
        with stream:
            for chunk in stream:
                if chunk.usage is not None:
                    usage = chunk.usage
                if any(choice.delta.content for choice in chunk.choices):
                    token_times.append((time.perf_counter() - started) * 1000.0)
        return {
            "status": 200,  # the openai package raises on any other status
            "input_tokens": usage.prompt_tokens if usage else None,
            "output_tokens": usage.completion_tokens if usage else None,  # None: chunks are counted
            "token_times_ms": token_times,
        }

    return invoke


def payload_factory():
    # Keyword arguments of chat.completions.create, one dict per request in turn.
    return {"pre_computed": True,
            "input": [{"messages": [{"role": "user", "content": q}], "max_tokens": MAX_TOKENS} for q in QUESTIONS]}
