"""Vision Describer's core: everything that does not need NVDA.

Clients, streaming, conversation, capture, image preparation, phrase splitting, secrets,
settings and the command-line tool live here, so they run and are tested on any machine.
Inside NVDA this folder is put on sys.path by the add-on's library loader.
"""

__version__ = "0.1.0"
