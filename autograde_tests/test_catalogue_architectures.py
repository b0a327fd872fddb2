"""Mutation tests of the graders of notebook 11_architectures.

Every entry of ``autograde_tests/catalogue/architectures.py`` is executed the way the notebook executes a
solution cell (a fresh namespace with ``np``, ``torch``, ``nn`` and correct versions of the other graded
names); the visible check (``check_<name>``) and the hidden check (``hidden_<name>``) then run in-process.
Every correct alternative must pass both, every bug must be killed by a ``CheckError``, and for a sample of
bugs the message must name the mistake. A summary prints the kill rate per name and asserts 100%.
"""
from __future__ import annotations

from autograde_tests.catalogue import architectures as cat
from autograde_tests.catalogue.runner import catalogue_tests
from convgrader.checks import architectures as checks
from convgrader.hidden import architectures as hidden

# The brief's minimum number of bugs per graded name.
MIN_BUGS = {"EncoderDecoder": 5, "UNet": 7, "iou": 5, "boundary_band": 5, "ResidualBlock": 7}

# (name, bug label) -> words the failure message must contain (case-insensitive).
EXPECTED_MESSAGES = {
    ("EncoderDecoder", "keeps U-Net skips (concatenation)"): ["bottleneck", "torch.cat"],
    ("EncoderDecoder", "adds the encoder maps into the decoder"): ["bottleneck", "added"],
    ("EncoderDecoder", "channels do not double (base everywhere)"): ["base * 2**1", "double"],
    ("EncoderDecoder", "channels grow linearly (base * (l + 1))"): ["double"],
    ("EncoderDecoder", "first level already doubled (base * 2**(l + 1))"): ["first level"],
    ("EncoderDecoder", "no ReLU (conv blocks without nonlinearity)"): ["relu"],
    ("EncoderDecoder", "depth hard-coded to 3"): ["depth"],
    ("EncoderDecoder", "base hard-coded to 8"): ["base"],
    ("EncoderDecoder", "max pool missing"): ["downsampl"],
    ("EncoderDecoder", "final 1x1 conv missing (returns base channels)"): ["1x1 conv"],
    ("EncoderDecoder", "softmax at the end"): ["logits"],
    ("EncoderDecoder", "tanh instead of ReLU"): ["tanh"],
    ("EncoderDecoder", "3x3 convs without padding"): ["padding=1"],
    ("EncoderDecoder", "layers kept in a plain Python list"): ["not registered"],
    ("EncoderDecoder", "encoder run under torch.no_grad()"): ["no gradient"],
    ("UNet", "adds instead of concatenating"): ["add", "torch.cat"],
    ("UNet", "skips at all but the full-resolution level"): ["full resolution"],
    ("UNet", "skip only at full resolution"): ["level 1"],
    ("UNet", "no skips at all (an encoder-decoder)"): ["no skip"],
    ("UNet", "concatenates along the batch axis (dim=0)"): ["dim 0", "dim=1"],
    ("UNet", "concatenates along the width (dim=3)"): ["dim 3", "dim=1"],
    ("UNet", "channels do not double"): ["double"],
    ("UNet", "max pool missing"): ["max pool"],
    ("UNet", "concatenates the input image at full resolution"): ["input image"],
    ("UNet", "concatenates the upsampled map with itself"): ["two decoder tensors"],
    ("UNet", "no ReLU anywhere"): ["relu"],
    ("UNet", "leaky ReLU"): ["leaky"],
    ("UNet", "layers kept in a plain Python list"): ["not registered"],
    ("UNet", "softmax at the end"): ["softmax"],
    ("iou", "recall: divides by the target"): ["recall"],
    ("iou", "precision: divides by the prediction"): ["precision"],
    ("iou", "Dice coefficient"): ["dice"],
    ("iou", "union counted as |P| + |T|"): ["twice"],
    ("iou", "pixel accuracy"): ["accuracy"],
    ("iou", "mean of per-image IoUs"): ["pool"],
    ("iou", "integer floor division"): ["floor"],
    ("iou", "empty masks give 0"): ["both masks are empty"],
    ("iou", "empty masks give NaN (no special case)"): ["both masks are empty"],
    ("iou", "returns a tensor"): [".item()"],
    ("boundary_band", "zero padding: outside the image counts as background"): ["outside the image"],
    ("boundary_band", "only the foreground side"): ["foreground side"],
    ("boundary_band", "only the background side"): ["background side"],
    ("boundary_band", "window one pixel too small (2 * width - 1)"): ["too thin"],
    ("boundary_band", "window one pixel too large (2 * width + 3)"): ["too wide"],
    ("boundary_band", "diamond neighbourhood (4-neighbour steps)"): ["diamond"],
    ("boundary_band", "wraps around the image (torch.roll)"): ["wrap"],
    ("boundary_band", "returns a float tensor"): ["torch.bool"],
    ("boundary_band", "width ignored (always 3x3)"): ["width is ignored"],
    ("boundary_band", "only the first image of a batch"): ["batch axis"],
    ("boundary_band", "returns a numpy array"): ["torch.as_tensor"],
    ("ResidualBlock", "ReLU after the sum"): ["after the sum"],
    ("ResidualBlock", "projection always used"): ["only", "c_in != c_out"],
    ("ResidualBlock", "projection always created, used only when needed"): ["c_in == c_out"],
    ("ResidualBlock", "3x3 convs without padding"): ["padding=1"],
    ("ResidualBlock", "skip added before the ReLU inside F"): ["inside f"],
    ("ResidualBlock", "skip added before the second conv"): ["inside f"],
    ("ResidualBlock", "ReLU between the convs missing"): ["relu between the two convs"],
    ("ResidualBlock", "F ends with a ReLU"): ["ends with"],
    ("ResidualBlock", "projection is a 3x3 conv"): ["1x1"],
    ("ResidualBlock", "no skip (a plain block)"): ["skip is missing"],
    ("ResidualBlock", "torchvision-style: batch norm and a ReLU after the sum"): ["batch norm", "torchvision"],
    ("ResidualBlock", "pre-activation: ReLU on x first"): ["pre-activation"],
    ("ResidualBlock", "adds F into x in place"): ["in place"],
    ("ResidualBlock", "the same conv used twice"): ["twice"],
    ("ResidualBlock", "ReLU on the skip path"): ["skip path"],
    ("ResidualBlock", "stride 2 in the first conv"): ["stride"],
    ("ResidualBlock", "projection applied to F(x)"): ["applied to something other than x"],
}

globals().update(catalogue_tests(cat, checks, hidden, MIN_BUGS, EXPECTED_MESSAGES))
