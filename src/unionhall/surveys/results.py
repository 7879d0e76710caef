"""A run's publication: every table of it protected together by ``disclosure``.

Tables, per question that can be counted:

- by answer alone (what members see), and, where the question is broken
  down, by employer × branch × answer and by grade × answer. Branches nest
  in employers, which the package does not model as a hierarchy, so both
  are dimensions of one three-way table whose structural zeros are shown:
  the employer rows and the branch rows are then faces of one table, and no
  hidden branch figure can be had by subtracting the others from its
  employer's;
- numbers: the sum over each group (a magnitude table, so the dominance
  rules apply) with its count of contributors, published as a mean only
  where both are shown;
- respondents by employer × branch and by grade (the response rate).

Count tables of required questions are of "respondents", so they link with
the respondent tables and each other (they share every branch's and grade's
total); optional questions are each a layer of their own ("answers to q2").
Several-choice questions count mentions, a layer of their own too.

The result is stored as JSON on the run; only published figures are kept,
hidden ones are ``None``, and the reasons stay out of it (they would tell a
reader which hidden cells are small).
"""

from collections import Counter
from fractions import Fraction

from disclosure import TOTAL, Table, audit, failures, protect

from unionhall.members.models import Branch, Employer, Grade
from unionhall.surveys.models import Question, QuestionKind, Run
from unionhall.surveys.audience import audience_members

VERSION = 1
GEO = ("employer", "branch")


def _fmt(v) -> str | None:
    if v is None:
        return None
    v = Fraction(v)
    return str(v.numerator) if v.denominator == 1 else f"{float(v):.2f}"


def categories(run: Run) -> dict[str, list[tuple[str, str]]]:
    """(code, label) of every employer, branch and grade in the survey's
    audience, so empty groups show as 0 and linked tables agree."""
    members = audience_members(run.survey)
    employer_ids = set(members.values_list("employer_id", flat=True).distinct())
    branch_ids = set(members.values_list("branch_id", flat=True).distinct())
    grades = set(members.values_list("grade", flat=True).distinct())
    return {
        "employer": [(e.code, e.name) for e in Employer.objects.filter(pk__in=employer_ids).order_by("name")],
        "branch": [(b.code, b.name) for b in Branch.objects.filter(pk__in=branch_ids).order_by("name")],
        "branch_employer": {b.code: b.employer.code for b in Branch.objects.filter(pk__in=branch_ids).select_related("employer")},
        "grade": [(g, Grade(g).label) for g in Grade.values if g in grades],
    }


def answer_categories(q: Question, values) -> list[str]:
    if q.kind in (QuestionKind.SINGLE, QuestionKind.SCALE, QuestionKind.MULTIPLE):
        return q.choice_list
    if q.kind == QuestionKind.DATE:
        return sorted({v[:7] for v in values})
    return []


