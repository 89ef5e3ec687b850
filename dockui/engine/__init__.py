"""The only layer that talks to docker-py: plain data out, no Textual in."""

import importlib
import importlib.util
import sys
import types


class _Deferred(types.ModuleType):
    """A stand-in for a module that is imported for real on first attribute use."""

    def __getattr__(self, attr: str) -> object:
        real = sys.modules.get(self.__name__)
        if real is None or real is self:
            sys.modules.pop(self.__name__, None)
            real = importlib.import_module(self.__name__)
        return getattr(real, attr)


def _defer_import(name: str) -> None:
    """Make ``import name`` cheap until the module is used.

    docker-py imports paramiko (0.1-0.25 s here) for its ssh transport when it is itself
    imported; most sessions never open an ssh connection, and start-up is what users see
    first. (importlib's LazyLoader does not help: the import statement itself reads the
    module's ``__spec__``, which makes it load.)
    """
    if name in sys.modules:
        return
    spec = importlib.util.find_spec(name)
    if spec is None:
        return
    stand_in = _Deferred(name)
    stand_in.__spec__ = spec
    sys.modules[name] = stand_in


_defer_import("paramiko")
