"""Mutants of a module: one classic edit at a time, each with an id that stays put between runs.

The edits are the ones a slip of the keyboard makes and a weak test lets through: a comparison
flipped or widened, a constant off by one, `and`/`or` and `any`/`all` swapped, a boolean negated,
a statement deleted (replaced by `pass`), a `return` of something made `return None`. Each mutant is
the module's whole source with one edit, made on the syntax tree so it is always valid Python, then
written back into the original text in place of the edited node (so comments, formatting and line
numbers stay, and a traceback under a mutant points at the right line). Where that text edit would
not give exactly the mutated tree (an f-string's inside on older Pythons), the whole module is
unparsed instead.

An id is `line:column:operator`, plus `#n` when one place has several edits of the same kind; it
names the same mutant as long as the lines above it are unchanged (the equivalent-mutant file
relies on that).
"""

import ast
import copy
from collections.abc import Iterator
from dataclasses import dataclass

COMPARE_SWAPS = {
	ast.Lt: [ast.LtE, ast.Gt],
	ast.LtE: [ast.Lt, ast.GtE],
	ast.Gt: [ast.GtE, ast.Lt],
	ast.GtE: [ast.Gt, ast.LtE],
	ast.Eq: [ast.NotEq],
	ast.NotEq: [ast.Eq],
	ast.Is: [ast.IsNot],
	ast.IsNot: [ast.Is],
	ast.In: [ast.NotIn],
	ast.NotIn: [ast.In],
}
BINARY_SWAPS = {
	ast.Add: ast.Sub,
	ast.Sub: ast.Add,
	ast.Mult: ast.Div,
	ast.Div: ast.Mult,
	ast.FloorDiv: ast.Mult,
}


@dataclass(frozen=True)
class Mutant:
	id: str
	description: str
	source: str
	#: The edited line before and after the edit, for the report (stripped of indentation).
	line: int = 0
	before: str = ""
	after: str = ""


class _Collector(ast.NodeVisitor):
	"""Finds every place an edit can be made: (node path, operator name, how to apply)."""

	def __init__(self):
		self.sites: list[tuple[ast.AST, str, object]] = []

	def add(self, node, name, change):
		self.sites.append((node, name, change))

	def visit_Compare(self, node):
		for index, op in enumerate(node.ops):
			for replacement in COMPARE_SWAPS.get(type(op), []):
				self.add(
					node, f"compare {type(op).__name__}->{replacement.__name__}", ("op", index, replacement)
				)
		self.generic_visit(node)

	def visit_BoolOp(self, node):
		other = ast.Or if isinstance(node.op, ast.And) else ast.And
		self.add(node, f"boolean {type(node.op).__name__}->{other.__name__}", ("boolop", other))
		self.generic_visit(node)

	def visit_BinOp(self, node):
		replacement = BINARY_SWAPS.get(type(node.op))
		if replacement is not None:
			self.add(
				node, f"arithmetic {type(node.op).__name__}->{replacement.__name__}", ("binop", replacement)
			)
		self.generic_visit(node)

	def visit_UnaryOp(self, node):
		if isinstance(node.op, ast.Not):
			self.add(node, "negation removed", ("unnot",))
		self.generic_visit(node)

	def visit_Constant(self, node):
		value = node.value
		if isinstance(value, bool):
			self.add(node, f"constant {value}->{not value}", ("const", not value))
		elif isinstance(value, int | float) and not isinstance(value, bool):
			self.add(node, f"constant {value}->{value + 1}", ("const", value + 1))
			self.add(node, f"constant {value}->{value - 1}", ("const", value - 1))

	def visit_Call(self, node):
		if isinstance(node.func, ast.Name) and node.func.id in ("any", "all"):
			other = "all" if node.func.id == "any" else "any"
			self.add(node, f"call {node.func.id}->{other}", ("callname", other))
		self.generic_visit(node)

	def visit_Return(self, node):
		if node.value is not None and not (isinstance(node.value, ast.Constant) and node.value.value is None):
			self.add(node, "return None", ("returnNone",))
		self.generic_visit(node)

	def _statements(self, body):
		deletable = ast.Expr | ast.Assign | ast.AugAssign | ast.Return | ast.Raise | ast.If
		for statement in body:
			isDocstring = isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant)
			if isinstance(statement, deletable) and not isDocstring:
				self.add(statement, "statement deleted", ("delete",))

	def visit_FunctionDef(self, node):
		self._statements(node.body)
		self.generic_visit(node)

	def visit_For(self, node):
		self._statements(node.body)
		self.generic_visit(node)

	def visit_While(self, node):
		self._statements(node.body)
		self.generic_visit(node)

	def visit_If(self, node):
		self._statements(node.body)
		self._statements(node.orelse)
		self.generic_visit(node)


