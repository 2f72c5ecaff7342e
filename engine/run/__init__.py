"""Stage 2, run: bind the rules to a jurisdiction profile (`program`), evaluate a case with the
three-valued interpreter, the compiled evaluator or experta (the engine of record), and explain
what fired. `session` is the one door the CLI and the web app use."""
