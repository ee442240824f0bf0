"""AWS errors raised by the backend, carrying the modelled error code.

The backend never knows about HTTP or XML: the wire layer looks the code up in the service model to find
its HTTP status and renders the error body.
"""

from __future__ import annotations

# Messages AWS is known to send (api.md §8); codes not listed get a generic sentence.
DEFAULT_MESSAGES: dict[str, str] = {
    "NoSuchFunctionExists": "The function does not exist.",
    "FunctionAlreadyExists": "A function with the same name already exists in this AWS account.",
    "FunctionInUse": "Cannot delete the function because it's attached to one or more cache behaviors.",
    "FunctionSizeLimitExceeded": "The function is too large.",
    "TooManyFunctions": "You have reached the maximum number of CloudFront functions for this AWS account.",
    "TestFunctionFailed": "The CloudFront function failed.",
    "PreconditionFailed": (
        "The request failed because it didn't meet the preconditions in one or more request-header fields."
    ),
    "InvalidIfMatchVersion": "The If-Match version is missing or not valid for the resource.",
    "EntityNotFound": "The entity was not found.",
    "EntityAlreadyExists": "The entity already exists. You must provide a unique entity.",
    "EntityLimitExceeded": "The entity limit has been exceeded.",
    "EntitySizeLimitExceeded": "The entity size limit was exceeded.",
    "CannotDeleteEntityWhileInUse": "The entity cannot be deleted while it is in use.",
    "InvalidTagging": "The tagging specified is not valid.",
    "AccessDenied": "Access denied.",
    "UnsupportedOperation": "This operation is not supported in this region.",
    "InvalidArgument": "An argument is invalid.",
    # KeyValueStore data plane (api.md §7)
    "ConflictException": "The request conflicts with the current state of the key value store.",
    "ValidationException": "The request failed validation.",
    "ServiceQuotaExceededException": "The request would exceed a service quota.",
    "ResourceNotFoundException": "The resource was not found.",
    "AccessDeniedException": "Access denied.",
    "InternalServerException": "An internal error occurred.",
}


class ServiceError(Exception):
    """An AWS error answer: ``code`` is the modelled error code (or an unmodelled one such as MalformedXML)."""

    def __init__(self, code: str, message: str | None = None) -> None:
        self.code = code
        self.message = message if message is not None else DEFAULT_MESSAGES.get(code, code)
        super().__init__(f"{self.code}: {self.message}")
