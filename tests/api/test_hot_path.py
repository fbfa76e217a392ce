"""The hot path: gocfg._hot (pybind/_hot.c) makes `key in cfg`, `cfg[key] =
value`, uncached `cfg[key]` and len() keeping the GIL, and falls back to the
Python implementation for everything unusual.

These tests show that the extension is the path actually taken (no cffi
call for the common case, the Python fallback for the rest), and that the
C shortcut answers exactly as the Python path does, hostile input included.
"""
from __future__ import annotations

import datetime as dt
import math
import sys
import sysconfig
import threading

import gocfg
import pytest
from gocfg import _capi, _native, _snapshot
from gocfg import config as _config
from hypothesis import given, settings
from hypothesis import strategies as st

_drop = gocfg.Config.__dict__["_cache"].__set__


def uncached(cfg: gocfg.Config, key):
    """cfg[key] with the read cache dropped first, so the read goes to Go."""
    _drop(cfg, _snapshot.NEVER)
    return cfg[key]


class _CountingLib:
    """Stands in for the cffi library in gocfg._capi and records the calls
    made through it."""

    def __init__(self, real):
        self.real = real
        self.calls = []

    def __getattr__(self, name):
        if name.startswith("gocfg_"):
            self.calls.append(name)
        return getattr(self.real, name)


@pytest.fixture
def cffi_calls(monkeypatch):
    counting = _CountingLib(_native.load())
    monkeypatch.setattr(_capi, "_lib", counting)
    return counting.calls


@pytest.fixture
def fallbacks(monkeypatch):
    """Count the calls of the Python fallbacks that gocfg._hot makes."""
    seen = []
    contains_py, setitem_py, read_again = _capi._contains_py, _capi._setitem_py, _capi._read_again

    def contains(owner, key):
        seen.append(("contains", key))
        return contains_py(owner, key)

    def setitem(owner, key, value):
        seen.append(("setitem", key))
        return setitem_py(owner, key, value)

    def read(owner, h, p, missing, load):
        seen.append(("read", p))
        return read_again(owner, h, p, missing, load)

    monkeypatch.setattr(_capi, "_read_again", read)
    _capi.hot_items(gocfg.Config, contains, setitem)  # hands them (and _read_again) to the extension
    yield seen
    monkeypatch.undo()
    _capi.hot_items(gocfg.Config, contains_py, setitem_py)


def test_the_extension_is_loaded_and_bound():
    with gocfg.Config({"a": 1}):
        from gocfg import _hot  # only after the library is loaded

        assert _native.hot is _hot
        assert _capi._hot is _hot
        assert _capi.contains_item is _hot.contains_item
        assert _capi.setitem is _hot.setitem
        assert _capi.read_item is _hot.read_item
        assert _capi.read_str is _hot.read_str
        # One abi3 module for every CPython, except a free-threaded one,
        # which has no Limited API: built for that version there.
        free_threaded = sysconfig.get_config_var("Py_GIL_DISABLED")
        assert _hot.__file__.endswith(".abi3.so") != bool(free_threaded), _hot.__file__
        # Config's own methods are the extension's, made in C.
        for name in ("__contains__", "__setitem__"):
            assert type(gocfg.Config.__dict__[name]).__module__ == "gocfg._hot", name


def test_the_methods_made_in_c_behave_as_methods():
    class Mine(gocfg.Config):
        def __contains__(self, key):
            return key == "always" or super().__contains__(key)

        def __setitem__(self, key, value):
            super().__setitem__(key, value.upper() if isinstance(value, str) else value)

    with gocfg.Config({"a": "b"}) as cfg, Mine({"x": 1}) as mine:
        assert gocfg.Config.__contains__(cfg, "a") and not gocfg.Config.__contains__(cfg, "z")
        assert cfg.__contains__("a") and cfg.__contains__(("a",))
        gocfg.Config.__setitem__(cfg, "c", "d")
        cfg.__setitem__("e", "f")
        assert cfg.to_dict() == {"a": "b", "c": "d", "e": "f"}
        with pytest.raises(TypeError):
            gocfg.Config.__contains__(cfg)
        with pytest.raises(TypeError):
            cfg.__setitem__("k", "v", "extra")
        with pytest.raises(TypeError):
            gocfg.Config.__contains__(cfg, key="a")
        mine["s"] = "up"
        assert "always" in mine and "x" in mine and "s" in mine and "nope" not in mine
        assert mine["s"] == "UP"


