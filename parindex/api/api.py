"""The HTTP API, version 1 (``/api/v1/``): its OpenAPI schema (``/api/v1/openapi.json``) and
interactive documentation (``/api/v1/docs``). docs/api.md says how to use it."""

from __future__ import annotations

from typing import Any

from ninja import NinjaAPI
from ninja.openapi.docs import Swagger
from ninja.openapi.schema import OpenAPISchema
from ninja.operation import Operation
from ninja.renderers import JSONRenderer

from . import declared, errors, library, public, survey_imports, tasks
from .auth import OptionalTokenAuth, TokenAuth
from .throttle import TokenThrottle

DESCRIPTION = """\
The figures of the PAR Index (*Chỉ số cải cách hành chính*) for the systems around the office.

Authenticate with a personal API token (created on the account's *API tokens* page):
`Authorization: Bearer pxi_…`. Public reads (frameworks, units, published cycles and their
results, published plans) need none. A token acts for its owner with the owner's roles, as on
the pages, narrowed by its scope (read only or read and write; one unit or all of the owner's).

Points, maxima and indices are decimal text (`"87.50"`). Messages are in Vietnamese unless the
`django_language` cookie says `en`.
"""


class Utf8Renderer(JSONRenderer):
    """Vietnamese text as UTF-8, not as ``\\u`` escapes."""

    json_dumps_params = {"ensure_ascii": False}


class ParindexAPI(NinjaAPI):
    def get_openapi_operation_id(self, operation: Operation) -> str:
        return operation.view_func.__name__

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        """The schema, with the public reads' token shown as optional (anonymous, or a token)."""
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        optional = OptionalTokenAuth.__name__
        for operations in schema["paths"].values():
            for operation in operations.values():
                if operation.get("security") == [{optional: []}]:
                    operation["security"] = [{}, {TokenAuth.__name__: []}]
        schemes = schema["components"].get("securitySchemes", {})
        schemes.pop(optional, None)
        if TokenAuth.__name__ in schemes:
            schemes[TokenAuth.__name__]["bearerFormat"] = "pxi_<id>_<secret>"
        return schema


api = ParindexAPI(
    title="parindex API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api",
    renderer=Utf8Renderer(),
    auth=TokenAuth(),
    throttle=[TokenThrottle()],
    # Swagger UI from the site's own static files (django-ninja ships them), nothing inline,
    # no validator badge fetched from elsewhere: it runs under the site's CSP.
    docs=Swagger(settings={"validatorUrl": None, "persistAuthorization": False}),
)
errors.install(api)
api.add_router("", public.router)
api.add_router("", declared.router)
api.add_router("", library.router)
api.add_router("", tasks.router)
api.add_router("", survey_imports.router)
