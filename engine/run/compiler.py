"""Compile a bound rule base (`Program`) into an experta engine.

Hazards of experta that this compilation makes impossible (each has a test):
- experta has no truth maintenance, so `NOT(X)` can fire before a later rule derives X. No
  pattern here is negative: every condition is put in negation normal form, and "X is false" is
  an explicit fact declared by a generated closure rule once X's rules are all definitely false
  (three-valued, like `engine.run.evaluator`). Rules fire by stratum (a salience computed from the
  dependency graph), which also makes the firing order the same in every process.
- `OR` would run the action once per matching branch: a rule in disjunctive normal form becomes
  one experta rule per conjunction, and the action records each knowledge rule once.
- A `TEST` before the pattern binding its variables never fires: TESTs are always placed last.
- A misspelt field never matches: fields are question ids checked by `engine.load.validate`.
- `True == 1` matches: atoms compare booleans by identity (`conditions.Atom.test`).
- Combining `&` groups raises `NameError: chain`: one `P` predicate per field, never `&`.
- Engines share class-level state across threads: every engine gets a class of its own
  and `engine.run.session` keeps one engine per thread.

Speed (docs/performance.md), with the same conclusions in the same firing order:
- What a profile decides without any answer is folded in before compiling. A rule whose bound
  condition is decided by the profile alone (Kleene logic is monotone: a rule decided with no
  answer is decided the same way for every case) gets no closure rule and no `Status` fact; a
  rule that always applies still fires, first in its stratum, so it is recorded as before. Its
  readers see a constant instead of a fact. A derived fact the profile decides is reported
  without being declared.
- A derived fact is declared false by one rule whose condition is the falsity of all its
  setters written out (`INLINE_FALSITY` conjunctions at most), rather than a closure rule per
  setter and a rule reading their `Status` facts: fewer firings, the same facts concluded.
- experta's network is run through leaner callbacks (`_lean_network`): the same nodes, tests
  and memories, without the token copies no node needs, with facts dispatched by type and by
  the value of a literal test instead of offering every fact to every test node, activation
  hashes computed once, and a reset that wipes each memory once; the agenda's key is computed
  directly (`_lean_strategy`) and the engine's own facts are built without experta's freezing.

Why the firing order cannot change: every rule reads only rules of lower strata, and a
salience is higher for a lower stratum (then by file order), so whatever a firing adds to the
agenda comes after it: rules fire in program order (`Program.ordered_rules`), whatever the
closure rules and facts in between.
"""

from __future__ import annotations

import datetime as dt
import inspect
import sys
from collections.abc import Mapping
from contextlib import suppress
from dataclasses import dataclass
from typing import Any

from engine.load.conditions import Atom, Const, Literal_, conjoin, negate, to_dnf, transform
from engine.run.evaluator import evaluate_case
from engine.run.experta_compat import AND, MATCH, TEST, Fact, KnowledgeEngine, P, Rule
from engine.run.program import Program

DNF_LIMIT = 64
INLINE_FALSITY = 16  # a derived fact's falsity written out when it takes at most this many conjunctions
STRATUM_SPAN = 100_000


class CaseFact(Fact):
    """All answers of one case, one field per question id, e.g. CaseFact(age_at_conduct=15)."""


class Clock(Fact):
    """The reference moment of the assessment, e.g. Clock(now=datetime(2026, 3, 1, 12, 0))."""


class Status(Fact):
    """Whether a rule definitely applies or definitely does not, e.g. Status(rule='R-DIV-01', value=False)."""


class Derived(Fact):
    """A derived yes/no fact and its value, e.g. Derived(name='below_macr', value=True)."""


class CompileError(Exception):
    """A rule whose condition is too large to compile; the message says which and what to do."""


@dataclass(frozen=True)
class EngineRun:
    """What experta concluded for one case."""

    fired: list[str]
    measures: set[tuple[str, str]]
    derived: dict[str, bool]


def _field_test(literals: list[Literal_]):
    def test(value):
        return all(atom.test(value) == polarity for atom, polarity in literals)

    return test


def _timed_test(literals: list[Literal_], var: str):
    def test(**bound):
        value, now = bound[var], bound["now"]
        return all(atom.test(value, now) == polarity for atom, polarity in literals)

    # experta passes a TEST only the variables its signature names.
    kind = inspect.Parameter.KEYWORD_ONLY
    test.__signature__ = inspect.Signature([inspect.Parameter(var, kind), inspect.Parameter("now", kind)])
    return test


