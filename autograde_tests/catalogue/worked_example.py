"""Mutation catalogue of notebook 08_worked_example.

Each entry is ``(label, source)``: ``source`` is the full code of a student's solution cell, executed in
a namespace holding ``np``, ``torch`` and ``nn`` (and correct versions of the notebook's other graded
functions), so cells that need ``torch.nn.functional`` import it themselves, as a student may.

* ``CORRECT[name]``: different correct implementations; every one must pass the visible and the hidden
  checks.
* ``BUGS[name]``: realistic mistakes; every one must be rejected by the visible or the hidden checks
  (``autograde_tests/test_catalogue_worked_example.py`` measures the kill rate). Bugs that only a GPU can
  expose (a model and data on different devices) are added when CUDA is present and the grader checks
  devices (``GPU_CHECKS``).
"""
from __future__ import annotations


import torch

from convgrader.checks.worked_example import GPU_CHECKS

__all__ = ["FUNCTIONS", "CORRECT", "BUGS", "ROUNDTRIP_BUG"]

FUNCTIONS = ["make_lines", "train_classifier", "accuracy", "modulate", "make_oriented_textures"]


from . import entries as _entries, src as _s, variant


def _variant(base: str, old: str, new: str) -> str:
    """``base`` with the first occurrence of ``old`` replaced."""
    return variant(base, old, new, count=1)


# ------------------------------------------------------------------- make_lines

MAKE_LINES = """
def make_lines(n, size=32, seed=0, noise=0.0):
    rng = np.random.default_rng(seed)
    y = rng.permutation(np.arange(n) % 2).astype(np.int64)
    x = np.zeros((n, size, size), dtype=np.float32)
    for i in range(n):
        profile = np.zeros(size, dtype=np.float32)
        for _ in range(rng.integers(1, max(1, size // 4) + 1)):
            width = rng.integers(1, 3)
            start = rng.integers(1, size - width)
            profile[start:start + width] = 1.0
        x[i] = profile[None, :] if y[i] == 0 else profile[:, None]
    if noise > 0:
        x += rng.normal(0.0, noise, size=x.shape).astype(np.float32)
    return x, y
"""

CORRECT_MAKE_LINES = [("reference: profile broadcast along one axis", _s(MAKE_LINES))] + _entries(
    ("boolean masks, np.tile, noise per image", """
        def make_lines(n, size=32, seed=0, noise=0.0):
            rng = np.random.default_rng(seed)
            labels = np.array([0, 1] * (n // 2) + [int(rng.integers(0, 2))] * (n % 2), dtype=np.int64)
            rng.shuffle(labels)
            images = []
            for label in labels:
                k = rng.integers(1, 5)
                columns = rng.choice(np.arange(2, size - 2), size=min(k, size - 4), replace=False)
                row = np.zeros(size, dtype=np.float32)
                row[columns] = rng.uniform(0.5, 1.0, size=len(columns))
                img = np.tile(row, (size, 1))
                if label == 1:
                    img = img.T.copy()
                if noise:
                    img = img + rng.normal(0, noise, size=(size, size))
                images.append(img.astype(np.float32))
            return np.stack(images).reshape(n, size, size), labels
        """),
    ("torch generator, then numpy", """
        def make_lines(n, size=32, seed=0, noise=0.0):
            g = torch.Generator().manual_seed(seed)
            y = (torch.arange(n) % 2)[torch.randperm(n, generator=g)]
            x = torch.zeros(n, size, size)
            for i in range(n):
                k = int(torch.randint(1, size // 4 + 1, (1,), generator=g))
                pos = torch.randint(1, size - 1, (k,), generator=g)
                profile = torch.zeros(size)
                profile[pos] = 1.0
                x[i] = profile.expand(size, size) if y[i] == 0 else profile[:, None].expand(size, size)
            if noise > 0:
                x = x + noise * torch.randn(n, size, size, generator=g)
            return x.numpy().astype(np.float32), y.numpy().astype(np.int64)
        """),
)

