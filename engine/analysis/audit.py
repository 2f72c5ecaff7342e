"""Audit of the knowledge base for policy teams: checks that report, never raise.

Exhaustive proofs (engine.analysis.explore) cover every complete interview of every profile: no dead
end, no prohibited outcome advised, no measure both advised and prohibited, the age and MACR
invariants, no watch-list advice for a child below the MACR, and no detained child without the
emergency release review while a public-health emergency is declared; a broken one comes with a
counterexample case file.

Static checks (per jurisdiction profile): questions that no rule can ask, rules that can never
apply, measures never produced, rules whose sources are all unverified, and pairs of rules that
could advise and prohibit the same measure in one case. A satisfiable-looking conflict is then
searched for in generated interviews; any case found is printed as a case file.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

import yaml

from engine.analysis.explore import Proof, prove
from engine.analysis.generate import NOW, candidate_values, random_walk_case
from engine.load.answers import answer_to_data
from engine.load.conditions import Atom, to_dnf
from engine.load.knowledge_base import KnowledgeBase
from engine.run.evaluator import evaluate_case
from engine.run.program import Program
from engine.run.session import program_for

DNF_LIMIT = 256


@dataclass(frozen=True)
class Finding:
    """One thing the audit found: `level` is error (must be fixed), warning or info."""

    level: str
    check: str
    subject: str
    message: str
    jurisdiction: str | None = None
    case_file: str | None = None


@dataclass
class AuditReport:
    findings: list[Finding] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    proofs: list[Proof] = field(default_factory=list)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.level == "error"]


def _field_satisfiable(kb: KnowledgeBase, name: str, literals: list[tuple[Atom, bool]]) -> bool:
    """Whether some answer to question `name` satisfies every literal (over a finite partition)."""
    question = kb.questions[name]
    return any(all(atom.test(value, NOW) == pol for atom, pol in literals) for value in candidate_values(kb, question))


def _conjunction_possible(program: Program, conjunction) -> bool:
    by_field: dict[str, list] = {}
    for atom, polarity in conjunction:
        if atom.kind == "rule" or atom.name in program.derived:
            continue  # derived facts are judged by the rules behind them (see possible_rules)
        by_field.setdefault(atom.name, []).append((atom, polarity))
    return all(_field_satisfiable(program.kb, name, lits) for name, lits in by_field.items())


def possible_rules(program: Program) -> set[str]:
    """Rules whose condition is satisfiable as far as answers go (derived facts followed to a fixpoint)."""
    dnf = {rid: to_dnf(program.effective[rid], DNF_LIMIT) for rid in program.kb.rules}
    possible: set[str] = set()
    changed = True
    while changed:
        changed = False
        for rid, conjunctions in dnf.items():
            if rid in possible:
                continue
            if conjunctions is None:  # too large to decide statically: treat as possible
                possible.add(rid)
                changed = True
                continue
            for conjunction in conjunctions:
                derived_ok = all(
                    not pol
                    or (atom.kind == "rule" and atom.name in possible)
                    or (atom.kind != "rule" and any(s in possible for s in program.derived[atom.name]))
                    for atom, pol in conjunction
                    if atom.kind == "rule" or atom.name in program.derived
                )
                if derived_ok and _conjunction_possible(program, conjunction):
                    possible.add(rid)
                    changed = True
                    break
    return possible


def _case_file(answers: dict, jurisdiction: str) -> str:
    data = {
        "jurisdiction": jurisdiction,
        "reference_date": NOW.strftime("%Y-%m-%dT%H:%M"),
        "answers": {k: answer_to_data(v) for k, v in answers.items()},
    }
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


def audit(kb: KnowledgeBase, samples: int = 2000, seed: int = 7) -> AuditReport:
    """Run every check for every jurisdiction profile."""
    report = AuditReport()
    nv = {rid for rid, rule in kb.rules.items() if all(c.verification == "NV" for c in rule.spec.sources)}
    for rid in sorted(nv):
        report.findings.append(
            Finding(
                "warning", "only unverified sources", rid, "every source this rule cites is marked NV (not verified)"
            )
        )
    possible_in: dict[str, list[str]] = {rid: [] for rid in kb.rules}
    asked_in: dict[str, list[str]] = {qid: [] for qid in kb.questions}
    profiles = sorted(kb.jurisdictions)
    for jurisdiction in profiles:
        program = program_for(kb, jurisdiction)
        for proof in prove(kb, jurisdiction):
            report.proofs.append(proof)
            if proof.proven is False:
                report.findings.append(
                    Finding(
                        "error",
                        f"invariant broken: {proof.property.id}",
                        proof.property.id,
                        proof.property.statement,
                        jurisdiction,
                        _case_file(proof.counterexample, jurisdiction),
                    )
                )
            elif proof.proven is None and proof.property.counterexample is not None:
                report.findings.append(
                    Finding(
                        "warning",
                        "invariant undecided",
                        proof.property.id,
                        "the exhaustive search exceeded its budget",
                        jurisdiction,
                    )
                )
        for rid in possible_rules(program):
            possible_in[rid].append(jurisdiction)
        for qid in _search(kb, program, jurisdiction, samples, seed, report):
            asked_in[qid].append(jurisdiction)
    for rid, where in possible_in.items():
        if not where:
            report.findings.append(
                Finding(
                    "warning",
                    "rule can never apply",
                    rid,
                    "no combination of answers satisfies its condition in any profile",
                )
            )
        elif len(where) < len(profiles):
            report.findings.append(
                Finding("info", "rule applies only in some profiles", rid, f"can apply only under: {', '.join(where)}")
            )
    for measure_id in kb.measures:
        producers = [rid for rid, rule in kb.rules.items() if measure_id in {m for _, m in rule.spec.then.measures()}]
        if not any(possible_in[rid] for rid in producers):
            report.findings.append(
                Finding("warning", "measure never produced", measure_id, "no rule that can apply concludes it")
            )
    for qid, where in asked_in.items():
        if not where:
            report.findings.append(
                Finding(
                    "warning", "question never asked", qid, f"not asked in {samples} generated interviews per profile"
                )
            )
        elif len(where) < len(profiles):
            report.findings.append(
                Finding(
                    "info",
                    "question asked only in some profiles",
                    qid,
                    f"asked in generated interviews only under: {', '.join(where)}",
                )
            )
    report.counts = {
        level: sum(1 for f in report.findings if f.level == level) for level in ("error", "warning", "info")
    }
    return report


def _search(
    kb: KnowledgeBase, program: Program, jurisdiction: str, samples: int, seed: int, report: AuditReport
) -> set[str]:
    """Walk generated interviews; report any advised-and-prohibited measure; return the questions asked."""
    rng = random.Random(seed)
    asked: set[str] = set()
    conflicts: dict[str, dict] = {}
    for _ in range(samples):
        answers = random_walk_case(kb, rng, jurisdiction)
        asked |= set(answers)
        evaluation = evaluate_case(program, answers, NOW)
        pairs = {pair for rid in evaluation.fired() for pair in kb.rules[rid].spec.then.measures()}
        if not pairs:
            report.findings.append(
                Finding(
                    "error",
                    "dead end",
                    "interview",
                    "a complete interview ends with no measure at all",
                    jurisdiction,
                    _case_file(answers, jurisdiction),
                )
            )
        prohibited = {m for k, m in pairs if k == "prohibit"}
        for kind, measure_id in pairs:
            if kind in ("require", "recommend") and measure_id in prohibited and measure_id not in conflicts:
                conflicts[measure_id] = answers
            if kind != "prohibit" and "prohibited_outcome" in kb.measures[measure_id].tags:
                report.findings.append(
                    Finding(
                        "error",
                        "prohibited outcome advised",
                        measure_id,
                        f"{kind} of a prohibited outcome",
                        jurisdiction,
                        _case_file(answers, jurisdiction),
                    )
                )
    for measure_id, answers in sorted(conflicts.items()):
        report.findings.append(
            Finding(
                "error",
                "advised and prohibited",
                measure_id,
                "one case gets this measure both advised and prohibited",
                jurisdiction,
                _case_file(answers, jurisdiction),
            )
        )
    return asked


def format_report(report: AuditReport) -> str:
    lines = [
        f"Audit: {report.counts.get('error', 0)} error(s), {report.counts.get('warning', 0)} warning(s), {report.counts.get('info', 0)} note(s)."
    ]
    for jurisdiction in sorted({p.jurisdiction for p in report.proofs}):
        mine = [p for p in report.proofs if p.jurisdiction == jurisdiction]
        proven = sum(1 for p in mine if p.proven)
        states, leaves, seconds = sum(p.states for p in mine), sum(p.leaves for p in mine), sum(p.seconds for p in mine)
        lines.append(
            f"  Exhaustive proofs [{jurisdiction}]: {proven} of {len(mine)} properties hold in every complete interview "
            f"({states} search states, {leaves} decided branches, {seconds:.2f} s)"
        )
        lines += [
            f"    not applicable: {p.property.id} ({p.property.note})"
            for p in mine
            if p.proven is None and p.property.counterexample is None
        ]
    for finding in report.findings:
        where = f" [{finding.jurisdiction}]" if finding.jurisdiction else ""
        lines.append(f"  {finding.level.upper():7} {finding.check}{where}: {finding.subject}: {finding.message}")
        if finding.case_file:
            lines += [
                "      counterexample case file:",
                *("        " + line for line in finding.case_file.splitlines()),
            ]
    return "\n".join(lines)
