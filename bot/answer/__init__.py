"""Question answering: router (assistant), answerers, policy, vocabulary, ranking, composing."""
