"""The connectionist temporal classification loss, with its layouts."""

from __future__ import annotations

from typing import Any

from .base import Loss, _apply_weighting

__all__ = ["CTCLoss"]


class CTCLoss(Loss):
    """CTC loss of label sequences given per-time-step class scores (before softmax).

    The last class, ``alphabet_size - 1``, is the blank; labels are ``0..alphabet_size-2``
    and shorter sequences are padded with -1 (or given lengths). Returns ``(batch,)``.

    Parameters
    ----------
    layout : {'NTC', 'TNC'}, default 'NTC'
        Layout of ``pred``: batch, time, classes.
    label_layout : {'NT', 'TN'}, default 'NT'
        Layout of ``label``.
    weight : float or None, default None
        Global scalar factor of the loss; None means 1.

    See Also
    --------
    minigluon.ndarray.ctc_loss : The op (blank first by default).
    SoftmaxCrossEntropyLoss

    Examples
    --------
    >>> from minigluon import gluon, nd
    >>> loss = gluon.loss.CTCLoss()
    >>> loss(nd.ones((2, 20, 4)), nd.array([[1, 0, -1, -1], [2, 1, 1, -1]]))
    <BLANKLINE>
    [18.828207 16.505817]
    <NDArray 2 @cpu(0)>
    """

    def __init__(self, layout: str = "NTC", label_layout: str = "NT",
                 weight: float | None = None, **kwargs: Any) -> None:
        if layout not in ("NTC", "TNC"):
            raise ValueError(f"Only 'NTC' and 'TNC' layouts for pred are supported. Got: {layout}")
        if label_layout not in ("NT", "TN"):
            raise ValueError("Only 'NT' and 'TN' layouts for label are supported. Got: "
                             f"{label_layout}")
        self._layout = layout
        self._label_layout = label_layout
        super().__init__(weight, label_layout.find("N"), **kwargs)

    def hybrid_forward(self, F: Any, pred: Any, label: Any, pred_lengths: Any = None,
                       label_lengths: Any = None, sample_weight: Any = None) -> Any:
        """The per-sequence loss.

        See Also
        --------
        minigluon.ndarray.ctc_loss

        Examples
        --------
        >>> from minigluon import gluon, nd
        >>> loss = gluon.loss.CTCLoss(layout='TNC')
        >>> loss.hybrid_forward(nd, nd.ones((3, 1, 4)), nd.array([[0, 1]]))
        <BLANKLINE>
        [2.5494452]
        <NDArray 1 @cpu(0)>
        """
        if self._layout == "NTC":
            pred = F.swapaxes(pred, dim1=0, dim2=1)
        if self._batch_axis == 1:
            label = F.swapaxes(label, dim1=0, dim2=1)
        loss = F.ctc_loss(pred, label, pred_lengths, label_lengths,
                          use_data_lengths=pred_lengths is not None,
                          use_label_lengths=label_lengths is not None, blank_label="last")
        return _apply_weighting(F, loss, self._weight, sample_weight)
