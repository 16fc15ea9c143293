"""The LeNet and ResNet code of the Gluon tutorials, run unchanged except for the imports.

The blocks of code marked "tutorial" are copied as the tutorials have them (straight-dope's
"cnn-gluon", MXNet's "Gluon crash course", d2l's ResNet and MXNet's model-zoo BasicBlockV1);
only ``import mxnet as mx`` became ``import minigluon as mx`` and MNIST a synthetic dataset.
"""

from __future__ import annotations

import numpy as np

import minigluon as mx
from minigluon import autograd, gluon, init, nd
from minigluon.gluon import HybridBlock, nn
from minigluon.gluon.model_zoo import vision
from minigluon.name import NameManager


def _synthetic_mnist(n: int, seed: int = 0) -> gluon.data.ArrayDataset:
    """28x28 grey images whose class (0-9) is the position of a bright 6x6 square, + noise."""
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 10, n)
    images = rng.uniform(0, 0.3, (n, 1, 28, 28)).astype(np.float32)
    for i, k in enumerate(labels):
        r, c = divmod(int(k), 5)
        images[i, 0, 2 + 12 * r:8 + 12 * r, 1 + 5 * c:7 + 5 * c] += 2.0
    return gluon.data.ArrayDataset(images, labels.astype(np.float32))


def test_straight_dope_lenet_trains() -> None:
    mx.random.seed(0)
    ctx = mx.cpu()
    batch_size = 32
    train_data = gluon.data.DataLoader(_synthetic_mnist(256), batch_size, shuffle=True)
    test_data = gluon.data.DataLoader(_synthetic_mnist(64, seed=1), batch_size, shuffle=False)

    # -- tutorial ---------------------------------------------------------------------------
    num_outputs = 10
    num_fc = 512
    net = gluon.nn.Sequential()
    with net.name_scope():
        net.add(gluon.nn.Conv2D(channels=20, kernel_size=5, activation='relu'))
        net.add(gluon.nn.MaxPool2D(pool_size=2, strides=2))
        net.add(gluon.nn.Conv2D(channels=50, kernel_size=5, activation='relu'))
        net.add(gluon.nn.MaxPool2D(pool_size=2, strides=2))
        # The Flatten layer collapses all axis, except the first one, into one axis.
        net.add(gluon.nn.Flatten())
        net.add(gluon.nn.Dense(num_fc, activation="relu"))
        net.add(gluon.nn.Dense(num_outputs))
    net.collect_params().initialize(mx.init.Xavier(magnitude=2.24), ctx=ctx)
    softmax_cross_entropy = gluon.loss.SoftmaxCrossEntropyLoss()
    trainer = gluon.Trainer(net.collect_params(), 'sgd', {'learning_rate': .1})

    def evaluate_accuracy(data_iterator, net):
        acc = mx.metric.Accuracy()
        for i, (data, label) in enumerate(data_iterator):  # noqa: B007
            data = data.as_in_context(ctx)
            label = label.as_in_context(ctx)
            output = net(data)
            predictions = nd.argmax(output, axis=1)
            acc.update(preds=predictions, labels=label)
        return acc.get()[1]

    epochs = 1
    smoothing_constant = .01
    for e in range(epochs):
        for i, (data, label) in enumerate(train_data):
            data = data.as_in_context(ctx)
            label = label.as_in_context(ctx)
            with autograd.record():
                output = net(data)
                loss = softmax_cross_entropy(output, label)
            loss.backward()
            trainer.step(data.shape[0])
            curr_loss = nd.mean(loss).asscalar()
            moving_loss = (curr_loss if ((i == 0) and (e == 0))
                           else (1 - smoothing_constant) * moving_loss  # noqa: F821
                           + smoothing_constant * curr_loss)
        test_accuracy = evaluate_accuracy(test_data, net)
        train_accuracy = evaluate_accuracy(train_data, net)
        print("Epoch %s. Loss: %s, Train_acc %s, Test_acc %s"  # noqa: UP031
              % (e, moving_loss, train_accuracy, test_accuracy))
    # -- end of tutorial --------------------------------------------------------------------
    assert test_accuracy > 0.9
    assert net[0].weight.shape == (20, 1, 5, 5) and net[5].weight.shape == (512, 800)


