"""Stage 4, render: what people read. The text and JSON report, the decision tree and the pathway
map (Graphviz, imported only when drawing), the rule catalogue and the step-through."""