def compute(run: Run, *, rows=None) -> dict:
    """Build, protect, audit and serialise every table of the run (see the
    module's docstring). ``rows`` (employer, branch, grade, answers) may be
    given to skip the query (benchmarks)."""
    survey = run.survey
    threshold = survey.threshold
    attrs = survey.attribute_list
    cats = categories(run)
    if rows is None:
        rows = list(run.responses.values_list("employer", "branch", "grade", "answers").iterator(chunk_size=5000))
    # Answers keep the attributes of the day they were given: a member who
    # has since left the audience still counts where they were.
    for d, i in (("employer", 0), ("branch", 1), ("grade", 2)):
        known = {c for c, _ in cats[d]}
        cats[d] += [(c, c) for c in sorted({r[i] for r in rows} - known) if c]
    questions = [q for q in survey.questions.all() if q.kind != QuestionKind.TEXT]
    geo = [d for d in GEO if d in attrs]
    use_grade = "grade" in attrs
    emp_of = cats["branch_employer"]

    def geo_key(e, b):
        return tuple(e if d == "employer" else b for d in geo)

    geo_cats = [[c for c, _ in cats[d]] for d in geo]
    grade_cats = [c for c, _ in cats["grade"]]
    tables: list[Table] = []
    meta: list[dict] = []

    def add(table: Table, **info):
        tables.append(table)
        meta.append({"name": table.name, **info})

    # Respondents (response rate), in the "respondents" layer.
    if geo:
        add(Table.frequency("respondents by place", geo, Counter(geo_key(e, b) for e, b, _, _ in rows), categories=geo_cats),
            question="", view="place")  # fmt: skip
    if use_grade:
        add(Table.frequency("respondents by grade", ("grade",), Counter((g,) for _, _, g, _ in rows), categories=[grade_cats]),
            question="", view="grade")  # fmt: skip
    if not geo and not use_grade:
        add(Table.frequency("respondents", ("answered",), {("yes",): len(rows)}, categories=[["yes"]]), question="", view="overall")
    for q in questions:
        answered = [(e, b, g, a[q.key]) for e, b, g, a in rows if q.key in a]
        measure = "respondents" if q.required else f"answers to {q.key}"
        dim = f"{q.key} answer"
        if q.kind == QuestionKind.NUMBER:
            if not (q.breakdown and (geo or use_grade)):
                # The union-wide mean is otherwise the grand total of a breakdown: a
                # one-category table beside them would only give secondary
                # suppression a degenerate dimension to hide totals along.
                add(Table.magnitude(f"{q.key} overall", ("all",), [(("all",), v) for *_, v in answered], categories=[["all"]],
                                    measure=f"{q.key} sum", count_measure=measure), question=q.key, view="overall")  # fmt: skip
            if q.breakdown and geo:
                add(Table.magnitude(f"{q.key} by place", geo, [(geo_key(e, b), v) for e, b, g, v in answered], categories=geo_cats,
                                    measure=f"{q.key} sum", count_measure=measure), question=q.key, view="place")  # fmt: skip
            if q.breakdown and use_grade:
                add(Table.magnitude(f"{q.key} by grade", ("grade",), [((g,), v) for e, b, g, v in answered], categories=[grade_cats],
                                    measure=f"{q.key} sum", count_measure=measure), question=q.key, view="grade")  # fmt: skip
            continue
        if q.kind == QuestionKind.MULTIPLE:
            measure = f"mentions of {q.key}"
            flat = [(e, b, g, choice) for e, b, g, v in answered for choice in v]
        elif q.kind == QuestionKind.DATE:
            flat = [(e, b, g, v[:7]) for e, b, g, v in answered]
        else:
            flat = answered
        answer_cats = answer_categories(q, [v for *_, v in flat])
        if not answer_cats:
            continue
        add(Table.frequency(f"{q.key} overall", (dim,), Counter((v,) for *_, v in flat), categories=[answer_cats], measure=measure,
                            answer=dim), question=q.key, view="overall")  # fmt: skip
        if q.breakdown and geo:
            add(Table.frequency(f"{q.key} by place", (*geo, dim), Counter((*geo_key(e, b), v) for e, b, g, v in flat),
                                categories=[*geo_cats, answer_cats], measure=measure, answer=dim), question=q.key, view="place")  # fmt: skip
        if q.breakdown and use_grade:
            add(Table.frequency(f"{q.key} by grade", ("grade", dim), Counter((g, v) for e, b, g, v in flat),
                                categories=[grade_cats, answer_cats], measure=measure, answer=dim), question=q.key, view="grade")  # fmt: skip
    protected = protect(tables, threshold=threshold)
    findings = failures(audit(protected))
    out_tables = []
    for info, pt in zip(meta, protected.tables):
        cells = []
        for c in pt.cells:
            if pt.table.kind == "frequency":
                cells.append([list(c.key), None if c.status.suppressed else int(c.value)])
            else:
                shown_sum = not c.status.suppressed
                shown_count = not c.count_status.suppressed
                cells.append([list(c.key), _fmt(c.mean), c.count if shown_count else None, _fmt(c.value) if shown_sum else None])
        out_tables.append({**info, "kind": pt.table.kind, "dims": list(pt.table.dims),
                           "categories": [list(cs) for cs in pt.table.categories], "cells": cells})  # fmt: skip
    respondents = _grand_total(out_tables)
    return {
        "version": VERSION,
        "threshold": threshold,
        "invited": run.invited,
        "respondents": respondents,
        "labels": {d: dict(cats[d]) for d in ("employer", "branch", "grade")},
        "branch_employer": emp_of,
        "tables": out_tables,
        "audit_passed": not findings,
        "notes": list(protected.notes),
        "hidden": sum(1 for t in out_tables for c in t["cells"] if c[1] is None),
        "cells": sum(len(t["cells"]) for t in out_tables),
    }


def _grand_total(tables: list[dict]):
    for t in tables:
        if t["question"] == "" and t["kind"] == "frequency":
            for key, value in t["cells"]:
                if all(k == TOTAL for k in key):
                    return value
    return None


# --- Reading a stored publication ---------------------------------------------------------


