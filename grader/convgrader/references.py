"""Reference answers the course does not give students (counts and the like), by notebook."""
from __future__ import annotations


def _pair(k) -> tuple[int, int]:
    if isinstance(k, (tuple, list)):
        k1, k2 = k
        return int(k1), int(k2)
    return int(k), int(k)


def conv_num_params(c_in: int, c_out: int, k, bias: bool = True) -> int:
    """Parameters of a conv layer of k x k (or K1 x K2) filters, §24.2.1: c_in * c_out * K1 * K2 (+ c_out)."""
    k1, k2 = _pair(k)
    return int(c_in) * int(c_out) * k1 * k2 + (int(c_out) if bias else 0)


def cascade_size(kernel_sizes, dilations=None) -> int:
    """Side of the kernel equivalent to a cascade of dilated kernels (§24.2.3): 1 + sum_i (k_i - 1) * d_i.

    Three 3 x 3 kernels with dilations 1, 2, 4 give 15 (the text's 9 x 9 is an erratum).
    """
    ks = [int(k) for k in kernel_sizes]
    ds = [1] * len(ks) if dilations is None else [int(d) for d in dilations]
    if any(k < 1 for k in ks) or any(d < 1 for d in ds):
        raise ValueError("kernel sizes and dilations are at least 1")
    if len(ds) != len(ks):
        raise ValueError(f"got {len(ks)} kernel sizes but {len(ds)} dilations")
    return 1 + sum((k - 1) * d for k, d in zip(ks, ds))


def corr2d_flops(N: int, M: int, K1: int, K2: int) -> int:
    """Multiply-adds of a full K1 x K2 cross-correlation of an N x M image: N*M*K1*K2 (§24.2.4)."""
    return int(N) * int(M) * int(K1) * int(K2)


def separable_flops(N: int, M: int, K1: int, K2: int) -> int:
    """Multiply-adds of the separable version (column then row filter): N*M*(K1+K2) (§24.2.4)."""
    return int(N) * int(M) * (int(K1) + int(K2))
