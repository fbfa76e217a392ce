"""Bad input gets a clear exception from the hierarchy, and nothing is stored."""
from __future__ import annotations

import gocfg
import pytest
from gocfg import _native


@pytest.mark.parametrize("key", [None, 1, 1.5, b"bytes", object()])
def test_non_str_key(key, no_leaks):
    with gocfg.Config() as cfg:
        with pytest.raises(TypeError, match="key must be str"):
            cfg[key] = "v"
        with pytest.raises(TypeError, match="key must be str"):
            cfg[key]
        with pytest.raises(TypeError, match="key must be str"):
            del cfg[key]
        if not isinstance(key, int):  # (1,) is a fine path: key "1"
            with pytest.raises(TypeError, match="path segments"):
                cfg[(key,)] = "v"
        assert key not in cfg
        assert len(cfg) == 0


@pytest.mark.parametrize("value", [b"bytes", object(), {1, 2}, 3j, [b"x"]])
def test_unsupported_value(value, no_leaks):
    with gocfg.Config() as cfg:
        with pytest.raises(TypeError, match="k"):
            cfg["k"] = value
        assert len(cfg) == 0


@pytest.mark.parametrize("key,value,fragment", [
    ("\ud800", "v", "lone surrogate"),
    ("a\ud800", "v", "lone surrogate"),
    ("k", "x\udfffy", "lone surrogate"),
])
def test_nul_and_surrogates_are_refused(key, value, fragment, no_leaks):
    with gocfg.Config({"keep": "me"}) as cfg:
        with pytest.raises(gocfg.InvalidArgumentError, match=fragment) as info:
            cfg[key] = value
        assert isinstance(info.value, ValueError)
        assert cfg.to_dict() == {"keep": "me"}


def test_nul_in_a_value_is_kept(no_leaks):
    with gocfg.Config() as cfg:
        cfg["k"] = "v\0"
        assert cfg["k"] == "v\0"


def test_nul_in_a_key_is_kept(no_leaks):
    # Keys may hold NUL (issue 12): they cross with their lengths, and the
    # keys listing is a wire list, so nothing cuts them short.
    with gocfg.Config() as cfg:
        cfg["a\0b"] = 1
        cfg[("\0", "x\0")] = 2
        assert list(cfg) == ["a\0b", "\0"]
        assert cfg["a\0b"] == 1 and "a\0b" in cfg and "a" not in cfg
        assert cfg.to_dict() == {"a\0b": 1, "\0": {"x\0": 2}}
        assert list(cfg["\0"]) == ["x\0"]


def test_bad_key_on_read_paths(no_leaks):
    with gocfg.Config() as cfg:
        with pytest.raises(KeyError):
            cfg["a\0b"]
        assert "a\0b" not in cfg
        with pytest.raises(gocfg.InvalidArgumentError):
            cfg["\ud800"]
        with pytest.raises(gocfg.InvalidArgumentError):
            "\ud800" in cfg


def test_constructor_with_bad_data_leaks_nothing(no_leaks):
    with pytest.raises(TypeError):
        gocfg.Config({"ok": "1", "bad": b"2"})
    with pytest.raises(gocfg.InvalidArgumentError):
        gocfg.Config({"bad\ud800": "1"})


def test_huge_value(no_leaks):
    big = "x" * (50 * 1024 * 1024)
    with gocfg.Config() as cfg:
        cfg["big"] = big
        assert cfg["big"] == big
        assert big in cfg.to_json()


def test_raw_abi_refuses_bad_handles(no_leaks):
    """Forged, NULL and wrong-kind handles give error codes, never a crash."""
    lib = _native.load()
    ffi = _native.ffi
    err = ffi.new("gocfg_error **")
    for raw in (0, 1, 0xDEADBEEF, 0x0200000100000001, 2**64 - 1):
        h = ffi.cast("gocfg_config *", raw)
        assert lib.gocfg_config_len(h, b"", 0, err) == -1  # GOCFG_E_INVALID_HANDLE
        assert err[0] != ffi.NULL and err[0].code == -1
        assert b"handle" in ffi.string(err[0].message)
        lib.gocfg_error_free(err[0])
        lib.gocfg_config_free(h)  # harmless
    cfg = gocfg.Config()
    h = cfg._h
    cfg.close()
    assert lib.gocfg_config_set(h, b"k", 1, b"v", 1, err) == -1
    assert b"stale" in ffi.string(err[0].message)
    lib.gocfg_error_free(err[0])
    lib.gocfg_error_free(ffi.NULL)


def test_buffer_free_is_idempotent(no_leaks):
    lib = _native.load()
    ffi = _native.ffi
    with gocfg.Config({"a": "b"}) as cfg:
        buf = ffi.new("gocfg_buffer *")
        assert lib.gocfg_config_dump(cfg._h, b"json", 4, buf, ffi.NULL) == 0
        assert gocfg.stats()["outstanding_buffers"] >= 1
        lib.gocfg_buffer_free(buf)
        assert buf.data == ffi.NULL and buf.len == 0
        lib.gocfg_buffer_free(buf)
        lib.gocfg_buffer_free(ffi.NULL)
        # a buffer the library never handed out is ignored, not freed
        fake = ffi.new("gocfg_buffer *")
        mem = ffi.new("char[]", 8)
        fake.data, fake.len = mem, 8
        lib.gocfg_buffer_free(fake)


def test_a_nul_in_a_file_name_is_a_file_error_everywhere(no_leaks, tmp_path):
    # os.stat's own ValueError used to escape Config.load and gocfg.load;
    # save() already gave the library's FileError (EINVAL).
    name = str(tmp_path / "a\0.yaml")
    for call in (lambda: gocfg.Config.load(name), lambda: gocfg.load(name), lambda: gocfg.read(name),
                 lambda: gocfg.load(env_file=name), lambda: gocfg.Config({"a": 1}).save(name)):
        with pytest.raises(gocfg.FileError, match="Invalid argument"):
            call()