def _apply(node, change) -> None:
	kind = change[0]
	if kind == "op":
		node.ops[change[1]] = change[2]()
	elif kind == "boolop" or kind == "binop":
		node.op = change[1]()
	elif kind == "unnot":
		replacement = node.operand
		node.__class__ = replacement.__class__
		node.__dict__.update(replacement.__dict__)
	elif kind == "const":
		node.value = change[1]
	elif kind == "callname":
		node.func.id = change[1]
	elif kind == "returnNone":
		node.value = ast.Constant(value=None)
	elif kind == "delete":
		node.__class__ = ast.Pass
		node.__dict__ = {"lineno": node.lineno, "col_offset": node.col_offset}


def _isDocstringOrAnnotation(tree: ast.AST) -> set[int]:
	"""Nodes not worth mutating: type annotations (never run) and module/class constants' docstrings."""
	skip = set()
	for node in ast.walk(tree):
		for annotation in (getattr(node, "annotation", None), getattr(node, "returns", None)):
			if annotation is not None:
				skip |= {id(child) for child in ast.walk(annotation)}
	return skip


def mutantsOf(source: str) -> Iterator[Mutant]:
	tree = ast.parse(source)
	collector = _Collector()
	collector.visit(tree)
	skip = _isDocstringOrAnnotation(tree)
	seen: dict[str, int] = {}
	nodes = list(ast.walk(tree))
	for node, name, change in collector.sites:
		if id(node) in skip:
			continue
		base = f"{node.lineno}:{node.col_offset}:{name}"
		seen[base] = seen.get(base, 0) + 1
		mutantId = base if seen[base] == 1 else f"{base}#{seen[base]}"
		mutated = copy.deepcopy(tree)
		index = nodes.index(node)
		target = list(ast.walk(mutated))[index]
		_apply(target, change)
		ast.fix_missing_locations(mutated)
		text = _replaceSegment(source, node, ast.unparse(target))
		# Compared as unparsed text: a constant -1 is written as the expression -(1).
		if text is None or ast.unparse(ast.parse(text)) != ast.unparse(mutated):
			text = ast.unparse(mutated)
			after = "(whole module unparsed)"
		else:
			after = text.splitlines()[node.lineno - 1].strip()
		before = source.splitlines()[node.lineno - 1].strip()
		if node.end_lineno != node.lineno:
			before += f"  (to line {node.end_lineno})"
		yield Mutant(mutantId, name, text, node.lineno, before, after)


def _replaceSegment(source: str, node: ast.AST, replacement: str) -> str | None:
	"""The source with the node's own text replaced, or None when the node has no position.

	Positions are in UTF-8 bytes within a line (ast's convention), so they are counted on bytes."""
	if getattr(node, "end_lineno", None) is None:
		return None
	lines = source.splitlines(keepends=True)

	def offset(line: int, column: int) -> int:
		return sum(len(text.encode("utf-8")) for text in lines[: line - 1]) + column

	data = source.encode("utf-8")
	start = offset(node.lineno, node.col_offset)
	end = offset(node.end_lineno, node.end_col_offset)
	if data[start:end].startswith(b"elif"):
		replacement = "else: " + replacement  # a deleted `elif` leaves its `else` with a `pass`
	try:
		return (data[:start] + replacement.encode("utf-8") + data[end:]).decode("utf-8")
	except UnicodeDecodeError:
		return None
