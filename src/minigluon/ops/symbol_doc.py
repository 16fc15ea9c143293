"""Docstrings of ``sym.<op>``: the op's docstring retyped for Symbols, with a graph example.

An op's docstring is written for NDArrays (``data : NDArray``, an ``nd`` example). On the pages
of ``sym.<op>`` and ``Symbol.<method>`` the Parameters and Returns say Symbol, and the Examples
section builds a graph, infers its shapes and evaluates it. That example is translated from the
op's ``nd`` example, whose output the doctests already check: the values ``eval`` prints and the
output shape ``infer_shape`` reports are the ones the ``nd`` call printed, so a symbol graph that
computes something else than ``nd`` fails the same doctests. ``nd.relu(nd.array([-1, 0.5]))``
printing ``[0. 0.5]`` becomes::

    >>> data = sym.var('data')
    >>> out = sym.relu(data)
    >>> out.infer_shape(data=(2,))
    ([(2,)], [(2,)], [])
    >>> out.eval(data=nd.array([-1, 0.5]))[0]   # prints [0. 0.5], as nd.relu did

Where an op's first ``nd`` example cannot be translated (its output is not shown, or its input
shapes are not literal), :data:`NDARRAY_EXAMPLES` holds an ``nd`` example written for the
translation; tests run those as ``nd`` doctests too, so their outputs are checked the same way.
"""

from __future__ import annotations

import ast
import doctest
import io
import re
import tokenize
from collections.abc import Iterator
from dataclasses import dataclass, field

from .registry import Op

__all__ = ["NDARRAY_EXAMPLES", "Origin", "SymbolExampleError", "doctest_text", "graph_example",
           "nd_example", "retyped", "symbol_doc"]

#: ``nd`` examples for the symbol pages of ops whose docstring example cannot be translated
#: (see the module docstring), by op name. Each is run as an ``nd`` doctest by the tests.
NDARRAY_EXAMPLES: dict[str, str] = {
    # the op's example is about gradients, which eval does not compute
    "BlockGrad": """
        >>> from minigluon import nd
        >>> nd.BlockGrad(nd.array([1, 2]))  # the forward pass is the identity
        <BLANKLINE>
        [1. 2.]
        <NDArray 2 @cpu(0)>
        """,
    # the op's example is symbolic already (the label variable it makes)
    "SoftmaxOutput": """
        >>> from minigluon import nd
        >>> nd.SoftmaxOutput(nd.array([[0, 2], [3, 3]]), nd.array([1, 0]))
        <BLANKLINE>
        [[0.11920292 0.880797  ]
         [0.5        0.5       ]]
        <NDArray 2x2 @cpu(0)>
        """,
    # the op's example reshapes the result, which hides the output shape
    "space_to_depth": """
        >>> from minigluon import nd
        >>> nd.space_to_depth(nd.array([[[[0, 1], [2, 3]]]]), block_size=2)
        <BLANKLINE>
        [[[[0.]]
        <BLANKLINE>
          [[1.]]
        <BLANKLINE>
          [[2.]]
        <BLANKLINE>
          [[3.]]]]
        <NDArray 1x4x1x1 @cpu(0)>
        """,
    # the op's example shows one of the two outputs
    "split": """
        >>> from minigluon import nd
        >>> x = nd.array([[1, 2, 3, 4], [5, 6, 7, 8]])
        >>> nd.split(x, num_outputs=2)
        [
        [[1. 2.]
         [5. 6.]]
        <NDArray 2x2 @cpu(0)>,
        [[3. 4.]
         [7. 8.]]
        <NDArray 2x2 @cpu(0)>]
        """,
}

