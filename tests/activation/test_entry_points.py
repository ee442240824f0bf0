"""Every way to activate cfmock, and the errors for targets it cannot decorate (activation.py)."""

from __future__ import annotations

import asyncio
import inspect
import io
import unittest
from typing import Any

import boto3
import pytest

import cfmock
from cfmock import CloudFrontMock, MockOptions, interception, mock_cloudfront_functions

CODE = b"function handler(event) { return event.request; }"
CONFIG = {"Comment": "", "Runtime": "cloudfront-js-2.0"}
ETAG_V1 = "ETVPDKIKX0DER"
OTHER_ACCOUNT = "111122223333"


def create(client: Any, name: str) -> dict[str, Any]:
    return client.create_function(Name=name, FunctionConfig=CONFIG, FunctionCode=CODE)


def listed_names(client: Any) -> list[str]:
    return [item["Name"] for item in client.list_functions()["FunctionList"].get("Items", [])]


def is_active() -> bool:
    return interception.current_state() is not None


def run_tests(*cases: type[unittest.TestCase]) -> unittest.TestResult:
    loader = unittest.TestLoader()
    suite = unittest.TestSuite(loader.loadTestsFromTestCase(case) for case in cases)
    return unittest.TextTestRunner(stream=io.StringIO(), verbosity=0).run(suite)


def describe_failures(result: unittest.TestResult) -> str:
    return "\n".join(text for _, text in [*result.errors, *result.failures])


# -- decorator on a plain function -------------------------------------------------------------------------


def test_bare_decorator_runs_the_body_mocked_with_fresh_state_per_call() -> None:
    seen: list[Any] = []

    @mock_cloudfront_functions
    def body(name: str, *, suffix: str = "") -> str:
        client = boto3.client("cloudfront")
        seen.append(listed_names(client))  # empty: every call starts from a fresh state
        return create(client, name + suffix)["ETag"]

    assert body.__name__ == "body"
    assert not is_active()
    assert body("f", suffix="-1") == ETAG_V1
    assert not is_active()
    assert body("f", suffix="-1") == ETAG_V1  # no FunctionAlreadyExists: the first call's state is gone
    assert seen == [[], []]


def test_bare_decorator_deactivates_when_the_body_raises() -> None:
    @mock_cloudfront_functions
    def body() -> None:
        assert is_active()
        raise KeyError("boom")

    with pytest.raises(KeyError, match="boom"):
        body()
    assert not is_active()


def test_bare_decorator_on_a_method_keeps_self() -> None:
    class Holder:
        prefix = "m"

        @mock_cloudfront_functions
        def make(self, name: str) -> str:
            return create(boto3.client("cloudfront"), f"{self.prefix}-{name}")["FunctionSummary"]["Name"]

    assert Holder().make("x") == "m-x"
    assert not is_active()


def test_decorator_with_options_reaches_the_mock() -> None:
    @mock_cloudfront_functions(account_id=OTHER_ACCOUNT)
    def body() -> str:
        return create(boto3.client("cloudfront"), "f")["FunctionSummary"]["FunctionMetadata"]["FunctionARN"]

    assert body() == f"arn:aws:cloudfront::{OTHER_ACCOUNT}:function/f"
    assert not is_active()


def test_decorator_from_an_activation_handle_exposes_its_state_inside_the_body() -> None:
    mock = mock_cloudfront_functions(account_id=OTHER_ACCOUNT)

    @mock
    def body() -> None:
        assert mock.active
        create(boto3.client("cloudfront"), "f")
        assert mock.functions["f"].arn == f"arn:aws:cloudfront::{OTHER_ACCOUNT}:function/f"

    body()
    assert not mock.active
    with pytest.raises(RuntimeError, match="not active"):
        mock.functions  # noqa: B018


# -- decorator on async def -----------------------------------------------------------------------------


def test_decorated_coroutine_function_runs_its_body_mocked() -> None:
    mock = mock_cloudfront_functions(account_id=OTHER_ACCOUNT)

    @mock
    async def body(name: str) -> tuple[str, str]:
        client = boto3.client("cloudfront")
        created = create(client, name)
        await asyncio.sleep(0)  # still mocked after a suspension point
        assert mock.functions[name].etag == created["ETag"]
        described = client.describe_function(Name=name)
        return created["ETag"], described["FunctionSummary"]["FunctionMetadata"]["FunctionARN"]

    assert inspect.iscoroutinefunction(body)
    coroutine = body("f")
    assert not is_active()  # creating the coroutine does not activate; running it does
    etag, arn = asyncio.run(coroutine)
    assert (etag, arn) == (ETAG_V1, f"arn:aws:cloudfront::{OTHER_ACCOUNT}:function/f")
    assert not is_active()
    assert asyncio.run(body("f"))[0] == ETAG_V1  # fresh state for the second run


