"""planbot knowledge base: parse plans, normalise, store, index, search."""