BUGS_MAKE_LINES = _entries(
    # first: the demo's sample of a make_lines bug, one that costs make_lines_test alone (the notebook's
    # experiments draw clean lines, so the Results do not depend on the noise)
    ("noise standard deviation read as a variance", _variant(MAKE_LINES, "rng.normal(0.0, noise, size=x.shape)",
                                                             "rng.normal(0.0, np.sqrt(noise), size=x.shape)")),
    ("labels swapped (0 = horizontal)", _variant(MAKE_LINES, "x[i] = profile[None, :] if y[i] == 0 else profile[:, None]",
                                                 "x[i] = profile[:, None] if y[i] == 0 else profile[None, :]")),
    ("random labels: classes unbalanced", _variant(MAKE_LINES, "y = rng.permutation(np.arange(n) % 2).astype(np.int64)",
                                                   "y = rng.integers(0, 2, size=n).astype(np.int64)")),
    ("lines in both orientations", _variant(MAKE_LINES, "x[i] = profile[None, :] if y[i] == 0 else profile[:, None]",
                                            "x[i] = profile[None, :] if y[i] == 0 else profile[:, None]\n"
                                            "        x[i, rng.integers(1, size - 1), :] = 1.0")),
    ("noise added to the profile before broadcasting", _variant(
        MAKE_LINES, "        x[i] = profile[None, :] if y[i] == 0 else profile[:, None]\n",
        "        if noise > 0:\n"
        "            profile = profile + rng.normal(0.0, noise, size=size).astype(np.float32)\n"
        "        x[i] = profile[None, :] if y[i] == 0 else profile[:, None]\n").replace(
        "    if noise > 0:\n        x += rng.normal(0.0, noise, size=x.shape).astype(np.float32)\n", "")),
    ("seed ignored: np.random's global state", """
        def make_lines(n, size=32, seed=0, noise=0.0):
            y = np.random.permutation(np.arange(n) % 2).astype(np.int64)
            x = np.zeros((n, size, size), dtype=np.float32)
            for i in range(n):
                profile = np.zeros(size, dtype=np.float32)
                for _ in range(np.random.randint(1, size // 4 + 1)):
                    start = np.random.randint(1, size - 2)
                    profile[start:start + np.random.randint(1, 3)] = 1.0
                x[i] = profile[None, :] if y[i] == 0 else profile[:, None]
            if noise > 0:
                x += np.random.normal(0.0, noise, size=x.shape).astype(np.float32)
            return x, y
        """),
    ("float64 images (np.zeros' default dtype)", _variant(MAKE_LINES, "x = np.zeros((n, size, size), dtype=np.float32)",
                                                         "x = np.zeros((n, size, size))")),
    ("labels stored in a float array", _variant(MAKE_LINES, "y = rng.permutation(np.arange(n) % 2).astype(np.int64)",
                                                "y = np.zeros(n)\n    y[:] = rng.permutation(np.arange(n) % 2)")),
    ("zero lines possible: rng.integers(0, ...)", _variant(MAKE_LINES, "rng.integers(1, max(1, size // 4) + 1)",
                                                          "rng.integers(0, max(1, size // 4) + 1)")),
    ("uniform noise instead of Gaussian", _variant(MAKE_LINES, "rng.normal(0.0, noise, size=x.shape)",
                                                   "rng.uniform(-noise, noise, size=x.shape)")),
    ("one noise image added to every image", _variant(MAKE_LINES, "rng.normal(0.0, noise, size=x.shape)",
                                                      "rng.normal(0.0, noise, size=(size, size))")),
    ("noise argument ignored", _variant(MAKE_LINES, "    if noise > 0:\n        x += rng.normal(0.0, noise, "
                                        "size=x.shape).astype(np.float32)\n", "")),
    ("size ignored (always 32x32)", _variant(MAKE_LINES, "def make_lines(n, size=32, seed=0, noise=0.0):\n",
                                             "def make_lines(n, size=32, seed=0, noise=0.0):\n    size = 32\n")),
    ("labels as a column (n, 1)", _variant(MAKE_LINES, "return x, y", "return x, y[:, None]")),
)

# ------------------------------------------------------------------- train_classifier