_LINE = 92  # wrap generated calls longer than this (the page's code box)
_SECTION = re.compile(r"^(?P<title>[A-Z][A-Za-z ]*)\n-{4,}\n", re.M)
_RETYPED = ("Parameters", "Other Parameters", "Returns", "Yields")
_FOOTER = re.compile(r"<NDArray ([\dx]*) @[^>]+>")
_ND = ("nd", "mx.nd", "ndarray", "mx.ndarray")
_SPACES = ("", ".random", ".contrib", ".linalg")
_ND_PREFIXES = tuple(p + s for p in _ND for s in _SPACES)


class SymbolExampleError(ValueError):
    """An ``nd`` example the translation cannot turn into a graph example."""


# -- Parameters and Returns -----------------------------------------------------------------
# Symbol ops take their sampling parameters as numbers only (sym.normal(loc=sym.var('a')) has
# no input for ``loc``), so the NDArray-parameter forms of the random ops are left out.
_PROSE = [
    (re.compile(r"float or NDArray"), "float"),
    (re.compile(r" \(per parameter entry if [^)]*NDArrays?\)"), ""),
    (re.compile(r", or ``\w+\.shape \+ shape`` for (?:an )?NDArray[^.]*"), ""),
    (re.compile(r"\b(?:NDArray or Symbol|Symbol or NDArray)\b"), "Symbol"),
    (re.compile(r"\b(?:NDArray or )?list of NDArrays?\b"), "Symbol"),
    (re.compile(r"\ban NDArray\b"), "a Symbol"),
    # NDArray as a type (not ``NDArray.method``, a reference to the array class's own page)
    (re.compile(r"(?<![\w.`])NDArrays\b"), "Symbols"),
    (re.compile(r"(?<![\w.`])NDArray\b(?!\.\w)"), "Symbol"),
]
_GROUP = re.compile(r"^(?P<type>(?:NDArray or )?list of NDArrays?)\n(?P<body>(?: {4}.*\n?)*)",
                    re.M)
_GROUP_NOTE = ("    Several outputs are one Symbol, a group: ``out[i]`` is output ``i``\n"
               "    and ``eval`` returns them all.\n")


def _sections(doc: str) -> Iterator[tuple[str, int, int]]:
    """(title, start of body, end of body) of each numpydoc section of ``doc``."""
    heads = list(_SECTION.finditer(doc))
    for i, m in enumerate(heads):
        end = heads[i + 1].start() if i + 1 < len(heads) else len(doc)
        yield m["title"], m.end(), end


def _retype(body: str) -> str:
    body = _GROUP.sub(lambda m: m[0].rstrip("\n") + "\n" + _GROUP_NOTE, body)
    for pattern, repl in _PROSE:
        body = pattern.sub(repl, body)
    return body


def retyped(doc: str) -> str:
    """``doc`` with the types in its Parameters and Returns sections said for Symbols."""
    out, last = [], 0
    for title, start, end in _sections(doc):
        if title in _RETYPED:
            out += [doc[last:start], _retype(doc[start:end])]
            last = end
    return "".join(out) + doc[last:]


# -- the graph example ----------------------------------------------------------------------
def _render(source: str, want: str = "") -> str:
    lines = source.rstrip("\n").split("\n")
    text = "\n".join([">>> " + lines[0]] + ["... " + line for line in lines[1:]])
    if want:
        text += "\n" + "\n".join(line if line.strip() else "<BLANKLINE>"
                                 for line in want.rstrip("\n").split("\n"))
    return text


def _dotted(node: ast.AST) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = _dotted(node.value)
        return f"{base}.{node.attr}" if base else ""
    return ""


def _literal_shape(node: ast.AST) -> tuple | None:
    """Shape of a nested list literal of numbers (``[[1, 2], [3, float('nan')]]``)."""
    if isinstance(node, (ast.List, ast.Tuple)):
        inner = {_literal_shape(e) for e in node.elts}
        if len(inner) != 1 or None in inner:
            return None if node.elts else (0,)
        return (len(node.elts), *inner.pop())
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        return _literal_shape(node.operand)
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)):
        return ()
    if isinstance(node, ast.Call) and _dotted(node.func) == "float":
        return ()
    return None


