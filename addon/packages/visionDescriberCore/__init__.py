"""Vision Describer's core: everything that does not need NVDA.

It runs and is tested on any machine, and as a command-line tool (`python -m visionDescriberCore`).
Inside NVDA this folder is put on sys.path by the add-on's library loader. Imports only go down
this table (tests/core/test_layering.py checks every import against it):

	top       __main__ > cli > cliOptions > voiceCli, watchCli > cliOutput, cliPictures > cliWording
	          > describing, voiceQuestions > describingPictures, describingRequests > jobs, settings, apiKeys
	features  voice/, watch/
	services  clients/ > conversation/ > text/, imaging/
	bottom    errors, i18n, cancellation, media, bundleTargets
"""

__version__ = "0.1.0"