TRAIN = """
import torch.nn.functional as F

def train_classifier(model, x, y, epochs=10, lr=0.01, batch_size=50, seed=0):
    param = next(model.parameters())
    x = torch.as_tensor(x).to(device=param.device, dtype=param.dtype).unsqueeze(1)
    y = torch.as_tensor(y).to(device=param.device, dtype=torch.long)
    generator = torch.Generator().manual_seed(seed)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    model.train()
    losses = []
    for epoch in range(epochs):
        order = torch.randperm(len(x), generator=generator).to(param.device)
        batch_losses = []
        for start in range(0, len(x), batch_size):
            batch = order[start:start + batch_size]
            loss = F.cross_entropy(model(x[batch]), y[batch])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            batch_losses.append(loss.item())
        losses.append(sum(batch_losses) / len(batch_losses))
        print(f"epoch {epoch + 1:2d}/{epochs}: mean loss {losses[-1]:.4f}")
    return losses
"""

CORRECT_TRAIN = [("reference: Adam, randperm with a generator", _s(TRAIN))] + _entries(
    ("DataLoader with a seeded generator", """
        from torch.utils.data import DataLoader, TensorDataset

        def train_classifier(model, x, y, epochs=10, lr=0.01, batch_size=50, seed=0):
            p = next(model.parameters())
            data = TensorDataset(torch.tensor(np.asarray(x), dtype=p.dtype)[:, None], torch.tensor(np.asarray(y)))
            loader = DataLoader(data, batch_size=batch_size, shuffle=True,
                                generator=torch.Generator().manual_seed(seed))
            opt = torch.optim.Adam(model.parameters(), lr=lr)
            loss_fn = nn.CrossEntropyLoss()
            history = []
            for epoch in range(epochs):
                total, count = 0.0, 0
                for xb, yb in loader:
                    xb, yb = xb.to(p.device), yb.to(p.device).long()
                    opt.zero_grad()
                    loss = loss_fn(model(xb), yb)
                    loss.backward()
                    opt.step()
                    total += float(loss)
                    count += 1
                history.append(total / count)
                print("epoch", epoch + 1, "loss", round(history[-1], 4))
            return history
        """),
    ("numpy rng shuffles, model.zero_grad, sample-weighted mean", """
        def train_classifier(model, x, y, epochs=10, lr=0.01, batch_size=50, seed=0):
            dev = next(model.parameters()).device
            dt = next(model.parameters()).dtype
            if isinstance(x, torch.Tensor):
                x = x.detach().cpu().numpy()
            if isinstance(y, torch.Tensor):
                y = y.detach().cpu().numpy()
            rng = np.random.default_rng(seed)
            opt = torch.optim.Adam(model.parameters(), lr=lr)
            out = []
            n = len(x)
            for epoch in range(epochs):
                idx = rng.permutation(n)
                s = 0.0
                for b in range(0, n, batch_size):
                    j = idx[b:b + batch_size]
                    xb = torch.from_numpy(x[j].copy()).to(dev, dt).reshape(len(j), 1, *x.shape[1:])
                    yb = torch.from_numpy(y[j].copy()).to(dev).long()
                    model.zero_grad()
                    loss = nn.functional.cross_entropy(model(xb), yb)
                    loss.backward()
                    opt.step()
                    s += loss.item() * len(j)
                out.append(s / n)
                print(f"epoch {epoch + 1}: {out[-1]:.4f}")
            return out
        """),
    ("drop_last batches, AdamW without weight decay, log_softmax + nll", """
        import torch.nn.functional as F

        def train_classifier(model, x, y, epochs=10, lr=0.01, batch_size=50, seed=0):
            device = next(model.parameters()).device
            x = torch.as_tensor(x).float().to(device)[:, None]
            y = torch.as_tensor(y).to(device).long()
            g = torch.Generator().manual_seed(seed)
            opt = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=0.0)
            losses = []
            nb = max(1, len(x) // batch_size)
            for epoch in range(epochs):
                perm = torch.randperm(len(x), generator=g).to(device)
                running = []
                for b in range(nb):
                    sel = perm[b * batch_size:(b + 1) * batch_size]
                    opt.zero_grad(set_to_none=True)
                    loss = F.nll_loss(F.log_softmax(model(x[sel]), dim=1), y[sel])
                    loss.backward()
                    opt.step()
                    running.append(loss.detach())
                losses.append(torch.stack(running).mean().item())
                print(f"[{epoch + 1}/{epochs}] {losses[-1]:.4f}")
            return losses
        """),
)