def test_common_calls_make_no_cffi_call(cffi_calls, fallbacks):
    with gocfg.Config() as cfg:
        del cffi_calls[:]  # making the Config went through cffi
        cfg["key"] = "value"
        assert "key" in cfg and "nope" not in cfg
        assert uncached(cfg, "key") == "value"
        cfg["n"] = 5  # a non-str value: the Python path, and set_value through the extension
        assert uncached(cfg, "n") == 5
        cfg["m"] = {"a": [1, 2]}
        assert len(cfg) == 3 and len(cfg["m"]) == 1 and len(cfg["m.a"]) == 2
        assert cfg.get("nope") is None
        assert cffi_calls == []
        assert fallbacks == [("setitem", "n"), ("setitem", "m")]


def test_unusual_calls_take_the_python_path(fallbacks):
    class Key(str):
        pass

    with gocfg.Config({"a.b": {"c": 1}, "l": [1]}) as cfg:
        assert ("a.b", "c") in cfg
        assert Key("l") in cfg
        assert 3 not in cfg and None not in cfg
        cfg["x.y"] = "z"  # a dotted key: the list-index check first
        cfg[("p",)] = "q"
        cfg["s"] = Key("v")
        assert uncached(cfg, "x.y") == "z" and type(uncached(cfg, "s")) is str
        long = "v" * 5000  # longer than the extension's read buffer
        cfg["long"] = long
        assert uncached(cfg, "long") == long
    assert ("contains", ("a.b", "c")) in fallbacks and ("contains", "l") in fallbacks
    assert ("contains", 3) in fallbacks and ("contains", None) in fallbacks
    assert {("setitem", "x.y"), ("setitem", ("p",)), ("setitem", "s"), ("read", b"long")} <= set(fallbacks)


def _outcome(fn):
    try:
        return ("ok", fn())
    except Exception as e:  # the comparison is the point: any exception, by type and text
        return ("raises", type(e), str(e))


HOSTILE_KEYS = [
    "", "a", "a.b", "a..b", ".a", "a.", '"a.b"', '"unterminated', "a\\", "\x00", "a\x00b", "\ud800", "a.\udfff",
    "é", "\U0001f600", "l.0", "l.7", "l.-1", "s.x", "k" * 10_000, "k" * 3_000_000, None, 3, 3.5, b"a", ("a",),
    (), ("l", 0), ("l", True), ["a"], object(),
]


@pytest.mark.parametrize("key", HOSTILE_KEYS, ids=lambda k: repr(k)[:30])
def test_in_answers_as_the_python_path(key):
    with gocfg.Config({"a": {"b": 1}, "l": [1], "s": "str", "é": 1, "\x00": 0}) as cfg:
        assert _outcome(lambda: key in cfg) == _outcome(lambda: _config._contains(cfg, key))


@pytest.mark.parametrize("key", HOSTILE_KEYS, ids=lambda k: repr(k)[:30])
@pytest.mark.parametrize("value", ["v", "", "\ud800", "a\x00b", "x" * 100_000, 1, None, [1, {"a": 2}], object()],
                         ids=lambda v: repr(v)[:20])
def test_set_answers_as_the_python_path(key, value):
    def fresh():
        return gocfg.Config({"a": {"b": 1}, "l": [1], "s": "str"})

    with fresh() as c1, fresh() as c2:
        got = _outcome(lambda: c1.__setitem__(key, value))
        want = _outcome(lambda: _config._setitem(c2, key, value))
        assert got == want
        assert c1.to_dict() == c2.to_dict()


