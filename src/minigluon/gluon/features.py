"""Intermediate outputs by block path: ``create_feature_extractor`` and ``get_graph_node_names``.

The network is traced once with a Symbol input while every block's output Symbol is noted;
the chosen outputs become a :class:`~minigluon.gluon.SymbolBlock` that shares the network's
Parameters. Users name layers by their structural path (``'body.2'``), not by the generated
``dense0_fwd_output`` names that ``get_internals()`` needs.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from .. import symbol as sym
from ..base import MXNetError
from .hybrid import trace
from .symbol_block import SymbolBlock

__all__ = ["create_feature_extractor", "get_graph_node_names", "FeatureExtractor"]


def block_outputs(net: Any) -> tuple[Any, dict[str, Any]]:
    """(the input variable, {block path: output Symbol}) of ``net``, in call order.

    Used by :func:`create_feature_extractor` and the SSD ``FeatureExpander``. A block called
    twice keeps its first place and its last output.
    """
    recorded: dict[int, Any] = {}
    _, names, _ = trace(net, (sym.var("data"),),
                        on_output=lambda block, out: recorded.__setitem__(id(block), out))
    paths = {id(b): path for path, b in net.named_blocks()}
    by_path = {paths[k]: v for k, v in recorded.items() if k in paths}
    return sym.var(names[0]), by_path


def get_graph_node_names(net: Any) -> list[str]:
    """Block paths whose outputs :func:`create_feature_extractor` can return, in call order.

    ``''`` is the whole network.

    Parameters
    ----------
    net : HybridBlock
        The network, traced with one input to find the blocks it calls.

    See Also
    --------
    create_feature_extractor, minigluon.gluon.Block.named_blocks

    Examples
    --------
    >>> from minigluon import gluon
    >>> net = gluon.nn.HybridSequential()
    >>> net.add(gluon.nn.Dense(8, activation='relu'), gluon.nn.Dense(2))
    >>> gluon.utils.get_graph_node_names(net)
    ['0.act', '0', '1', '']
    """
    return list(block_outputs(net)[1])


class FeatureExtractor(SymbolBlock):
    """A SymbolBlock returning ``{name: output}`` for chosen block paths (shares parameters).

    Examples
    --------
    >>> from minigluon import gluon, nd
    >>> net = gluon.nn.HybridSequential()
    >>> net.add(gluon.nn.Dense(8, activation='relu'), gluon.nn.Dense(2))
    >>> net.initialize()
    >>> fx = gluon.utils.create_feature_extractor(net, {'0': 'hidden', '1': 'logits'})
    >>> {k: v.shape for k, v in fx(nd.ones((3, 4))).items()}
    {'hidden': (3, 8), 'logits': (3, 2)}
    """

    def __init__(self, outputs: list, inputs: Any, params: Any, names: list[str]) -> None:
        super().__init__(outputs, inputs, params=params)
        self._names = names

    def forward(self, x: Any, *args: Any) -> Any:
        """Run the network up to the chosen blocks; a dict of their outputs.

        Examples
        --------
        >>> from minigluon import gluon, nd
        >>> net = gluon.nn.HybridSequential(); net.add(gluon.nn.Dense(2, in_units=3))
        >>> net.initialize()
        >>> fx = gluon.utils.create_feature_extractor(net, ['0'])
        >>> list(fx.forward(nd.ones((1, 3))))
        ['0']
        """
        out = super().forward(x, *args)
        if isinstance(x, sym.Symbol):
            return dict(zip(self._names, list(out)))
        return out  # the graph traced from the branch above returns the dict already


def create_feature_extractor(net: Any, return_nodes: Sequence[str] | Mapping[str, str]
                             ) -> FeatureExtractor:
    """A block returning the outputs of the blocks at ``return_nodes`` as a dict.

    Parameters
    ----------
    net : HybridBlock
        A network whose ``hybrid_forward`` can be traced (every HybridBlock can).
    return_nodes : list of str or dict of str to str
        Block paths (see :func:`get_graph_node_names`); a dict renames them in the output.

    Returns
    -------
    FeatureExtractor
        Shares ``net``'s Parameters: training one trains the other.

    See Also
    --------
    get_graph_node_names : The paths it accepts.
    minigluon.gluon.Block.register_forward_hook
    minigluon.symbol.Symbol.get_internals : The same for a Symbol graph.

    Examples
    --------
    >>> from minigluon import gluon, nd
    >>> net = gluon.nn.HybridSequential()
    >>> with net.name_scope():
    ...     net.add(gluon.nn.Dense(8, activation='relu'), gluon.nn.Dense(2))
    >>> net.initialize()
    >>> fx = gluon.utils.create_feature_extractor(net, ['0', '1'])
    >>> feats = fx(nd.ones((5, 3)))
    >>> feats['0'].shape, feats['1'].shape
    ((5, 8), (5, 2))
    """
    rename = dict(return_nodes) if isinstance(return_nodes, Mapping) else {
        n: n for n in return_nodes}
    data, by_path = block_outputs(net)
    missing = [p for p in rename if p not in by_path]
    if missing:
        raise MXNetError(f"create_feature_extractor: no block at {missing}; available paths: "
                         f"{list(by_path)}")
    outputs = [by_path[p] for p in rename]
    return FeatureExtractor(outputs, data, net.collect_params(), list(rename.values()))