BUGS_TRAIN = _entries(
    ("returns loss tensors (no .item())", _variant(TRAIN, "batch_losses.append(loss.item())",
                                                   "batch_losses.append(loss)")),
    ("optimizer.zero_grad() missing", _variant(TRAIN, "            optimizer.zero_grad()\n", "")),
    ("zero_grad between backward and step", _variant(TRAIN, "            optimizer.zero_grad()\n            loss.backward()\n",
                                                     "            loss.backward()\n            optimizer.zero_grad()\n")),
    ("optimizer.step() missing", _variant(TRAIN, "            optimizer.step()\n", "")),
    ("seed ignored: global torch.randperm", _variant(TRAIN, "torch.randperm(len(x), generator=generator)",
                                                     "torch.randperm(len(x))")),
    ("last batch's loss instead of the epoch mean", _variant(TRAIN, "losses.append(sum(batch_losses) / len(batch_losses))",
                                                             "losses.append(batch_losses[-1])")),
    ("sum of the batch losses", _variant(TRAIN, "losses.append(sum(batch_losses) / len(batch_losses))",
                                         "losses.append(sum(batch_losses))")),
    ("one epoch too few (range(epochs - 1))", _variant(TRAIN, "for epoch in range(epochs):",
                                                       "for epoch in range(epochs - 1):")),
    ("batch_size ignored: full-batch steps", _variant(TRAIN, "for start in range(0, len(x), batch_size):",
                                                      "for start in range(0, len(x), len(x)):").replace(
        "order[start:start + batch_size]", "order[start:start + len(x)]")),
    ("trains a copy of the model", _variant(TRAIN, "    param = next(model.parameters())\n",
                                            "    import copy\n    model = copy.deepcopy(model)\n"
                                            "    param = next(model.parameters())\n")),
    ("normalises the data in place", _variant(TRAIN, "    param = next(model.parameters())\n",
                                              "    param = next(model.parameters())\n"
                                              "    x = torch.as_tensor(x)\n    x -= x.mean()\n")),
    ("softmax applied before cross_entropy", _variant(TRAIN, "F.cross_entropy(model(x[batch]), y[batch])",
                                                      "F.cross_entropy(F.softmax(model(x[batch]), dim=1), y[batch])")),
    ("sum-reduced loss", _variant(TRAIN, "F.cross_entropy(model(x[batch]), y[batch])",
                                  "F.cross_entropy(model(x[batch]), y[batch], reduction='sum')")),
    ("learning rate ignored (hard-coded 0.01)", _variant(TRAIN, "torch.optim.Adam(model.parameters(), lr=lr)",
                                                         "torch.optim.Adam(model.parameters(), lr=0.01)")),
    ("returns a numpy array of losses", _variant(TRAIN, "    return losses\n", "    return np.array(losses)\n")),
)

if torch.cuda.is_available() and GPU_CHECKS:   # a model and its data on different devices: only a GPU tells
    BUGS_TRAIN += _entries(
        ("data always sent to the GPU", _variant(TRAIN, "    param = next(model.parameters())\n",
                                                 "    param = next(model.parameters())\n"
                                                 "    from convcourse.device import try_gpu\n"
                                                 "    model = model.to(try_gpu())\n")),
        ("data left on the CPU", _variant(TRAIN, "x = torch.as_tensor(x).to(device=param.device, dtype=param.dtype)",
                                          "x = torch.as_tensor(x).to(dtype=param.dtype)")),
    )

# ------------------------------------------------------------------- accuracy

ACCURACY = """
def accuracy(model, x, y):
    param = next(model.parameters())
    x = torch.as_tensor(x).to(device=param.device, dtype=param.dtype).unsqueeze(1)
    y = torch.as_tensor(y).to(param.device)
    with torch.no_grad():
        predictions = model(x).argmax(dim=1)
    return (predictions == y).double().mean().item()
"""

