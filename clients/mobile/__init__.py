"""Mobile client: library and CLI that do what the phone app does against the
mobile backend (Cognito SRP sign-in, the notes API, per-user files in S3, push devices).

    from clients.mobile import ApiClient, IdentityCredentials, MobileConfig, Session, UserFiles

    config = MobileConfig.from_file(".local/mobile-client.json")
    session = Session(config)                 # tokens in ~/.config/refarch-mobile/session.json
    session.sign_in("ana@example.com", password)
    api = ApiClient(config.api_url, session.id_token)
    note = api.create_note("Groceries", "milk")
    files = UserFiles(IdentityCredentials(config, session))
    files.upload("photo.jpg", data)           # private/{identity_id}/photo.jpg

See README.md in this folder for the CLI and the walkthrough.
"""

from clients.mobile.api import ApiClient
from clients.mobile.config import MobileConfig
from clients.mobile.errors import (
    ApiError,
    AuthError,
    ConfigError,
    FileKeyError,
    MobileClientError,
    NotSignedInError,
    SessionFileError,
)
from clients.mobile.files import FileInfo, UserFiles, object_key, private_prefix
from clients.mobile.identity import AwsCredentials, IdentityCredentials
from clients.mobile.session import DEFAULT_SESSION_FILE, Session, SignUpResult, TokenStore

__all__ = [
    "DEFAULT_SESSION_FILE",
    "ApiClient",
    "ApiError",
    "AuthError",
    "AwsCredentials",
    "ConfigError",
    "FileInfo",
    "FileKeyError",
    "IdentityCredentials",
    "MobileClientError",
    "MobileConfig",
    "NotSignedInError",
    "Session",
    "SessionFileError",
    "SignUpResult",
    "TokenStore",
    "UserFiles",
    "object_key",
    "private_prefix",
]