def _shape_arg(node: ast.AST) -> tuple | None:
    try:
        value = ast.literal_eval(node)
    except ValueError:
        return None
    if isinstance(value, int):
        return (value,)
    if isinstance(value, tuple) and all(isinstance(v, int) and v > 0 for v in value):
        return value
    return None


def _shape(node: ast.AST, env: dict[str, tuple]) -> tuple | None:
    """The shape of the NDArray an expression of an ``nd`` example makes, where it is literal."""
    if isinstance(node, ast.Name):
        return env.get(node.id)
    if isinstance(node, ast.UnaryOp):
        return _shape(node.operand, env)
    if isinstance(node, (ast.BinOp, ast.Compare)):
        sides = [node.left, node.right] if isinstance(node, ast.BinOp) else [node.left,
                                                                             *node.comparators]
        shapes = [_shape(s, env) for s in sides if not isinstance(s, ast.Constant)]
        return shapes[0] if shapes and all(s == shapes[0] for s in shapes) else None
    if not isinstance(node, ast.Call):
        return None
    func = _dotted(node.func)
    base, _, name = func.rpartition(".")
    if (isinstance(node.func, ast.Attribute) and node.func.attr == "reshape"
            and base not in _ND_PREFIXES):  # x.reshape(shape), not nd.reshape(x, shape)
        arg = node.args[0] if node.args else next(
            (k.value for k in node.keywords if k.arg == "shape"), None)
        return _shape_arg(arg) if arg is not None else None
    if base not in _ND_PREFIXES or not node.args:
        return None
    if name == "array":
        return _literal_shape(node.args[0])
    if name in ("ones", "zeros", "empty", "full"):
        return _shape_arg(node.args[0])
    if name == "arange" and len(node.args) == 1 and not node.keywords:
        return _shape_arg(node.args[0])
    return None


def _literal(text: str) -> object:
    try:
        return ast.literal_eval(text.strip())
    except (ValueError, SyntaxError):
        return None


def _footers(want: str) -> list[tuple]:
    return [tuple(int(d) for d in dims.split("x")) if dims else ()
            for dims in _FOOTER.findall(want)]


def _comment(source: str) -> str:
    """The trailing ``# comment`` of a one-line source, or ''."""
    if "#" not in source:
        return ""
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    except (tokenize.TokenError, SyntaxError):
        return ""
    return next((t.string for t in tokens if t.type == tokenize.COMMENT), "")


def _wrap(head: str, args: list[str], tail: str = "") -> str:
    """``head(arg, ...)tail`` as doctest source, broken at arguments to fit the page."""
    one = f"{head}({', '.join(args)}){tail}"
    if len(one) + 4 <= _LINE or len(args) < 2:
        return one
    lines, line = [], f"{head}("
    indent = " " * len(line)
    for i, arg in enumerate(args):
        piece = arg + (", " if i < len(args) - 1 else f"){tail}")
        if len(line) + len(piece.rstrip()) + 4 > _LINE and line.strip() != f"{head}(":
            lines.append(line.rstrip())
            line = indent
        line += piece
    return "\n".join([*lines, line])


@dataclass
class _Subject:
    """The first ``nd.<op>(...)`` of an example section whose output is shown."""

    index: int  # of the example
    call: ast.Call
    kind: str  # 'value', 'shape', 'item' (``[i]`` of the result) or 'assign'
    item: str = ""  # the ``[i]`` source for 'item'
    targets: str = ""  # the assignment's targets for 'assign'
    out_shapes: list[tuple] = field(default_factory=list)


