"""Attribute access for reading (issue 17, item 3): cfg.server.port, the
collision rule (the class's attributes win), AttributeError with the
closest keys for a miss, and writes refused."""
from __future__ import annotations

import copy
import pickle

import gocfg
import pytest


@pytest.fixture
def cfg(no_leaks):
    with gocfg.Config({"server": {"port": 8080, "tls": {"on": True}}, "items": 3, "keys": "k",
                       "log-level": "info", "a.b": 1, "a": {"x": 2}, "_private": 5, "path": "p"}) as c:
        yield c


def test_keys_read_as_attributes(cfg):
    assert cfg.server.port == 8080
    assert cfg.server.tls.on is True
    assert isinstance(cfg.server, gocfg.Section)
    assert cfg["server"].tls.on is True  # on Sections too
    assert cfg.a.x == 2  # literal: "a", never the key "a.b"


def test_the_class_attributes_win(cfg):
    assert callable(cfg.items) and cfg["items"] == 3
    assert callable(cfg.keys) and cfg["keys"] == "k"
    assert cfg.path == "" and cfg["path"] == "p"  # Config.path (the root) wins
    assert cfg.server.path == "server"
    with pytest.raises(AttributeError):
        _ = cfg._private  # "_" names are never keys
    assert cfg["_private"] == 5
    assert cfg["log-level"] == "info"  # not an identifier: subscripts only


def test_a_miss_is_an_attribute_error_with_the_closest_keys(cfg):
    with pytest.raises(AttributeError) as info:
        _ = cfg.server.prot
    assert not isinstance(info.value, KeyError)
    assert str(info.value) == ("gocfg.Section 'server' has no attribute or key 'prot': no 'server.prot' in the "
                               "config (did you mean 'server.port'?)")
    assert info.value.name == "prot"
    with pytest.raises(AttributeError, match=r"gocfg.Config has no attribute or key 'sever'.*did you mean 'server'"):
        _ = cfg.sever
    assert getattr(cfg, "missing", "dflt") == "dflt"
    assert hasattr(cfg, "server") and not hasattr(cfg, "missing")


def test_a_misspelt_method_names_the_method(cfg):
    """cfg.get_itn("server.port") said only that there is no key 'get_itn':
    with no close key, the closest method of the class is named."""
    with pytest.raises(AttributeError) as info:
        cfg.get_itn("server.port")
    assert str(info.value) == ("gocfg.Config has no attribute or key 'get_itn': no 'get_itn' in the config "
                               "(did you mean Config.get_int?)")
    with pytest.raises(AttributeError, match=r"no 'server\.valdate' in the config \(did you mean Section\.validate\?\)$"):
        cfg.server.valdate({})
    with pytest.raises(AttributeError, match=r"no 'xyz' in the config$"):  # nothing close: no hint
        _ = cfg.xyz
    with pytest.raises(AttributeError, match=r"did you mean 'server'\?\)$"):  # a close key comes first
        _ = cfg.servr


def test_attributes_are_not_set_or_deleted(cfg):
    with pytest.raises(AttributeError, match=r"does not set keys as attributes: write \['port'\] = value"):
        cfg.port = 1
    with pytest.raises(AttributeError, match="does not set keys"):
        cfg.server.port = 1
    with pytest.raises(AttributeError, match="does not delete keys"):
        del cfg.server
    assert cfg.server.port == 8080 and "port" not in cfg


def test_dir_lists_the_keys_readable_as_attributes(cfg):
    names = dir(cfg)
    assert "server" in names and "get_int" in names
    assert "log-level" not in names and "_private" not in names and "a.b" not in names
    assert names.count("items") == 1
    assert "tls" in dir(cfg.server)


def test_closed_and_copied_configs(no_leaks):
    c = gocfg.Config({"server": {"port": 1}})
    with pickle.loads(pickle.dumps(c)) as back:
        assert back.server.port == 1
    d = copy.deepcopy(c)
    assert d.server.port == 1
    d.close()
    section = c.server
    c.close()
    with pytest.raises(AttributeError, match="closed"):
        _ = c.server
    with pytest.raises(AttributeError, match="closed"):
        _ = section.port
    assert getattr(c, "server", None) is None
    with pytest.raises(gocfg.ClosedError):
        c["server"]  # subscripts keep their ClosedError


def test_references_resolve_through_attributes(no_leaks):
    with gocfg.load({"host": "h", "url": "http://${host}/", "alias": "${server}", "server": {"port": 7}}) as c:
        assert c.url == "http://h/"
        assert c.alias.port == 7


def test_a_subclass_with_a_dict_keeps_its_own_attributes(no_leaks):
    class AppConfig(gocfg.Config):
        def __init__(self, data):
            super().__init__(data)
            self.label = "mine"  # its own attribute, as on any class

    with AppConfig({"server": {"port": 1}, "label": "key"}) as c:
        assert c.label == "mine" and c["label"] == "key"
        assert c.server.port == 1
        del c.label
        assert c.label == "key"  # the key again, once the attribute is gone


class Settings(gocfg.Config):
    """A subclass of the user's, at module level so that pickle finds it."""

    def port(self):
        return self["server.port"]


def test_a_subclass_stays_itself_when_copied_or_pickled(no_leaks, tmp_path):
    # copy.copy, copy.deepcopy and pickle gave a plain Config: the
    # subclass's methods and its own attributes were gone.
    with Settings({"server": {"port": 1}}) as c:
        c.freeze()
        c.label = "mine"
        for attempt in (copy.copy, copy.deepcopy, lambda x: pickle.loads(pickle.dumps(x))):
            with attempt(c) as back:
                assert type(back) is Settings
                assert back.port() == 1 and back.frozen and back.label == "mine"
    p = tmp_path / "app.yaml"
    p.write_text("server: {port: 2}\n")
    with gocfg.load(p, watch=True) as watched:  # a copy is a snapshot, not a second watcher
        with copy.copy(watched) as back, pickle.loads(pickle.dumps(watched)) as back2:
            assert type(back) is gocfg.Config and type(back2) is gocfg.Config
    with pytest.raises(TypeError, match="not a gocfg.Config"):
        gocfg.config._restore(b"", dict)
