"""Train the check-worthiness model and write weights.json (``make train-claims``).

    python -m apps.claims.extraction.train [--data FILE] [--out FILE] [EXTRA.jsonl ...]

Reads JSON lines ``{"id": ..., "text": "...", "checkworthy": true|false}``: the labelled debate
sentences in ../shared/data/checkworthy-train.jsonl (never copied into the project), plus any extra
files in the same format (``manage.py export_claim_feedback`` writes a desk's own decisions so).

An L2 logistic regression, class-balanced, over the features of model.py. The regularisation C and
the decision threshold are chosen by 5-fold stratified cross-validation on these files only (each
fold keeps the features seen in MIN_COUNT of its own training sentences); the
out-of-fold scores also fit a Platt calibration, so the shipped score is a probability, and the
threshold is folded into the bias so that 0.5 is the tuned cut. The figures reported are the
out-of-fold precision, recall and F1 of the check-worthy class at that cut, scored as the extractor
scores (best of the sentence and its clauses); beside them the macro and class-weighted F1 of both
classes (the averages published results on this data usually quote) and the F1 when each fold's
cut is chosen on the other four folds only.

Deterministic: the same files give a byte-identical weights file (a test retrains and compares).
Needs scikit-learn (the dev extra); the run-time scorer does not.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import sys
from dataclasses import dataclass
from pathlib import Path

from apps.claims.extraction import model, scoring

ROOT = Path(__file__).resolve().parents[3]
DEFAULT_DATA = ROOT.parent / "shared" / "data" / "checkworthy-train.jsonl"
FOLDS = 5
SEED = 0
C_GRID = (0.1, 0.2, 0.4, 0.8)
MIN_COUNT = 2  # a feature seen in one sentence only is noise, and bloats the file
PRUNE_BELOW = 0.02  # |weight| in log-odds: smaller terms never change a decision worth explaining
DECIMALS = 4


class TrainingDataError(ValueError):
    """A training file is missing or has a line that is not a labelled sentence."""


@dataclass(frozen=True, slots=True)
class Example:
    text: str
    checkworthy: bool


def read_examples(path: Path) -> list[Example]:
    """The labelled sentences of one JSON-lines file; a bad line is refused with its number."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise TrainingDataError(f"cannot read {path}: {exc}") from exc
    examples = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except ValueError as exc:
            raise TrainingDataError(f"{path}:{number}: not JSON ({exc})") from None
        if not isinstance(row, dict):
            raise TrainingDataError(f"{path}:{number}: expected an object")
        text, label = row.get("text"), row.get("checkworthy")
        if not isinstance(text, str) or not text.strip():
            raise TrainingDataError(f"{path}:{number}: 'text' must be a non-empty string")
        if not isinstance(label, bool):
            raise TrainingDataError(f"{path}:{number}: 'checkworthy' must be true or false")
        examples.append(Example(text=text, checkworthy=label))
    if not examples:
        raise TrainingDataError(f"{path}: no labelled sentences")
    return examples


def sentence_items(text: str) -> list[list[str]]:
    """The feature lists the extractor scores for one sentence: the sentence, then its clauses."""
    items = [model.features(text, scoring.rules(text).features)]
    items += [scoring.clause_features(clause) for clause in scoring.clauses(text)]
    # Sorted, so the matrix (and the solver's sums) are the same whatever the string hash seed.
    return [sorted(names) for names in items]


