"""Benchmark claim extraction: sentences per second on generated ~1 MB and ~4 MB articles, beside
pysbd alone on the same text in the same run.

    .venv/bin/python bench/extraction.py [--sizes 1,4] [--repeat 3]

Each measurement is the CPU time of this process (other processes on a busy shared machine do not
count against it), best of ``--repeat`` runs with the median shown beside it.

Targets (so importing an article keeps a reviewer waiting for well under a second): >= 2,000
sentences/s, >= 0.6x pysbd's own rate, and linear time (the 4 MB article takes <= 4.5x the 1 MB
time). No database is touched.
"""

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")
os.environ.setdefault("DEBUG", "1")

import django  # noqa: E402

django.setup()

import pysbd  # noqa: E402

from apps.claims.extraction import extract  # noqa: E402
from bench.summary import bench_result  # noqa: E402

TARGET_RATE = 2_000
TARGET_PYSBD_RATIO = 0.6
TARGET_LINEARITY = 4.5

PLACES = ["Mosul", "Aleppo", "Ohio", "Santiago", "Lagos", "Kyiv", "Manila", "Leeds", "Quito"]
PEOPLE = ["Maria Santos", "Dr. Ellen Marsh", "Tom Becker", "Gov. Ana Ruiz", "Sam Okafor"]
ORGS = ["the U.S. Army", "Eurostat", "the city council", "Reuters", "the World Bank", "ISIS"]
MONTHS = ["January", "March", "Nov.", "October", "Sept.", "June"]
TEMPLATES = [
    "{org} said {n:,} people had left {place} since {month} {year}.",
    "Unemployment in {place} rose to {pct}% in {month}, the highest level since {year}.",
    "According to {org}, the project cost ${n:,} million, {k} times the original estimate.",
    '"We will not give up," {person} told reporters in {place} on Monday.',
    "The vote passed by {k} to {k2} after a debate that lasted {k} hours.",
    "It might seem an impressive result, but many observers remain sceptical.",
    "{person} was elected in {month} {year} with {pct}% of the vote.",
    "Prices fell {pct}% compared with a year earlier, driven by lower fuel costs.",
    "Critics argue the plan is reckless and should be abandoned.",
    "The U.S. and {place} signed the agreement on {month} {k}, {year}.",
    "Perhaps the real danger lies elsewhere.",
    "Police arrested {k} people after clashes near the stadium (officials gave no names).",
    "The company employs about {n:,} workers and opened a plant in {place} in {year}.",
    "Will the new plan fare any better?",
    "Rescue teams searched collapsed buildings in {place} and nearby towns.",
]
BOILERPLATE = ["Photo: AP", "Read more: Why cities flood", "Share this article: Facebook | Email"]


def article(size_bytes: int, seed: int) -> str:
    """Paragraphs of 2 to 6 sentences with fresh numbers, so nothing repeats."""
    rng = random.Random(seed)
    paragraphs, size = [], 0
    while size < size_bytes:
        sentences = []
        for _ in range(rng.randint(2, 6)):
            sentences.append(
                rng.choice(TEMPLATES).format(
                    org=rng.choice(ORGS),
                    person=rng.choice(PEOPLE),
                    place=rng.choice(PLACES),
                    month=rng.choice(MONTHS),
                    year=rng.randint(1990, 2024),
                    n=rng.randint(1_000, 900_000),
                    pct=round(rng.uniform(0.5, 30), 1),
                    k=rng.randint(2, 60),
                    k2=rng.randint(2, 60),
                )
            )
        paragraph = " ".join(sentences)
        if rng.random() < 0.05:
            paragraph = rng.choice(BOILERPLATE)
        paragraphs.append(paragraph)
        size += len(paragraph.encode("utf-8")) + 2
    return "\n\n".join(paragraphs)