def table_of(results: dict, question: str, view: str) -> dict | None:
    for t in results["tables"]:
        if t["question"] == question and t["view"] == view:
            return t
    return None


_INDEXES: dict[int, tuple[dict, dict]] = {}


def lookup(table: dict) -> dict:
    """The table's cells by key, built once per loaded table (a page asks
    for the same table several times)."""
    cached = _INDEXES.get(id(table))
    if cached is not None and cached[0] is table:
        return cached[1]
    index = {tuple(c[0]): c[1:] for c in table["cells"]}
    if len(_INDEXES) > 256:
        _INDEXES.clear()
    _INDEXES[id(table)] = (table, index)
    return index


def percent(part, whole, threshold) -> str | None:
    """A share, only where both figures are published and the base is not a small group."""
    if part is None or whole is None or whole < threshold or not whole:
        return None
    return f"{100 * part / whole:.0f}"


def response_rate(results: dict) -> str | None:
    if results["respondents"] is None or not results["invited"]:
        return None
    return f"{100 * results['respondents'] / results['invited']:.0f}"


def overall_rows(results: dict, q: Question) -> list[dict]:
    """Members' view of one question: each answer's count and share (or the mean)."""
    t = table_of(results, q.key, "overall") or table_of(results, q.key, "grade") or table_of(results, q.key, "place")
    if t is None:
        return []
    cells = lookup(t)
    threshold = results["threshold"]
    if t["kind"] == "magnitude":
        mean, count, _ = cells[(TOTAL,) * len(t["dims"])]
        return [{"label": "All", "mean": mean, "count": count}]
    total = cells[(TOTAL,)][0]
    return [
        {"label": cat, "count": cells[(cat,)][0], "percent": percent(cells[(cat,)][0], total, threshold)}
        for cat in t["categories"][0]
    ] + [{"label": "Total", "count": total, "percent": None, "total": True}]


def breakdown_rows(results: dict, q: Question, by: str, *, allowed=None) -> dict | None:
    """Officers' view: one row per employer, branch or grade (``allowed``
    limits which rows, to the officer's remit), each with its answers'
    counts (or mean and number) and a Total row."""
    view = "grade" if by == "grade" else "place"
    t = table_of(results, q.key, view) if q is not None else table_of(results, "", view)
    if t is None:
        return None
    cells = lookup(t)
    dims = t["dims"]
    labels = results["labels"]
    threshold = results["threshold"]
    if by not in dims:
        return None
    d = dims.index(by)
    answer_cats = t["categories"][-1] if t["kind"] == "frequency" and q is not None else None

    def key_for(cat, answer=None):
        key = [TOTAL] * len(dims)
        key[d] = cat
        if answer is not None:
            key[-1] = answer
        return tuple(key)

    rows = []
    for cat in [*t["categories"][d], TOTAL]:
        if cat != TOTAL and allowed is not None and cat not in allowed:
            continue
        label = "Total" if cat == TOTAL else labels[by].get(cat, cat)
        if t["kind"] == "magnitude":
            mean, count, _ = cells[key_for(cat)]
            rows.append({"label": label, "mean": mean, "count": count, "total": cat == TOTAL})
        elif answer_cats is None:
            rows.append({"label": label, "values": [cells[key_for(cat)][0]], "total": cat == TOTAL})
        else:
            base = cells[key_for(cat, TOTAL)][0]
            values = [cells[key_for(cat, a)][0] for a in answer_cats]
            rows.append({"label": label, "values": values, "row_total": base, "total": cat == TOTAL,
                         "percents": [percent(v, base, threshold) for v in values]})  # fmt: skip
    return {"kind": t["kind"], "answers": answer_cats, "rows": rows}


def summary(results: dict, questions) -> dict:
    """What the trend needs of a run, kept small so a page over many runs
    does not load every run's whole publication: each question's
    union-wide mean or shares, as published."""
    out = {}
    for q in questions:
        rows = overall_rows(results, q)
        if not rows:
            continue
        if "mean" in rows[0]:
            out[q.key] = {"mean": rows[0]["mean"], "count": rows[0]["count"]}
        else:
            out[q.key] = {"shares": {r["label"]: r["percent"] for r in rows if not r.get("total")}}
    return out


def trend(runs: list[Run], q: Question) -> list[dict]:
    """One point per closed run (from ``Run.summary``): a number question's
    mean, or each answer's share, as published (``None`` where hidden)."""
    points = []
    for run in runs:
        point = (run.summary or {}).get(q.key)
        if point is not None:
            points.append({"run": run.number, "date": run.opens_at.date(), **point})
    return points