def test_frozen_and_closed_configs_raise_their_errors():
    cfg = gocfg.Config({"a": "b"}).freeze()
    with pytest.raises(gocfg.FrozenError):
        cfg["a"] = "c"
    assert cfg["a"] == "b" and "a" in cfg
    cfg.close()
    for op in (lambda: "a" in cfg, lambda: cfg.__setitem__("a", "c"), lambda: cfg["a"], lambda: len(cfg)):
        with pytest.raises(gocfg.ClosedError, match="closed gocfg.Config"):
            op()


def test_a_list_index_out_of_range_names_the_path():
    with gocfg.Config({"l": ["x"]}) as cfg:
        with pytest.raises(gocfg.KeyNotFoundError) as e:
            cfg["l.5"] = "v"
        assert "l.5" in str(e.value)
        with pytest.raises(KeyError):
            uncached(cfg, "nope")


# The extension builds str, int, float, bool and None itself (the rest goes
# to marshal.loads): every value must come back as it went in, type and all.
scalars = (st.text() | st.integers(min_value=-2**63, max_value=2**63 - 1) | st.floats() | st.booleans() | st.none()
           | st.dates() | st.lists(st.integers(), max_size=3))


@settings(max_examples=400, deadline=None)
@given(value=scalars)
def test_values_read_back_as_written(value):
    with gocfg.Config() as cfg:
        cfg["v"] = value
        got = uncached(cfg, "v")
        assert type(got) is type(value)
        if isinstance(value, float) and math.isnan(value):
            assert math.isnan(got)
        else:
            assert got == value
            if isinstance(value, float):
                assert math.copysign(1, got) == math.copysign(1, value)


def test_threads_closing_the_config_mid_call(no_leaks):
    # Readers, writers and membership tests on one Config while another
    # thread closes it: every call gives a right answer or ClosedError.
    for _ in range(20):
        cfg = gocfg.Config({"k": "v"})
        errors = []
        start = threading.Barrier(5)

        def worker(op):
            start.wait()
            try:
                for _ in range(2000):
                    try:
                        if op == 0:
                            assert "k" in cfg
                        elif op == 1:
                            cfg["k"] = "v"
                        elif op == 2:
                            assert uncached(cfg, "k") == "v"
                        else:
                            assert len(cfg) == 1
                    except gocfg.ClosedError:
                        return
            except BaseException as e:  # reported below
                errors.append(e)

        threads = [threading.Thread(target=worker, args=(op,)) for op in range(4)]
        for t in threads:
            t.start()
        start.wait()
        cfg.close()
        for t in threads:
            t.join()
        assert errors == []


def test_dates_and_maps_still_come_back_whole():
    when = dt.datetime(2024, 2, 29, 12, tzinfo=dt.timezone.utc)
    with gocfg.Config({"m": {"a": 1}, "w": when}) as cfg:
        assert isinstance(uncached(cfg, "m"), gocfg.Section)
        assert uncached(cfg, "w") == when


def test_an_uncached_str_read_is_one_c_call(cffi_calls, fallbacks, monkeypatch):
    # The whole miss path of cfg[str] in gocfg._hot.read_str: no cffi call,
    # no Python fallback, and it fills the cache as the Python path does.
    python_reads = []
    real_read = _capi.read_item
    monkeypatch.setattr(_capi, "read_item", lambda *a: python_reads.append(a[2]) or real_read(*a))
    with gocfg.Config({"a": "x", "n": 1.5, "t": True, "z": None, "big": 2**62}) as cfg:
        del cffi_calls[:]
        for key, want in (("a", "x"), ("n", 1.5), ("t", True), ("z", None), ("big", 2**62)):
            assert uncached(cfg, key) == want and type(cfg[key]) is type(want)
            cell, version, entries = cfg._cache
            assert entries == {key: want} and version == cell[0]
        assert cffi_calls == [] and fallbacks == [] and python_reads == []
        with pytest.raises(gocfg.KeyNotFoundError):
            uncached(cfg, "nope")  # handed back: the Python path reads again and raises
        assert python_reads == [b"nope"]


