"""Where each Pasqal Cloud lives: core and account APIs and the token endpoint.

Values follow the official SDK 0.24 (``pasqal_cloud.endpoints``), which is what the production
service accepts. The Keycloak (``sa``) environments use the EU account URL as audience, exactly as
the SDK does.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = [
    "AUTH0_PASSWORD_REALM_GRANT",
    "ENVIRONMENTS",
    "ENVIRONMENT_ALIASES",
    "ENVIRONMENT_NAMES",
    "Environment",
    "GrantKind",
    "canonical_name",
    "custom",
    "get_environment",
    "local",
]

GrantKind = Literal["password-realm", "password"]
AUTH0_PASSWORD_REALM_GRANT = "http://auth0.com/oauth/grant-type/password-realm"


@dataclass(frozen=True)
class Environment:
    """One deployment of the service: where to send API calls and how to get a token."""

    name: str
    core_url: str
    account_url: str
    token_url: str
    client_id: str
    realm: str
    audience: str
    grant: GrantKind = "password-realm"

    def __post_init__(self) -> None:
        for field_name in ("core_url", "account_url", "token_url"):
            value = getattr(self, field_name)
            if not value.startswith(("http://", "https://")):
                raise ValueError(
                    f"environment {self.name!r}: {field_name} must be an http(s) URL, got {value!r}"
                )
            object.__setattr__(self, field_name, value.rstrip("/"))
        if self.grant not in ("password-realm", "password"):
            raise ValueError(
                f"environment {self.name!r}: grant must be 'password-realm' or 'password', "
                f"got {self.grant!r}"
            )

    @property
    def grant_type(self) -> str:
        """The OAuth ``grant_type`` form value for this environment's token endpoint."""
        return AUTH0_PASSWORD_REALM_GRANT if self.grant == "password-realm" else "password"


_EU_AUDIENCE = "https://apis.pasqal.cloud/account/api/v1"
_PREPROD_AUDIENCE = "https://apis.preprod.pasqal.cloud/account/api/v1"
_SA_TOKEN = "https://auth.sa.pasqal.cloud/realms/pasqal-cloud/protocol/openid-connect/token"
_SA_PREPROD_TOKEN = (
    "https://auth.preprod.sa.pasqal.cloud/realms/pasqal-cloud/protocol/openid-connect/token"
)

ENVIRONMENTS: tuple[Environment, ...] = (
    Environment(
        name="prod",
        core_url="https://apis.pasqal.cloud/core-fast",
        account_url="https://apis.pasqal.cloud/account",
        token_url="https://pasqal.eu.auth0.com/oauth/token",
        client_id="PeZvo7Atx7IVv3iel59asJSb4Ig7vuSB",
        realm="pcs-users",
        audience=_EU_AUDIENCE,
    ),
    Environment(
        name="preprod",
        core_url="https://apis.preprod.pasqal.cloud/core-fast",
        account_url="https://apis.preprod.pasqal.cloud/account",
        token_url="https://pasqal-preprod.eu.auth0.com/oauth/token",
        client_id="2l6A2ldvwJE5sdkghu40BTYLm7sSUAv9",
        realm="pcs-users",
        audience=_PREPROD_AUDIENCE,
    ),
    Environment(
        name="dev",
        core_url="https://apis.dev.pasqal.cloud/core-fast",
        account_url="https://apis.dev.pasqal.cloud/account",
        token_url="https://pasqal-dev.eu.auth0.com/oauth/token",
        client_id="5QtfSu1UV118Iz6By6IJRSNoDrLbAiOv",
        realm="pcs-users",
        audience="https://apis.dev.pasqal.cloud/account/api/v1",
    ),
    Environment(
        name="sa-prod",
        core_url="https://apis.sa.pasqal.cloud/core-fast",
        account_url="https://apis.sa.pasqal.cloud/account",
        token_url=_SA_TOKEN,
        client_id="cloud-sdk",
        realm="pasqal-cloud",
        audience=_EU_AUDIENCE,
        grant="password",
    ),
    Environment(
        name="sa-preprod",
        core_url="https://apis.preprod.sa.pasqal.cloud/core-fast",
        account_url="https://apis.preprod.sa.pasqal.cloud/account",
        token_url=_SA_PREPROD_TOKEN,
        client_id="cloud-sdk",
        realm="pasqal-cloud",
        audience=_PREPROD_AUDIENCE,
        grant="password",
    ),
)


#: The names a profile may use (see ENVIRONMENTS).
ENVIRONMENT_NAMES: tuple[str, ...] = tuple(e.name for e in ENVIRONMENTS)

#: The SDK 0.24's names for the same deployments: its regions (``fr``, ``sa``, the production
#: of each) and its auth configs (``AUTH_CONFIG``: ``fr-prod``, ``fr-preprod``, ``fr-dev``; the
#: ``sa-*`` ones are our names already). Accepted wherever an environment is named.
ENVIRONMENT_ALIASES: dict[str, str] = {
    "fr": "prod",
    "fr-prod": "prod",
    "fr-preprod": "preprod",
    "fr-dev": "dev",
    "sa": "sa-prod",
}


def canonical_name(name: str) -> str:
    """``name`` with an SDK alias replaced by our name; any other name unchanged."""
    return ENVIRONMENT_ALIASES.get(name, name)


def get_environment(name: str) -> Environment:
    """The built-in environment called ``name`` (or an SDK alias of it); the error lists both."""
    wanted = canonical_name(name)
    for env in ENVIRONMENTS:
        if env.name == wanted:
            return env
    valid = ", ".join(env.name for env in ENVIRONMENTS)
    aliases = ", ".join(ENVIRONMENT_ALIASES)
    raise ValueError(
        f"unknown Pasqal Cloud environment {name!r}; valid names: {valid} (SDK names: "
        f"{aliases}; or use a custom or local environment)"
    )


def custom(
    *,
    core_url: str,
    account_url: str,
    token_url: str,
    client_id: str,
    realm: str = "pcs-users",
    audience: str | None = None,
    grant: GrantKind = "password-realm",
    name: str = "custom",
) -> Environment:
    """Any deployment; the audience defaults to the account API URL, as the service expects."""
    return Environment(
        name=name,
        core_url=core_url,
        account_url=account_url,
        token_url=token_url,
        client_id=client_id,
        realm=realm,
        audience=audience or account_url.rstrip("/") + "/api/v1",
        grant=grant,
    )


def local(base_url: str) -> Environment:
    """The embedded local cloud at ``base_url`` (it mounts ``/core-fast``, ``/account``)."""
    base = base_url.rstrip("/")
    return Environment(
        name="local",
        core_url=f"{base}/core-fast",
        account_url=f"{base}/account",
        token_url=f"{base}/oauth/token",
        client_id="pasqal-tui-local",
        realm="pcs-users",
        audience=f"{base}/account/api/v1",
        grant="password-realm",
    )
