"""The Typer app, built from the declarations in `cli.commands`: the help, shell completion
and every usage message.

No option is spelled here: each command's parameters are made from its declaration, each value
is checked by its declaration's own rule (`Option.accept`, handed to Typer as the parameter's
parser), and each command runs the handler the quick parser runs (`cli.handlers`). The quick
parser hands a run to this app when it cannot read it plainly (a mistyped option, `--help`,
completion), so that Typer says what is wrong, with its hints.
"""

from __future__ import annotations

import inspect
import sys
from collections.abc import Callable, Sequence
from typing import Annotated, Any

import typer

from qingpu_cli import __version__
from qingpu_cli.cli import run
from qingpu_cli.cli.commands import (
    COLOR,
    COMMANDS,
    COUNT,
    DATA,
    EXAMPLES,
    FLAG,
    NO_PAGER,
    ROOT_OPTIONS,
    VERSION,
    Argument,
    Command,
    Option,
)
from qingpu_cli.cli.handlers import Call, Session, handle
from qingpu_cli.cli.run import Streams, with_color, with_pager
from qingpu_cli.errors import ExitStatus, QingpuError, UsageError, did_you_mean
from qingpu_cli.render.formats import display_width

_EXAMPLE_WIDTH = max(display_width(example.command) for example in EXAMPLES) + 2
EXIT_STATUS = (
    "Exit status: 0 success (an empty result too), 1 invalid data or unknown id,"
    " 2 usage error, 130 interrupted."
)


def examples_text(width: int) -> list[str]:
    """The examples as lines of at most `width` columns: a command and what it does side by
    side where both fit, else what it does on the line below, so that no example is split."""
    lines = ["Examples:"]
    side_by_side = 2 + _EXAMPLE_WIDTH + max(len(example.what) for example in EXAMPLES) <= width
    for example in EXAMPLES:
        if side_by_side:
            pad = " " * (_EXAMPLE_WIDTH - display_width(example.command))
            lines.append(f"  {example.command}{pad}{example.what}")
        else:
            lines.extend((f"  {example.command}", f"      {example.what}"))
    return lines


class QingpuGroup(typer.core.TyperGroup):
    """The root's help: each command's summary whole (wrapped, never cut with "..."), and the
    examples laid out for the terminal's width, never split."""

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        rows = []
        for name in self.list_commands(ctx):
            command = self.get_command(ctx, name)
            if command is not None and not command.hidden:
                rows.append((name, command.get_short_help_str(limit=10_000)))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)

    def format_epilog(self, ctx: Any, formatter: Any) -> None:
        width = formatter.width or 80
        formatter.write("\n")
        for line in examples_text(width):
            formatter.write(f"{line}\n")
        formatter.write("\n")
        formatter.write_text(EXIT_STATUS)


