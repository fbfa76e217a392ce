terraform {
  required_version = ">= 1.5.0"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.0"
    }
  }
  backend "s3" {
    bucket = "acme-terraform-state"
    key    = "prod/network.tfstate"
    region = "eu-west-1"
  }
}

provider "aws" {
  region = "eu-west-1"
}

variable "instance_count" {
  default     = 2
  description = "How many web servers"
}

variable "tags" {
  default = {
    team = "platform"
    env  = "prod"
  }
}

resource "aws_security_group" "web" {
  name        = "web"
  description = "HTTP in, everything out"

  ingress {
    from_port   = 80
    to_port     = 80
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }

  ingress {
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0", "::/0"]
  }

  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_instance" "web" {
  ami           = "ami-0abcdef1234567890"
  instance_type = "t3.micro"
  monitoring    = true
  user_data     = <<-EOT
    #!/bin/sh
    echo "hello, $${USER}" > /tmp/hello
  EOT
  root_block_device {
    volume_size = 20
    encrypted   = true
  }
}

output "web_sg_name" {
  value = "web"
}
