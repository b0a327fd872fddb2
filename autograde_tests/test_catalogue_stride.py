"""Mutation tests of the graders of notebook 02_stride.

Every entry of ``autograde_tests/catalogue/stride.py`` is executed the way
the notebook executes a solution cell, in a fresh namespace holding ``np``
and correct versions of the notebook's other graded functions; the visible
check (``check_<name>``) and the hidden check (``hidden_<name>``) then run
in-process (see ``catalogue/runner.py``): every correct alternative must
pass, every bug must be killed by a ``CheckError``, and for the bugs listed
in ``EXPECTED_MESSAGES`` the message must name the mistake.
"""
from __future__ import annotations

from autograde_tests.catalogue import stride as cat
from autograde_tests.catalogue.runner import catalogue_tests
from convgrader.hidden import stride as hidden
from convgrader.checks import stride as checks

MIN_BUGS = {name: 7 for name in cat.FUNCTIONS} | {name: 3 for name in cat.ANSWERS}

# (function, bug label) -> words the failure message must contain (case-insensitive).
EXPECTED_MESSAGES = {
    ("conv_strided", "samples start at s - 1 (x[s-1::s])"): ["s - 1"],
    ("conv_strided", "floor: crops to a multiple of the stride"): ["ceil(N / s"],
    ("conv_strided", "one output too many when N is divisible (N // s + 1)"): ["raised ValueError"],
    ("conv_strided", "no padding ('valid', PyTorch's default padding=0)"): ["ceil(N / s_n)"],
    ("conv_strided", "eq. 24.5 read literally: kernel flipped (convolution)"): ["flipped", "24.5"],
    ("conv_strided", "strides swapped: s_m, s_n = stride"): ["swapped"],
    ("conv_strided", "subsamples the input, then filters"): ["before filtering"],
    ("conv_strided", "dilation instead of stride: taps spaced s apart"): ["dilation"],
    ("conv_strided", "bias missing"): ["bias"],
    ("conv_strided", "bias added once per kernel tap"): ["per kernel tap"],
    ("conv_strided", "integer truncation: output array of x's dtype"): ["dtype", "integer"],
    ("conv_strided", "int strides only: a pair (s_n, s_m) crashes"): ["raised TypeError"],
    ("conv_strided", "forgets to subsample (returns the stride-1 output)"): ["ceil(N / s_n)"],
    ("conv_strided", "kernel anchored at its top-left corner"): ["corner"],
    ("conv_strided", "edge padding instead of zeros"): ["zeros"],
    ("conv_strided", "uses torch.nn.functional.conv2d(stride=...)"): ["numpy alone", "torch"],
    ("conv_strided", "calls the course's reference op"): ["numpy alone", "convcourse.ops"],
    ("conv_strided", "uses scipy.signal.correlate2d, then subsamples"): ["numpy alone", "scipy"],
    ("strided_flops", "counts the full-resolution output"): ["full-resolution"],
    ("strided_flops", "floor(N / s) outputs"): ["ceil(N / s)"],
    ("strided_flops", "returns a float (np.ceil)"): ["integer"],
    ("strided_flops", "strides swapped"): ["wrong axes"],
    ("dft_magnitude", "no fftshift (zero frequency in the corner)"): ["fftshift", "centre"],
    ("dft_magnitude", "ifftshift instead of fftshift"): ["ifftshift"],
    ("dft_magnitude", "manual roll by (N + 1) // 2"): ["one place off"],
    ("dft_magnitude", "fftshift along the rows only"): ["one axis"],
    ("dft_magnitude", "power spectrum |X|^2"): ["power spectrum"],
    ("dft_magnitude", "log(1 + |X|)"): ["log(1 + |DFT|)"],
    ("dft_magnitude", "normalised by N*M (norm='forward')"): ["normalised"],
    ("dft_magnitude", "orthonormal DFT (norm='ortho')"): ["sqrt"],
    ("dft_magnitude", "inverse DFT"): ["inverse"],
    ("dft_magnitude", "real part instead of magnitude"): ["real part"],
    ("dft_magnitude", "1-D DFT of each row (np.fft.fft)"): ["1-D DFT"],
    ("dft_magnitude", "returns the complex DFT"): ["floating dtype"],
    ("dft_magnitude", "uses scipy.fft"): ["numpy alone", "scipy"],
    ("aliasing_fraction", "returns the fraction inside the pass band"): ["inside"],
    ("aliasing_fraction", "|Z| instead of the energy |Z|^2"): ["|DFT|^2"],
    ("aliasing_fraction", "pass band cut at 1/s instead of 1/(2s)"): ["1/(2 s)"],
    ("aliasing_fraction", "symmetric strict band |f| < 1/(2s) (drops -1/(2s))"): ["half-open"],
    ("aliasing_fraction", "closed band |f| <= 1/(2s) (keeps both ends)"): ["half-open"],
    ("aliasing_fraction", "strides swapped"): ["swapped"],
    ("aliasing_fraction", "only the row frequencies limited"): ["row frequencies"],
    ("aliasing_fraction", "fftshifted spectrum with unshifted frequencies"): ["different orders"],
    ("aliasing_fraction", "ratio outside / inside instead of outside / total"): ["total energy"],
    ("aliasing_fraction", "measures the subsampled output z[::s]"): ["full-resolution"],
    ("aliasing_fraction", "nan for an all-zero signal (no zero check)"): ["all-zero"],
    ("aliasing_fraction", "returns the mask array instead of a number"): ["one number"],
    ("blur_downsample", "not normalised ([1, 2, 1] without / 4)"): ["not normalised"],
    ("blur_downsample", "normalised along one axis only"): ["one axis only"],
    ("blur_downsample", "blurs the rows only"): ["one axis only"],
    ("blur_downsample", "subsamples first, then blurs"): ["subsampled first"],
    ("blur_downsample", "samples start at s - 1"): ["s - 1"],
    ("blur_downsample", "no padding ('valid')"): ["ceil(N / s_n)"],
    ("blur_downsample", "edge padding"): ["zeros"],
    ("blur_downsample", "3x3 box blur"): ["box"],
    ("blur_downsample", "adds the two 1-D blurs instead of composing them"): ["outer product"],
    ("blur_downsample", "no blur at all (plain subsampling)"): ["blur is missing"],
    ("blur_downsample", "blurs twice"): ["twice"],
    ("blur_downsample", "blurs in place, into the caller's array"): ["in place"],
    ("blur_downsample", "integer truncation: output of x's dtype"): ["dtype"],
    ("blur_downsample", "uses scipy.ndimage"): ["numpy alone", "scipy"],
    ("answer_eq245", "a formula instead of a letter"): ["letters"],
    ("answer_output_shape", "A: floor, 32 x 24"): ["not the right choice"],
}

globals().update(catalogue_tests(cat, checks, hidden, MIN_BUGS, EXPECTED_MESSAGES))
