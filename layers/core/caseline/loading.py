"""A handler's cold start without garbage collection (docs/adr/0005-lean-cold-start.md).

Importing builds tens of thousands of objects and no garbage, yet the collector would run about a hundred
times while a handler's modules load. Each ``handler.py`` calls ``pause()`` before its imports and
``resume()`` at its end: what loading built is frozen (it lives as long as the process, so later
collections need not walk it) and the collector runs again.
"""

import gc


def pause() -> None:
    gc.disable()


def resume() -> None:
    gc.freeze()
    gc.enable()
