"""The selector's model: gradient-boosted trees, trained with LightGBM, scored with numpy.

Why trees: the features interact (a high word coverage means little when the asked unit is
missing; a strategy built for the ask says more on a short question than on a long one). Left
out whole sets at a time, boosted trees asserted about half as many wrong answers as the
logistic regression on the tuned blind sets, at the same share right (eval/README.md, session 14).

`fit` trains with LightGBM (`kb train` only) and returns the trees as flat arrays: for tree t,
node i splits on ``feature[i]`` at ``threshold[i]`` (go left when value ≤ threshold); a child ≥ 0
is another node, a child < 0 is leaf ``~child``. `raw_scores` walks those arrays in numpy, so
answering needs neither LightGBM nor scikit-learn and starts as fast as before. The features
never hold NaN (every feature defaults to 0.0), so LightGBM's missing-value branches never apply.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# LightGBM settings: deterministic (one thread, row-wise histograms, fixed seed, no sampling), so
# `kb train` on the same data writes the same file; small trees with a floor on leaf size, since
# the data are a few thousand candidates of a few thousand questions.
PARAMS = {"objective": "binary", "learning_rate": 0.05, "num_leaves": 15, "min_data_in_leaf": 40,
          "lambda_l2": 1.0, "verbose": -1, "seed": 0, "deterministic": True, "force_row_wise": True,
          "num_threads": 1}
ROUNDS = 200


@dataclass(frozen=True)
class Tree:
    feature: np.ndarray  # int, per internal node
    threshold: np.ndarray  # float, per internal node
    left: np.ndarray  # int: ≥ 0 a node, < 0 leaf ~child
    right: np.ndarray
    leaf: np.ndarray  # float, per leaf

    def to_json(self) -> dict:
        return {"feature": self.feature.tolist(), "threshold": [float(v) for v in self.threshold],
                "left": self.left.tolist(), "right": self.right.tolist(), "leaf": [float(v) for v in self.leaf]}

    @staticmethod
    def from_json(d: dict) -> Tree:
        return Tree(np.array(d["feature"], int), np.array(d["threshold"], float), np.array(d["left"], int),
                    np.array(d["right"], int), np.array(d["leaf"], float))


def _flatten(root: dict) -> Tree:
    feature: list[int] = []
    threshold: list[float] = []
    left: list[int] = []
    right: list[int] = []
    leaves: list[float] = []

    def walk(node: dict) -> int:
        if "leaf_value" in node:
            leaves.append(float(node["leaf_value"]))
            return ~(len(leaves) - 1)
        if node.get("decision_type", "<=") != "<=":
            raise ValueError(f"unsupported split {node.get('decision_type')!r}")
        i = len(feature)
        feature.append(int(node["split_feature"]))
        threshold.append(float(node["threshold"]))
        left.append(0)
        right.append(0)
        left[i] = walk(node["left_child"])
        right[i] = walk(node["right_child"])
        return i

    top = walk(root)
    if top < 0:  # a tree of one leaf: a split that always goes left to it
        feature, threshold, left, right = [0], [np.inf], [top], [top]
    return Tree(np.array(feature, int), np.array(threshold, float), np.array(left, int), np.array(right, int),
                np.array(leaves, float))


def fit(x: np.ndarray, y: np.ndarray) -> tuple[Tree, ...]:
    """Boosted trees for P(candidate is right); no trees when the labels are all alike."""
    import lightgbm as lgb

    if len(set(y.tolist())) < 2:
        return ()
    booster = lgb.train(PARAMS, lgb.Dataset(x, y, free_raw_data=True), num_boost_round=ROUNDS)
    return tuple(_flatten(t["tree_structure"]) for t in booster.dump_model()["tree_info"])


@dataclass(frozen=True)
class Forest:
    """The trees stacked into padded arrays (tree × node, tree × leaf), so all of them are walked
    at once: a question's candidates are scored in well under a millisecond."""

    feature: np.ndarray
    threshold: np.ndarray
    left: np.ndarray
    right: np.ndarray
    leaf: np.ndarray

    @staticmethod
    def of(trees: tuple[Tree, ...]) -> Forest:
        n = max((len(t.feature) for t in trees), default=1)
        m = max((len(t.leaf) for t in trees), default=1)

        def pad(arrays: list[np.ndarray], width: int, fill, dtype) -> np.ndarray:
            out = np.full((len(arrays), width), fill, dtype=dtype)
            for i, a in enumerate(arrays):
                out[i, : len(a)] = a
            return out

        return Forest(pad([t.feature for t in trees], n, 0, int), pad([t.threshold for t in trees], n, np.inf, float),
                      pad([t.left for t in trees], n, -1, int), pad([t.right for t in trees], n, -1, int),
                      pad([t.leaf for t in trees], m, 0.0, float))


def raw_scores(trees: tuple[Tree, ...] | Forest, x: np.ndarray) -> np.ndarray:
    """The sum of the trees' leaf values for each row of x (LightGBM's raw score)."""
    f = trees if isinstance(trees, Forest) else Forest.of(trees)
    if len(x) == 0 or len(f.feature) == 0 or (not isinstance(trees, Forest) and not trees):
        return np.zeros(len(x))
    n_trees = len(f.feature)
    t = np.arange(n_trees)[None, :]
    r = np.arange(len(x))[:, None]
    node = np.zeros((len(x), n_trees), int)
    live = node >= 0
    while live.any():
        at = np.where(live, node, 0)
        go_left = x[r, f.feature[t, at]] <= f.threshold[t, at]
        node = np.where(live, np.where(go_left, f.left[t, at], f.right[t, at]), node)
        live = node >= 0
    return f.leaf[t, ~node].sum(axis=1)
