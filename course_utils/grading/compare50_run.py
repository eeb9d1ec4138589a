"""Run compare50 on the extracted answers; write its HTML views and a JSON of the top pairs.

This script runs in compare50's own venv (``.venv/compare50``, see
requirements-similarity.txt), started by similarity.py, never imported by course_utils:
compare50's pinned dependencies clash with jupyter's. It uses compare50's Python API
rather than its command line, which asks PyPI for a newer version on every run.

    python compare50_run.py OUT PAIRS DISTRO SUBMISSIONS [ARCHIVE]

DISTRO, SUBMISSIONS/<student>/ and ARCHIVE/<who>/ hold ``answers.py`` files. OUT receives
compare50's ``index.html`` and ``match_<n>.html`` (side-by-side views) and ``pairs.json``:
``[{"rank", "student_a", "student_b", "archive_a", "archive_b", "score", "percent_a",
"percent_b", "link"}]``. ``score`` is compare50's ranking score (its structure pass:
matching fingerprints once the distro is removed, names and literals normalised);
``percent_a`` is the share of student a's answer characters that compare50 marks as
matching student b's (compare50's own percentage, shown in its side-by-side view).

Order: compare50 scores every pair; the ``CANDIDATES * PAIRS`` best by its score are
compared in detail and ranked by the smaller of the two percentages, then by score (a
student who wrote one short function shares most of *their* code with anyone who wrote it
too, but little of a full notebook); the first PAIRS are kept and rendered.
Run with PYTHONHASHSEED fixed: compare50's output depends on it.
"""

import collections
import itertools
import json
import pathlib
import sys

from compare50 import _api, _data, _renderer
from compare50.__main__ import SubmissionFactory
from compare50._renderer._renderer import _Renderer

VIEWS = ("structure",)   # compare50 passes: the first ranks; each gets a side-by-side view
CANDIDATES, MIN_CANDIDATES = 2, 40     # pairs measured in detail: 2 per pair shown, at least 40


def main(out, pairs, distro, submissions, archive=None):
    out, pairs = pathlib.Path(out), int(pairs)
    factory = SubmissionFactory()
    passes = [_data.Pass._get(name) for name in VIEWS]
    with _api.progress_bar("compare50", disable=True):
        preprocessor = _data.Preprocessor(passes[0].preprocessors)
        subs = factory.get_all(sorted(pathlib.Path(submissions).iterdir()), preprocessor)
        archives = (factory.get_all(sorted(pathlib.Path(archive).iterdir()), preprocessor,
                                    is_archive=True) if archive else set())
        distro_subs = factory.get_all([distro], preprocessor)
        ignored = {f for sub in distro_subs for f in sub.files}
        subs = [s for s in subs if s.files]
        archives = [s for s in archives if s.files]
        rows = []
        if len(subs) + len(archives) > 1:
            # compare50's candidates by its ranking score, then the pairs that share the
            # most of both students' code (compare50's own percentages) first
            scores = _api.rank(subs, archives, ignored, passes[0], n=max(CANDIDATES * pairs, MIN_CANDIDATES))
            candidates = _api.compare(scores, ignored, passes[0])
            shares = {id(r.score): [side.percentage for side in _shares(r)] for r in candidates}
            candidates.sort(key=lambda r: (min(shares[id(r.score)]), r.score.score), reverse=True)
            top = candidates[:pairs]
            results = {passes[0]: top}
            for pass_ in passes[1:]:
                preprocessor = _data.Preprocessor(pass_.preprocessors)
                for sub in itertools.chain(subs, archives, distro_subs):
                    object.__setattr__(sub, "preprocessor", preprocessor)
                results[pass_] = _api.compare([r.score for r in top], ignored, pass_)
            out.mkdir(parents=True, exist_ok=True)
            _renderer.render(results, dest=out)
            rows = _pairs(top, shares)
    out.mkdir(parents=True, exist_ok=True)
    (out / "pairs.json").write_text(json.dumps(rows, indent=1))


def _pairs(top, shares):
    """The pairs in our order, each with the match page compare50's renderer gave it (it
    numbers them by its ranking score)."""
    page = {id(r.score): n for n, r in
            enumerate(sorted(top, key=lambda r: r.score.score, reverse=True), 1)}
    return [{"rank": rank,
             "student_a": r.sub_a.path.name, "student_b": r.sub_b.path.name,
             "archive_a": r.sub_a.is_archive, "archive_b": r.sub_b.is_archive,
             "score": round(r.score.score, 2),
             "percent_a": shares[id(r.score)][0], "percent_b": shares[id(r.score)][1],
             "link": f"match_{page[id(r.score)]}.html"}
            for rank, r in enumerate(top, 1)]


def _shares(result):
    """compare50's HTMLSubmission of each side: characters matched out of characters."""
    renderer = _Renderer(result.name)
    file_to_spans = collections.defaultdict(list)
    for span in itertools.chain((s for g in result.groups for s in g.spans), result.ignored_spans):
        file_to_spans[span.file].append(span)
    ignored = set(result.ignored_spans)
    return [renderer.html_submission(sub, file_to_spans, ignored)
            for sub in (result.sub_a, result.sub_b)]


if __name__ == "__main__":
    main(*sys.argv[1:])
