"""Writes a factories file's payloads as JSON lines on stdout, for aiperf's input: every pre-computed
payload once, or CALLS calls of a payload callable. Loads the file as the wave's workers do (its folder
on sys.path); payload_factory() runs once, invoke_factory() never. Usage: ib_aiperf_payloads.py FILE CALLS
"""
import importlib.util
import json
import os
import sys


def main():
    path, calls = sys.argv[1], int(sys.argv[2])
    folder = os.path.dirname(os.path.abspath(path))
    if folder not in sys.path:
        sys.path.insert(0, folder)
    spec = importlib.util.spec_from_file_location("ib_factories", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    result = module.payload_factory()
    if not isinstance(result, dict) or "pre_computed" not in result or "input" not in result:
        sys.exit("payload_factory() in %s must return {'pre_computed': True, 'input': [payload, ...]} or "
                 "{'pre_computed': False, 'input': callable}" % path)
    payloads = result["input"] if result["pre_computed"] else (result["input"]() for _ in range(calls))
    out = sys.stdout
    for p in payloads:
        if isinstance(p, (bytes, bytearray)):
            p = p.decode("utf-8", "replace")
        out.write(json.dumps(p, default=str) + "\n")
    out.flush()


if __name__ == "__main__":
    main()
