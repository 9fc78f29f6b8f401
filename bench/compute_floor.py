"""The floor of the compute benchmark: the arithmetic of ``parindex compute``, alone, in numpy.

``python compute_floor.py ARRAYS.npz RESULT.npz`` loads values parsed beforehand (each answer
as an exact fraction num/den, an option's position or n/a, with its unit and leaf) and the
framework as arrays, then does what parindex does after reading: each leaf's points by its rule
in int64 quanta with half-up rounding, the node sums bottom-up with their caps, the totals (bonus
added, penalty taken), the indices, the ranks in groups and the bands. No file is read or
checked and nothing is written but the totals, indices and ranks, which the benchmark compares
with parindex's. It prints the seconds the arithmetic took.
"""

from __future__ import annotations

import sys
import time

import numpy as np
import numpy.typing as npt

Ints = npt.NDArray[np.int64]
NUMBER, OPTION, NOT_APPLICABLE = 0, 1, 2
RULES = ("points", "choice", "yes_no", "ratio", "proportional", "count", "deduction", "survey")


def half_up(numerator: Ints, denominator: Ints) -> Ints:
    result: Ints = (2 * numerator + denominator) // (2 * denominator)
    return result


def leaf_points(a: dict[str, npt.NDArray[np.int64]]) -> tuple[Ints, Ints]:
    """Each answer's points and maximum, in quanta."""
    leaf, kind, num, den = a["cell_leaf"], a["cell_kind"], a["cell_num"], a["cell_den"]
    rule = a["leaf_rule"][leaf]
    top = a["leaf_top"][leaf]
    per = a["leaf_per"][leaf]
    scale = 10 ** int(a["places"])
    safe_den = np.maximum(den, 1)
    points = np.zeros(len(leaf), dtype=np.int64)

    def at(name: str) -> npt.NDArray[np.bool_]:
        found: npt.NDArray[np.bool_] = (kind == NUMBER) & (rule == RULES.index(name))
        return found

    points = np.where(at("points"), half_up(num * scale, safe_den), points)
    points = np.where(at("survey"), half_up(top * num, 100 * safe_den), points)
    points = np.where(at("count"), np.minimum(num * per, top), points)
    points = np.where(at("deduction"), np.maximum(top - num * per, 0), points)
    points = np.where(at("yes_no"), np.where(num > 0, top, 0), points)
    points = np.where(at("proportional"), half_up(top * np.minimum(num, den), safe_den), points)
    ratio = at("ratio")
    open_ = ratio.copy()
    for k in range(a["bracket_min"].shape[1]):  # the first bracket reached
        low, power = a["bracket_min"][leaf, k], a["bracket_power"][leaf, k]
        reached = open_ & (100 * num * 10**power >= low * den)
        points = np.where(reached, a["bracket_points"][leaf, k], points)
        open_ &= ~reached
    options = kind == OPTION
    points[options] = a["option_points"][leaf[options], num[options]]
    na = kind == NOT_APPLICABLE
    full = bool(a["na_full"])
    points[na] = top[na] if full else 0
    maxima = np.where(na & ~full, 0, top)
    return points, maxima


def main() -> None:
    with np.load(sys.argv[1]) as stored:
        a = {name: stored[name] for name in stored.files}
    started = time.perf_counter()
    n_units, n_leaves = len(a["unit_group"]), len(a["leaf_top"])
    applies = a["type_applies"][a["unit_type"]]  # units × leaves
    points, maxima = leaf_points(a)
    matrix = np.zeros((n_units, n_leaves), dtype=np.int64)
    leaf_max = np.where(applies, a["leaf_top"], 0)
    answered = np.zeros((n_units, n_leaves), dtype=np.bool_)
    matrix[a["cell_unit"], a["cell_leaf"]] = points
    leaf_max[a["cell_unit"], a["cell_leaf"]] = maxima
    answered[a["cell_unit"], a["cell_leaf"]] = True

    # Nodes bottom-up (children come after their parent): sums, then the node's cap.
    n_nodes = len(a["node_parent"])
    node_points = np.zeros((n_nodes, n_units), dtype=np.int64)
    node_max = np.zeros((n_nodes, n_units), dtype=np.int64)
    for n in range(n_nodes - 1, -1, -1):
        column = a["node_leaf"][n]
        if column >= 0:
            node_points[n], node_max[n] = matrix[:, column], leaf_max[:, column]
        elif a["node_cap"][n] >= 0:
            np.minimum(node_points[n], a["node_cap"][n], out=node_points[n])
            np.minimum(node_max[n], a["node_cap"][n], out=node_max[n])
        parent = a["node_parent"][n]
        if parent >= 0:
            node_points[parent] += node_points[n]
            node_max[parent] += node_max[n]
    top = a["node_parent"] < 0
    sign = np.where(a["node_kind"] == 2, -1, 1)[top]
    total = np.maximum((node_points[top] * sign[:, None]).sum(axis=0), 0)
    total_max = node_max[top & (a["node_kind"] == 0)].sum(axis=0)
    scale = 100 * 10 ** int(a["places"])
    index = np.where(total_max > 0, half_up(total * scale, np.maximum(total_max, 1)), -1)
    node_index = np.where(node_max > 0, half_up(node_points * scale, np.maximum(node_max, 1)), -1)
    node_index[a["node_kind"] != 0] = -1  # a bonus or a penalty has no index

    # Ranks in groups, highest index first, ties sharing the first rank of their run.
    order = np.lexsort((-index, a["unit_group"]))
    group, value = a["unit_group"][order], index[order]
    first = np.ones(n_units, dtype=np.bool_)
    first[1:] = (group[1:] != group[:-1]) | (value[1:] != value[:-1])
    group_start = np.ones(n_units, dtype=np.bool_)
    group_start[1:] = group[1:] != group[:-1]
    rank_sorted = np.maximum.accumulate(np.where(first, np.arange(n_units), 0))
    rank_sorted = rank_sorted - np.maximum.accumulate(np.where(group_start, np.arange(n_units), 0))
    ranks = np.empty(n_units, dtype=np.int64)
    ranks[order] = np.where(value >= 0, rank_sorted + 1, -1)
    bands = np.where(index >= 0, np.searchsorted(-a["band_min"], -index), len(a["band_min"]))
    missing = (applies & ~answered & a["leaf_normal"]).sum(axis=1)
    elapsed = time.perf_counter() - started
    np.savez(
        sys.argv[2],
        total=total,
        index=index,
        rank=ranks,
        band=bands,
        missing=missing,
        node_index=node_index.T,
    )
    print(f"{elapsed:.6f}")


if __name__ == "__main__":
    main()
