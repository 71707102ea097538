"""Fake of NVDA's locationHelper: screen points and rectangles as named tuples.

Rectangles compare by the area they cover, so RectLTWH(0, 0, 10, 10) == RectLTRB(0, 0, 10, 10), and a
rectangle that does not overlap another intersects it in an all-zero rectangle, both as in NVDA.
"""

from collections import namedtuple


class Point(namedtuple("Point", ("x", "y"))):
	def __add__(self, other):
		return Point(self.x + other.x, self.y + other.y)

	def __sub__(self, other):
		return Point(self.x - other.x, self.y - other.y)


class _RectMixin:
	@property
	def topLeft(self):
		return Point(self.left, self.top)

	@property
	def bottomRight(self):
		return Point(self.right, self.bottom)

	@property
	def center(self):
		return Point(int(round(self.left + self.width / 2.0)), int(round(self.top + self.height / 2.0)))

	def __eq__(self, other):
		if not isinstance(other, _RectMixin):
			return NotImplemented
		return (self.left, self.top, self.right, self.bottom) == (
			other.left,
			other.top,
			other.right,
			other.bottom,
		)

	def __ne__(self, other):
		if not isinstance(other, _RectMixin):
			return NotImplemented
		return not self == other

	def __hash__(self):
		return hash((self.left, self.top, self.right, self.bottom))

	def __contains__(self, other):
		if isinstance(other, Point):
			return self.left <= other.x < self.right and self.top <= other.y < self.bottom
		if not isinstance(other, _RectMixin):
			return NotImplemented
		return self.isSuperset(other) and self != other

	def isSubset(self, other):
		if not isinstance(other, _RectMixin):
			return False
		return other.isSuperset(self)

	def isSuperset(self, other):
		if not isinstance(other, _RectMixin):
			raise TypeError("other should be a rectangle")
		return (
			self.left <= other.left <= other.right <= self.right
			and self.top <= other.top <= other.bottom <= self.bottom
		)

	def intersection(self, other):
		if not isinstance(other, _RectMixin):
			raise TypeError("other should be a rectangle")
		left, top = max(self.left, other.left), max(self.top, other.top)
		right, bottom = min(self.right, other.right), min(self.bottom, other.bottom)
		if left > right or top > bottom:
			left = top = right = bottom = 0
		if isinstance(self, RectLTWH):
			return RectLTWH(left, top, right - left, bottom - top)
		return RectLTRB(left, top, right, bottom)


class RectLTWH(_RectMixin, namedtuple("RectLTWH", ("left", "top", "width", "height"))):
	"""left, top, width, height; NVDAObject.location is one of these (or None)."""

	@property
	def right(self):
		return self.left + self.width

	@property
	def bottom(self):
		return self.top + self.height

	def toLTRB(self):
		return RectLTRB(self.left, self.top, self.right, self.bottom)


class RectLTRB(_RectMixin, namedtuple("RectLTRB", ("left", "top", "right", "bottom"))):
	def __new__(cls, left, top, right, bottom):
		if left > right:
			raise ValueError(f"left={left} is greater than right={right}, which is not allowed")
		if top > bottom:
			raise ValueError(f"top={top} is greater than bottom={bottom}, which is not allowed")
		return super().__new__(cls, left, top, right, bottom)

	@property
	def width(self):
		return self.right - self.left

	@property
	def height(self):
		return self.bottom - self.top

	def toLTWH(self):
		return RectLTWH(self.left, self.top, self.width, self.height)
