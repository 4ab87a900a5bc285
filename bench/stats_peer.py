"""The pandas peer of bench/stats.sh.

    python3 bench/stats_peer.py nps      FILE COL GROUP
    python3 bench/stats_peer.py prop     FILE COL 4,5
    python3 bench/stats_peer.py groupvar FILE COL GROUP
    python3 bench/stats_peer.py ols      FILE Y X1,X2,...

Reads only the named columns of FILE with pandas.read_csv (an empty field or
NA is missing, nothing else; a group column as a category), then computes with pandas: NPS from
s = (x >= 9) - (x <= 6) with groupby, the top-2-box share (Wilson interval
by its formula), count / mean / var by group with groupby().agg and the
one-way ANOVA sums of squares from them; OLS with numpy.linalg.lstsq on the
complete cases, standard errors from inv(X'X) (statsmodels is used instead
when it is installed). Prints "key value" lines keyed as manyi's flattened
--json output, plus time.load and time.compute (seconds, measured inside
Python).
"""
import sys
import time
from statistics import NormalDist

import numpy as np
import pandas as pd

try:
    import statsmodels.api as sm
except ImportError:
    sm = None

out = []


def put(key, value):
    value = float(value)
    out.append(f"{key} {value:.17g}" if np.isfinite(value) else f"{key} null")


def level_order(levels):
    """As manyi: byte order, numerically when every level is a number."""
    levels = [str(x) for x in levels]
    try:
        return sorted(levels, key=lambda s: (float(s), s.encode()))
    except ValueError:
        return sorted(levels, key=lambda s: s.encode())


def load(path, cols, groups=()):
    dtype = {c: ("category" if c in groups else "float64") for c in cols}
    return pd.read_csv(path, usecols=cols, dtype=dtype, keep_default_na=False, na_values=["", "NA"])


def nps_one(prefix, x, z):
    ok = x.notna()
    s = (x[ok] >= 9).astype("int64") - (x[ok] <= 6).astype("int64")
    n = len(s)
    nps = 100 * s.mean()
    se = 100 * s.std() / np.sqrt(n)
    put(prefix + "n", n)
    put(prefix + "n_missing", (~ok).sum())
    for name, v in (("promoters", 1), ("passives", 0), ("detractors", -1)):
        put(prefix + "n_" + name, (s == v).sum())
    for name, v in (("promoters", 1), ("passives", 0), ("detractors", -1)):
        put(prefix + name, 100 * (s == v).mean())
    put(prefix + "nps", nps)
    put(prefix + "se", se)
    put(prefix + "ci_lower", nps - z * se)
    put(prefix + "ci_upper", nps + z * se)
    return nps, se


def main(argv):
    if len(argv) != 5:
        sys.exit("usage: stats_peer.py nps|prop|groupvar|ols FILE A B")
    work, path, a, b = argv[1:]
    z = NormalDist().inv_cdf(0.975)
    t0 = time.perf_counter()
    if work == "nps":
        d = load(path, [a, b], groups=(b,))
        t1 = time.perf_counter()
        x, g = d[a], d[b]
        nps_one("", x, z)
        res = {}
        for level, part in x.groupby(g, sort=False, observed=True):  # rows with a missing group are left out
            res[str(level)] = part
        lv = level_order(res)
        r = {level: nps_one(f"groups.{level}.", res[level], z) for level in lv}
        for i, li in enumerate(lv):
            for lj in lv[i + 1:]:
                diff = r[li][0] - r[lj][0]
                se = np.sqrt(r[li][1] ** 2 + r[lj][1] ** 2)
                prefix = f"differences.{li}_minus_{lj}."
                put(prefix + "diff", diff)
                put(prefix + "se", se)
                put(prefix + "z", diff / se)
    elif work == "prop":
        d = load(path, [a])
        t1 = time.perf_counter()
        success = [float(v) for v in b.split(",")]
        x = d[a].dropna()
        n = len(x)
        k = int(x.isin(success).sum())
        p = k / n
        z2 = z * z
        den = 1 + z2 / n
        centre = (p + z2 / (2 * n)) / den
        half = z * np.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / den
        put("n", n)
        put("n_missing", len(d) - n)
        put("x", k)
        put("p", p)
        put("se", np.sqrt(p * (1 - p) / n))
        put("ci_lower", centre - half)
        put("ci_upper", centre + half)
    elif work == "groupvar":
        d = load(path, [a, b], groups=(b,))
        t1 = time.perf_counter()
        ok = d.dropna(subset=[a, b])
        st = ok.groupby(b, observed=True)[a].agg(["count", "mean", "var"])
        grand = ok[a].mean()
        ssw = ((st["count"] - 1) * st["var"]).sum()
        ssb = (st["count"] * (st["mean"] - grand) ** 2).sum()
        k, n = len(st), len(ok)
        for level in level_order(st.index):
            row = st.loc[level]
            put(f"group_means.{level}", row["mean"])
            put(f"extra.var.{level}", row["var"])
            put(f"extra.n.{level}", row["count"])
        put("n", n)
        put("n_missing", len(d) - n)
        put("df_between", k - 1)
        put("df_within", n - k)
        put("ss_between", ssb)
        put("ss_within", ssw)
        put("eta_squared", ssb / (ssb + ssw))
        put("f", (ssb / (k - 1)) / (ssw / (n - k)))
    elif work == "ols":
        xs = b.split(",")
        d = load(path, [a] + xs)
        t1 = time.perf_counter()
        ok = d.dropna()
        y = ok[a].to_numpy()
        X = np.column_stack([np.ones(len(ok))] + [ok[c].to_numpy() for c in xs])
        n, p = X.shape
        if sm is not None:
            fit = sm.OLS(y, X).fit()
            coef, se = fit.params, fit.bse
            rss = fit.ssr
        else:
            coef, _, _, _ = np.linalg.lstsq(X, y, rcond=None)
            resid = y - X @ coef
            rss = resid @ resid
            se = np.sqrt(np.diag(np.linalg.inv(X.T @ X)) * rss / (n - p))
        tss = ((y - y.mean()) ** 2).sum()
        s2 = rss / (n - p)
        put("n", n)
        put("n_missing", len(d) - n)
        for j, name in enumerate(["intercept"] + xs):
            put(f"coefficients.{name}.estimate", coef[j])
            put(f"coefficients.{name}.se", se[j])
            put(f"coefficients.{name}.t", coef[j] / se[j])
        r2 = 1 - rss / tss
        put("r_squared", r2)
        put("adj_r_squared", 1 - (1 - r2) * (n - 1) / (n - p))
        put("sigma", np.sqrt(s2))
        put("f", ((tss - rss) / (p - 1)) / s2)
        put("f_df1", p - 1)
        put("f_df2", n - p)
    else:
        sys.exit(f"unknown workload '{work}': nps, prop, groupvar or ols")
    t2 = time.perf_counter()
    print("\n".join(out))
    print(f"time.load {t1 - t0:.6f}\ntime.compute {t2 - t1:.6f}")
    ols = "statsmodels OLS" if sm is not None else "numpy.linalg.lstsq"
    print(f"# Python {sys.version.split()[0]}, pandas {pd.__version__}, numpy {np.__version__} ({ols})")


if __name__ == "__main__":
    main(sys.argv)
