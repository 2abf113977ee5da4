"""Compare feature variants of the check-worthiness model under train.py's cross-validation.

    python -m apps.claims.extraction.variants [--data FILE]

A development tool (scikit-learn, the dev extra): the same 5 stratified folds and seed as
train.py, one class-balanced L2 logistic regression per variant and C, sentences only. For each it
prints the out-of-fold precision, recall and F1 of the check-worthy class at the best cut over all
folds, and the F1 when each fold is cut at the threshold the other four choose. The README's table
of variants comes from here; nothing here is shipped or read at run time.
"""

from __future__ import annotations

import argparse
import itertools
import re
import sys
from pathlib import Path

from apps.claims.extraction import model, scoring, train

_SHAPE_TOKEN = re.compile(r"[A-Za-z]+(?:'[a-z]+)*|\d+(?:[.,:/]\d+)*(?:st|nd|rd|th|s)?|[$%?]")
_PRONOUN = {
    **dict.fromkeys(("i", "me", "my", "we", "our", "us"), "P1"),
    **dict.fromkeys(("you", "your"), "P2"),
    **dict.fromkeys(("he", "she", "they", "his", "her", "their", "it"), "P3"),
}
_MODAL = frozenset(
    ["will", "would", "should", "could", "can", "may", "might", "must", "shall", "'ll", "'d"]
)


def _chars(text: str) -> list[str]:
    """Character 2-5-grams inside word boundaries (each word padded with spaces)."""
    names = set()
    for word in model.tokens(text):
        padded = f" {word} "
        for n in range(2, 6):
            names.update("c:" + padded[i : i + n] for i in range(len(padded) - n + 1))
    return list(names)


def _trigrams(text: str) -> list[str]:
    words = [model.START, *model.tokens(text), model.END]
    return [" ".join(words[i : i + 3]) for i in range(len(words) - 2)]


def _word_classes(text: str) -> list[str]:
    """POS-like classes from a small lexicon and word shape (numbers, pronouns by person, modals,
    capitalised names, -ed and -ly words), their bigrams with words, and a length bucket."""
    words = _SHAPE_TOKEN.findall(text.replace("\u2019", "'"))
    classes = []
    for index, word in enumerate(words):
        lower = word.lower()
        if word[0].isdigit():
            classes.append("NUM")
        elif lower in _PRONOUN:
            classes.append(_PRONOUN[lower])
        elif lower in _MODAL:
            classes.append("MD")
        elif word[0].isupper() and index:
            classes.append("CAP")
        elif len(lower) > 4 and lower.endswith(("ed", "ly")):
            classes.append("VBD" if lower.endswith("ed") else "RB")
        else:
            classes.append(lower)
    marked = [model.START, *classes, model.END]
    names = {"x:" + c for c in classes if c.isupper()}
    names.update(
        f"x:{a} {b}" for a, b in itertools.pairwise(marked) if not (a.islower() and b.islower())
    )
    names.add(f"len:{min(len(words) // 5, 8)}")
    return list(names)


def main(argv: list[str] | None = None) -> int:
    import numpy as np
    from scipy.sparse import csr_matrix
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold

    parser = argparse.ArgumentParser(description="Cross-validate feature variants.")
    parser.add_argument("--data", type=Path, default=train.DEFAULT_DATA)
    options = parser.parse_args(argv)
    examples = train.read_examples(options.data)
    texts = [e.text for e in examples]
    labels = np.array([e.checkworthy for e in examples], dtype=np.int8)
    folds = list(
        StratifiedKFold(train.FOLDS, shuffle=True, random_state=train.SEED).split(texts, labels)
    )
    shipped = [model.features(t, scoring.rules(t).features) for t in texts]

    def matrix(lists, vocabulary):
        indptr, indices = [0], []
        for names in lists:
            indices += sorted({vocabulary[n] for n in names if n in vocabulary})
            indptr.append(len(indices))
        values = np.ones(len(indices))
        return csr_matrix((values, indices, indptr), shape=(len(lists), len(vocabulary)))

    def cross_validate(lists, c, *, min_count=train.MIN_COUNT, balanced=True, nb=False):
        scores = np.zeros(len(labels))
        for train_rows, test_rows in folds:
            counts: dict[str, int] = {}
            for row in train_rows:
                for name in set(lists[row]):
                    counts[name] = counts.get(name, 0) + 1
            kept = sorted(n for n, k in counts.items() if k >= min_count)
            vocabulary = {name: i for i, name in enumerate(kept)}
            fit_on = matrix([lists[r] for r in train_rows], vocabulary)
            test_on = matrix([lists[r] for r in test_rows], vocabulary)
            if nb:  # NB-SVM: scale each feature by its log-count ratio
                truth = labels[train_rows] == 1
                p, q = 1 + fit_on[truth].sum(0), 1 + fit_on[~truth].sum(0)
                ratio = np.asarray(np.log((p / p.sum()) / (q / q.sum()))).ravel()
                fit_on, test_on = fit_on.multiply(ratio).tocsr(), test_on.multiply(ratio).tocsr()
            classifier = LogisticRegression(
                C=c,
                class_weight="balanced" if balanced else None,
                solver="liblinear",
                max_iter=3000,
                random_state=train.SEED,
            ).fit(fit_on, labels[train_rows])
            scores[test_rows] = classifier.decision_function(test_on)
        figures = train._best_threshold(scores, labels)[1]
        held_out = train._held_out_threshold_f1(scores, labels, folds)
        return figures, held_out

    def rows(texts, extra):
        return [s + extra(t) for s, t in zip(shipped, texts, strict=True)]

    variants = [
        ("shipped: words 1-2 + rules", shipped, (0.1, 0.2, 0.4), {}),
        ("words 1-2, no rule features", [model.features(t, []) for t in texts], (0.2, 0.4), {}),
        ("shipped, NB-SVM log-count ratios", shipped, (0.05, 0.1, 0.2), {"nb": True}),
        ("shipped + char 2-5 (word bound.)", rows(texts, _chars), (0.02, 0.05, 0.1), {}),
        ("shipped + word trigrams", rows(texts, _trigrams), (0.1, 0.2), {}),
        ("shipped + word classes + length", rows(texts, _word_classes), (0.1, 0.2), {}),
        ("shipped, no class weight", shipped, (0.1, 0.2), {"balanced": False}),
        ("shipped, min count 1", shipped, (0.2,), {"min_count": 1}),
        ("shipped, min count 3", shipped, (0.2,), {"min_count": 3}),
    ]
    print("| Variant | C | P | R | F1 | F1, threshold held out |\n|---|---|---|---|---|---|")
    for name, lists, grid, options_ in variants:
        for c in grid:
            figures, held_out = cross_validate(lists, c, **options_)
            print(
                f"| {name} | {c} | {figures['precision']:.3f} | {figures['recall']:.3f} "
                f"| {figures['f1']:.3f} | {held_out:.3f} |",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
