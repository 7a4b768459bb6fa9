"""Reading and validating the fact store: its schema, its vocabularies, the reader of its bytes."""