class _Builder:
    def __init__(self, program: Program):
        self.program = program
        self.attrs: dict[str, Any] = {}
        self.counter = 0
        # One predicate object per distinct test, so that experta's network can share it.
        self.predicates: dict[tuple, Any] = {}
        self.dnfs: dict[Any, list | None] = {}  # conditions are frozen dataclasses: one DNF each

    def dnf(self, condition, what: str) -> list[tuple[Literal_, ...]]:
        conjunctions = self.dnfs.get(condition)
        if conjunctions is None:
            conjunctions = self.dnfs[condition] = to_dnf(condition, DNF_LIMIT)
        if conjunctions is None:
            raise CompileError(
                f"{what}: the condition expands to more than {DNF_LIMIT} alternatives; split it with a derived fact"
            )
        return conjunctions

    def patterns(self, conjunction: tuple[Literal_, ...]) -> list:
        by_field: dict[str, list[Literal_]] = {}
        others = []
        for atom, polarity in conjunction:
            if atom.kind == "rule":
                others.append(Status(rule=atom.name, value=polarity))
            elif atom.kind == "fact" and atom.name in self.program.derived:
                others.append(Derived(name=atom.name, value=polarity))
            else:
                by_field.setdefault(atom.name, []).append((atom, polarity))
        fields, tests = {}, []
        for name, literals in by_field.items():
            if any(atom.kind == "elapsed" for atom, _ in literals):
                var = f"v{len(tests)}"
                fields[name] = getattr(MATCH, var)
                tests.append(TEST(_timed_test(literals, var)))
            else:
                key = tuple(literals)
                if key not in self.predicates:
                    self.predicates[key] = P(_field_test(literals))
                fields[name] = self.predicates[key]
        patterns = []
        if fields:
            patterns.append(CaseFact(**fields))
        patterns.extend(others)
        if tests:
            patterns.append(Clock(now=MATCH.now))
        return patterns + tests  # TESTs last, after every pattern that binds their variables

    def add(self, conjunctions, salience: int, action) -> None:
        for conjunction in conjunctions:
            self.counter += 1
            patterns = self.patterns(conjunction)
            condition = AND(*patterns) if len(patterns) > 1 else patterns[0] if patterns else None
            rule = Rule(condition, salience=salience) if condition is not None else Rule(salience=salience)
            self.attrs[f"rule_{self.counter}"] = rule(action)

    def needs(self, conjunction_lists, polarity: bool) -> tuple[set[str], set[str]]:
        """Rules and derived facts that some conjunction reads with this polarity."""
        rules, facts = set(), set()
        for conjunctions in conjunction_lists:
            for conjunction in conjunctions:
                for atom, pol in conjunction:
                    if pol is polarity and atom.kind == "rule":
                        rules.add(atom.name)
                    elif pol is polarity and atom.kind == "fact" and atom.name in self.program.derived:
                        facts.add(atom.name)
        return rules, facts

    def falsity(self, conditions: Mapping[str, Any], fact: str, inline: int) -> list[tuple[Literal_, ...]]:
        """The conjunctions that make a derived fact definitely false: every open setter definitely
        false, written out (the setters' negated conditions, when that takes at most `inline`
        conjunctions: no closure rule and no `Status` fact needed for them) or read from the
        setters' `Status` facts."""
        setters = [s for s in self.program.derived[fact] if s in conditions]
        if inline:
            written = to_dnf(conjoin([negate(conditions[s]) for s in setters]), inline)
            if written is not None:
                return written
        return [tuple((Atom("rule", s), False) for s in setters)]

    def closure(self, conditions: Mapping[str, Any], positive, facts, inline: int = 0):
        """The closure rules needed, to a fixpoint: the negative DNF of every rule some condition
        reads as false, and the falsity of every derived fact some condition reads as false (or in
        `facts`). Returns (rule id -> negative DNF, fact -> falsity DNF)."""
        need_rules, need_facts = self.needs(positive, False)
        need_facts |= set(facts)
        negatives: dict[str, list] = {}
        falsities: dict[str, list] = {}
        while True:
            for fact in sorted(need_facts - set(falsities)):
                falsities[fact] = self.falsity(conditions, fact, inline)
                more_rules, more_facts = self.needs([falsities[fact]], False)
                need_rules |= more_rules
                need_facts |= more_facts
            todo = sorted(need_rules - set(negatives))
            if not todo and need_facts <= set(falsities):
                return negatives, falsities
            for rule_id in todo:
                negatives[rule_id] = self.dnf(negate(conditions[rule_id]), f"{rule_id} (closure)")
                more_rules, more_facts = self.needs([negatives[rule_id]], False)
                need_rules |= more_rules & set(conditions)
                need_facts |= more_facts

    def build(self) -> type:
        program = self.program
        strata = program.strata
        # What the profile decides without any answer (monotone: the same for every case).
        static = evaluate_case(program, {}, None)
        known_rules = {rid: value for rid, value in static.status.items() if value is not None}
        known_facts = {name: value for name, value in static.derived.items() if value is not None}

        def fold(atom: Atom):
            if atom.kind == "rule" and atom.name in known_rules:
                return Const(known_rules[atom.name])
            if atom.kind == "fact" and atom.name in known_facts:
                return Const(known_facts[atom.name])
            return atom

        # The derived facts reported false are those the unfolded compilation would declare false.
        unfolded = {r.id: self.dnf(program.effective[r.id], r.id) for r in program.ordered_rules}
        reported = set(self.closure(program.effective, unfolded.values(), ())[1])
        open_rules = {r.id: transform(program.effective[r.id], fold) for r in program.ordered_rules}
        open_rules = {rid: condition for rid, condition in open_rules.items() if rid not in known_rules}
        positive = {rid: self.dnf(condition, rid) for rid, condition in open_rules.items()}
        for rule in program.ordered_rules:
            salience = -(strata[rule.id] * STRATUM_SPAN + rule.order * 10)
            if rule.id in positive:
                self.add(positive[rule.id], salience, _concluder(rule.id))
            elif known_rules[rule.id]:
                self.add([()], salience, _concluder(rule.id))  # applies to every case of this profile
        # Closure rules, only for what some condition reads as false and is still open (to a fixpoint).
        open_reported = {f for f in reported if f not in known_facts}
        negatives, falsities = self.closure(open_rules, positive.values(), open_reported, INLINE_FALSITY)
        for rule_id, negative in negatives.items():
            rule = program.kb.rules[rule_id]
            self.add(negative, -(strata[rule_id] * STRATUM_SPAN + rule.order * 10 + 5), _denier(rule_id))
        for fact, falsity in sorted(falsities.items()):
            if fact in known_facts:  # decided by the profile: reported as such, never declared
                continue
            salience = -(max(strata[s] for s in program.derived[fact]) * STRATUM_SPAN + STRATUM_SPAN - 1)
            self.add(falsity, salience, _falsifier(fact))
        # Only what some condition reads is declared: every declaration costs a pass of experta's network.
        generated = [*positive.values(), *negatives.values(), *falsities.values()]
        read_rules, read_facts = self.needs(generated, True)
        attrs = {
            **self.attrs,
            "program": program,
            "status_read": frozenset(read_rules),
            "derived_read": frozenset(read_facts),
            "derived_known": {name: False for name in sorted(reported) if known_facts.get(name) is False},
        }
        return type(f"Engine_{program.profile.id}", (PathwayEngine,), attrs)


