variable "env" {
  type    = string
  default = "prod"
}

locals {
  name_prefix = "app-${var.env}"
  common_tags = merge(var.tags, { Environment = var.env })
}

resource "aws_s3_bucket" "logs" {
  bucket = "${local.name_prefix}-logs"
  count  = var.env == "prod" ? 1 : 0
  tags   = local.common_tags
}

output "bucket_arns" {
  value = [for b in aws_s3_bucket.logs : b.arn]
}
