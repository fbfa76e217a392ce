"""gocfg quickstart: a Config is a mapping whose data lives in the Go engine."""
import os
import tempfile

import gocfg

with gocfg.Config() as cfg:  # gocfg_config_new ... gocfg_config_free on exit
    cfg["name"] = "demo"
    print(cfg["name"], len(cfg), cfg.to_dict())

    # Typed values and dot paths.
    cfg["server.port"] = 8080
    cfg["server.hosts"] = ["a.example", "b.example"]
    print(cfg["server.port"] + 1, cfg["server.hosts.1"])
    server = cfg["server"]  # a live view of the nested map
    server["tls"] = True
    print(cfg.dumps("yaml"))

    # Files: the format comes from the extension; saving is atomic.
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "app.toml")
        cfg.save(path)
        with gocfg.Config.load(path) as again:
            print("round trip through TOML:", again == cfg)

print("live handles after the with block:", gocfg.stats()["live_handles"])