class _Translation:
    def __init__(self, op: Op, text: str) -> None:
        self.op = op
        self.examples = doctest.DocTestParser().get_examples(text)
        self.trees: list[ast.Module | None] = []
        self.names: list[set[str]] = []  # the names each example reads or binds
        self.calls: list[list[tuple[str, str]]] = []  # (dotted callee, method name) of each
        for e in self.examples:
            try:
                tree: ast.Module | None = ast.parse(e.source)
            except SyntaxError:
                tree = None
            nodes = list(ast.walk(tree)) if tree is not None else []
            self.trees.append(tree)
            self.names.append({n.id for n in nodes if isinstance(n, ast.Name)})
            self.calls.append([(_dotted(n.func), getattr(n.func, "attr", ""))
                               for n in nodes if isinstance(n, ast.Call)])
        names = {op.name, *op.aliases, *op.root_aliases}
        self.nd_names = {f"{p}.{n}" for p in _ND_PREFIXES for n in names}

    def _calls_op(self, i: int) -> bool:
        """Whether example ``i`` calls the op through nd (a function or an NDArray method)."""
        return any(func in self.nd_names
                   or (self.op.method and attr == self.op.method
                       and not func.startswith(("sym.", "mx.sym.")))
                   for func, attr in self.calls[i])

    def _is_subject_call(self, node: ast.AST) -> bool:
        return isinstance(node, ast.Call) and _dotted(node.func) in self.nd_names

    def subject(self) -> _Subject:
        for i, (e, tree) in enumerate(zip(self.examples, self.trees)):
            if tree is None or len(tree.body) != 1 or e.want.startswith("Traceback"):
                continue
            stmt = tree.body[0]
            if isinstance(stmt, ast.Expr) and e.want:
                v = stmt.value
                if self._is_subject_call(v):
                    shapes = _footers(e.want)
                    if shapes:
                        return _Subject(i, v, "value", out_shapes=shapes)
                if (isinstance(v, ast.Attribute) and v.attr == "shape"
                        and self._is_subject_call(v.value)):
                    return _Subject(i, v.value, "shape", out_shapes=[ast.literal_eval(e.want)])
            if (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and not e.want
                    and self._is_subject_call(stmt.value)):
                return _Subject(i, stmt.value, "assign",
                                targets=ast.get_source_segment(e.source, stmt.targets[0]))
        raise SymbolExampleError("no nd.<op>(...) call whose result is shown")

    def _after(self, s: _Subject) -> list[int]:
        """The examples after an assigned subject that use its result (up to the next use
        of the op through nd)."""
        kept = []
        for j in range(s.index + 1, len(self.examples)):
            if self._calls_op(j):
                break
            kept.append(j)
        return kept

    def _assigned_shapes(self, s: _Subject, after: list[int]) -> list[tuple]:
        targets = [t.strip() for t in s.targets.strip("()").split(",") if t.strip()]
        shapes: dict[str, list[tuple]] = {}
        for j in after:
            e, src = self.examples[j], self.examples[j].source.strip()
            if src in targets and _footers(e.want):
                shapes[src] = _footers(e.want)
            else:  # ``y.shape`` alone or in a tuple: ``y.shape, y.dtype``
                shown = _literal(e.want)
                tree = self.trees[j]
                if tree is None or not isinstance(tree.body[0], ast.Expr):
                    continue
                expr = tree.body[0].value
                parts, values = (expr.elts, shown) if isinstance(expr, ast.Tuple) else (
                    [expr], (shown,))
                if not isinstance(values, tuple) or len(values) != len(parts):
                    continue
                for part, value in zip(parts, values):
                    if (isinstance(part, ast.Attribute) and part.attr == "shape"
                            and _dotted(part.value) in targets and isinstance(value, tuple)):
                        shapes[_dotted(part.value)] = [value]
        if all(t in shapes for t in targets):
            return [s for t in targets for s in shapes[t]]
        for k in s.call.keywords:  # creation and sampling ops: ``shape=`` is the output's
            if k.arg == "shape" and not self.op.array_params:
                shape = _shape_arg(k.value)
                if shape is not None:
                    return [shape]
        raise SymbolExampleError(f"the output shape of {s.targets} is never shown")

    def translate(self) -> _Graph:
        s = self.subject()
        after = self._after(s) if s.kind == "assign" else []
        if s.kind == "assign":
            s.out_shapes = self._assigned_shapes(s, after)
        setup = [i for i in range(s.index)
                 if not self.examples[i].want and not self._calls_op(i)]
        env: dict[str, tuple] = {}
        used: set[str] = set()
        for i in [*setup, s.index, *after]:
            tree = self.trees[i]
            if tree is None:
                continue
            used |= self.names[i]
            if i in setup:
                _bind(tree, env)
        src = self.examples[s.index].source

        # inputs: (variable name, nd expression, shape, positional?)
        params = self.op.array_params
        inputs: list[tuple[str, str, tuple, bool]] = []
        attrs: list[str] = []
        for k, arg in enumerate(s.call.args):
            seg = ast.get_source_segment(src, arg)
            if self.op.variadic:
                inputs.append((_variadic_name(s.call.args, k), seg, _shape(arg, env), True))
            elif k < len(params):
                inputs.append((params[k].name, seg, _shape(arg, env), True))
            else:
                attrs.append(seg)
        array_names = {p.name for p in params}
        for kw in s.call.keywords:
            seg = ast.get_source_segment(src, kw.value)
            if kw.arg in array_names:
                inputs.append((kw.arg, seg, _shape(kw.value, env), False))
            else:
                attrs.append(f"{kw.arg}={seg}" if kw.arg else f"**{seg}")
        unknown = [n for n, _, shape, _ in inputs if shape is None]
        if unknown:
            raise SymbolExampleError(f"the shapes of {unknown} are not literal")
        # the example's own way of naming minigluon: ``from minigluon import nd`` or ``mx.nd``
        mx_only = not any(_imported(self.trees[i]) for i in setup) and any(
            self.examples[i].source.strip() == "import minigluon as mx" for i in setup)
        prefix = "mx.sym" if mx_only else "sym"
        read = {n.id for n in ast.walk(s.call) if isinstance(n, ast.Name)}
        read |= {n for j in after for n in self.names[j]}
        read |= {prefix.split(".")[0]}
        kept = _needed([(i, self.trees[i], self.names[i]) for i in setup], read)
        names = [n for n, *_ in inputs]
        declared = bool(names) and not (set(names) & used) and not self.op.variadic
        var = {n: (n if declared else f"{prefix}.var({n!r})") for n in names}
        res = next(r for r in ("out", "sym_out", "graph") if r not in used)

        lines = []
        for i in setup:
            if i not in kept:
                continue
            imported = _imported(self.trees[i])
            if imported:  # ``from minigluon import ...``: what is read, and sym
                lines.append(_render("from minigluon import " + ", ".join(
                    [n for n in imported if n in kept[i] and n != "sym"] + ["sym"])))
            else:
                lines.append(_render(self.examples[i].source))
        if prefix == "sym" and not any(_imported(self.trees[i]) for i in kept):
            lines.insert(0, _render("from minigluon import sym"))
        if declared:
            decl = ", ".join(f"{prefix}.var({n!r})" for n in names)
            lines.append(_render(f"{', '.join(names)} = {decl}"))
        call_args = [var[n] if pos else f"{n}={var[n]}" for n, _, _, pos in inputs] + attrs
        graph = _Graph(self, s.index, lines, res, prefix, call_args,
                       bool(inputs) and inputs[0][3])
        lines = graph.tail

        aux = set(self.op.aux_names)
        arg_shapes = [sh for n, _, sh, _ in inputs if n not in aux]
        aux_shapes = [sh for n, _, sh, _ in inputs if n in aux]
        infer = _wrap(f"{res}.infer_shape", [f"{n}={sh!r}" for n, _, sh, _ in inputs])
        lines.append(_render(infer, repr((arg_shapes, s.out_shapes, aux_shapes))))

        feeds = [f"{n}={seg}" for n, seg, _, _ in inputs]
        want = self.examples[s.index].want
        comment = _comment(src)
        comment = "  " + comment if comment else ""
        if s.kind == "value":
            listed = want.rstrip().endswith(">]")
            lines.append(_render(_wrap(f"{res}.eval", feeds, "" if listed else "[0]")
                                 + comment, want))
        elif s.kind == "shape":
            lines.append(_render(_wrap(f"{res}.eval", feeds, "[0].shape") + comment, want))
        else:
            single = len(s.out_shapes) == 1 and "," not in s.targets
            lines.append(_render(f"{s.targets} = "
                                 + _wrap(f"{res}.eval", feeds, "[0]" if single else "")
                                 + comment))
            lines += [_render(self.examples[j].source, self.examples[j].want) for j in after]
        return graph


