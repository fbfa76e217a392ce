# a Nomad/Consul-style agent configuration
datacenter = "dc1"
data_dir   = "/opt/agent/data"
log_level  = "INFO"
ratio      = 0.75
retries    = -3
enabled    = true
servers    = ["10.0.0.1:4647", "10.0.0.2:4647"]

server {
  enabled          = true
  bootstrap_expect = 3
}

client {
  enabled = true
  meta = {
    "rack"      = "r1"
    zone        = "eu-west-1a"
  }
}

plugin "docker" {
  config {
    allow_privileged = false
    volumes {
      enabled = true
    }
  }
}

plugin "raw_exec" {
  config {
    enabled = false
  }
}

telemetry {
  collection_interval        = "1s"
  prometheus_metrics         = true
  publish_allocation_metrics = true
}