def _concluder(rule_id: str):
    def action(engine):
        engine.conclude(rule_id)

    return action


def _fact(kind: type, **fields: str | bool) -> Fact:
    """`kind(**fields)` for plain text and yes/no values: experta's constructor freezes each value
    (they are already immutable) through several calls, on every firing."""
    fact = dict.__new__(kind)
    dict.update(fact, fields)
    fact._Fact__defaults = {}
    return fact


def _denier(rule_id: str):
    def action(engine):
        engine.declare(_fact(Status, rule=rule_id, value=False))

    return action


def _falsifier(fact: str):
    def action(engine):
        engine.declare(_fact(Derived, name=fact, value=False))

    return action


def _lean_strategy(strategy):
    """experta's depth strategy with its key computed directly: experta caches it in an LRU keyed by
    the activation, whose lookups cost more (hashes and comparisons of activations) than the key."""

    class LeanDepth(type(strategy)):
        def get_key(self, activation):
            return activation.rule.salience, sorted((f["__factid__"] for f in activation.facts), reverse=True)

    return LeanDepth()


def _track_conflict_sets(matcher) -> None:
    """Make experta's matcher visit only the conflict-set nodes that changed.

    experta's `ReteMatcher.changes` asks every conflict-set node (one per generated rule) for its
    new activations after every declaration, that is on every firing: about 40% of a run. Each
    node now records itself as changed when it is activated, and `changes` drains those nodes
    only (in network order). The activations returned are the same; the agenda orders them by
    salience and fact ids, so the firing order is unchanged.
    """
    nodes = matcher._get_conflict_set_nodes()
    position = {node: index for index, node in enumerate(nodes)}
    changed: dict = {}
    for node in nodes:
        activate = node._activate

        def recording(token, _activate=activate, _node=node):
            changed[_node] = True
            return _activate(token)

        node._activate = recording
    root = matcher.root_node

    def changes(adding=None, deleting=None):
        if deleting is not None:
            for fact in deleting:
                root.remove(fact)
        if adding is not None:
            for fact in adding:
                root.add(fact)
        added: list = []
        removed: list = []
        for node in sorted(changed, key=position.__getitem__) if len(changed) > 1 else list(changed):
            node_added, node_removed = node.get_activations()
            added.extend(node_added)
            removed.extend(node_removed)
        changed.clear()
        return added, removed

    matcher.changes = changes


