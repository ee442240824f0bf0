#!/usr/bin/env bash
# Installs the real clients that tests/clients drives against `cfmock server`:
#   - the AWS CLI in a virtual environment of its own (each awscli release pins its own botocore, which must never
#     meet the test extra's), with its `crt` extra so the KeyValueStore data plane can sign with SigV4A;
#   - the AWS SDK for JavaScript v3, exactly as pinned by js/package-lock.json.
# Terraform and its provider mirror are machine tools; the Terraform tests find them or skip (see conftest.py).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
awscli_version=1.46.3
venv="$here/.venv-awscli"
if ! "$venv/bin/aws" --version 2>/dev/null | grep -q "^aws-cli/$awscli_version "; then
    rm -rf "$venv"
    "${PYTHON:-python}" -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check "awscli[crt]==$awscli_version"
fi
if command -v npm >/dev/null; then
    (cd "$here/js" && npm ci --no-audit --no-fund --loglevel=error)
else
    echo "install.sh: npm not found; the JavaScript SDK tests will skip" >&2
fi