def test_crash_course_lenet() -> None:
    with NameManager():
        # -- tutorial -----------------------------------------------------------------------
        net = nn.Sequential()
        net.add(nn.Conv2D(channels=6, kernel_size=5, activation='relu'),
                nn.MaxPool2D(pool_size=2, strides=2),
                nn.Conv2D(channels=16, kernel_size=3, activation='relu'),
                nn.MaxPool2D(pool_size=2, strides=2),
                nn.Dense(120, activation="relu"),
                nn.Dense(84, activation="relu"),
                nn.Dense(10))
        net.initialize()
        x = nd.random.uniform(shape=(4, 1, 28, 28))
        y = net(x)
        # -- end of tutorial ----------------------------------------------------------------
    assert y.shape == (4, 10)
    assert (net[0].weight.data().shape, net[5].bias.data().shape) == ((6, 1, 5, 5), (84,))
    assert repr(net).startswith(
        "Sequential(\n  (0): Conv2D(1 -> 6, kernel_size=(5, 5), stride=(1, 1), "
        "Activation(relu))\n  (1): MaxPool2D(size=(2, 2), stride=(2, 2), padding=(0, 0), "
        "ceil_mode=False, global_pool=False, pool_type=max, layout=NCHW)")

    # -- tutorial (training part, on synthetic data) -------------------------------------------
    batch_size = 64
    train_data = gluon.data.DataLoader(_synthetic_mnist(256), batch_size, shuffle=True)
    net.initialize(init=init.Xavier(), force_reinit=True)
    softmax_cross_entropy = gluon.loss.SoftmaxCrossEntropyLoss()
    trainer = gluon.Trainer(net.collect_params(), 'sgd', {'learning_rate': 0.1})

    def acc(output, label):
        # output: (batch, num_output) float32 ndarray
        # label: (batch, ) int32 ndarray
        return (output.argmax(axis=1) == label.astype('float32')).mean().asscalar()

    for epoch in range(2):  # noqa: B007
        train_loss, train_acc = 0., 0.
        for data, label in train_data:
            # forward + backward
            with autograd.record():
                output = net(data)
                loss = softmax_cross_entropy(output, label)
            loss.backward()
            # update parameters
            trainer.step(batch_size)
            # calculate training metrics
            train_loss += loss.mean().asscalar()
            train_acc += acc(output, label)
    # -- end of tutorial --------------------------------------------------------------------
    assert np.isfinite(train_loss)


def test_model_zoo_lenet() -> None:
    with NameManager():
        net = vision.get_lenet(classes=10)
    assert isinstance(net, vision.LeNet) and isinstance(net, HybridBlock)
    net.initialize(mx.init.Xavier())
    assert net(nd.ones((3, 1, 28, 28))).shape == (3, 10)
    shapes = [p.shape for p in net.collect_params().values()]
    assert shapes == [(20, 1, 5, 5), (20,), (50, 20, 5, 5), (50,), (512, 800), (512,),
                      (10, 512), (10,)]
    assert next(iter(net.collect_params())) == "lenet0_conv0_weight"
    assert sorted(net._collect_params_with_prefix())[:2] == ["features.0.bias",
                                                               "features.0.weight"]
    other = vision.get_model("LeNet", classes=3)
    other.initialize()
    assert other(nd.ones((1, 1, 28, 28))).shape == (1, 3)


# -- tutorial: MXNet model zoo, gluon/model_zoo/vision/resnet.py -------------------------------
def _conv3x3(channels, stride, in_channels):
    return nn.Conv2D(channels, kernel_size=3, strides=stride, padding=1,
                     use_bias=False, in_channels=in_channels)