def pysbd_alone(text: str) -> int:
    """pysbd on the same text, per paragraph (one call on megabytes is quadratic in pysbd)."""
    segmenter = pysbd.Segmenter(language="en", clean=False)
    return sum(len(segmenter.segment(p)) for p in text.split("\n\n") if p.strip())


def timed(function, *args, repeat: int):
    """Best and median wall time of ``repeat`` runs, and the last result. The previous run's result
    is dropped before the next run starts, so no run pays for another's live objects."""
    times, result = [], None
    for _ in range(repeat):
        result = None
        started = time.process_time()
        result = function(*args)
        times.append(time.process_time() - started)
    return min(times), statistics.median(times), result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1,4", help="Article sizes in MB (default 1,4).")
    parser.add_argument(
        "--repeat", type=int, default=3, help="Runs per measurement (best is used; default 3)."
    )
    options = parser.parse_args()
    sizes = [float(s) for s in options.sizes.split(",")]

    # Compile the regexes and load pysbd's language data before anything is timed.
    extract(article(20_000, seed=1))
    pysbd_alone(article(20_000, seed=1))

    rows = []
    for mb in sizes:
        text = article(int(mb * 1024 * 1024), seed=int(mb * 10))
        ours_time, ours_median, extraction = timed(extract, text, repeat=options.repeat)
        sentences = len(extraction.claims) + len(extraction.skipped)
        claims = len(extraction.claims)
        del extraction
        pysbd_time, pysbd_median, pysbd_sentences = timed(pysbd_alone, text, repeat=options.repeat)
        rows.append((mb, len(text), sentences, ours_time, pysbd_sentences, pysbd_time))
        print(
            f"{mb:>4.1f} MB  {sentences:>7,} sentences  extract {ours_time:6.2f} s "
            f"= {sentences / ours_time:7,.0f} sentences/s   pysbd alone {pysbd_time:6.2f} s "
            f"= {pysbd_sentences / pysbd_time:7,.0f} sentences/s   "
            f"ratio {(sentences / ours_time) / (pysbd_sentences / pysbd_time):.2f}x   "
            f"({claims:,} claims; median of {options.repeat}: extract {ours_median:.2f} s, "
            f"pysbd {pysbd_median:.2f} s)"
        )

    ok = True
    for mb, _chars, sentences, ours_time, pysbd_sentences, pysbd_time in rows:
        rate = sentences / ours_time
        ratio = rate / (pysbd_sentences / pysbd_time)
        ok &= rate >= TARGET_RATE and ratio >= TARGET_PYSBD_RATIO
        print(
            f"{mb:.1f} MB: {rate:,.0f} sentences/s (target >= {TARGET_RATE:,}); "
            f"{ratio:.2f}x pysbd (target >= {TARGET_PYSBD_RATIO})"
        )
        bench_result(
            measure=f"extraction speed, {mb:g} MB article",
            project=rate,
            baseline=pysbd_sentences / pysbd_time,
            target=f">= {TARGET_RATE:,} sentences/s and >= {TARGET_PYSBD_RATIO}x pysbd",
            ok=rate >= TARGET_RATE and ratio >= TARGET_PYSBD_RATIO,
            unit="sentences/s",
        )
    if len(rows) >= 2:
        (mb1, _, _, t1, _, _), (mb2, _, _, t2, _, _) = rows[0], rows[-1]
        scale = t2 / t1
        limit = TARGET_LINEARITY * (mb2 / mb1) / 4
        ok &= scale <= limit
        print(
            f"linearity: {mb2:.1f} MB took {scale:.2f}x the {mb1:.1f} MB time "
            f"(target <= {limit:.2f}x for {mb2 / mb1:.1f}x the text)"
        )
        bench_result(
            measure=f"extraction time, {mb2:g} MB against {mb1:g} MB",
            project=t2,
            baseline=t1,
            target=f"<= {limit:.2f}x",
            ok=scale <= limit,
            unit="s",
        )
    print("all targets met" if ok else "TARGETS MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
