"""Stage 5, analysis: tools over the whole knowledge base. Exhaustive proofs and the audit,
generated cases, what would change a result, sensitivity to parameters, national gaps, the
difference between two knowledge versions, and the pytest plugin that runs the scenarios."""
