"""An SMTP server for the e-mail tests that requires AUTH (PLAIN or LOGIN, allowed without TLS
on loopback) and then hands messages to smtp_sink.Sink.

    python tests/support/smtp_auth_server.py PORT DIRECTORY USER PASSWORD
"""
import sys
import threading

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from smtp_sink import Sink


def main():
    port, directory, user, password = sys.argv[1:5]

    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = (
            isinstance(auth_data, LoginPassword)
            and auth_data.login.decode() == user
            and auth_data.password.decode() == password
        )
        return AuthResult(success=ok)

    controller = Controller(
        Sink(directory),
        hostname="127.0.0.1",
        port=int(port),
        authenticator=authenticator,
        auth_required=True,
        auth_require_tls=False,
    )
    controller.start()
    threading.Event().wait()


if __name__ == "__main__":
    main()