app = typer.Typer(
    name="qingpu",
    help="Qingpu New City (青浦新城), Shanghai: facts, partners, industries, figures.\n\n"
    "Each traced to its source.",
    cls=QingpuGroup,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    add_completion=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _session(ctx: typer.Context) -> Session:
    found = ctx.find_root().obj
    if isinstance(found, Session):
        return found
    # Completion callbacks run before the root callback has made the run's session.
    root = ctx.find_root()
    data = root.params.get("data") if root.params else None
    return Session(Streams.of_process(), data)


def _store_for_completion(ctx: typer.Context) -> Any:
    """The store, for a tab key, if it can be read at once; None rather than a wait or an error."""
    from qingpu_cli.store.reader import cache_directory, readable_quickly

    try:
        session = _session(ctx)
        location = session.location()
        if not readable_quickly(location):
            return None
        return session.reader(location).load(cache_directory())
    except QingpuError:
        return None


def _complete_ids(ctx: typer.Context, incomplete: str) -> list[str]:
    from qingpu_cli.library import ratios
    from qingpu_cli.library.records import record_ids

    store = _store_for_completion(ctx)
    known = [*record_ids(store), *ratios.RATIO_IDS] if store is not None else []
    return [record_id for record_id in known if record_id.startswith(incomplete)]


def _complete_subjects(ctx: typer.Context, incomplete: str) -> list[str]:
    """The subjects some fact is about: the only ids `facts --subject` can match."""
    from qingpu_cli.library.records import fact_subjects

    store = _store_for_completion(ctx)
    subjects = fact_subjects(store) if store is not None else []
    return [subject for subject in subjects if subject.startswith(incomplete)]


COMPLETERS: dict[str, Callable[[typer.Context, str], list[str]]] = {
    "ids": _complete_ids,
    "subjects": _complete_subjects,
}


def _typer_parser(declared: Option | Argument) -> Callable[[str], Any]:
    """A declaration's rule as Typer's parser: a refused value is Typer's BadParameter, which
    names the parameter and the command's help."""

    def parse(value: str) -> Any:
        reason = declared.refusal(value)
        if reason is not None:
            raise typer.BadParameter(reason)
        return declared.accept(value)

    return parse


def _choices_completer(choices: tuple[str, ...]) -> Callable[[str], list[str]]:
    def complete(incomplete: str) -> list[str]:
        return [choice for choice in choices if choice.startswith(incomplete.casefold())]

    return complete


def _option_parameter(option: Option) -> inspect.Parameter:
    if option.takes == FLAG:
        annotation: Any = Annotated[bool, typer.Option(*option.names, help=option.help)]
        return inspect.Parameter(
            option.keyword, inspect.Parameter.KEYWORD_ONLY, default=False, annotation=annotation
        )
    metavar = option.metavar or ("<" + "|".join(option.choices) + ">" if option.choices else None)
    completer: Any = (
        COMPLETERS[option.complete]
        if option.complete
        else _choices_completer(option.choices)
        if option.choices
        else None
    )
    value_type: Any = int if option.takes == COUNT else str
    annotation = Annotated[
        value_type,
        typer.Option(
            *option.names,
            help=option.help,
            metavar=metavar,
            parser=_typer_parser(option),
            autocompletion=completer,
            show_default=option.default is not None,
        ),
    ]
    default: Any = ... if option.required else option.default
    return inspect.Parameter(
        option.keyword, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=annotation
    )


def _argument_parameter(argument: Argument) -> inspect.Parameter:
    annotation = Annotated[
        str,
        typer.Argument(
            metavar=argument.metavar,
            help=argument.help,
            parser=_typer_parser(argument),
            autocompletion=COMPLETERS[argument.complete] if argument.complete else None,
            show_default=False,
        ),
    ]
    return inspect.Parameter(
        argument.name,
        inspect.Parameter.KEYWORD_ONLY,
        default=... if argument.required else None,
        annotation=annotation,
    )


def _typer_function(command: Command) -> Callable[..., None]:
    """A function whose signature Typer reads as the command's parameters, and whose body hands
    their values to the command's handler."""

    def function(ctx: typer.Context, **values: Any) -> None:
        status = handle(Call(command.name, values, _session(ctx)))
        if status:
            raise typer.Exit(status)

    parameters = [
        inspect.Parameter("ctx", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=typer.Context),
        *(_argument_parameter(argument) for argument in command.arguments),
        *(_option_parameter(option) for option in command.every_option),
    ]
    function.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
    function.__doc__ = command.summary
    function.__name__ = command.name
    return function


def _version(ctx: typer.Context, value: bool) -> None:
    """The tool's version, then the bundled data's release and schema version, one a line."""
    if value:
        from qingpu_cli.library.records import version_lines
        from qingpu_cli.store.reader import bundled_store

        lines = [f"qingpu {__version__}", *version_lines(bundled_store())]
        _session(ctx).streams.stdout.write("".join(f"{line}\n" for line in lines))
        raise typer.Exit()


@app.callback(invoke_without_command=True)
def main_options(
    ctx: typer.Context,
    data: Annotated[
        str | None,
        typer.Option(*DATA.names, metavar=DATA.metavar, help=DATA.help, show_default=False),
    ] = None,
    color: Annotated[
        Any,
        typer.Option(
            *COLOR.names,
            help=COLOR.help,
            metavar="<" + "|".join(COLOR.choices or ()) + ">",
            parser=_typer_parser(COLOR),
            autocompletion=_choices_completer(COLOR.choices or ()),
        ),
    ] = COLOR.default,
    no_pager: Annotated[bool, typer.Option(*NO_PAGER.names, help=NO_PAGER.help)] = False,
    version: Annotated[
        bool,
        typer.Option(*VERSION.names, help=VERSION.help, callback=_version, is_eager=True),
    ] = False,
) -> None:
    """Facts, partners, industries and figures of Qingpu New City, each traced to its source."""
    given = ctx.obj if isinstance(ctx.obj, Streams) else Streams.of_process()
    ctx.obj = Session(with_pager(with_color(given, color), not no_pager), data)
    if ctx.invoked_subcommand is None:
        ctx.obj.streams.stdout.write(first_screen(ctx))
        raise typer.Exit()


def first_screen(ctx: typer.Context) -> str:
    """What `qingpu` alone prints: one short screen, the usage, the commands by name and where
    to read more; `qingpu --help` has every option and example."""
    import shutil
    import textwrap

    group = ctx.command
    names = group.list_commands(ctx) if isinstance(group, typer.core.TyperGroup) else []
    width = min(shutil.get_terminal_size((80, 24)).columns, 80) - 1
    about = "Qingpu New City (青浦新城), Shanghai: facts, partners, industries, figures."
    lines = [
        "Usage: qingpu [OPTIONS] COMMAND [ARGS]...",
        "",
        *textwrap.wrap(about, width),
        "",
        "Commands:",
        *textwrap.wrap(" ".join(names), width, initial_indent="  ", subsequent_indent="  "),
        "",
        *textwrap.wrap(
            "Start with 'qingpu overview'. 'qingpu help COMMAND' explains one command;"
            " 'qingpu --help' gives every option and an example of each command.",
            width,
        ),
    ]
    return "\n".join(lines) + "\n"


for _command in COMMANDS.values():
    app.command(
        _command.name, epilog=f"Example: {_command.example.command}  ({_command.example.what})"
    )(_typer_function(_command))


def command_help(name: str | None) -> str:
    """The help of one command as `qingpu COMMAND --help` gives it, or of qingpu itself."""
    group = typer.main.get_command(app)
    with group.make_context("qingpu", [], resilient_parsing=True) as root:
        if name is None:
            return root.get_help() + "\n"
        assert isinstance(group, typer.core.TyperGroup)
        found = group.get_command(root, name)
        if found is None:
            names = group.list_commands(root)
            raise UsageError(
                f"no command {name!r}{did_you_mean(name, names)}; the commands: {', '.join(names)}"
            )
        with typer.Context(found, info_name=name, parent=root) as context:
            return found.get_help(context) + "\n"


def _command_named(args: Sequence[str], context: object) -> str | None:
    """The command a usage error belongs to: the failing context's, else the first argument
    that names a command (an option missing its value fails before its command's context)."""
    name = getattr(context, "info_name", None)
    if isinstance(name, str) and name in COMMANDS:
        return name
    return next((arg for arg in args if arg in COMMANDS), None)


#: qingpu's own options by how they are spelled, with what follows each (its value's name),
#: for a run that gives one after its command.
_ROOT_SPELLINGS = {
    spelling: "" if option.takes == FLAG else f" {option.metavar or option.keyword.upper()}"
    for option in ROOT_OPTIONS
    for spelling in option.names
}


def run_app(args: Sequence[str], streams: Streams) -> int:
    """Run the Typer app on these arguments; its own errors become the project's, for the
    boundary to report."""
    try:
        result = app(args=list(args), prog_name="qingpu", standalone_mode=False, obj=streams)
    except typer.Exit as done:
        return done.exit_code
    except typer.Abort:
        raise KeyboardInterrupt from None
    except typer.TyperException as error:
        message = error.format_message().replace("\n", " ")
        if error.exit_code != ExitStatus.USAGE:
            raise QingpuError(message) from None
        command = _command_named(args, getattr(error, "ctx", None))
        typed = getattr(error, "option_name", None)
        if command and typed in _ROOT_SPELLINGS:
            raise UsageError(
                f"{typed} is an option of qingpu itself: it goes before the command"
                f" ('qingpu {typed}{_ROOT_SPELLINGS[typed]} {command} ...')"
            ) from None
        where = f"qingpu help {command}" if command else "qingpu --help"
        raise UsageError(f"{message} (see '{where}')") from None
    return result if isinstance(result, int) else int(ExitStatus.OK)


def main(argv: Sequence[str] | None = None, streams: Streams | None = None) -> int:
    """The app alone, within the run boundary (tests and `python -c` call this)."""
    args = list(sys.argv[1:] if argv is None else argv)
    return run.run(lambda given: run_app(args, given), streams)


__all__ = ["app", "command_help", "main", "run_app"]
