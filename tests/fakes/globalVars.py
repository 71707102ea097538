"""Fake of NVDA's globalVars: the objects NVDA tracks and its command-line arguments.

`appArgs.secure` is True when NVDA runs on a secure screen (sign-in, UAC). The `api` fake reads and
writes the focus, foreground and navigator objects here, as NVDA's api module does.
"""

import argparse
import os


class DefaultAppArgs(argparse.Namespace):
	quit = False
	check_running = False
	logFileName = ""
	logLevel = 0
	configPath = None
	language = "en"
	minimal = False
	secure = False
	disableAddons = False
	debugLogging = False
	noLogging = False


desktopObject = None
foregroundObject = None
focusObject = None
navigatorObject = None
appArgs = DefaultAppArgs()
appPid = os.getpid()
