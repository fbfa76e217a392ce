"""gocfg quickstart: a Config is a mapping whose data lives in the Go engine."""
import gocfg

with gocfg.Config() as cfg:  # gocfg_config_new ... gocfg_config_free on exit
    cfg["name"] = "demo"
    cfg.update({"region": "eu-west", "owner": "platform team"})
    print(cfg["name"], len(cfg), cfg.to_dict())
    print(repr(cfg))

print("live handles after the with block:", gocfg.stats()["live_handles"])
