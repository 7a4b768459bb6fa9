"""The library: pure queries over a validated store, no printing and no I/O."""
