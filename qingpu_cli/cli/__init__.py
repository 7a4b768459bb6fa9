"""The command line: every command's declaration, the parser, the Typer app, the run boundary."""