CORRECT_ACCURACY = [("reference: argmax, mean", _s(ACCURACY))] + _entries(
    ("numpy comparison in batches", """
        def accuracy(model, x, y):
            p = next(model.parameters())
            x = x.detach().cpu().numpy() if isinstance(x, torch.Tensor) else np.asarray(x)
            y = y.detach().cpu().numpy() if isinstance(y, torch.Tensor) else np.asarray(y)
            correct = 0
            model.eval()
            with torch.no_grad():
                for s in range(0, len(x), 16):
                    xb = torch.tensor(x[s:s + 16][:, None], dtype=p.dtype, device=p.device)
                    correct += int((model(xb).argmax(1).cpu().numpy() == y[s:s + 16]).sum())
            return correct / len(x)
        """),
    ("softmax probabilities, max index", """
        def accuracy(model, x, y):
            w = next(model.parameters())
            with torch.inference_mode():
                probs = torch.softmax(model(torch.as_tensor(x).to(w)[:, None]), dim=-1)
            pred = probs.max(dim=-1).indices.cpu()
            return float((pred == torch.as_tensor(y).cpu()).sum()) / len(pred)
        """),
)

BUGS_ACCURACY = _entries(
    ("returns a tensor (no .item())", _variant(ACCURACY, "return (predictions == y).double().mean().item()",
                                               "return (predictions == y).double().mean()")),
    ("number correct instead of the fraction", _variant(ACCURACY, "return (predictions == y).double().mean().item()",
                                                        "return float((predictions == y).sum())")),
    ("argmax over the batch axis", _variant(ACCURACY, "argmax(dim=1)", "argmax(dim=0)")),
    ("no channel axis", _variant(ACCURACY, ".to(device=param.device, dtype=param.dtype).unsqueeze(1)",
                                 ".to(device=param.device, dtype=param.dtype)")),
    ("x not cast to the model's dtype", _variant(ACCURACY, ".to(device=param.device, dtype=param.dtype).unsqueeze(1)",
                                                 ".to(device=param.device).unsqueeze(1)")),
    ("always float32", _variant(ACCURACY, ".to(device=param.device, dtype=param.dtype).unsqueeze(1)",
                                ".float().to(param.device).unsqueeze(1)")),
    ("error rate instead of accuracy", _variant(ACCURACY, "(predictions == y)", "(predictions != y)")),
    ("predicts class 1 when its logit is positive", _variant(ACCURACY, "predictions = model(x).argmax(dim=1)",
                                                            "predictions = (model(x)[:, 1] > 0).long()")),
    ("rounded to two decimals", _variant(ACCURACY, "return (predictions == y).double().mean().item()",
                                         "return round((predictions == y).double().mean().item(), 2)")),
    ("integer division", _variant(ACCURACY, "return (predictions == y).double().mean().item()",
                                  "return int((predictions == y).sum()) // len(y)")),
)

# ------------------------------------------------------------------- modulate

MODULATE = """
def modulate(x, period=6):
    x = np.asarray(x)
    dtype = x.dtype if np.issubdtype(x.dtype, np.floating) else np.float64
    carrier = np.cos(2 * np.pi * np.arange(x.shape[-1]) / period).astype(dtype)
    return x.astype(dtype) * carrier
"""

CORRECT_MODULATE = [("reference: carrier cast to x's dtype", _s(MODULATE))] + _entries(
    ("meshgrid and result cast", """
        def modulate(x, period=6):
            x = np.asarray(x)
            out_dtype = x.dtype if x.dtype.kind == "f" else np.dtype(np.float64)
            n, m = np.meshgrid(np.arange(x.shape[-2]), np.arange(x.shape[-1]), indexing="ij")
            return (x * np.cos(2 * np.pi * m / period)).astype(out_dtype)
        """),
    ("copy, then multiply in place", """
        def modulate(x, period=6):
            out = np.array(x, dtype=np.result_type(np.asarray(x).dtype, np.float16)
                           if np.asarray(x).dtype.kind == "f" else np.float64, copy=True)
            for m in range(out.shape[-1]):
                out[..., m] *= np.cos(2 * np.pi * m / period)
            return out
        """),
)

