"""Stage 1, load: read the knowledge YAML (with line numbers), check it entry by entry and as a
whole, and build the immutable `KnowledgeBase`; the condition language and the answers each
question accepts are part of it."""
