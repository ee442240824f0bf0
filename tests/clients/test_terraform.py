"""Terraform with hashicorp/aws 5.100.0 against `cfmock server`: apply, an empty plan, a change, destroy.

terraform/main.tf declares aws_cloudfront_function in both runtimes (one published on every change, one not
until the change publishes it), aws_cloudfront_key_value_store without a comment (decision 43),
aws_cloudfrontkeyvaluestore_key (the data plane, through HTTP_PROXY) and the data source aws_cloudfront_function
for both stages. The provider comes from a filesystem mirror; the registry is never asked.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

from clients_support import ACCOUNT, HERE, ServerProcess, missing_client, which_or_missing

PROVIDER_VERSION = "5.100.0"
MIRROR = Path(os.environ.get("CFMOCK_TERRAFORM_MIRROR", "/opt/tf-plugins"))
CLI_CONFIG = """provider_installation {{
  filesystem_mirror {{
    path    = "{mirror}"
    include = ["registry.terraform.io/hashicorp/aws"]
  }}
  direct {{
    exclude = ["registry.terraform.io/*/*"]
  }}
}}
"""
CHANGE = {"code_version": "v2", "reader_comment": "changed", "reader_publish": "true", "prefix": "/changed"}


class Terraform:
    def __init__(self, binary: str, workdir: Path, server: ServerProcess) -> None:
        self.binary, self.workdir = binary, workdir
        config = workdir / "cli.tfrc"
        config.write_text(CLI_CONFIG.format(mirror=MIRROR))
        self.env = server.client_env()
        self.env.update(
            TF_CLI_CONFIG_FILE=str(config),
            TF_IN_AUTOMATION="1",
            TF_INPUT="0",
            CHECKPOINT_DISABLE="1",  # no version check against HashiCorp's servers
            TF_VAR_endpoint=server.endpoint,
        )

    def run(self, *args: str, variables: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        env = dict(self.env, **{f"TF_VAR_{name}": value for name, value in (variables or {}).items()})
        return subprocess.run(
            [self.binary, *args, "-no-color"], cwd=self.workdir, env=env, capture_output=True, text=True, timeout=600
        )

    def __call__(self, *args: str, variables: dict[str, str] | None = None) -> str:
        done = self.run(*args, variables=variables)
        assert done.returncode == 0, f"terraform {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}"
        return done.stdout

    def resources(self) -> dict[str, Any]:
        """Each resource's and data source's attributes in the state, as `terraform show -json` reports them."""
        shown = json.loads(self("show", "-json"))
        return {r["address"]: r["values"] for r in shown["values"]["root_module"]["resources"]}

    def plan_is_empty(self, variables: dict[str, str] | None = None) -> None:
        done = self.run("plan", "-detailed-exitcode", "-input=false", variables=variables)
        assert done.returncode == 0, f"the plan is not empty (exit {done.returncode}):\n{done.stdout}\n{done.stderr}"


def test_apply_plan_change_destroy(server: ServerProcess, tmp_path: Path) -> None:
    binary = which_or_missing("terraform")
    if not (MIRROR / "registry.terraform.io" / "hashicorp" / "aws" / PROVIDER_VERSION).is_dir():
        missing_client(f"no filesystem mirror of hashicorp/aws {PROVIDER_VERSION} under {MIRROR}")
    shutil.copy(HERE / "terraform" / "main.tf", tmp_path / "main.tf")
    tf = Terraform(binary, tmp_path, server)
    tf("init", "-input=false")

    tf("apply", "-auto-approve", "-input=false")
    first = tf.resources()
    rewrite, reader = first["aws_cloudfront_function.rewrite"], first["aws_cloudfront_function.reader"]
    store = first["aws_cloudfront_key_value_store.store"]
    assert rewrite["live_stage_etag"] == rewrite["etag"] != ""
    assert (reader["status"], reader["live_stage_etag"]) == ("UNPUBLISHED", "")
    assert store["comment"] is None
    assert store["arn"].startswith(f"arn:aws:cloudfront::{ACCOUNT}:key-value-store/")
    live = first["data.aws_cloudfront_function.rewrite_live"]
    assert (live["code"], live["status"], live["etag"]) == (rewrite["code"], "UNASSOCIATED", rewrite["etag"])
    development = first["data.aws_cloudfront_function.reader_development"]
    assert development["runtime"] == "cloudfront-js-2.0"
    assert development["key_value_store_associations"] == [store["arn"]]
    state = server.state()
    assert set(state["functions"]["tf-reader"]["stages"]) == {"DEVELOPMENT"}
    assert state["key_value_stores"]["tf-store"]["data"] == {"prefix": "/from-kvs"}
    assert state["key_value_stores"]["tf-store"]["comment"] is None
    tf.plan_is_empty()

    # A code change (published), a comment change, publish false -> true, a new value for the key.
    tf("apply", "-auto-approve", "-input=false", variables=CHANGE)
    changed = tf.resources()
    rewrite, reader = changed["aws_cloudfront_function.rewrite"], changed["aws_cloudfront_function.reader"]
    assert rewrite["etag"] != first["aws_cloudfront_function.rewrite"]["etag"]
    assert changed["data.aws_cloudfront_function.rewrite_live"]["code"] == rewrite["code"]
    assert rewrite["code"].count("'/v2'") == 1
    assert (reader["comment"], reader["status"]) == ("changed", "UNASSOCIATED")
    assert reader["live_stage_etag"] == reader["etag"] != first["aws_cloudfront_function.reader"]["etag"]
    assert changed["data.aws_cloudfront_function.reader_development"]["comment"] == "changed"
    assert changed["aws_cloudfrontkeyvaluestore_key.prefix"]["value"] == "/changed"
    state = server.state()
    stages = state["functions"]["tf-reader"]["stages"]
    assert (stages["LIVE"]["config"]["Comment"], stages["LIVE"]["code"]) == ("changed", stages["DEVELOPMENT"]["code"])
    assert state["key_value_stores"]["tf-store"]["data"] == {"prefix": "/changed"}
    tf.plan_is_empty(variables=CHANGE)

    tf("destroy", "-auto-approve", "-input=false", variables=CHANGE)
    # The `server` fixture checks that nothing at all is left.
