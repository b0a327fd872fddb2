"""Mutation tests of the graders of notebook 07_simple_cnn.

Every entry of ``autograde_tests/catalogue/simple_cnn.py`` is executed the way the notebook executes a
solution cell (a fresh namespace with ``np``, ``torch``, ``nn`` and correct versions of the other graded
names); the visible check (``check_<name>``) and the hidden check (``hidden_<name>``) then run in-process.
Every correct alternative must pass both, every bug must be killed by a ``CheckError``, and for a sample of
bugs the message must name the mistake. A summary prints the kill rate per name and asserts 100%.
"""
from __future__ import annotations

from autograde_tests.catalogue import simple_cnn as cat
from autograde_tests.catalogue.runner import catalogue_tests
from convgrader.hidden import simple_cnn as hidden
from convgrader.checks import simple_cnn as checks

# The brief's minimum number of bugs per graded name.
MIN_BUGS = {"relu": 5, "softmax": 7, "gap": 5, "fc": 5, "simple_cnn_forward": 7, "simple_cnn_num_params": 3,
            "SimpleCNN": 7}

# (name, bug label) -> words the failure message must contain (case-insensitive).
EXPECTED_MESSAGES = {
    ("relu", "absolute value"): ["|z|"],
    ("relu", "clipped at 1"): ["clipped"],
    ("relu", "leaky relu"): ["leaky"],
    ("relu", "returns the mask (derivative)"): ["mask"],
    ("relu", "np.max(z, 0) reduces along axis 0"): ["np.maximum"],
    ("relu", "zeroes the negatives of the input in place"): ["in place"],
    ("relu", "integer input gives integer output"): ["dtype"],
    ("relu", "uses torch.relu"): ["numpy alone", "torch"],
    ("softmax", "the text's formula exp(-tau z)"): ["erratum", "backwards"],
    ("softmax", "tau multiplies instead of dividing"): ["must divide"],
    ("softmax", "minus sign: exp(-z / tau)"): ["minus sign"],
    ("softmax", "unstable: no max subtracted (overflows)"): ["nan", "subtract the maximum"],
    ("softmax", "subtracts the global max, not the max per slice"): ["nan", "each slice"],
    ("softmax", "ignores axis (always the last axis)"): ["wrong axis"],
    ("softmax", "default axis=-1"): ["wrong axis"],
    ("softmax", "sum without keepdims"): ["keepdims"],
    ("softmax", "normalised over all entries"): ["all entries"],
    ("softmax", "tau ignored"): ["tau is ignored"],
    ("softmax", "not normalised"): ["not normalised"],
    ("softmax", "returns log-probabilities"): ["log"],
    ("softmax", "shifts the input in place"): ["in place"],
    ("softmax", "uses scipy.special.softmax"): ["numpy alone", "scipy"],
    ("gap", "sums instead of averaging (the text's 'sum')"): ["summed"],
    ("gap", "global max pooling"): ["maximum"],
    ("gap", "divides by N*N (square images assumed)"): ["N*M"],
    ("gap", "keepdims: returns (C, 1, 1)"): ["shape"],
    ("gap", "integer floor division"): ["//"],
    ("fc", "W transposed (W.T @ z)"): ["transposed"],
    ("fc", "bias missing"): ["bias"],
    ("fc", "bias added before the product"): ["before the product"],
    ("fc", "elementwise product summed over the wrong axis"): ["axis 0"],
    ("fc", "integer inputs give integer output"): ["dtype"],
    ("fc", "returns a column (K, 1)"): ["shape"],
    ("simple_cnn_forward", "the text's softmax exp(-tau z)"): ["erratum"],
    ("simple_cnn_forward", "tau multiplies the logits"): ["must divide"],
    ("simple_cnn_forward", "tau ignored"): ["tau is ignored"],
    ("simple_cnn_forward", "returns the logits"): ["logits"],
    ("simple_cnn_forward", "unstable softmax (overflows for large logits)"): ["overflow"],
    ("simple_cnn_forward", "no padding: valid convolution, mean over the smaller maps"): ["no padding"],
    ("simple_cnn_forward", "edge padding instead of zeros"): ["zeros"],
    ("simple_cnn_forward", "kernels flipped (true convolution)"): ["flipped"],
    ("simple_cnn_forward", "sum pooling"): ["sums"],
    ("simple_cnn_forward", "max pooling"): ["maximum"],
    ("simple_cnn_forward", "relu missing"): ["relu is missing"],
    ("simple_cnn_forward", "relu after the pooling"): ["after the pooling"],
    ("simple_cnn_forward", "conv bias added after the relu"): ["after the relu"],
    ("simple_cnn_forward", "fc bias missing"): ["fc bias"],
    ("simple_cnn_forward", "softmax via the text's formula, through the helpers"): ["erratum"],
    ("simple_cnn_forward", "relu and gap swapped, through the helpers"): ["after the pooling"],
    ("simple_cnn_forward", "uses torch for the convolution"): ["numpy alone"],
    ("simple_cnn_num_params", "conv biases missing"): ["conv biases"],
    ("simple_cnn_num_params", "k instead of k * k"): ["k * k"],
    ("simple_cnn_num_params", "returns a float"): ["integer"],
    ("SimpleCNN", "conv without padding"): ["padding"],
    ("SimpleCNN", "padding forgotten in forward (F.conv2d)"): ["without padding"],
    ("SimpleCNN", "sum pooling"): ["sums"],
    ("SimpleCNN", "max pooling"): ["maximum"],
    ("SimpleCNN", "softmax inside forward"): ["softmax", "logits"],
    ("SimpleCNN", "log_softmax inside forward"): ["log"],
    ("SimpleCNN", "relu missing"): ["relu is missing"],
    ("SimpleCNN", "relu after the pooling"): ["after the pooling"],
    ("SimpleCNN", "fc without bias"): ["fc has no bias"],
    ("SimpleCNN", "fc bias ignored in forward"): ["fc bias"],
    ("SimpleCNN", "in_channels = channels"): ["in_channels"],
    ("SimpleCNN", "flattens the maps into fc (fixed 16x16 images)"): ["flattened"],
    ("SimpleCNN", "fixed 16x16 pooling window (the text's nn.AvgPool2d)"): ["any image size"],
    ("SimpleCNN", "squeezes the batch axis"): ["batch axis"],
    ("SimpleCNN", "conv features computed under torch.no_grad()"): ["no gradient"],
    ("SimpleCNN", "conv weight detached in forward"): ["no gradient"],
    ("SimpleCNN", "reflect padding"): ["zeros"],
    ("SimpleCNN", "layers kept in a plain list"): ["no attribute"],
    ("SimpleCNN", "extra batch-norm layer"): ["extra parameters"],
}

globals().update(catalogue_tests(cat, checks, hidden, MIN_BUGS, EXPECTED_MESSAGES))
