"""``inject_error`` reads the service model where botocore clients read theirs: ``AWS_DATA_PATH`` first."""

from __future__ import annotations

import json
from pathlib import Path

import boto3.session
import pytest
from botocore.exceptions import ClientError
from botocore.loaders import Loader

from cfmock import mock_cloudfront_functions

CUSTOM_CODE = "CfmockDataPathOnlyError"  # a name no real model has: only the AWS_DATA_PATH copy documents it


def _model_with_an_extra_error(root: Path) -> None:
    """A copy of the installed cloudfront model whose UpdateFunction also documents CUSTOM_CODE (HTTP 409),
    shaped like an error it already documents."""
    model = Loader().load_service_model("cloudfront", "service-2")
    assert CUSTOM_CODE not in model["shapes"]
    documented = model["operations"]["UpdateFunction"]["errors"][0]["shape"]
    model["shapes"][CUSTOM_CODE] = {**model["shapes"][documented], "error": {"httpStatusCode": 409}}
    model["operations"]["UpdateFunction"]["errors"].append({"shape": CUSTOM_CODE})
    target = root / "cloudfront" / model["metadata"]["apiVersion"] / "service-2.json"
    target.parent.mkdir(parents=True)
    target.write_text(json.dumps(model))


def test_an_error_only_the_data_path_model_documents_can_be_injected(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _model_with_an_extra_error(tmp_path)
    with mock_cloudfront_functions() as mock:
        with pytest.raises(ValueError, match="does not document the error"):
            mock.inject_error("UpdateFunction", CUSTOM_CODE)
        monkeypatch.setenv("AWS_DATA_PATH", str(tmp_path))
        mock.inject_error("UpdateFunction", CUSTOM_CODE, "from the data path model")
        # A new session reads the data path when it makes its first client (boto3.client reuses the default one).
        client = boto3.session.Session().client("cloudfront", region_name="us-east-1")
        with pytest.raises(ClientError) as raised:
            client.update_function(
                Name="f", IfMatch="E1", FunctionConfig={"Comment": "", "Runtime": "x"}, FunctionCode=b"x"
            )
        assert raised.value.response["Error"]["Code"] == CUSTOM_CODE
        assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 409
        monkeypatch.delenv("AWS_DATA_PATH")
        with pytest.raises(ValueError, match="does not document the error"):  # the installed model again
            mock.inject_error("UpdateFunction", CUSTOM_CODE)
