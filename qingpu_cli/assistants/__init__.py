"""The facts for AI assistants: a Model Context Protocol server (`qingpu mcp`), in the optional
extra `qingpu[mcp]`. Nothing here is imported by the other commands."""