def test_bare_decorator_on_coroutine_function_deactivates_on_error() -> None:
    @mock_cloudfront_functions
    async def body() -> None:
        create(boto3.client("cloudfront"), "f")
        raise ValueError("inside")

    with pytest.raises(ValueError, match="inside"):
        asyncio.run(body())
    assert not is_active()


# -- decorator on a TestCase ----------------------------------------------------------------------------


def test_decorated_test_case_has_fresh_state_per_test_and_mocked_set_up() -> None:
    events: list[Any] = []

    @mock_cloudfront_functions
    class Case(unittest.TestCase):
        def setUp(self) -> None:
            events.append(("setUp", is_active()))
            self.client = boto3.client("cloudfront")
            create(self.client, "from-setup")  # setUp itself runs mocked

        def tearDown(self) -> None:
            events.append(("tearDown", is_active()))

        def test_a(self) -> None:
            create(self.client, "same-name")
            events.append(("a", listed_names(self.client)))

        def test_b(self) -> None:
            create(self.client, "same-name")
            events.append(("b", listed_names(self.client)))

    result = run_tests(Case)
    assert result.wasSuccessful(), describe_failures(result)
    assert result.testsRun == 2
    assert events == [
        ("setUp", True),
        ("a", ["from-setup", "same-name"]),
        ("tearDown", True),
        ("setUp", True),
        ("b", ["from-setup", "same-name"]),
        ("tearDown", True),
    ]
    assert not is_active()  # cleaned up after each test


def test_decorated_test_case_with_options_and_cleanup_after_failures() -> None:
    arns: list[str] = []

    @mock_cloudfront_functions(account_id=OTHER_ACCOUNT)
    class Case(unittest.TestCase):
        def test_arn(self) -> None:
            arns.append(create(boto3.client("cloudfront"), "f")["FunctionSummary"]["FunctionMetadata"]["FunctionARN"])

        def test_fails(self) -> None:
            self.fail("deliberately")

    result = run_tests(Case)
    assert result.testsRun == 2
    assert len(result.failures) == 1 and not result.errors
    assert arns == [f"arn:aws:cloudfront::{OTHER_ACCOUNT}:function/f"]
    assert not is_active()


def test_decorated_test_case_cleans_up_when_set_up_fails() -> None:
    @mock_cloudfront_functions
    class Case(unittest.TestCase):
        def setUp(self) -> None:
            raise RuntimeError("setUp failed")

        def test_never_runs(self) -> None:
            raise AssertionError("unreachable")

    result = run_tests(Case)
    assert len(result.errors) == 1 and "setUp failed" in result.errors[0][1]
    assert not is_active()


def test_a_subclass_overriding_set_up_without_super_still_runs_mocked() -> None:
    """The decorator wraps each test's run, so no setUp of a subclass can leave its tests unmocked."""
    events: list[Any] = []

    @mock_cloudfront_functions
    class Base(unittest.TestCase):
        def test_inherited(self) -> None:
            events.append((type(self).__name__, "inherited", is_active(), listed_names(boto3.client("cloudfront"))))

    class Sub(Base):
        def setUp(self) -> None:  # no super().setUp()
            events.append(("Sub", "setUp", is_active()))
            create(boto3.client("cloudfront"), "from-sub-setup")

        def tearDown(self) -> None:
            events.append(("Sub", "tearDown", is_active()))

    result = run_tests(Sub)
    assert result.wasSuccessful(), describe_failures(result)
    assert events == [
        ("Sub", "setUp", True),
        ("Sub", "inherited", True, ["from-sub-setup"]),
        ("Sub", "tearDown", True),
    ]
    assert not is_active()


