"""Runs moto_server (`python3 moto_launcher.py -H 127.0.0.1 -p PORT`) with one fix to its
signature check, so that it checks what AWS checks.

moto 5.2 in server mode recomputes a request's SigV4 signature from werkzeug's `request.url`,
which is percent-decoded: for a key holding '+', '=' or non-ASCII bytes, or a query value
holding '/', it then signs a different canonical request than the one the client sent, and
answers SignatureDoesNotMatch to correct requests (botocore's own included). Here the check is
given the request target exactly as received (the WSGI environ's RAW_URI), which is what SigV4's
canonical request is made from; moto's request handling is otherwise unchanged.
"""
import sys

from moto.core.authorization import ActionAuthenticatorMixin

_check = ActionAuthenticatorMixin._authenticate_and_authorize_action


def _check_raw_target(self, iam_request_cls, resource="*"):
    raw = None
    try:
        from flask import request

        raw = request.environ.get("RAW_URI") or request.environ.get("REQUEST_URI")
    except RuntimeError:  # outside a request: leave moto as it is
        pass
    if not raw or not hasattr(self, "uri"):
        return _check(self, iam_request_cls, resource)
    decoded = self.uri
    self.uri = "http://moto" + raw  # only the path and query are used
    try:
        return _check(self, iam_request_cls, resource)
    finally:
        self.uri = decoded


ActionAuthenticatorMixin._authenticate_and_authorize_action = _check_raw_target

if __name__ == "__main__":
    from moto.server import main

    main(sys.argv[1:])