def test_an_uncached_str_read_answers_as_the_python_path(monkeypatch):
    when = dt.datetime(2024, 2, 29, 12, tzinfo=dt.timezone.utc)
    long_text = "é" * 2000  # longer than the C read's buffer: the Python path reads it
    data = {"s": "v", "w": when, "d": dt.date(2020, 1, 2), "l": [1, 2], "m": {"k": "v"}, "long": long_text,
            "a.b": "literal"}
    with gocfg.Config(data) as hot_cfg, gocfg.Config(data) as py_cfg:
        keys = ["s", "w", "d", "l", "m", "long", "m.k", "nope", "m.nope", "", ".", "\0", "\ud800", "l.0", "l.9"]
        hot_answers = [_answer(lambda k=k: uncached(hot_cfg, k)) for k in keys]
        monkeypatch.setattr(_capi, "read_str", _capi._read_str_py)  # the Python path only
        py_answers = [_answer(lambda k=k: uncached(py_cfg, k)) for k in keys]
        assert hot_answers == py_answers
        # Times are cached, lists (mutable) and maps (views) are not.
        for cfg in (hot_cfg, py_cfg):
            _drop(cfg, _snapshot.NEVER)
            for k in ("w", "d", "l", "m", "long"):
                cfg[k]
            assert sorted(cfg._cache[2]) == ["d", "long", "w"]


def _answer(read):
    try:
        v = read()
    except Exception as e:  # the error is part of the answer
        return ("error", type(e).__name__, str(e))
    if isinstance(v, gocfg.Section):
        return ("section", v.to_dict())
    return ("value", type(v).__name__, v)


def test_the_c_read_never_answers_for_another_key():
    class Sly(str):
        def __eq__(self, other):
            return True

        __hash__ = str.__hash__

    with gocfg.Config({"a": "x", "b": "y"}) as cfg:
        assert uncached(cfg, "a") == "x"
        assert cfg[Sly("b")] == "y"  # not the cached "a"
        assert cfg[("b",)] == "y"
        with pytest.raises(gocfg.KeyNotFoundError):
            cfg[Sly("nope")]


def test_a_write_between_reads_is_seen():
    with gocfg.Config({"a": "x"}) as cfg:
        assert uncached(cfg, "a") == "x"
        assert cfg["a"] == "x"  # cached
        other = threading.Thread(target=cfg.__setitem__, args=("a", "y"))
        other.start()
        other.join()
        assert cfg["a"] == "y"
        cfg.update({"a": 3})
        assert cfg["a"] == 3 and cfg._cache[2] == {"a": 3}


def test_a_closed_config_leaves_no_cache_behind():
    cfg = gocfg.Config({"a": "x"})
    assert uncached(cfg, "a") == "x"
    cfg.close()
    with pytest.raises(gocfg.ClosedError):
        cfg["a"]
    assert cfg._cache is _snapshot.NEVER
    with pytest.raises(gocfg.ClosedError):
        uncached(cfg, "a")
    assert cfg._cache is _snapshot.NEVER


def test_read_str_checks_its_arguments():
    with gocfg.Config({"a": "x"}) as cfg:
        from gocfg import _hot

        with pytest.raises(TypeError):
            _hot.read_str(cfg)
        with pytest.raises(TypeError):
            _hot.setup_read(42)
        # Not a Config (no cache slot): an AttributeError, not a crash.
        with pytest.raises(AttributeError):
            _hot.read_str(object(), "a")
        assert _hot.read_str(cfg, 5) is _capi._RETRY  # not a str: Python's to read