@dataclass
class _Graph:
    """A translated example, up to the name the page calls the op by."""

    translation: _Translation
    subject_index: int  # of the nd example it was translated from
    head: list[str]  # imports, setup, variables
    res: str  # the Python name of the graph
    prefix: str  # ``sym`` or ``mx.sym``
    call_args: list[str]  # the op's arguments (variables first)
    first_positional: bool  # the first argument is an input given by position
    tail: list[str] = field(default_factory=list)  # infer_shape, eval and what follows

    def render(self, name: str, method: bool = False) -> str:
        """The example calling ``sym.<name>`` (``<first input>.<name>`` if ``method``)."""
        if method:
            if not self.first_positional:
                raise SymbolExampleError("the method form needs the first input positional")
            call = _wrap(f"{self.res} = {self.call_args[0]}.{name}", self.call_args[1:])
        else:
            call = _wrap(f"{self.res} = {self.prefix}.{name}", self.call_args)
        return "\n".join([*self.head, _render(call), *self.tail]) + "\n"


_GRAPHS: dict[tuple[str, str], _Graph | SymbolExampleError] = {}


def _graph(op: Op, text: str) -> _Graph:
    """The translation of ``op``'s example ``text``, made once for all of the op's pages."""
    key = (op.name, text)
    if key not in _GRAPHS:
        try:
            _GRAPHS[key] = _Translation(op, text).translate()
        except SymbolExampleError as e:
            _GRAPHS[key] = e
    graph = _GRAPHS[key]
    if isinstance(graph, SymbolExampleError):
        raise graph
    return graph


