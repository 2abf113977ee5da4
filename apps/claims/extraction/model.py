"""The trained check-worthiness model at run time: features of a sentence, and a weighted sum.

The weights come from ``weights.json`` beside this module, written by ``train.py`` (``make
train-claims``). Scoring is plain Python: a sentence's features are strings (its lower-cased words
and word pairs, with numbers as one token and markers for the start and end, plus the rules'
findings such as ``rule: number``), and its log-odds is the bias plus the sum of their weights,
looked up in a dict. No scikit-learn or numpy at run time, and every term of the sum is a readable
contribution.

The decision threshold chosen by cross-validation is folded into the bias, so a score of 0.5 is
the cut the model was tuned for and ``CLAIM_THRESHOLD=0.5`` keeps its meaning.
"""

from __future__ import annotations

import functools
import itertools
import json
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

WEIGHTS_PATH = Path(__file__).with_name("weights.json")
FORMAT_VERSION = 1
START, END, NUMBER = "<s>", "</s>", "<num>"
RULE_PREFIX = "rule: "

_TOKEN = re.compile(r"[a-z]+(?:'[a-z]+)*|\d+(?:[.,:/]\d+)*(?:st|nd|rd|th|s)?|[$%?\u20ac\u00a3]")


def tokens(text: str) -> list[str]:
    """Lower-cased words; every number (with its ordinal suffix) becomes one token."""
    text = text.lower().replace("\u2019", "'")
    return [NUMBER if word[0].isdigit() else word for word in _TOKEN.findall(text)]


def features(text: str, rule_features: Iterable[str]) -> list[str]:
    """The model's inputs for one sentence: word unigrams and bigrams, and the rule findings, in no
    particular order (a set's)."""
    words = [START, *tokens(text), END]
    names = set(words[1:-1])
    names.update(f"{a} {b}" for a, b in itertools.pairwise(words))
    names.update(RULE_PREFIX + name for name in rule_features)
    return list(names)


@dataclass(frozen=True, slots=True)
class Model:
    version: str
    bias: float
    weights: dict[str, float]

    def score(self, names: Iterable[str]) -> tuple[float, list[tuple[str, float]]]:
        """The log-odds of a sentence and each present feature's signed contribution to it,
        strongest first (ties by name, so the order is stable)."""
        get = self.weights.get
        terms = [(name, weight) for name in names if (weight := get(name))]
        # fsum is exact, so the score does not depend on the order of the features.
        logit = math.fsum([self.bias, *(weight for _, weight in terms)])
        terms.sort(key=lambda term: (-abs(term[1]), term[0]))
        return logit, terms


class WeightsError(ValueError):
    """The weights file is missing or not one this code can read."""


def load(path: Path = WEIGHTS_PATH) -> Model:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise WeightsError(f"cannot read the check-worthiness weights {path}: {exc}") from exc
    if data.get("format") != FORMAT_VERSION:
        raise WeightsError(
            f"{path} has weights format {data.get('format')!r}; this code reads {FORMAT_VERSION}"
        )
    return Model(version=data["version"], bias=data["bias"], weights=data["weights"])


@functools.cache
def current() -> Model:
    """The shipped model, read once per process."""
    return load()