BUGS_MODULATE = _entries(
    ("modulates along the rows", _variant(MODULATE, "np.arange(x.shape[-1]) / period).astype(dtype)",
                                          "np.arange(x.shape[-2]) / period).astype(dtype)[:, None]")),
    ("sin instead of cos", _variant(MODULATE, "np.cos(", "np.sin(")),
    ("factor 2 missing", _variant(MODULATE, "np.cos(2 * np.pi *", "np.cos(np.pi *")),
    ("period ignored (always 6)", _variant(MODULATE, "/ period)", "/ 6)")),
    ("multiplies x in place", """
        def modulate(x, period=6):
            x *= np.cos(2 * np.pi * np.arange(x.shape[-1]) / period).astype(x.dtype)
            return x
        """),
    ("float32 in, float64 out", """
        def modulate(x, period=6):
            return x * np.cos(2 * np.pi * np.arange(x.shape[-1]) / period)
        """),
    ("column index starting at 1", _variant(MODULATE, "np.arange(x.shape[-1])", "np.arange(1, x.shape[-1] + 1)")),
    ("angle in degrees", _variant(MODULATE, "np.cos(2 * np.pi * np.arange(x.shape[-1]) / period)",
                                  "np.cos(360 * np.arange(x.shape[-1]) / period)")),
    ("integer input stays integer", """
        def modulate(x, period=6):
            out = np.empty_like(x)
            out[...] = x * np.cos(2 * np.pi * np.arange(x.shape[-1]) / period)
            return out
        """),
)

# ------------------------------------------------------------------- make_oriented_textures

TEXTURES = """
def make_oriented_textures(n, size=32, seed=0):
    rng = np.random.default_rng(seed)
    y = rng.permutation(np.arange(n) % 2).astype(np.int64)
    r = np.arange(-8, 9)
    long_blur = np.exp(-r ** 2 / (2 * rng.uniform(3.0, 6.0, size=(n, 1)) ** 2))
    short_blur = np.exp(-r ** 2 / (2 * rng.uniform(0.5, 1.2, size=(n, 1)) ** 2))
    vertical = (y == 0)[:, None]
    along_n = np.where(vertical, long_blur, short_blur)
    along_m = np.where(vertical, short_blur, long_blur)
    z = rng.normal(size=(n, size + 16, size + 16))
    windows = np.lib.stride_tricks.sliding_window_view
    z = np.einsum("iabk,ik->iab", windows(z, 17, axis=1), along_n)
    z = np.einsum("iabk,ik->iab", windows(z, 17, axis=2), along_m)
    x = z / z.std(axis=(1, 2), keepdims=True)
    return x.astype(np.float32), y
"""

TEXTURES_LOOP = """
def make_oriented_textures(n, size=32, seed=0):
    rng = np.random.default_rng(seed)
    y = rng.permutation(np.arange(n) % 2).astype(np.int64)
    x = np.empty((n, size, size), dtype=np.float32)
    r = np.arange(-8, 9)
    windows = np.lib.stride_tricks.sliding_window_view
    for i in range(n):
        long_blur = np.exp(-r ** 2 / (2 * rng.uniform(3.0, 6.0) ** 2))
        short_blur = np.exp(-r ** 2 / (2 * rng.uniform(0.5, 1.2) ** 2))
        along_n, along_m = (long_blur, short_blur) if y[i] == 0 else (short_blur, long_blur)
        z = rng.normal(size=(size + 16, size + 16))
        z = windows(z, 17, axis=0) @ along_n
        z = windows(z, 17, axis=1) @ along_m
        x[i] = z / z.std()
    return x, y
"""

CORRECT_TEXTURES = [("reference: anisotropic blur of noise, vectorised", _s(TEXTURES)),
                    ("one image at a time with sliding windows", _s(TEXTURES_LOOP))] + _entries(
    ("short oriented dashes on noise", """
        def make_oriented_textures(n, size=32, seed=0):
            rng = np.random.default_rng(seed)
            y = rng.permutation(np.arange(n) % 2).astype(np.int64)
            x = 0.05 * rng.normal(size=(n, size, size))
            for i in range(n):
                img = np.zeros((size, size))
                for _ in range(size):
                    length = rng.integers(3, max(4, size // 3))
                    a, b = rng.integers(0, size - length), rng.integers(0, size)
                    img[a:a + length, b] += rng.uniform(0.5, 1.0)   # a vertical dash
                x[i] += img if y[i] == 0 else img.T
            return x.astype(np.float32), y
        """),
    ("oriented spectrum (FFT filtering)", """
        def make_oriented_textures(n, size=32, seed=0):
            rng = np.random.default_rng(seed)
            y = np.array([i % 2 for i in range(n)], dtype=np.int64)
            rng.shuffle(y)
            f = np.fft.fftfreq(size)
            fn, fm = np.meshgrid(f, f, indexing="ij")
            x = np.zeros((n, size, size), dtype=np.float32)
            for i in range(n):
                across, along = (fm, fn) if y[i] == 0 else (fn, fm)
                gain = np.exp(-(along / 0.06) ** 2) * np.exp(-(across / 0.25) ** 2)
                z = np.real(np.fft.ifft2(np.fft.fft2(rng.normal(size=(size, size))) * gain))
                x[i] = z / z.std()
            return x, y
        """),
)