def test_the_version_cell_is_asked_for_by_the_first_read_in_c_and_follows_the_config(cffi_calls):
    from gocfg import _hot

    cfg = gocfg.Config({"a": 1})
    # Making a Config does not ask for its cell (a Config loaded and closed
    # or turned into a dict never needs it); the first read's miss asks,
    # through the extension, not cffi.
    del cffi_calls[:]
    other = _capi.config_copy(None, cfg._h, gocfg.Config._adopt)
    assert cfg._ver is None and other._ver is None
    assert cfg["a"] == 1 and other["a"] == 1
    assert "gocfg_config_version_cell" not in cffi_calls
    view = _hot.version_cell(cfg._hid)
    assert (view.format, view.itemsize, view.readonly, len(view)) == ("Q", 8, True, 1)
    with pytest.raises(TypeError):
        view[0] = 0  # read-only: Python never writes the library's counter
    # The same memory as the Config's own cell: a change moves both.
    before, other_before = view[0], other._ver[0]
    assert cfg._ver[0] == before and cfg._counter() is cfg._ver
    cfg["a"] = 2
    assert view[0] == cfg._ver[0] != before
    assert other._ver[0] == other_before  # the copy has a cell of its own
    assert cfg["a"] == 2 and other["a"] == 1
    # Asked for from Python (what the fork hook and validate() use) when
    # no read asked first; a closed Config's is one no cache is labelled
    # with, and the read that asked raises ClosedError.
    third = other.copy()
    assert third._ver is None and third._counter()[0] == _hot.version_cell(third._hid)[0]
    third.close()
    fourth = other.copy()
    fourth.close()
    assert fourth._ver is None and fourth._counter() is _snapshot.NEVER[0]
    with pytest.raises(gocfg.ClosedError):
        fourth["a"]
    cfg.close()
    other.close()
    # A freed or bogus handle: None, and the Python path raises the error
    # (ClosedError when its owner was closed meanwhile).
    assert _hot.version_cell(cfg._hid) is None
    assert _hot.version_cell(0) is None
    stale = _capi._ffi.cast("gocfg_config *", cfg._hid)
    with pytest.raises(gocfg.InvalidHandleError, match="stale handle"):
        _capi.version_cell(None, stale, cfg._hid)
    with pytest.raises(gocfg.ClosedError):
        _capi.version_cell(cfg, stale, cfg._hid)
    for bad in (None, "1", -1 << 70):
        with pytest.raises((TypeError, OverflowError)):
            _hot.version_cell(bad)


def test_a_hot_call_beside_a_long_change_does_not_wait_holding_the_gil():
    # While another thread's change holds the config (a big update() runs
    # in Go with the GIL released), the extension's calls do not wait for
    # it: they answer GOCFG_E_BUSY at once, and the public calls then wait
    # through cffi, which gives the GIL up, and answer as usual. Each call
    # is tried on its own, in a loop, for as long as one update() lasts,
    # until it meets the lock taken (bounded: 20 updates each).
    busy = int(_native.load().GOCFG_E_BUSY)
    hot = _native.hot
    cfg = gocfg.Config({"k": "v"})
    big = {f"x{i}": {"a": i, "b": [i, str(i)]} for i in range(100_000)}
    calls = {
        "contains": lambda: hot.contains(cfg._hid, b"k") == busy,
        "len": lambda: hot.len(cfg._hid, b"") == busy,
        "set": lambda: hot.set(cfg._hid, b"w", b"1") == busy,
        "read": lambda: hot.read(cfg._hid, b"k", None, bytes) is _capi._RETRY,
    }
    seen_busy = dict.fromkeys(calls, 0)
    answers = []
    for name, is_busy in calls.items():
        for _ in range(20):
            done = threading.Event()

            def writer():
                try:
                    cfg.update(big)
                finally:
                    done.set()

            t = threading.Thread(target=writer)
            t.start()
            while not done.is_set():
                if is_busy():
                    seen_busy[name] += 1
                    # The public calls, with the config still held (or
                    # just released): they wait, then answer.
                    answers.append(("k" in cfg, uncached(cfg, "k")))
                    cfg["w"] = "2"
                    break
            t.join()
            if seen_busy[name]:
                break
    assert all(seen_busy.values()), seen_busy
    assert answers and set(answers) == {(True, "v")}
    assert cfg["w"] == "2" and len(cfg) == len(big) + 2


def _python_calls(fn):
    """The Python functions called while fn() runs (profiler 'call' events)."""
    seen = []

    def prof(frame, event, arg):
        if event == "call" and frame.f_code.co_name != "<lambda>":  # fn itself, in these tests
            seen.append(frame.f_code.co_name)

    sys.setprofile(prof)
    try:
        fn()
    finally:
        sys.setprofile(None)
    return seen


