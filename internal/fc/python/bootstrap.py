"""ossfc's bootstrap for the python3.10 runtime.

It loads handler(event, context) from the code directory, then pulls
invocations from Function Compute's runtime API (FC_RUNTIME_API, path version
2020-11-11) and posts each result or error back. The event is passed as bytes,
as Function Compute does, so json.loads(event) works.
"""

import http.client
import importlib
import json
import logging
import os
import signal
import sys
import time
import traceback

API_VERSION = "2020-11-11"


class Credentials:
    def __init__(self, headers):
        self.access_key_id = headers.get("x-fc-access-key-id", "")
        self.access_key_secret = headers.get("x-fc-access-key-secret", "")
        self.security_token = headers.get("x-fc-security-token", "")
        # The camelCase names of Function Compute's older runtimes.
        self.accessKeyId = self.access_key_id
        self.accessKeySecret = self.access_key_secret
        self.securityToken = self.security_token


class FunctionMeta:
    def __init__(self, headers):
        self.name = headers.get("x-fc-function-name", "")
        self.handler = headers.get("x-fc-function-handler", "")
        self.memory = int(headers.get("x-fc-function-memory", "0") or 0)
        self.timeout = int(headers.get("x-fc-function-timeout", "0") or 0)
        self.initializer = None
        self.qualifier = headers.get("x-fc-qualifier", "")
        self.version_id = headers.get("x-fc-version-id", "")


class ServiceMeta:
    def __init__(self, headers):
        self.name = headers.get("x-fc-service-name", "")
        self.qualifier = headers.get("x-fc-qualifier", "")
        self.version_id = headers.get("x-fc-version-id", "")
        self.log_project = ""
        self.log_store = ""


class Context:
    def __init__(self, headers, logger):
        self.request_id = headers.get("x-fc-request-id", "")
        self.credentials = Credentials(headers)
        self.function = FunctionMeta(headers)
        self.service = ServiceMeta(headers)
        self.region = headers.get("x-fc-region", "")
        self.account_id = headers.get("x-fc-account-id", "")
        self.logger = logger
        self._deadline_ms = int(headers.get("x-fc-function-deadline", "0") or 0)

    def get_remaining_time_in_millis(self):
        return max(0, self._deadline_ms - int(time.time() * 1000))


class RuntimeAPI:
    def __init__(self, address):
        host, port = address.rsplit(":", 1)
        self.host, self.port = host, int(port)
        self.conn = None

    def request(self, method, path, body=None, headers=None):
        for attempt in (0, 1):
            if self.conn is None:
                self.conn = http.client.HTTPConnection(self.host, self.port)
            try:
                self.conn.request(method, "/" + API_VERSION + "/runtime" + path, body=body, headers=headers or {})
                resp = self.conn.getresponse()
                data = resp.read()
                return resp, data
            except (http.client.HTTPException, ConnectionError):
                self.conn.close()
                self.conn = None
                if attempt == 1:
                    raise

    def post_json(self, path, doc):
        body = json.dumps(doc).encode()
        self.request("POST", path, body, {"Content-Type": "application/json"})


def error_document(exc):
    return {
        "errorMessage": str(exc),
        "errorType": type(exc).__name__,
        "stackTrace": traceback.format_exception(type(exc), exc, exc.__traceback__),
    }


def load_handler(api):
    code_dir = os.environ.get("FC_FUNC_CODE_PATH") or os.getcwd()
    sys.path.insert(0, code_dir)
    name = os.environ.get("FC_FUNCTION_HANDLER", "")
    try:
        module_name, func_name = name.rsplit(".", 1)
        module = importlib.import_module(module_name)
        return getattr(module, func_name)
    except Exception as exc:
        traceback.print_exc()
        api.post_json("/init/error", error_document(exc))
        sys.exit(1)


def encode_result(result):
    if result is None:
        return b""
    if isinstance(result, (bytes, bytearray)):
        return bytes(result)
    if isinstance(result, str):
        return result.encode()
    return json.dumps(result).encode()


def main():
    # The bootstrap is the first process of its PID namespace, which ignores
    # SIGTERM unless it handles it. ossfc stops idle instances with SIGTERM.
    signal.signal(signal.SIGTERM, lambda signum, frame: os._exit(0))

    logging.basicConfig(stream=sys.stdout, level=logging.INFO,
                        format="%(asctime)s %(levelname)s %(message)s")
    logger = logging.getLogger("fc")
    api = RuntimeAPI(os.environ["FC_RUNTIME_API"])
    handler = load_handler(api)

    while True:
        resp, event = api.request("GET", "/invocation/next")
        if resp.status != 200:
            sys.exit("runtime API: next returned status %d" % resp.status)
        headers = {k.lower(): v for k, v in resp.getheaders()}
        context = Context(headers, logger)
        request_id = context.request_id

        # Alibaba Cloud's credential chain reads these variables.
        os.environ["ALIBABA_CLOUD_ACCESS_KEY_ID"] = context.credentials.access_key_id
        os.environ["ALIBABA_CLOUD_ACCESS_KEY_SECRET"] = context.credentials.access_key_secret
        os.environ["ALIBABA_CLOUD_SECURITY_TOKEN"] = context.credentials.security_token

        try:
            body = encode_result(handler(event, context))
        except Exception as exc:
            traceback.print_exc()
            sys.stdout.flush()
            api.post_json("/invocation/%s/error" % request_id, error_document(exc))
            continue
        sys.stdout.flush()
        api.request("POST", "/invocation/%s/response" % request_id, body,
                    {"Content-Type": "application/octet-stream"})


if __name__ == "__main__":
    main()