def test_one_activation_may_decorate_a_test_case_and_its_subclass() -> None:
    seen: list[bool] = []
    activation = mock_cloudfront_functions()

    @activation
    class Base(unittest.TestCase):
        def test_base(self) -> None:
            seen.append(is_active())

    @activation
    class Sub(Base):
        def test_sub(self) -> None:
            seen.append(is_active())

    result = run_tests(Sub)
    assert result.wasSuccessful(), describe_failures(result)
    assert seen == [True, True]
    assert not is_active()


class _AsyncCallable:
    async def __call__(self) -> list[str]:
        await asyncio.sleep(0)
        return listed_names(boto3.client("cloudfront"))


class _Methods:
    @mock_cloudfront_functions
    @staticmethod
    async def static_first() -> bool:
        await asyncio.sleep(0)
        return is_active()

    @staticmethod
    @mock_cloudfront_functions
    async def static_second() -> bool:
        return is_active()

    @mock_cloudfront_functions
    @classmethod
    async def class_first(cls) -> tuple[str, bool]:
        await asyncio.sleep(0)
        return cls.__name__, is_active()

    @mock_cloudfront_functions
    @classmethod
    def class_sync(cls) -> tuple[str, bool]:
        return cls.__name__, is_active()


def test_a_decorated_callable_returning_a_coroutine_runs_its_body_mocked() -> None:
    """Before, only coroutine functions were seen as async: these bodies ran unmocked (one reached AWS)."""
    assert asyncio.run(mock_cloudfront_functions(_AsyncCallable())()) == []
    assert asyncio.run(_Methods.static_first()) is True
    assert asyncio.run(_Methods.static_second()) is True
    assert asyncio.run(_Methods.class_first()) == ("_Methods", True)
    assert asyncio.run(_Methods().class_first()) == ("_Methods", True)
    assert _Methods.class_sync() == ("_Methods", True)
    assert not is_active()


# -- with / async with / start-stop ---------------------------------------------------------------------


def test_with_yields_the_active_handle() -> None:
    with mock_cloudfront_functions() as mock:
        assert isinstance(mock, CloudFrontMock)
        assert mock.active and is_active()
        client = boto3.client("cloudfront")
        assert create(client, "f")["ETag"] == ETAG_V1
        assert list(mock.functions) == ["f"]
        assert mock.functions["f"].development.code == CODE
    assert not mock.active and not is_active()


def test_with_deactivates_when_the_block_raises() -> None:
    with pytest.raises(ZeroDivisionError), mock_cloudfront_functions():
        assert is_active()
        _ = 1 / 0
    assert not is_active()


def test_async_with_runs_the_block_mocked() -> None:
    async def main() -> list[str]:
        async with mock_cloudfront_functions(account_id=OTHER_ACCOUNT) as mock:
            assert isinstance(mock, CloudFrontMock) and mock.active
            client = boto3.client("cloudfront")
            create(client, "f")
            await asyncio.sleep(0)
            assert mock.functions["f"].arn.startswith(f"arn:aws:cloudfront::{OTHER_ACCOUNT}:")
            return listed_names(client)

    assert asyncio.run(main()) == ["f"]
    assert not is_active()


def test_async_with_deactivates_when_the_block_raises() -> None:
    async def main() -> None:
        async with mock_cloudfront_functions():
            raise LookupError("in block")

    with pytest.raises(LookupError):
        asyncio.run(main())
    assert not is_active()


def test_start_and_stop() -> None:
    mock = mock_cloudfront_functions()
    assert not mock.active
    assert mock.start() is mock
    try:
        assert is_active()
        with pytest.raises(RuntimeError, match="already started"):
            mock.start()
        create(boto3.client("cloudfront"), "f")
        assert list(mock.functions) == ["f"]
    finally:
        mock.stop()
    assert not mock.active and not is_active()
    with pytest.raises(RuntimeError, match="not started"):
        mock.stop()
    # The same handle can be started again, with a fresh state.
    mock.start()
    try:
        assert list(mock.functions) == []
        assert listed_names(boto3.client("cloudfront")) == []
    finally:
        mock.stop()


# -- what cannot be decorated ---------------------------------------------------------------------------


def _generator() -> Any:
    yield 1


async def _async_generator() -> Any:
    yield 1