def _bind(tree: ast.Module, env: dict[str, tuple]) -> None:
    """Record the literal shapes a setup statement assigns (``x = nd.array(...)``)."""
    for stmt in tree.body:
        if not (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1):
            continue
        target, value = stmt.targets[0], stmt.value
        if isinstance(target, ast.Name):
            pairs = [(target, value)]
        elif (isinstance(target, ast.Tuple) and isinstance(value, ast.Tuple)
              and len(target.elts) == len(value.elts)):
            pairs = list(zip(target.elts, value.elts))
        else:
            continue
        for t, v in pairs:
            shape = _shape(v, env)
            if isinstance(t, ast.Name) and shape is not None:
                env[t.id] = shape


def _variadic_name(args: list[ast.expr], k: int) -> str:
    ids = [a.id for a in args if isinstance(a, ast.Name)]
    if len(ids) == len(args) and len(set(ids)) == len(ids):
        return ids[k]
    return f"x{k}"


def _imported(tree: ast.Module | None) -> list[str]:
    """The names a ``from minigluon import a, b`` statement imports ([] for anything else)."""
    if tree is None or len(tree.body) != 1:
        return []
    stmt = tree.body[0]
    if isinstance(stmt, ast.ImportFrom) and stmt.module == "minigluon" and not stmt.level:
        return [a.asname or a.name for a in stmt.names]
    return []


def _bound(tree: ast.Module) -> set[str]:
    """The names a setup statement binds (assignment targets, imports)."""
    bound: set[str] = set()
    for stmt in tree.body:
        if isinstance(stmt, (ast.Import, ast.ImportFrom)):
            bound |= {(a.asname or a.name).split(".")[0] for a in stmt.names}
        elif isinstance(stmt, ast.Assign):
            bound |= {n.id for t in stmt.targets for n in ast.walk(t) if isinstance(n, ast.Name)}
    return bound


