"""Fit the rational approximation behind kernel.TanhF32.

    tanh(x) ≈ x·P(x²)/Q(x²)  on 0 ≤ x ≤ 10,  deg P = 4, deg Q = 5, Q(0) = 1

The fit minimises the maximum relative error by Lawson's iteration: a
weighted linear least-squares fit of x·P − tanh·Q, reweighted each round by
the current error, with both polynomials in a Chebyshev basis of
t = 2x²/100 − 1 for conditioning. The result is converted to monomials in
s = x² in 40-digit arithmetic and printed as Go literals, followed by the
maximum relative error of the float64 evaluation on a dense grid.

Run with Debian's python3-numpy and python3-mpmath:

    /usr/bin/python3 internal/kernel/testdata/tanh_fit.py
"""
import mpmath as mp
import numpy as np

mp.mp.dps = 40
CLAMP = 10.0
DEG_P, DEG_Q = 4, 5
ITERATIONS = 1000


def fit():
    theta = np.linspace(0, np.pi, 6000)
    x = CLAMP * (1 - np.cos(theta)) / 2  # Chebyshev-spaced, dense at both ends
    x[0] = 1e-6
    f = np.tanh(x)
    t = 2 * x * x / CLAMP**2 - 1
    tp = np.polynomial.chebyshev.chebvander(t, DEG_P)
    tq = np.polynomial.chebyshev.chebvander(t, DEG_Q)

    weight = np.full_like(x, 1 / len(x))
    q_prev = np.ones_like(x)
    best = None
    for _ in range(ITERATIONS):
        # Unknowns: all of P, and Q without its constant Chebyshev term,
        # which is fixed at 1. Rows are scaled so the residual is the
        # relative error of x·P/Q linearised around the previous Q.
        scale = (f * q_prev)[:, None]
        lhs = np.hstack([x[:, None] * tp, -f[:, None] * tq[:, 1:]]) / scale
        rhs = f * tq[:, 0] / scale[:, 0]
        root = np.sqrt(weight)
        sol, *_ = np.linalg.lstsq(lhs * root[:, None], rhs * root, rcond=None)
        p = sol[: DEG_P + 1]
        q = np.concatenate([[1.0], sol[DEG_P + 1 :]])
        pv, qv = tp @ p, tq @ q
        err = (x * pv / qv - f) / f
        worst = np.max(np.abs(err))
        if best is None or worst < best[0]:
            best = (worst, p.copy(), q.copy())
        q_prev = qv / np.max(np.abs(qv))
        weight = weight * np.abs(err)
        weight /= weight.sum()
    return best


def chebyshev_to_monomial_in_s(coef):
    """Rewrite Σ c_k T_k(t), t = u·s − 1, u = 2/CLAMP², as Σ d_j s^j."""
    n = len(coef)
    cheb = [[mp.mpf(1)], [mp.mpf(0), mp.mpf(1)]]
    for k in range(2, n):
        nxt = [mp.mpf(0)] * (k + 1)
        for i, v in enumerate(cheb[k - 1]):
            nxt[i + 1] += 2 * v
        for i, v in enumerate(cheb[k - 2]):
            nxt[i] -= v
        cheb.append(nxt)
    in_t = [mp.mpf(0)] * n
    for k in range(n):
        for i, v in enumerate(cheb[k]):
            in_t[i] += mp.mpf(coef[k]) * v
    u = mp.mpf(2) / mp.mpf(CLAMP) ** 2
    in_s = [mp.mpf(0)] * n
    for i in range(n):
        for j in range(i + 1):
            in_s[j] += in_t[i] * mp.binomial(i, j) * u**j * (-1) ** (i - j)
    return in_s


def horner(coef, s):
    acc = np.zeros_like(s)
    for v in reversed(coef):
        acc = acc * s + v
    return acc


def main():
    lawson_err, p, q = fit()
    p_s, q_s = chebyshev_to_monomial_in_s(p), chebyshev_to_monomial_in_s(q)
    q0 = q_s[0]
    p_s = [float(v / q0) for v in p_s]
    q_s = [float(v / q0) for v in q_s]
    for name, coef in (("p", p_s), ("q", q_s)):
        for j, v in enumerate(coef):
            print(f"{name}{j} = {v!r}")

    x = np.linspace(0, CLAMP, 200001)[1:]
    s = x * x
    approx = x * horner(p_s, s) / horner(q_s, s)
    exact = np.array([float(mp.tanh(mp.mpf(v))) for v in x])
    print(f"Lawson max relative error     {lawson_err:.3e}")
    print(f"float64 max relative error    {np.max(np.abs(approx - exact) / exact):.3e}")
    print(f"1 - approximation at x = {CLAMP:g}: {1 - approx[-1]:.3e}")


if __name__ == "__main__":
    main()
