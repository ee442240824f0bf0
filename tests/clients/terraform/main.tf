# Terraform with hashicorp/aws against `cfmock server`, driven by tests/clients/test_terraform.py.
# The endpoints are variables; everything else is what docs/clients.md tells a user to write.
terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "5.100.0"
    }
  }
}

variable "endpoint" {
  type = string
}

variable "code_version" {
  type    = string
  default = "v1"
}

variable "reader_comment" {
  type    = string
  default = "reads the store"
}

variable "reader_publish" {
  type    = bool
  default = false
}

variable "prefix" {
  type    = string
  default = "/from-kvs"
}

provider "aws" {
  region                      = "us-east-1"
  access_key                  = "testing"
  secret_key                  = "testing"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
  endpoints {
    cloudfront              = var.endpoint
    cloudfrontkeyvaluestore = var.endpoint
  }
}

# Runtime 1.0, published on every change.
resource "aws_cloudfront_function" "rewrite" {
  name    = "tf-rewrite"
  runtime = "cloudfront-js-1.0"
  comment = "rewrites the uri"
  publish = true
  code    = "function handler(event) { var r = event.request; r.uri = '/${var.code_version}' + r.uri; return r; }"
}

# Created without a comment: decision 43 (no Comment in any answer) keeps the plan empty.
resource "aws_cloudfront_key_value_store" "store" {
  name = "tf-store"
}

resource "aws_cloudfrontkeyvaluestore_key" "prefix" {
  key_value_store_arn = aws_cloudfront_key_value_store.store.arn
  key                 = "prefix"
  value               = var.prefix
}

# Runtime 2.0, associated with the store, not published unless asked.
resource "aws_cloudfront_function" "reader" {
  name                         = "tf-reader"
  runtime                      = "cloudfront-js-2.0"
  comment                      = var.reader_comment
  publish                      = var.reader_publish
  key_value_store_associations = [aws_cloudfront_key_value_store.store.arn]
  code                         = <<-JS
    import cf from 'cloudfront';
    const kvs = cf.kvs();
    async function handler(event) {
      const r = event.request;
      r.uri = await kvs.get('prefix') + r.uri;
      return r;
    }
  JS
}

data "aws_cloudfront_function" "rewrite_live" {
  name       = aws_cloudfront_function.rewrite.name
  stage      = "LIVE"
  depends_on = [aws_cloudfront_function.rewrite]
}

data "aws_cloudfront_function" "reader_development" {
  name       = aws_cloudfront_function.reader.name
  stage      = "DEVELOPMENT"
  depends_on = [aws_cloudfront_function.reader]
}