def train(paths: list[Path]) -> bytes:
    """Cross-validate, fit on everything, and return the weights file's bytes."""
    import numpy as np
    from scipy.sparse import csr_matrix
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold

    examples, sources = [], []
    for path in paths:
        found = read_examples(path)
        examples += found
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        sources.append({"file": path.name, "sha256": digest, "sentences": len(found)})
    labels = np.array([e.checkworthy for e in examples], dtype=np.int8)

    items, owner = [], []
    for index, example in enumerate(examples):
        for names in sentence_items(example.text):
            items.append(names)
            owner.append(index)
    owner = np.array(owner)
    counts: dict[str, int] = {}
    for index, names in enumerate(items):
        if index == 0 or owner[index] != owner[index - 1]:  # count sentences, not clauses
            for name in names:
                counts[name] = counts.get(name, 0) + 1
    vocabulary = sorted(name for name, count in counts.items() if count >= MIN_COUNT)
    column = {name: i for i, name in enumerate(vocabulary)}
    indptr, indices = [0], []
    for names in items:
        indices += [column[name] for name in names if name in column]
        indptr.append(len(indices))
    matrix = csr_matrix(
        (np.ones(len(indices)), np.array(indices, dtype=np.int64), np.array(indptr)),
        shape=(len(items), len(vocabulary)),
    )
    sentence_rows = np.flatnonzero(np.r_[True, owner[1:] != owner[:-1]])

    def fit(rows, c, columns=None):
        classifier = LogisticRegression(
            C=c, class_weight="balanced", solver="liblinear", max_iter=1000, random_state=SEED
        )
        fit_on = matrix[sentence_rows[rows]]
        return classifier.fit(fit_on if columns is None else fit_on[:, columns], labels[rows])

    def fold_columns(rows):
        """The features seen in MIN_COUNT training sentences of the fold: the held-out fold does
        not choose the vocabulary it is scored with."""
        seen = np.asarray((matrix[sentence_rows[rows]] > 0).sum(axis=0)).ravel()
        return np.flatnonzero(seen >= MIN_COUNT)

    folds = list(
        StratifiedKFold(FOLDS, shuffle=True, random_state=SEED).split(np.zeros(len(labels)), labels)
    )
    vocabularies = [fold_columns(train_rows) for train_rows, _ in folds]
    grid = []
    for c in C_GRID:
        sentence_logit = np.zeros(len(labels))
        best_logit = np.zeros(len(labels))
        for (train_rows, test_rows), columns in zip(folds, vocabularies, strict=True):
            classifier = fit(train_rows, c, columns)
            test_items = np.flatnonzero(np.isin(owner, test_rows))
            decision = classifier.decision_function(matrix[test_items][:, columns])
            best = np.full(len(labels), -np.inf)
            np.maximum.at(best, owner[test_items], decision)
            best_logit[test_rows] = best[test_rows]
            sentence_logit[test_rows] = classifier.decision_function(
                matrix[sentence_rows[test_rows]][:, columns]
            )
        a, b = _platt(best_logit, labels)
        probability = 1 / (1 + np.exp(-(a * best_logit + b)))
        threshold, figures = _best_threshold(probability, labels)
        figures["f1_threshold_held_out"] = _held_out_threshold_f1(probability, labels, folds)
        sentence_only = _best_threshold(sentence_logit, labels)[1]
        grid.append(
            {
                "C": c,
                "threshold": threshold,
                "platt": [a, b],
                "with_clauses": figures,
                "sentence_only": sentence_only,
            }
        )
    chosen = max(grid, key=lambda row: (row["with_clauses"]["f1"], -row["C"]))

    classifier = fit(np.arange(len(labels)), chosen["C"])
    a, b = chosen["platt"]
    shift = -math.log(chosen["threshold"] / (1 - chosen["threshold"]))
    bias = round(float(a * classifier.intercept_[0] + b + shift), DECIMALS)
    weights = {}
    for name, weight in zip(vocabulary, classifier.coef_[0], strict=True):
        weight = round(float(a * weight), DECIMALS)
        if abs(weight) >= PRUNE_BELOW:
            weights[name] = weight
    digest = hashlib.sha256(
        json.dumps([bias, weights], sort_keys=True, ensure_ascii=False).encode()
    ).hexdigest()
    payload = {
        "format": model.FORMAT_VERSION,
        "version": f"lr-{digest[:12]}",
        "trained_on": sources,
        "trained_with": toolchain(),
        "hyperparameters": {
            "model": "L2 logistic regression, class-balanced (liblinear)",
            "features": "lower-cased word unigrams and bigrams, numbers as one token, "
            "start/end markers, rule findings; sentence and clauses scored, best kept",
            "C": chosen["C"],
            "C_grid": list(C_GRID),
            "folds": FOLDS,
            "seed": SEED,
            "min_count": MIN_COUNT,
            "prune_below": PRUNE_BELOW,
            "threshold": round(chosen["threshold"], DECIMALS),
            "platt": [round(a, DECIMALS), round(b, DECIMALS)],
        },
        "cv": chosen["with_clauses"],
        "cv_grid": [
            {
                "C": row["C"],
                "with_clauses": row["with_clauses"],
                "sentence_only": row["sentence_only"],
            }
            for row in grid
        ],
        "bias": bias,
        "weights": weights,
    }
    text = json.dumps(payload, sort_keys=True, ensure_ascii=False, indent=0)
    return (text + "\n").encode("utf-8")


