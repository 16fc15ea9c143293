"""``minigluon.io`` (``mx.io``): data iterators for the symbolic API and ``Module``.

See Also
--------
NDArrayIter, CSVIter, DataBatch, DataDesc
minigluon.gluon.data : Gluon's datasets and DataLoader.
"""

from .base import DataBatch, DataDesc, DataIter
from .csv_iter import CSVIter
from .ndarray_iter import NDArrayIter
from .wrappers import PrefetchingIter, ResizeIter

__all__ = ["CSVIter", "DataBatch", "DataDesc", "DataIter", "NDArrayIter", "PrefetchingIter",
           "ResizeIter"]