class BasicBlockV1(HybridBlock):
    r"""BasicBlock V1 from `"Deep Residual Learning for Image Recognition"
    <http://arxiv.org/abs/1512.03385>`_ paper.
    This is used for ResNet V1 for 18, 34 layers.
    """
    def __init__(self, channels, stride, downsample=False, in_channels=0, **kwargs):
        super(BasicBlockV1, self).__init__(**kwargs)  # noqa: UP008
        self.body = nn.HybridSequential(prefix='')
        self.body.add(_conv3x3(channels, stride, in_channels))
        self.body.add(nn.BatchNorm())
        self.body.add(nn.Activation('relu'))
        self.body.add(_conv3x3(channels, 1, channels))
        self.body.add(nn.BatchNorm())
        if downsample:
            self.downsample = nn.HybridSequential(prefix='')
            self.downsample.add(nn.Conv2D(channels, kernel_size=1, strides=stride,
                                          use_bias=False, in_channels=in_channels))
            self.downsample.add(nn.BatchNorm())
        else:
            self.downsample = None

    def hybrid_forward(self, F, x):
        residual = x
        x = self.body(x)
        if self.downsample:
            residual = self.downsample(residual)
        x = F.Activation(residual+x, act_type='relu')
        return x
# -- end of tutorial ----------------------------------------------------------------------------


def test_resnet_basic_block_tutorial_and_model_zoo_agree(tmp_path) -> None:
    x = nd.random.uniform(shape=(2, 4, 8, 8))
    mine = BasicBlockV1(8, 2, downsample=True, in_channels=4)
    zoo = vision.BasicBlockV1(8, 2, downsample=True, in_channels=4)
    mine.initialize(mx.init.Xavier())
    zoo.initialize()
    out = mine(x)
    assert out.shape == (2, 8, 4, 4) and out.asnumpy().min() >= 0
    path = str(tmp_path / "block.params")
    mine.save_parameters(path)
    assert sorted(nd.load(path))[:3] == ["body.0.weight", "body.1.beta", "body.1.gamma"]
    zoo.load_parameters(path)
    np.testing.assert_allclose(zoo(x).asnumpy(), out.asnumpy(), rtol=1e-6)
    same = BasicBlockV1(4, 1)
    same.initialize()
    assert same(x).shape == (2, 4, 8, 8) and same.downsample is None
    with autograd.record():
        y = zoo(x).sum()
    y.backward()
    assert zoo.body[0].weight.grad().abs().sum().asscalar() > 0


def test_d2l_residual_block() -> None:
    # -- tutorial (d2l-en, chapter_convolutional-modern/resnet, MXNet 1.x version) -------------
    class Residual(nn.Block):  # @save
        def __init__(self, num_channels, use_1x1conv=False, strides=1, **kwargs):
            super(Residual, self).__init__(**kwargs)  # noqa: UP008
            self.conv1 = nn.Conv2D(num_channels, kernel_size=3, padding=1,
                                   strides=strides)
            self.conv2 = nn.Conv2D(num_channels, kernel_size=3, padding=1)
            if use_1x1conv:
                self.conv3 = nn.Conv2D(num_channels, kernel_size=1,
                                       strides=strides)
            else:
                self.conv3 = None
            self.bn1 = nn.BatchNorm()
            self.bn2 = nn.BatchNorm()

        def forward(self, X):
            Y = nd.relu(self.bn1(self.conv1(X)))
            Y = self.bn2(self.conv2(Y))
            if self.conv3:
                X = self.conv3(X)
            return nd.relu(Y + X)

    blk = Residual(3)
    blk.initialize()
    X = nd.random.uniform(shape=(4, 3, 6, 6))
    assert blk(X).shape == (4, 3, 6, 6)
    blk = Residual(6, use_1x1conv=True, strides=2)
    blk.initialize()
    assert blk(X).shape == (4, 6, 3, 3)
    # -- end of tutorial --------------------------------------------------------------------