BUGS_TEXTURES = _entries(
    ("labels swapped (long blur along the columns for label 0)",
     _variant(TEXTURES, "vertical = (y == 0)[:, None]", "vertical = (y == 1)[:, None]")),
    ("perfect lines: the long blur is infinite", """
        def make_oriented_textures(n, size=32, seed=0):
            rng = np.random.default_rng(seed)
            y = rng.permutation(np.arange(n) % 2).astype(np.int64)
            x = np.zeros((n, size, size), dtype=np.float32)
            for i in range(n):
                profile = np.convolve(rng.normal(size=size), np.ones(2) / 2, mode="same")
                x[i] = profile[None, :] if y[i] == 0 else profile[:, None]
            return x, y
        """),
    ("isotropic blur: no orientation", _variant(TEXTURES, "rng.uniform(0.5, 1.2, size=(n, 1))",
                                                "rng.uniform(3.0, 6.0, size=(n, 1))")),
    ("only label 0", _variant(TEXTURES, "y = rng.permutation(np.arange(n) % 2).astype(np.int64)",
                              "y = np.zeros(n, dtype=np.int64)")),
    ("seed ignored: np.random's global state", _variant(TEXTURES_LOOP, "rng.normal(size=(size + 16, size + 16))",
                                                        "np.random.normal(size=(size + 16, size + 16))")),
    ("barely anisotropic (1.3 vs 1.0)", _variant(_variant(TEXTURES, "rng.uniform(3.0, 6.0, size=(n, 1))",
                                                          "rng.uniform(1.2, 1.4, size=(n, 1))"),
                                                 "rng.uniform(0.5, 1.2, size=(n, 1))", "rng.uniform(0.95, 1.05, size=(n, 1))")),
    ("size ignored (always 32)", _variant(TEXTURES, "def make_oriented_textures(n, size=32, seed=0):\n",
                                          "def make_oriented_textures(n, size=32, seed=0):\n    size = 32\n")),
    ("the blur along a line only: columns identical in label-1 images", """
        def make_oriented_textures(n, size=32, seed=0):
            rng = np.random.default_rng(seed)
            y = rng.permutation(np.arange(n) % 2).astype(np.int64)
            x = np.zeros((n, size, size), dtype=np.float32)
            for i in range(n):
                z = rng.normal(size=(size, size))
                if y[i] == 0:
                    z = np.cumsum(z, axis=0) / np.sqrt(size)      # streaks down the rows
                else:
                    z = np.repeat(z[:, :1], size, axis=1)          # one column repeated: lines
                x[i] = z
            return x, y
        """),
    ("labels as floats", _variant(TEXTURES, "return x.astype(np.float32), y", "return x.astype(np.float32), y * 1.0")),
)

CORRECT = {
    "make_lines": CORRECT_MAKE_LINES,
    "train_classifier": CORRECT_TRAIN,
    "accuracy": CORRECT_ACCURACY,
    "modulate": CORRECT_MODULATE,
    "make_oriented_textures": CORRECT_TEXTURES,
}

BUGS = {
    "make_lines": BUGS_MAKE_LINES,
    "train_classifier": BUGS_TRAIN,
    "accuracy": BUGS_ACCURACY,
    "modulate": BUGS_MODULATE,
    "make_oriented_textures": BUGS_TEXTURES,
}

# The nbgrader round trip: counting instead of averaging costs accuracy's test cell and nothing else (the
# Results cells are measured by the grader itself, from the trained network's weights, not with the
# student's accuracy).
# A bug in make_lines or train_classifier would also cost the Results cells: the results are made by
# those functions, which cannot be avoided.
ROUNDTRIP_BUG = {
    "cell": "accuracy",
    "code": dict(BUGS["accuracy"])["number correct instead of the fraction"],
    "lost": ["accuracy_test"],
}