@pytest.mark.parametrize(
    ("target", "message"),
    [
        pytest.param(type("Plain", (), {}), "not the class", id="non-TestCase class"),
        pytest.param(_generator, "generator function", id="generator function"),
        pytest.param(_async_generator, "generator function", id="async generator function"),
        pytest.param(42, "not callable", id="non-callable int"),
        pytest.param("abc", "not callable", id="non-callable str"),
    ],
)
@pytest.mark.parametrize("form", ["bare", "with options", "handle"])
def test_decorating_an_unsupported_target_is_a_type_error(target: Any, message: str, form: str) -> None:
    with pytest.raises(TypeError, match=message):
        if form == "bare":
            mock_cloudfront_functions(target)
        elif form == "with options":
            mock_cloudfront_functions(account_id=OTHER_ACCOUNT)(target)
        else:
            CloudFrontMock()(target)
    assert not is_active()


def test_target_and_options_together_is_a_type_error() -> None:
    def body() -> None:
        raise AssertionError("must not run")

    with pytest.raises(TypeError, match="either a target"):
        mock_cloudfront_functions(body, account_id=OTHER_ACCOUNT)  # type: ignore[call-overload]
    assert not is_active()


# -- options --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "account_id",
    [
        "",
        "12345678901",
        "1234567890123",
        "12345678901a",
        "abcdefghijkl",
        " 123456789012",
        "123456789012\n",
        "١٢٣٤٥٦٧٨٩٠١٢",
    ],
)
def test_bad_account_id_is_rejected_before_activation(account_id: str) -> None:
    with pytest.raises(ValueError, match="account_id must be 12 digits"):
        mock_cloudfront_functions(account_id=account_id)
    assert not is_active()


@pytest.mark.parametrize("option", ["viewer_budget_ms", "connection_budget_ms", "time_limit_s"])
@pytest.mark.parametrize("value", [0, -1.5])
def test_non_positive_budgets_are_rejected(option: str, value: float) -> None:
    with pytest.raises(ValueError, match=option):
        mock_cloudfront_functions(**{option: value})


def test_unknown_option_is_a_type_error() -> None:
    with pytest.raises(TypeError):
        mock_cloudfront_functions(acount_id="111122223333")  # type: ignore[call-overload]


def test_default_account_id_appears_in_arns() -> None:
    with mock_cloudfront_functions() as mock:
        assert mock.account_id == "123456789012" == MockOptions().account_id
        created = create(boto3.client("cloudfront"), "f")
        assert (
            created["FunctionSummary"]["FunctionMetadata"]["FunctionARN"]
            == "arn:aws:cloudfront::123456789012:function/f"
        )


def test_account_id_appears_in_every_arn_and_location() -> None:
    expected = f"arn:aws:cloudfront::{OTHER_ACCOUNT}:function/f"
    with mock_cloudfront_functions(account_id=OTHER_ACCOUNT) as mock:
        assert mock.account_id == OTHER_ACCOUNT
        client = boto3.client("cloudfront")
        created = create(client, "f")
        assert created["FunctionSummary"]["FunctionMetadata"]["FunctionARN"] == expected
        assert created["Location"] == f"https://cloudfront.amazonaws.com/2020-05-31/function/{expected}"
        assert client.describe_function(Name="f")["FunctionSummary"]["FunctionMetadata"]["FunctionARN"] == expected
        client.publish_function(Name="f", IfMatch=created["ETag"])
        items = client.list_functions()["FunctionList"]["Items"]
        assert [item["FunctionMetadata"]["FunctionARN"] for item in items] == [expected, expected]
        assert mock.functions["f"].arn == expected


def test_public_surface() -> None:
    assert cfmock.mock_cloudfront_functions is mock_cloudfront_functions
    assert issubclass(cfmock.UnsupportedOperationError, cfmock.CfmockError)
    assert isinstance(mock_cloudfront_functions(), CloudFrontMock)


def test_a_decorated_function_that_calls_itself_nests_instead_of_failing() -> None:
    # Each call of a decorated function is an activation; a recursive call is a nested one, which shares the
    # outer state (like a `with mock_cloudfront_functions():` inside it) rather than raising "already started".
    client = boto3.client("cloudfront", aws_access_key_id="x", aws_secret_access_key="y", region_name="us-east-1")

    @mock_cloudfront_functions
    def make(depth: int) -> list[str]:
        create(client, f"f{depth}")
        if depth:
            make(depth - 1)
            assert is_active()  # the inner exit kept this activation
        return listed_names(client)

    assert make(2) == ["f0", "f1", "f2"]
    assert not is_active()
