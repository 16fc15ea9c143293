"""Connectionist temporal classification: the CTC loss of unsegmented label sequences."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..base import MXNetError
from .registry import Case, register

__all__: list[str] = []


def _logsumexp(a: np.ndarray, axis: int = -1) -> np.ndarray:
    m = np.max(a, axis=axis, keepdims=True)
    m = np.where(np.isfinite(m), m, 0.0)
    with np.errstate(divide="ignore"):
        return np.squeeze(m, axis) + np.log(np.sum(np.exp(a - m), axis=axis))


def _label_sequence(row: np.ndarray, length: int | None, pad: int) -> np.ndarray:
    """The labels of one sample: its first ``length`` entries, or up to the first padding."""
    row = row.astype(np.int64)
    if length is not None:
        return row[:length]
    stops = np.nonzero(row == pad)[0]
    return row[: stops[0]] if stops.size else row


def _one_sequence(logp: np.ndarray, labels: np.ndarray, blank: int) -> tuple[float, np.ndarray]:
    """Loss and gradient w.r.t. the activations for one sample; ``logp`` is (T, C).

    Forward-backward over the label sequence with blanks between and around the labels
    (Graves et al. 2006), in log space.
    """
    t_len, n_class = logp.shape
    ext = np.full(2 * len(labels) + 1, blank, dtype=np.int64)
    ext[1::2] = labels
    s_len = ext.size
    # a label (odd position) may skip the blank before it unless it repeats the label two
    # places back; positions, not values, say what is a label, as in MXNet (whose kernel
    # accepts a label equal to the blank index)
    skip = np.zeros(s_len, dtype=bool)
    skip[3::2] = ext[3::2] != ext[1:-2:2]
    neg = -np.inf
    alpha = np.full((t_len, s_len), neg)
    beta = np.full((t_len, s_len), neg)
    if t_len == 0:
        return float("inf"), np.zeros_like(logp)
    alpha[0, 0] = logp[0, ext[0]]
    if s_len > 1:
        alpha[0, 1] = logp[0, ext[1]]
    for t in range(1, t_len):
        prev = alpha[t - 1]
        stay = prev
        step = np.concatenate(([neg], prev[:-1]))
        jump = np.where(skip, np.concatenate(([neg, neg], prev[:-2])), neg)
        alpha[t] = _logsumexp(np.stack([stay, step, jump]), axis=0) + logp[t, ext]
    beta[-1, -1] = logp[-1, ext[-1]]
    if s_len > 1:
        beta[-1, -2] = logp[-1, ext[-2]]
    skip_next = np.zeros(s_len, dtype=bool)
    skip_next[:-2] = skip[2:]
    for t in range(t_len - 2, -1, -1):
        nxt = beta[t + 1]
        step = np.concatenate((nxt[1:], [neg]))
        jump = np.where(skip_next, np.concatenate((nxt[2:], [neg, neg])), neg)
        beta[t] = _logsumexp(np.stack([nxt, step, jump]), axis=0) + logp[t, ext]
    tail = alpha[-1, -2:] if s_len > 1 else alpha[-1, -1:]
    log_like = float(_logsumexp(tail, axis=0))
    if not np.isfinite(log_like):
        return float("inf"), np.zeros_like(logp)
    # alpha * beta counts logp twice at each position: subtract it once
    occupancy = alpha + beta - logp[:, ext]
    per_class = np.full((t_len, n_class), neg)
    for k in np.unique(ext):
        per_class[:, k] = _logsumexp(occupancy[:, ext == k], axis=1)
    grad = np.exp(logp) - np.exp(per_class - log_like)
    return -log_like, grad


@register(aliases=("CTCLoss",), num_hidden=1, nondiff_inputs=(1, 2, 3),
          cases=[Case((4, 2, 5), np.array([[1, 2], [3, 3]], dtype=np.float32), wrt=(0,)),
                 Case((5, 2, 4), np.array([[0, 1, -1], [2, -1, -1]], dtype=np.float32),
                      blank_label="last", wrt=(0,)),
                 Case((6, 2, 4), np.array([[1, 2, 1], [3, 1, 1]], dtype=np.float32),
                      np.array([6, 4], dtype=np.float32), np.array([2, 3], dtype=np.float32),
                      use_data_lengths=True, use_label_lengths=True, wrt=(0,))])
def ctc_loss(data, label, data_lengths=None, label_lengths=None, *, use_data_lengths=False,
             use_label_lengths=False, blank_label="first"):
    """Connectionist temporal classification loss, one value per sequence of the batch.

    ``-log p(label | data)``, where ``p`` sums the probabilities of every alignment of the
    label sequence to the ``T`` time steps (labels repeated, separated and surrounded by
    blanks); the class probabilities are ``softmax(data)`` over the last axis. With
    ``blank_label='first'`` class 0 is the blank, labels are ``1..C-1`` and 0 pads; with
    ``'last'`` class ``C-1`` is the blank, labels are ``0..C-2`` and -1 pads. An impossible
    alignment (``T`` too short) gives ``inf``.

    Parameters
    ----------
    data : NDArray
        Unnormalized scores, ``(T, batch, C)``.
    label : NDArray
        Label sequences, ``(batch, L)``, padded as described above.
    data_lengths : NDArray, optional
        Time steps of each sequence, ``(batch,)`` (used with ``use_data_lengths``).
    label_lengths : NDArray, optional
        Labels of each sequence, ``(batch,)`` (used with ``use_label_lengths``).
    use_data_lengths : bool, default False
        If True, ``data_lengths`` gives each sequence's length; else every sequence uses all time
        steps.
    use_label_lengths : bool, default False
        If True, ``label_lengths`` gives each label sequence's length; else the padding value ends
        it.
    blank_label : {'first', 'last'}, default 'first'
        Blank class: ``'first'`` is class 0 (labels ``1..C-1``, padded with 0), ``'last'`` is class
        ``C-1`` (labels ``0..C-2``, padded with -1).

    Returns
    -------
    NDArray
        ``(batch,)`` losses. The gradient flows to ``data`` only.

    See Also
    --------
    minigluon.gluon.loss.CTCLoss : The Gluon loss (blank last).
    log_softmax

    Examples
    --------
    Three time steps, one sequence, four classes of equal score; blank is class 0:

    >>> from minigluon import nd
    >>> nd.ctc_loss(nd.ones((3, 1, 4)), nd.array([[1, 2]]))
    <BLANKLINE>
    [2.5494452]
    <NDArray 1 @cpu(0)>
    """
    x = np.asarray(data)
    if x.ndim != 3:
        raise MXNetError(f"ctc_loss: data must be (sequence_length, batch, alphabet_size), got "
                         f"shape {x.shape}")
    lab = np.asarray(label)
    t_len, batch, n_class = x.shape
    if lab.ndim != 2 or lab.shape[0] != batch:
        raise MXNetError(f"ctc_loss: label must be (batch, label_length) = ({batch}, L), got "
                         f"shape {lab.shape}")
    if blank_label not in ("first", "last"):
        raise MXNetError(f"ctc_loss: blank_label must be 'first' or 'last', got {blank_label!r}")
    if use_data_lengths and data_lengths is None:
        raise MXNetError("ctc_loss: use_data_lengths=True needs data_lengths")
    if use_label_lengths and label_lengths is None:
        raise MXNetError("ctc_loss: use_label_lengths=True needs label_lengths")
    blank, pad = (0, 0) if blank_label == "first" else (n_class - 1, -1)
    xd = x.astype(np.float64)
    logp = xd - _logsumexp(xd, axis=2)[..., None]
    loss = np.zeros(batch, dtype=x.dtype)
    grad = np.zeros(x.shape, dtype=x.dtype)
    for n in range(batch):
        steps = int(np.asarray(data_lengths)[n]) if use_data_lengths else t_len
        if not 0 <= steps <= t_len:
            raise MXNetError(f"ctc_loss: data_lengths[{n}] = {steps} is outside [0, {t_len}]")
        length = int(np.asarray(label_lengths)[n]) if use_label_lengths else None
        seq = _label_sequence(lab[n], length, pad)
        if seq.size and (seq.min() < 0 or seq.max() >= n_class):
            raise MXNetError(f"ctc_loss: labels of sequence {n} must be classes in "
                             f"[0, {n_class}), got {seq.tolist()}")
        loss[n], grad[:steps, n] = _one_sequence(logp[:steps, n], seq, blank)
    return loss, grad


@ctc_loss.def_backward
def _(g, ins, outs, **_: Any):
    gl = np.asarray(g[0])
    grad = np.asarray(outs[1])
    return (grad * gl[None, :, None],) + (None,) * (len(ins) - 1)


@ctc_loss.def_shape
def _(dshape, lshape, *rest, **_: Any):
    return [(dshape[1],)]