INDEXED_FAN_OUT = 4  # a node with at least this many literal tests on one field dispatches by value


class _Hash:
    """Stands for an object in a tuple being hashed: hash((_Hash(hash(x)), y)) == hash((x, y))."""

    __slots__ = ("value",)

    def __init__(self, value: int):
        self.value = value

    def __hash__(self) -> int:
        return self.value


def _lean_network(matcher) -> None:
    """Run experta's Rete network through leaner callbacks: the same nodes, tests, memories,
    tokens and activations, in the same order.

    - No token copies that no node needs. experta copies a token on entering every node; of
      all the nodes here, only a test node whose check binds a value (a capture) writes to the
      token it receives, so it alone copies, before writing. Join and conflict-set nodes keep
      `to_info()` snapshots, never the token itself. Tokens are built without experta's type
      assertions (they hold what experta's own constructor would have made).
    - A test node calls its check's function directly (the check's path into the fact is
      worked out once, and experta's disabled match loggers are not called).
    - Dispatch by type at the root, and by value below a node whose children all test one
      field against a literal (`Status.rule`, `Derived.name`): a fact meets only the tests it
      can pass, instead of every one (this made experta's cost grow with the square of the
      rules). The children found still run their own test.
    - Join nodes (`OrdinaryMatchNode`) and conflict-set nodes run experta's own steps, without
      the loggers; an activation's hash (experta hashes its rule, facts and context on every
      set and cache lookup) is computed once, with the rule's hash computed once per node.
    - `reset` wipes each node's memory once (experta's walks the network, shared nodes again
      for every parent).
    """
    rete = sys.modules[type(matcher).__module__]  # experta.matchers.rete, imported by experta_compat
    nodes, checks, mixins = rete.nodes, rete.check, rete.mixins
    token_type, info_type = rete.token.Token, rete.token.TokenInfo
    valid = token_type.TagType.VALID
    activation_type = nodes.Activation
    literal = sys.modules[P.__module__].L  # experta.fieldconstraint
    child_node = mixins.ChildNode
    new = tuple.__new__

    class LeanActivation(activation_type):
        """experta's activation, its hash computed once (the same value as experta's)."""

        def __init__(self, rule, facts, context, rule_hash):
            activation_type.__init__(self, rule, facts, context)
            self._hash = hash((_Hash(rule_hash), frozenset(self.facts), frozenset(self.context.items())))

        def __hash__(self):
            return self._hash

    def copy(token):
        return new(token_type, (token.tag, set(token.data), dict(token.context)))

    def field_path(check) -> tuple | None:
        """The keys experta's FeatureCheck follows into a fact (None: the fact itself)."""
        what = check.what
        if not isinstance(what, str):
            return (what,)
        if what.startswith("__") or what.endswith("__"):
            return None
        return tuple(int(p) if p.isnumeric() else p for p in what.split("__"))

    def test_of(check):
        """A function equal to `check(fact)` (FeatureCheck.__call__ without its logging)."""
        if type(check) is checks.TypeCheck:
            fact_type = check.fact_type
            return lambda fact: type(fact) == fact_type  # noqa: E721 (experta's own test)
        if type(check) is not checks.FeatureCheck:
            return check
        path, function, expected = field_path(check), check.check, check.expected
        if path is None:
            return lambda fact: function(fact, expected)

        def test(fact):
            record = fact
            try:
                for key in path:
                    record = record[key]
            except (IndexError, KeyError, TypeError):
                return False
            return function(record, expected)

        return test

    def literal_field(node) -> tuple[str, Any] | None:
        """(field, value) when the node tests one plain field of a fact against a hashable literal."""
        check = getattr(node, "matcher", None)
        if type(node) is not nodes.FeatureTesterNode or type(check) is not checks.FeatureCheck:
            return None
        how, path = check.how, field_path(check)
        if type(how) is not literal or how.__bind__ is not None or path is None or len(path) != 1:
            return None
        if type(how.value) not in (str, bool, int, type(None)):
            return None
        return path[0], how.value

    def dispatch(children):
        """The callbacks of `children`, and an index by value when they all test one field."""
        callbacks = [child.callback for child in children]
        tested = [literal_field(child.node) for child in children]
        if len(children) < INDEXED_FAN_OUT or None in tested or len({f for f, _ in tested}) != 1:
            return callbacks, None, None
        index: dict[Any, list] = {}
        for (_, value), callback in zip(tested, callbacks, strict=True):
            index.setdefault(value, []).append(callback)
        return callbacks, tested[0][0], index

    def tester(node):
        """FeatureTesterNode.activate + _activate."""
        test = test_of(node.matcher)
        callbacks, field, index = dispatch(node.children)

        def activate(token):
            data = token.data
            if len(data) != 1:
                raise ValueError("a test node takes a token of one fact")
            for fact in data:
                match = test(fact)
            if not match:
                return
            if match is not True and isinstance(match, Mapping):  # a capture: the only write to a token, on a copy
                token = copy(token)
                context = token.context
                for key, value in match.items():
                    if isinstance(key, tuple):
                        if key[1] in context and context[key[1]] == value:
                            return
                    else:
                        if context.get(key, value) != value:
                            return
                        if (False, key) in context and context[(False, key)] == value:
                            return
                context.update(match)
            targets = callbacks
            if index is not None:
                try:
                    targets = index.get(fact[field], ())
                except KeyError:
                    return
                except TypeError:  # an unhashable value: every child tests it
                    targets = callbacks
            for callback in targets:
                callback(token)

        return activate

    def join(node, left: bool):
        """OrdinaryMatchNode.activate_left/right + its __activation (SameContextCheck as the matcher)."""
        callbacks = [child.callback for child in node.children]
        matcher_ = node.matcher
        same_context = type(matcher_) is checks.SameContextCheck

        def activate(token):
            if left:  # the memories are new lists after every reset: read them here
                branch, other = node.left_memory, node.right_memory
            else:
                branch, other = node.right_memory, node.left_memory
            context = token.context
            if token.tag == valid:
                branch.append(info_type(token.data, context))
            else:
                with suppress(ValueError):
                    branch.remove(info_type(token.data, context))
            for other_data, other_items in other:
                other_context = dict(other_items)
                lhs, rhs = (context, other_context) if left else (other_context, context)
                if same_context:
                    match = True
                    for key, value in lhs.items():
                        if key[0] is False:
                            raise RuntimeError(f'Negated value "{key[1]}" present before capture.')
                        if (key in rhs and value != rhs[key]) or ((False, key) in rhs and value == rhs[(False, key)]):
                            match = False
                            break
                else:
                    match = matcher_(lhs, rhs)
                if match:
                    joined = {k: v for k, v in context.items() if isinstance(k, str)}
                    for k, v in other_context.items():
                        if not isinstance(k, tuple):
                            joined[k] = v
                    made = new(token_type, (token.tag, set(token.data | other_data), joined))
                    for callback in callbacks:
                        callback(made)

        return activate

    def conflict(node):
        """ConflictSetNode.activate + _activate."""
        rule = node.rule
        rule_hash = hash(rule)

        def activate(token):
            info = info_type(token.data, token.context)
            activation = LeanActivation(
                rule, frozenset(info.data), {k: v for k, v in info.context if isinstance(k, str)}, rule_hash
            )
            if token.tag == valid:
                if info not in node.memory:
                    node.memory.add(info)
                    if activation in node.removed:
                        node.removed.remove(activation)
                    else:
                        node.added.add(activation)
            else:
                try:
                    node.memory.remove(info)
                except ValueError:  # as experta has it (a set raises KeyError, which goes up)
                    pass
                else:
                    if activation in node.added:
                        node.added.remove(activation)
                    else:
                        node.removed.add(activation)

        return activate

    # Every node once, in network order.
    order, seen, stack = [], set(), [matcher.root_node]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        order.append(node)
        stack.extend(child.node for child in reversed(node.children))
    for node in order:
        if type(node) is nodes.ConflictSetNode:
            node._activate = conflict(node)
    _track_conflict_sets(matcher)  # wraps each conflict-set node's `_activate`, read below
    lean: dict[tuple, Any] = {}
    for node in reversed(order):  # children first: a node reads its children's callbacks
        for position, child in enumerate(node.children):
            callback, target = child.callback, child.node
            kind, port = type(target), getattr(callback, "__name__", "")
            key = (id(target), port)
            if key in lean:
                callback = lean[key]
            elif kind is nodes.FeatureTesterNode and port == "activate":
                callback = lean[key] = tester(target)
            elif kind is nodes.OrdinaryMatchNode and port in ("activate_left", "activate_right"):
                callback = lean[key] = join(target, port == "activate_left")
            elif kind in (nodes.ConflictSetNode, nodes.WhereNode) and port == "activate":
                callback = lean[key] = target._activate  # a conflict set's is tracked (_track_conflict_sets)
            node.children[position] = child_node(target, callback)
    root = matcher.root_node
    by_type: dict | None = {}
    for child in root.children:
        check = getattr(child.node, "matcher", None)
        if type(check) is not checks.TypeCheck:
            by_type = None
            break
        by_type.setdefault(check.fact_type, []).append(child.callback)
    if by_type is not None:

        def add(fact):
            token = new(token_type, (valid, {fact}, {}))
            for callback in by_type.get(type(fact), ()):
                callback(token)

        root.add = add
    no_memory = mixins.NoMemory._reset
    memories = [node for node in order if type(node)._reset is not no_memory]

    def reset():
        for node in memories:
            node._reset()

    matcher.reset = reset


