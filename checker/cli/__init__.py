"""The command line: ``checker check`` and ``checker rules``."""

import gc

# Importing the command line makes some hundred thousand objects (modules, classes, functions,
# tables) and next to no garbage, and the cycle collector would walk them some forty times while
# they are made: a few per cent of an offline check's start-up. It is paused meanwhile, and what
# was made is then handed to the oldest generation (``freeze`` then ``unfreeze``), where objects
# that had lived through those collections would be: the first collection after does not walk
# it all again. Not when the process has frozen objects of its own: ``unfreeze`` would thaw them too.
_collecting, _alone = gc.isenabled(), not gc.get_freeze_count()
gc.disable()
try:
    from checker.cli.commands import main
finally:
    if _alone:
        gc.freeze()
        gc.unfreeze()
    if _collecting:
        gc.enable()

__all__ = ["main"]