def test_getitem_is_made_in_c_and_a_str_read_runs_no_python_frame():
    # Once the library is loaded, Config.__getitem__ is the extension's
    # method: a cached read and an uncached one of an exact str key run no
    # Python code at all; a read it cannot answer runs the rest of
    # __getitem__ in Python (and only that).
    with gocfg.Config({"a": "x", "n": 7, "m": {"k": 1}}) as cfg:  # loads the library
        assert type(gocfg.Config.__dict__["__getitem__"]).__module__ == "gocfg._hot"
        got = []
        assert _python_calls(lambda: got.append(uncached(cfg, "a"))) == ["uncached"]
        assert _python_calls(lambda: got.append(cfg["a"])) == []  # cached
        _drop(cfg, _snapshot.NEVER)
        assert _python_calls(lambda: got.append(cfg["n"])) == []  # uncached, in C
        assert got == ["x", "x", 7]
        assert "_read_rest" in _python_calls(lambda: got.append(cfg["a", ]))  # a tuple key: Python
        assert "_read_rest" in _python_calls(lambda: pytest.raises(KeyError, lambda: cfg["zz"]))
        assert got[-1] == "x"


class _Str(str):
    pass


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.sampled_from(["a", "n", "m", "m.k", "l", "l[1]", "t", "w", "big", "u", "missing", "m.zz", "",
                                  "l[9]", "a.b", "é", "\ud800"]),
                 st.text(max_size=6)),
       st.sampled_from(["str", "subclass", "tuple"]), st.booleans())
def test_getitem_in_c_answers_as_the_python_method_does(key, shape, cached):
    # The C method is a shortcut: for every key shape, cached or not, it
    # gives what Config's own Python __getitem__ gives, value or exception.
    _native.load()
    py_getitem = _capi._class_methods["__getitem__"]
    c_getitem = gocfg.Config.__dict__["__getitem__"]
    assert type(c_getitem).__module__ == "gocfg._hot"
    data = {"a": "x" * 3, "n": 1.5, "m": {"k": 1}, "l": [1, "two", None], "t": True,
            "w": dt.datetime(2024, 2, 29, 12, tzinfo=dt.timezone.utc), "big": "y" * 100_000, "u": None, "é": 2}
    k = key if shape == "str" else _Str(key) if shape == "subclass" else (key,)

    def outcome(getitem, cfg):
        if not cached:
            _drop(cfg, _snapshot.NEVER)
        try:
            v = getitem(cfg, k)
        except Exception as e:  # compared below: the same class and message
            return type(e), str(e)
        return ("section", v.path) if isinstance(v, gocfg.Section) else (type(v), v)

    with gocfg.Config(data) as one, gocfg.Config(data) as two:
        if cached:  # warm each cache through its own method
            outcome(c_getitem, one)
            outcome(py_getitem, two)
        assert outcome(c_getitem, one) == outcome(py_getitem, two)


def test_getitem_in_c_on_a_closed_config_and_through_super():
    class Mine(gocfg.Config):
        def __getitem__(self, key):
            return ("mine", super().__getitem__(key))

    with Mine({"a": 1}) as cfg:
        assert cfg["a"] == ("mine", 1) and cfg["a"] == ("mine", 1)
    cfg = gocfg.Config({"a": 1})
    assert cfg["a"] == 1  # cached
    cfg.close()
    for _ in range(2):  # the cache is gone with the handle
        with pytest.raises(gocfg.ClosedError):
            cfg["a"]
    getitem = gocfg.Config.__dict__["__getitem__"]
    with pytest.raises(TypeError):
        getitem(cfg)
    with pytest.raises(AttributeError):
        getitem(object(), "a")  # not a Config: no cache slot

    class Bare(gocfg.Config):
        def __init__(self):
            pass  # forgot super().__init__(): Python's message names the mistake

    with pytest.raises(AttributeError, match=r"never initialized \(a subclass's __init__ must call"):
        Bare()["a"]
