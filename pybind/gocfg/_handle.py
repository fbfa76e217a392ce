"""The base of every class that owns a library handle.

A Python object owns exactly one handle, in ``_h`` (None once closed).
``close()`` releases it and may be called any number of times; ``with``
closes on exit; garbage collection closes a forgotten object, except during
interpreter shutdown (the library may be half torn down) and in a child
created by os.fork() (the handle belongs to the parent's Go runtime).
"""
from __future__ import annotations

import sys
from typing import Any, ClassVar, Optional, TypeVar

from . import _capi
from .errors import ClosedError

H = TypeVar("H", bound="Handle")


class Handle:
    """Lifecycle of one library handle: close, with, __del__, ClosedError.

    Subclasses name themselves in ``_what`` (for messages), declare ``_h``
    in their own ``__slots__`` (this class has none, so that it mixes with
    other slotted bases) and release the handle in ``_release``.
    """

    __slots__ = ()
    _what: ClassVar[str] = "gocfg object"
    _h: Optional[Any]

    def _release(self, h: Any) -> None:
        raise NotImplementedError

    def _fresh(self) -> None:
        """Called first by each __init__: a second __init__ on an object
        that holds a live handle (a subclass calling it twice, or
        ``cfg.__init__(other)``) would take a new handle and leave the old
        one unfreed for the life of the process, and would swap the data of
        a frozen or watched Config under its user. It is refused instead."""
        try:
            # Past __getattr__, which would build its message for nothing.
            h = object.__getattribute__(self, "_h")
        except AttributeError:
            return  # the first __init__
        if h is not None:
            raise TypeError(f"{self._what} is already initialized: __init__ may run once on an open object "
                            f"(make a new one, or close() this one first)")

    def _missing_attribute(self, name: str) -> AttributeError:
        """The AttributeError for ``name``, an attribute that is not set.
        One of the object's own slots is unset only when its __init__ never
        ran (a subclass whose __init__ does not call super().__init__()):
        said so, where Python would name only the private slot."""
        # Dunder names (hasattr(v, "__fspath__") and the like) are never slots here.
        if name[:2] != "__" and any(name in getattr(c, "__slots__", ()) for c in type(self).__mro__):
            return AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}: this {self._what} "
                                  f"was never initialized (a subclass's __init__ must call super().__init__())")
        return AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def __getattr__(self, name: str) -> Any:
        # Only reached when normal lookup fails (Config's comes from Section).
        raise self._missing_attribute(name)

    def __reduce__(self) -> Any:
        # A handle belongs to this process and to one owner: a pickle could
        # not carry it, and a copy that shared it would be closed by the
        # other's close() (copy.copy did just that). A Config overrides
        # this: it pickles and copies as its data.
        raise TypeError(f"a {self._what} cannot be pickled or copied: it holds a live connection to the "
                        f"library in this process (open another one where it is needed)")

    def _closed_error(self) -> ClosedError:
        # A read after the with block is the usual way to meet it.
        return ClosedError(f"operation on a closed {self._what} (closed by close() or at the end of its with block)")

    def _handle(self) -> Any:
        """The live handle; ClosedError after close()."""
        h = self._h
        if h is None:
            raise self._closed_error()
        return h

    def close(self) -> None:
        """Release the object. Calling it again does nothing."""
        h = self._h
        if h is None:
            return
        # Free first, then forget: a KeyboardInterrupt (or any signal
        # handler's exception) can land at any call boundary, and landing
        # between the two steps must not lose the handle unfreed. The other
        # order could; this one at worst leaves a freed handle in _h for a
        # moment, and freeing it again, or using it, is harmless (a freed
        # handle never becomes valid again; calls on it raise ClosedError).
        self._release(h)
        self._h = None  # type: ignore[misc]  # the subclass's slot

    @property
    def closed(self) -> bool:
        """Whether close() was called (then every use but close() raises
        gocfg.ClosedError)."""
        return self._h is None

    def __enter__(self: H) -> H:
        self._handle()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def __del__(self) -> None:
        # Never raise here; free nothing at interpreter shutdown or in a
        # forked child (the handle belongs to the parent's Go runtime).
        try:
            if getattr(self, "_h", None) is not None and not sys.is_finalizing() and _capi.usable():
                self.close()
        except Exception:
            pass
