"""SageMaker-shaped invocations with the requests library (one keep-alive Session per thread).

Needs `pip install requests`; the standard-library version is sagemaker_invocations.py.

    benchmark --factories-file factories/requests_session.py --simulate --client-rps 10 --obs-time 10
"""
import json
import os
import threading


def invoke_factory(endpoint_name=None):
    import requests  # imported here so a missing package is reported when the workers start

    base = os.environ.get("IB_ENDPOINT_URL", "http://127.0.0.1:8080").rstrip("/")
    url = base + ("/endpoints/%s/invocations" % endpoint_name if endpoint_name else "/invocations")
    local = threading.local()  # a Session per thread: its connection pool is not shared across threads

    def invoke(payload):
        session = getattr(local, "session", None)
        if session is None:
            session = local.session = requests.Session()
            session.headers["Content-Type"] = "application/json"
        response = session.post(url, data=payload, timeout=60)
        if response.status_code >= 400:
            raise RuntimeError("%d/%s" % (response.status_code, response.reason))
        return {"status": response.status_code, "response_bytes": len(response.content)}

    return invoke


def payload_factory():
    return {"pre_computed": True,
            "input": [json.dumps({"instances": [[i, i + 1, i + 2]]}).encode("utf-8") for i in range(100)]}
