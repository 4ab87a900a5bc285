"""Metamorphic comparisons of manyi's JSON outputs (tests/e2e/metamorphic.sh).

  metamorphic.py RELATION BASE.json OTHER.json

walks BASE and OTHER together and checks EVERY leaf: the two documents must
have the same keys and array lengths, equal strings and booleans, and each
number must stand in the relation's expected link to its base value (1e-9
relative, 1e-12 absolute near 0). Which numbers change, and how, is said
here per key name, with the reason:

  scale   (all design weights times 7.3): weighted totals (x: the weighted
          count of satisfied, sum_weights) are 7.3 times the base; the design
          effect deff compares with simple random sampling WITHOUT
          replacement from a population of N = sum_weights (R's deff = TRUE),
          whose variance carries (1 - n/N): deff' = deff (1 - n/N) / (1 -
          n/(7.3 N)); every other figure is unchanged (estimates are ratios
          of weighted sums, their linearised variances are homogeneous of
          degree 0 in w).
  permute (the rows re-imported in another order): everything unchanged,
          except the drivers' bootstrap intervals (share_lower, share_upper):
          resample k draws row positions with seed 1, so another row order
          draws other resamples.
  dup     (every PSU duplicated, with its weight): point estimates unchanged;
          counts (n, responses, x, sum_weights, PSUs ...) exactly doubled;
          the spread and what follows from it (se, intervals, df, deff, z,
          p-values, significance, bootstrap intervals) changes and is not
          compared. Items' Cronbach alpha and the drivers' R^2 and shares are
          ratios of (co)variances and stay.

Prints "N numbers: a equal, b scaled|doubled, c not compared" and exits 1
listing each mismatch.
"""
import json
import sys

SCALE = {"x", "sum_weights"}
DOUBLED = {"n", "n_missing", "n_promoters", "n_passives", "n_detractors", "x", "sum_weights",
           "n_psu", "psus", "responses", "scored", "alpha_n", "n_rows", "invitations",
           "invitations_answered"}
# keys under these parents are counts too: index.dimension_n.<dimension>, sample.waves[].*
DOUBLED_PARENTS = {"dimension_n"}
DUP_SPREAD = {"se", "se_raw", "ci_lower", "ci_upper", "ci_lower_raw", "ci_upper_raw", "df",
              "deff", "z", "p_value", "significant", "differs", "share_lower", "share_upper",
              "lower_bound_gap_points", "status", "reason"}
PERMUTE_FREE = {"share_lower", "share_upper"}
NEVER = {"generated_at"}  # the clock


def close(a, b):
    return abs(a - b) <= max(1e-12, 1e-9 * max(abs(a), abs(b)))


def main():
    rel, base, other = sys.argv[1], json.load(open(sys.argv[2])), json.load(open(sys.argv[3]))
    counts = {"equal": 0, "linked": 0, "free": 0}
    errs = []
    parent_obj = [{}]  # the object whose leaves are being compared

    def leaf(path, key, parent, a, b):
        if key in NEVER:
            counts["free"] += 1
            return
        if rel == "permute" and key in PERMUTE_FREE:
            counts["free"] += 1
            return
        if rel == "dup" and key in DUP_SPREAD:
            counts["free"] += 1
            return
        if isinstance(a, bool) or isinstance(a, str) or a is None:
            if a != b:
                errs.append(f"{path}: {a!r} -> {b!r}")
            else:
                counts["equal"] += 1
            return
        if not isinstance(b, (int, float)) or isinstance(b, bool):
            errs.append(f"{path}: {a!r} -> {b!r}")
            return
        want, kind = a, "equal"
        if rel == "scale" and key in SCALE:
            want, kind = 7.3 * a, "linked"
        if rel == "scale" and key == "deff" and "sum_weights" in parent_obj[0]:
            n, N = parent_obj[0]["n"], parent_obj[0]["sum_weights"]
            want, kind = a * (1 - n / N) / (1 - n / (7.3 * N)), "linked"
        if rel == "dup" and not path.startswith("$.seasonality") and (  # there n counts periods
                key in DOUBLED or parent in DOUBLED_PARENTS or
                             (path.startswith("$.sample") and key in ("answered", "flagged"))):
            want, kind = 2 * a, "linked"
        if close(want, b):
            counts[kind] += 1
        else:
            errs.append(f"{path}: {a!r} -> {b!r} (want {want!r})")

    def walk(a, b, path, key, parent):
        if isinstance(a, dict):
            if not isinstance(b, dict) or set(a) != set(b):
                if key in NEVER or (rel == "dup" and key in DUP_SPREAD):
                    return
                errs.append(f"{path}: keys {sorted(a) if isinstance(a, dict) else a} -> "
                            f"{sorted(b) if isinstance(b, dict) else b}")
                return
            for k in a:
                parent_obj[0] = a
                walk(a[k], b[k], f"{path}.{k}", k, key)
        elif isinstance(a, list):
            if not isinstance(b, list) or len(a) != len(b):
                errs.append(f"{path}: a list of {len(a)} -> {b!r:.80}")
                return
            for i, (x, y) in enumerate(zip(a, b)):
                walk(x, y, f"{path}[{i}]", key, parent)
        else:
            leaf(path, key, parent, a, b)

    walk(base, other, "$", None, None)
    n = sum(counts.values())
    link = {"scale": "scaled by 7.3", "dup": "doubled"}.get(rel, "linked")
    print(f"{n} leaves: {counts['equal']} equal, {counts['linked']} {link}, "
          f"{counts['free']} not compared")
    if errs:
        print("\n".join(errs[:40]), file=sys.stderr)
        sys.exit(1)
    if counts["equal"] < 10:
        print("almost nothing compared", file=sys.stderr)
        sys.exit(1)


main()
