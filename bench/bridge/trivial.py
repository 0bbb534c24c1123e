"""The bridge benchmark's invoke: does nothing, so what is measured is the bridge itself."""


def invoke_factory(endpoint_name=None):
    return lambda payload: None


def payload_factory():
    return {"pre_computed": True, "input": [None]}