def _needed(setup: list[tuple[int, ast.Module | None, set[str]]], read: set[str]
            ) -> dict[int, set[str]]:
    """The setup statements something later reads, with the names of theirs that are read
    (a statement binding nothing, ``mx.random.seed(0)``, is kept)."""
    kept: dict[int, set[str]] = {}
    for i, tree, names in reversed(setup):
        if tree is None:
            continue
        bound = _bound(tree)
        if bound and not bound & read:
            continue
        kept[i] = bound & read
        read = (read - bound) | names
    return kept


def nd_example(op: Op, doc: str) -> str:
    """The ``nd`` example a symbol page translates: :data:`NDARRAY_EXAMPLES`' or the op's."""
    if op.name in NDARRAY_EXAMPLES:
        return doctest_text(NDARRAY_EXAMPLES[op.name])
    m = re.search(r"^Examples\n-{4,}\n", doc, re.M)
    if m is None:
        raise SymbolExampleError("the docstring has no Examples section")
    nxt = _SECTION.search(doc, m.end())
    return doc[m.end():nxt.start() if nxt else len(doc)]


def doctest_text(text: str) -> str:
    """An example of :data:`NDARRAY_EXAMPLES` without its indentation and first newline."""
    lines = text.strip("\n").split("\n")
    indent = min(len(line) - len(line.lstrip()) for line in lines if line.strip())
    return "\n".join(line[indent:] for line in lines) + "\n"


def graph_example(op: Op, doc: str, name: str, method: bool = False) -> str:
    """The Examples body of ``sym.<name>`` (``Symbol.<name>`` if ``method``) for ``op``."""
    return _graph(op, nd_example(op, doc)).render(name, method)


#: Where a line of a symbol page's example is written: (file, or None for the op's own
#: registration; the text to look for there).
Origin = tuple[str | None, str]


def _origins(graph: _Graph, example: str, path: str | None) -> dict[str, Origin]:
    """The written line each line of ``example`` comes from (what the docs build's warning
    about a failing example points at): itself, or the ``nd`` line it was translated from."""
    t = graph.translation
    written = {line.strip() for e in t.examples for line in _render(e.source, e.want).split("\n")}
    subject = ">>> " + t.examples[graph.subject_index].source.split("\n")[0]
    imports = [">>> " + e.source.strip() for e in t.examples
               if e.source.startswith("from minigluon import")]
    origins: dict[str, Origin] = {}
    for line in example.splitlines():
        text = line.strip()
        if text in written:
            if path:
                origins[text] = (path, text)
        elif text.startswith(">>> from minigluon import") and imports:
            origins[text] = (path, imports[0])
        else:
            origins[text] = (path, subject.strip())
    return origins


def symbol_doc(doc: str, op: Op, name: str, method: bool = False
               ) -> tuple[str, dict[str, Origin]]:
    """``doc`` (an op's docstring, See Also completed) as ``sym.<name>``/``Symbol.<name>``
    shows it: Parameters and Returns typed Symbol, and the graph example as Examples; with
    the origin of each example line that is not written in the op's docstring.

    An op whose example cannot be translated keeps its ``nd`` example; the API tests list it.
    """
    doc = retyped(doc)
    m = re.search(r"^Examples\n-{4,}\n", doc, re.M)
    if m is None:
        return doc, {}
    try:
        graph = _graph(op, nd_example(op, doc))
        example = graph.render(name, method)
    except SymbolExampleError:
        return doc, {}
    nxt = _SECTION.search(doc, m.end())
    path = __file__ if op.name in NDARRAY_EXAMPLES else None
    return (doc[:m.end()] + example + ("\n" + doc[nxt.start():] if nxt else ""),
            _origins(graph, example, path))