class PathwayEngine(KnowledgeEngine):
    """Base of the generated engines: records each knowledge rule once, in firing order."""

    program: Program
    status_read: frozenset[str]
    derived_read: frozenset[str]
    derived_known: dict[str, bool]  # derived facts the profile decides, as experta would report them

    def __init__(self):
        super().__init__()
        _lean_network(self.matcher)  # conflict-set tracking included
        self.strategy = _lean_strategy(self.strategy)
        self._deffacts = super().get_deffacts()

    def get_deffacts(self):
        """experta looks its deffacts up among every member of the engine on every reset: once is enough."""
        return self._deffacts

    def reset(self, **kwargs):
        self.fired: list[str] = []
        super().reset(**kwargs)

    def conclude(self, rule_id: str) -> None:
        if rule_id in self.fired:
            return
        self.fired.append(rule_id)
        spec = self.program.kb.rules[rule_id].spec
        facts = [_fact(Derived, name=name, value=True) for name in spec.then.set if name in self.derived_read]
        if rule_id in self.status_read:
            facts.append(_fact(Status, rule=rule_id, value=True))
        if facts:
            self.declare(*facts)

    def assess(self, answers: Mapping[str, Any], now: dt.datetime) -> EngineRun:
        """Reset, declare the case, run to quiescence and collect the conclusions."""
        self.reset()
        self.declare(CaseFact(**answers), Clock(now=now))
        self.run()
        rules = self.program.kb.rules
        measures = {pair for rule_id in self.fired for pair in rules[rule_id].spec.then.measures()}
        derived = dict(self.derived_known)
        derived.update((name, True) for rule_id in self.fired for name in rules[rule_id].spec.then.set)
        for fact in self.facts.values():
            if isinstance(fact, Derived) and fact["value"] is False:
                derived[fact["name"]] = False
        return EngineRun(list(self.fired), measures, derived)


def compile_engine_class(program: Program) -> type:
    """A new experta engine class for the program (one class per engine: no shared state)."""
    return _Builder(program).build()