def toolchain() -> dict[str, str]:
    """The numerical libraries' versions: the CV figures' last digits (and so the file's bytes)
    move with the solver and BLAS code, so the dev extras pin them and the file names them."""
    from importlib.metadata import version

    return {name: version(name) for name in ("numpy", "scikit-learn", "scipy")}


def _platt(logits, labels) -> tuple[float, float]:
    """Fit P(check-worthy) = sigmoid(a * logit + b) on out-of-fold scores."""
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    calibration = LogisticRegression(C=1e6, solver="lbfgs", max_iter=1000)
    calibration.fit(np.asarray(logits).reshape(-1, 1), labels)
    return float(calibration.coef_[0][0]), float(calibration.intercept_[0])


def _best_threshold(scores, labels) -> tuple[float, dict]:
    """The cut that maximises F1 of the check-worthy class over the out-of-fold scores (midway
    between two neighbouring scores), and the precision, recall and F1 there."""
    import numpy as np

    order = np.argsort(-scores, kind="stable")
    ranked, truth = scores[order], labels[order]
    true_positives = np.cumsum(truth)
    flagged = np.arange(1, len(truth) + 1)
    positives = truth.sum()
    f1 = 2 * true_positives / (flagged + positives)
    # Only cut where the score changes, so every sentence at one score falls on one side.
    distinct = np.r_[ranked[1:] != ranked[:-1], True]
    best = int(np.flatnonzero(distinct)[np.argmax(f1[distinct])])
    after = ranked[best + 1] if best + 1 < len(ranked) else ranked[best] - 1
    threshold = float((ranked[best] + after) / 2)
    precision = true_positives[best] / flagged[best]
    recall = true_positives[best] / positives
    # The other class's F1 at the same cut, for the averages published figures usually quote.
    true_negatives = len(truth) - positives - (flagged[best] - true_positives[best])
    negatives = len(truth) - positives
    f1_other = 2 * true_negatives / (len(truth) - flagged[best] + negatives)
    share = positives / len(truth)
    figures = {
        "precision": round(float(precision), 4),
        "recall": round(float(recall), 4),
        "f1": round(float(f1[best]), 4),
        "macro_f1": round(float((f1[best] + f1_other) / 2), 4),
        "weighted_f1": round(float(share * f1[best] + (1 - share) * f1_other), 4),
    }
    return threshold, figures


def _held_out_threshold_f1(scores, labels, folds) -> float:
    """F1 of the check-worthy class when each fold is cut at the threshold the other four folds'
    out-of-fold scores choose: the cut never sees the labels it is judged on."""
    import numpy as np

    flagged = np.zeros(len(labels), dtype=bool)
    for _, test_rows in folds:
        rest = np.ones(len(labels), dtype=bool)
        rest[test_rows] = False
        threshold = _best_threshold(scores[rest], labels[rest])[0]
        flagged[test_rows] = scores[test_rows] >= threshold
    true_positives = int((flagged & (labels == 1)).sum())
    return round(2 * true_positives / (int(flagged.sum()) + int(labels.sum())), 4)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Train the check-worthiness model.")
    parser.add_argument("extra", nargs="*", type=Path, help="More JSON-lines training files.")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="The main training file.")
    parser.add_argument("--out", type=Path, default=model.WEIGHTS_PATH, help="Weights to write.")
    options = parser.parse_args(argv)
    try:
        payload = train([options.data, *options.extra])
    except TrainingDataError as exc:
        print(f"train: {exc}", file=sys.stderr)
        return 2
    options.out.write_bytes(payload)
    summary = json.loads(payload)
    cv = summary["cv"]
    print(
        f"wrote {options.out} ({len(payload):,} bytes, {len(summary['weights']):,} weights, "
        f"version {summary['version']}): C={summary['hyperparameters']['C']}, "
        f"{FOLDS}-fold CV precision {cv['precision']:.3f} recall {cv['recall']:.3f} "
        f"F1 {cv['f1']:.3f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
