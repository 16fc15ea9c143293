"""``SymbolBlock``: a Symbol graph run as a HybridBlock (imported models, feature extractors)."""

from __future__ import annotations

from typing import Any

from .. import symbol as sym
from ..base import MXNetError
from ..symbol.graph import Node, aux_vars, topo_order
from ..symbol.symbol import Symbol
from .block import HybridBlock
from .hybrid import CACHE_FORWARDS
from .parameter import ParameterDict

__all__ = ["SymbolBlock"]


def _common_prefix(names: list[str]) -> str:
    """The characters every name starts with (character-wise, as MXNet compares them)."""
    if not names:
        return ""
    first, last = min(names), max(names)
    n = 0
    while n < len(first) and first[n] == last[n]:
        n += 1
    return first[:n]


class SymbolBlock(HybridBlock):
    """Run a Symbol graph as a block; its non-input variables become Parameters.

    Passing ``params`` (e.g. another network's ``collect_params()``) shares those Parameters,
    which is how a multi-output feature extractor reuses a trained network's weights.

    Parameters
    ----------
    outputs : Symbol or list of Symbol
        The graph's output(s); the block returns them in this order.
    inputs : Symbol or list of Symbol
        Variables fed by the block's arguments, in order.
    params : ParameterDict, optional
        Parameters to use for the graph's other variables (looked up by name).

    See Also
    --------
    SymbolBlock.imports, HybridBlock.export
    minigluon.symbol.Symbol.get_internals : Pick inner outputs to run.

    Examples
    --------
    >>> import minigluon as mx
    >>> from minigluon import gluon, nd, sym
    >>> net = gluon.nn.HybridSequential(prefix='model_')
    >>> with net.name_scope():
    ...     net.add(gluon.nn.Dense(8, activation='relu'), gluon.nn.Dense(2))
    >>> net.initialize()
    >>> data = sym.var('data')
    >>> internals = net(data).get_internals()
    >>> hidden = internals['model_dense0_relu_fwd_output']
    >>> feat = gluon.SymbolBlock([hidden, net(data)], data, params=net.collect_params())
    >>> h, out = feat(nd.ones((4, 3)))
    >>> h.shape, out.shape
    ((4, 8), (4, 2))
    """

    def __init__(self, outputs: Any, inputs: Any, params: ParameterDict | None = None) -> None:
        super().__init__(prefix="", params=None)
        self._params = ParameterDict("", params)
        outputs = sym.Group(list(outputs)) if isinstance(outputs, (list, tuple)) else outputs
        inputs = list(inputs) if isinstance(inputs, (list, tuple)) else [inputs]
        for i in inputs:
            node = i._outputs[0][0]
            if len(i) != 1 or not node.is_var:
                raise MXNetError(f"Input symbols must be variable, but {i.name} is an output of "
                                 "operators")
        self._outputs_sym = outputs
        self._input_names = [i.name for i in inputs]
        order = topo_order(outputs._outputs)
        aux = aux_vars(order)
        for n in order:
            # MXNet writes the storage type's id ('1'), minigluon's sym.var its name
            if n.is_var and n.attrs.get("__storage_type__") in ("row_sparse", "1"):
                raise AssertionError(f"SymbolBlock doesn't support Parameter '{n.name}' because "
                                     "its storage type is 'row_sparse'.")
        for n in order:
            if n.is_var and n.name not in self._input_names:
                self.params.get(n.name, allow_deferred_init=True,
                                grad_req="null" if id(n) in aux else "write")
        # As in MXNet, the structural names (save_parameters keys) drop the names' common
        # prefix, so two copies of a network built under different prefixes share files.
        names = list(self.params.keys())
        cut = len(_common_prefix(names))
        for name in names:
            self._reg_params[name[cut:]] = self.params[name]

    def forward(self, x: Any, *args: Any) -> Any:
        """Run the graph on NDArrays (or compose it with Symbols).

        See Also
        --------
        HybridBlock.forward
        minigluon.symbol.Symbol.eval

        Examples
        --------
        >>> from minigluon import gluon, nd, sym
        >>> x = sym.var('x')
        >>> blk = gluon.SymbolBlock(2 * x + 1, x)
        >>> blk(nd.array([1, 2]))
        <BLANKLINE>
        [3. 5.]
        <NDArray 2 @cpu(0)>
        """
        inputs = (x, *args)
        if len(inputs) != len(self._input_names):
            raise MXNetError(f"SymbolBlock takes {len(self._input_names)} inputs "
                             f"({self._input_names}), got {len(inputs)}")
        if isinstance(x, Symbol):
            return _compose(self._outputs_sym, dict(zip(self._input_names, inputs)))
        # NDArrays: the graph is planned (and deferred Parameters finished) like any
        # hybridized block's, by tracing this method with Symbols (the branch above).
        return self._cache(self, inputs)

    @staticmethod
    def imports(symbol_file: str, input_names: Any, param_file: str | None = None,
                ctx: Any = None, allow_missing: bool = False,
                ignore_extra: bool = False) -> SymbolBlock:
        """Load a block written by ``HybridBlock.export``.

        Parameters
        ----------
        symbol_file : str
            Path of the ``-symbol.json`` graph file.
        input_names : str or list of str
            Names of the graph's data inputs.
        param_file : str, optional
            Path of the ``.params`` file; None leaves the Parameters uninitialized.
        ctx : Context or list of Context, optional
            Device(s) to load onto.
        allow_missing : bool, default False
            If True, Parameters absent from the file are left uninitialized.
        ignore_extra : bool, default False
            If True, names in the file that the graph lacks are ignored.

        See Also
        --------
        HybridBlock.export : Writes what this reads.
        minigluon.symbol.load, Block.load_parameters

        Examples
        --------
        >>> import os, tempfile
        >>> import minigluon as mx
        >>> from minigluon import gluon, nd
        >>> net = gluon.nn.HybridSequential()
        >>> net.add(gluon.nn.Dense(3, in_units=2))
        >>> net.initialize(); net.hybridize()
        >>> y = net(nd.ones((1, 2)))
        >>> path = os.path.join(tempfile.mkdtemp(), 'net')
        >>> net.export(path)
        >>> blk = gluon.SymbolBlock.imports(path + '-symbol.json', ['data'],
        ...                                 path + '-0000.params')
        >>> bool((blk(nd.ones((1, 2))) == y).min())
        True
        """
        names = [input_names] if isinstance(input_names, str) else list(input_names)
        block = SymbolBlock(sym.load(symbol_file), [sym.var(n) for n in names])
        if param_file is not None:
            block.collect_params().load(param_file, ctx, allow_missing, ignore_extra)
        return block


def _compose(outputs: Symbol, replace: dict[str, Symbol]) -> Symbol:
    """A copy of the graph with the named input variables replaced by other symbols."""
    memo: dict[int, Node] = {}
    for n in topo_order(outputs._outputs):
        if n.is_var and n.name in replace:
            continue
        memo[id(n)] = Node(n.op, n.name, dict(n.attrs), [
            None if e is None else (
                replace[e[0].name]._outputs[0] if e[0].is_var and e[0].name in replace
                else (memo[id(e[0])], e[1]))
            for e in n.inputs])
    return Symbol([replace[n.name]._outputs[0] if n.is_var and n.name in replace
                   else (memo[id(n)], i) for n, i in outputs._outputs])


CACHE_FORWARDS.add(SymbolBlock.forward)  # forward only checks the arity, then runs the cache
