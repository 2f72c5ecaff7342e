"""Stage 3, cases: case files (read, checked, saved), batches of them on every core, and the
scenarios of the knowledge base (policy test cases written as the story of a case)."""
