"""Imported by the Windows Python under Wine at every start (its ._pth file ends with `import site`).

- `platform.system()` asks WMI for the Windows version through `_wmi`, which calls propsys.dll's
  VariantToString; Wine 8 lacks that function and aborts the whole process. Real Windows has it, so
  this is a stub for Wine only: with `_wmi` unimportable, `platform` falls back to
  `sys.getwindowsversion()`. mss calls `platform.system()` to choose its Windows backend.
- VISION_DESCRIBER_TEST_PATH (Windows paths separated by ";") is appended to sys.path: a ._pth file
  makes Python ignore PYTHONPATH, and the command-line tool needs the add-on's folders on its path.
"""

import os
import sys

sys.modules["_wmi"] = None  # Wine 8 only; see above

for _entry in os.environ.get("VISION_DESCRIBER_TEST_PATH", "").split(";"):
	if _entry:
		sys.path.append(_entry)
