"""The typer application: every command and option of ``claude-migrate``."""

from __future__ import annotations

import datetime
import sys
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer
from typer.core import TyperGroup

from claude_migrate import __version__
from claude_migrate.cli.execute import Output, as_of_date, execute, fail, request_for, settings_at
from claude_migrate.data.errors import UsageError

if TYPE_CHECKING:
    from claude_migrate.data.rules import RuleSpec

app = typer.Typer(
    name="claude-migrate",
    help="Find and fix Python code written for Claude 3.x models: model IDs, Bedrock profiles, request shapes.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


class ModelsFormat(str, Enum):
    """How `claude-migrate models` prints the catalogue."""

    text = "text"
    json = "json"


Paths = Annotated[Optional[list[Path]], typer.Argument(help="Files or directories (default: the current directory).")]
Target = Annotated[Optional[str], typer.Option(help="Migration target (listed by `claude-migrate check --help`); "
                                                    "default from the rule data.")]
Select = Annotated[Optional[list[str]], typer.Option(help="Only these rule codes or prefixes (comma-separated).")]
Ignore = Annotated[Optional[list[str]], typer.Option(help="Skip these rule codes or prefixes (comma-separated).")]
Format = Annotated[str, typer.Option("--output-format", help="How to print findings: text, concise, json, "
                                                             "json-lines, sarif, github, markdown.")]
OutputFile = Annotated[Optional[Path], typer.Option("--output-file", help="Write the findings to this file; the "
                                                                          "summary still goes to the terminal.")]
Config = Annotated[Optional[Path], typer.Option(help="A pyproject.toml to read [tool.claude-migrate] from.")]
AsOf = Annotated[Optional[str], typer.Option(help="Judge model lifecycles as of this date (YYYY-MM-DD).")]
Region = Annotated[Optional[str], typer.Option(help="AWS Region the Bedrock calls run in, for profile prefixes.")]
Prefix = Annotated[Optional[str], typer.Option(help="Cross-Region profile prefix to write (us, eu, apac, global, ...).")]
FailWithin = Annotated[Optional[int], typer.Option(
    "--fail-within", metavar="DAYS", min=0,
    help="Also report model IDs, and the target's models, whose retirement or earliest retirement is within DAYS.")]
SdkVersion = Annotated[Optional[str], typer.Option(
    "--sdk-version", metavar="SPEC",
    help="The anthropic version (1.2.0) or range (>=0.40,<1) of code whose dependency files name none.")]
Statistics = Annotated[bool, typer.Option("--statistics", help="Print counts per rule instead of findings.")]
ExitZero = Annotated[bool, typer.Option("--exit-zero", help="Exit 0 even when findings remain.")]
Debug = Annotated[bool, typer.Option("--debug", help="Show tracebacks for internal errors.")]
BedrockLive = Annotated[bool, typer.Option(
    "--bedrock-live", help="Ask Amazon Bedrock (boto3, standard AWS credentials) which Claude models and profiles "
                           "the account has in the Region, for profile prefixes and CM105.")]
BedrockSnapshot = Annotated[Optional[Path], typer.Option(
    "--bedrock-snapshot", help="Use a Bedrock answer saved by `claude-migrate models --bedrock --save FILE`.")]
Jobs = Annotated[Optional[int], typer.Option("--jobs", "-j", min=1,
                                             help="Processes that parse files (default: the CPU count).")]
NoCache = Annotated[bool, typer.Option("--no-cache", help="Neither read nor write .claude_migrate_cache/.")]


@app.command()
def check(paths: Paths = None, target: Target = None, select: Select = None, ignore: Ignore = None,
          output_format: Format = "text", output_file: OutputFile = None, config: Config = None, as_of: AsOf = None,
          bedrock_region: Region = None, bedrock_profile_prefix: Prefix = None, statistics: Statistics = False,
          exit_zero: ExitZero = False, debug: Debug = False, bedrock_live: BedrockLive = False,
          bedrock_snapshot: BedrockSnapshot = None, jobs: Jobs = None, no_cache: NoCache = False,
          fail_within: FailWithin = None, sdk_version: SdkVersion = None,
          add_ignore: Annotated[bool, typer.Option("--add-ignore", help="Write a `# claude-migrate: ignore[...]` "
                                                   "comment for every current finding.")] = False,
          diff_base: Annotated[Optional[str], typer.Option("--diff-base", metavar="REF", help="Report only findings "
                                                           "on lines added or changed since this git revision.")] = None,
          ) -> None:
    """Report findings; exit 1 when any remain."""
    execute(request_for("add-ignore" if add_ignore else "check", paths, config, as_of, target=target, select=select,
                      ignore=ignore, bedrock_region=bedrock_region, bedrock_profile_prefix=bedrock_profile_prefix,
                      fail_within=fail_within, sdk_version=sdk_version, debug=debug, bedrock_live=bedrock_live,
                      bedrock_snapshot=bedrock_snapshot, diff_base=diff_base, jobs=jobs, no_cache=no_cache),
             Output(output_format, output_file, statistics, exit_zero))


@app.command()
def fix(paths: Paths = None, target: Target = None, select: Select = None, ignore: Ignore = None,
        output_format: Format = "text", output_file: OutputFile = None, config: Config = None, as_of: AsOf = None,
        bedrock_region: Region = None, bedrock_profile_prefix: Prefix = None, statistics: Statistics = False,
        exit_zero: ExitZero = False, debug: Debug = False,
        unsafe_fixes: Annotated[bool, typer.Option("--unsafe-fixes", help="Also apply unsafe fixes.")] = False,
        diff: Annotated[bool, typer.Option("--diff", help="Print a unified diff and write nothing.")] = False,
        bedrock_live: BedrockLive = False, bedrock_snapshot: BedrockSnapshot = None, jobs: Jobs = None,
        no_cache: NoCache = False, fail_within: FailWithin = None, sdk_version: SdkVersion = None,
        exit_non_zero_on_fix: Annotated[bool, typer.Option("--exit-non-zero-on-fix", help="Exit 1 when a file was "
                                                           "changed, even if nothing remains (for pre-commit).")] = False,
        ) -> None:
    """Apply safe fixes (and unsafe ones with --unsafe-fixes); report what remains."""
    execute(request_for("diff" if diff else "fix", paths, config, as_of, target=target, select=select, ignore=ignore,
                      bedrock_region=bedrock_region, bedrock_profile_prefix=bedrock_profile_prefix,
                      fail_within=fail_within, sdk_version=sdk_version, debug=debug, bedrock_live=bedrock_live,
                      bedrock_snapshot=bedrock_snapshot, unsafe_fixes=unsafe_fixes, jobs=jobs, no_cache=no_cache),
             Output(output_format, output_file, statistics, exit_zero, exit_non_zero_on_fix))


@app.command()
def clean(config: Config = None) -> None:
    """Remove the result cache: .claude_migrate_cache/ at the project root."""
    from claude_migrate.run import cache
    from claude_migrate.run.config import find_config

    config_path = config or find_config(Path.cwd())
    root = config_path.parent if config_path else Path.cwd()
    for line in cache.clean(root) or [f"No cache at {root / cache.CACHE_DIR}."]:
        typer.echo(line)


def _load_rules() -> list[RuleSpec]:
    from claude_migrate.run import rulecache

    try:
        return list(rulecache.load(settings_at(None, Path.cwd()).extra_rule_dirs).rules)
    except UsageError as exc:
        fail(str(exc))
        return []


class RulesFormat(str, Enum):
    """How `claude-migrate rules` prints the rules."""

    text = "text"
    markdown = "markdown"


@app.command("rules")
def list_rules(output_format: Annotated[RulesFormat, typer.Option(
        "--format", "--output-format", help="A listing, or the whole rule catalogue in Markdown.")
                                        ] = RulesFormat.text) -> None:
    """List every rule: code, name, fix safety and summary (or, as Markdown, the whole catalogue)."""
    from claude_migrate.formats.docs import rule_catalogue, rule_lines

    rules = _load_rules()
    typer.echo(rule_catalogue(rules).rstrip("\n") if output_format is RulesFormat.markdown
               else "\n".join(rule_lines(rules)))


@app.command("rule")
def explain_rule(code: Annotated[str, typer.Argument(help="A rule code such as CM101.")]) -> None:
    """Explain one rule: why, a before/after example, and its sources."""
    rules = {rule.code: rule for rule in _load_rules()}
    rule = rules.get(code.upper())
    if rule is None:
        fail(f"unknown rule code '{code}' (see `claude-migrate rules`)")
        return
    lines = [f"{rule.code} {rule.name}", "", rule.summary, "",
             f"Severity: {rule.severity}. Fix: {rule.fix}.", "", "Why", "", rule.why.strip(), ""]
    for example in rule.examples:
        options = f" (target {example.target})" if example.target else ""
        lines += [f"Before{options}:", "", *("    " + l for l in example.before.rstrip().splitlines()), "",
                  "After:", "", *("    " + l for l in example.after.rstrip().splitlines()), ""]
    lines += ["Sources:", *(f"  - {source}" for source in rule.sources)]
    typer.echo("\n".join(lines))


@app.command("models")
def list_models(
    target: Target = None, as_of: AsOf = None,
    output_format: Annotated[ModelsFormat, typer.Option("--output-format", "--format", help="Table or JSON.")
                             ] = ModelsFormat.text,
    bedrock: Annotated[bool, typer.Option(
        "--bedrock", help="Ask Amazon Bedrock (boto3, standard AWS credentials) what the account has in the Region "
                          "and print where the catalogue disagrees (exit 1).")] = False,
    region: Annotated[Optional[str], typer.Option(help="AWS Region to ask (default: from the AWS configuration).")
                      ] = None,
    profile: Annotated[Optional[str], typer.Option(help="AWS profile to use (default: the standard chain).")] = None,
    save: Annotated[Optional[Path], typer.Option(help="Save AWS's answer as JSON, for --bedrock-snapshot.")] = None,
    bedrock_snapshot: BedrockSnapshot = None, config: Config = None,
    audit: Annotated[bool, typer.Option(
        "--audit", help="Compare the catalogue with the installed anthropic package's model list and deprecation "
                        "table (and the Models API with --anthropic-live); print every disagreement (exit 1).")] = False,
    anthropic_package: Annotated[Optional[Path], typer.Option(
        "--anthropic-package", metavar="DIR_OR_WHEEL",
        help="Audit against this anthropic package folder or wheel instead of the installed one.")] = None,
    anthropic_live: Annotated[bool, typer.Option(
        "--anthropic-live", help="Also ask Anthropic's Models API (the anthropic package, ANTHROPIC_API_KEY) which "
                                 "models the key can use.")] = False,
) -> None:
    """Print the model catalogue: IDs per platform, profiles, limits, lifecycle, replacement in the target."""
    from claude_migrate.audit.models_api import anthropic_pages
    from claude_migrate.bedrock.live import boto3_client
    from claude_migrate.formats import audit_report, models_table
    from claude_migrate.run.models import ModelsRequest, run_audit, run_models

    try:
        settings = settings_at(config, Path.cwd())
        request = ModelsRequest(as_of=as_of_date(as_of) or datetime.date.today(), target=target or settings.target,
                                bedrock=bedrock, region=region, profile=profile, save=save,
                                snapshot=bedrock_snapshot, extra_rule_dirs=settings.extra_rule_dirs, audit=audit,
                                anthropic_package=anthropic_package, anthropic_live=anthropic_live)
        if audit:
            audited = run_audit(request, anthropic_pages)
            sys.stdout.write(audit_report.render(audited, as_json=output_format is ModelsFormat.json))
            raise typer.Exit(audited.exit_code)
        view = run_models(request, boto3_client)
    except UsageError as exc:
        fail(str(exc))
        return
    sys.stdout.write(models_table.render(view, as_json=output_format is ModelsFormat.json))
    raise typer.Exit(view.exit_code)


@app.command("report")
def fleet_report(files: Annotated[list[Path], typer.Argument(help="JSON results of `check --output-format json`, "
                                                                 "one per repository (named after the file).")],
                 as_of: AsOf = None) -> None:
    """Sum up many repositories' results: per repository and rule, and the nearest retirement dates (Markdown)."""
    from claude_migrate.formats.fleet import fleet_report as render, load_results
    from claude_migrate.run import rulecache

    try:
        text = render(load_results(files), rulecache.load().data, as_of_date(as_of) or datetime.date.today())
    except UsageError as exc:
        fail(str(exc))
        return
    sys.stdout.write(text)


@app.command("config")
def show_config(path: Annotated[Optional[Path], typer.Argument(help="A file or folder (default: the current "
                                                                   "directory); for a file, its overrides apply.")] = None,
                config: Config = None) -> None:
    """Print the effective settings and where each came from."""
    from claude_migrate.formats.config_report import describe
    from claude_migrate.run.discovery import common_directory
    from claude_migrate.run import rulecache

    chosen = path or Path(".")
    try:
        settings = settings_at(config, common_directory([chosen]))
        default_target = rulecache.load(settings.extra_rule_dirs).data.targets.default
    except UsageError as exc:
        fail(str(exc))
        return
    typer.echo("\n".join(describe(settings, default_target, chosen)))


def _version(value: bool) -> None:
    if value:
        typer.echo(f"claude-migrate {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                                       help="Show the version and exit.")] = False) -> None:
    """claude-migrate: a migration linter and codemod for Claude API call sites."""


def _describe_choices(group: TyperGroup) -> None:
    """Name the targets and output formats in the help of the commands that take them, from the data and the
    format registry (not known when the options are declared, and costly to load on every start)."""
    from claude_migrate.formats import FORMATS, load_builtin_formats
    from claude_migrate.run import rulecache

    load_builtin_formats()
    targets = rulecache.load().data.targets
    for command in group.commands.values():
        for param in command.params:
            if param.name == "target":
                param.help = f"Migration target: {', '.join(targets.by_name)} (default {targets.default})."
            elif param.name == "output_format" and command.name in ("check", "fix"):
                param.help = f"How to print findings: {', '.join(FORMATS)}."


def run_app(args: list[str]) -> None:
    """The typer application over ``args`` (the command line less the program name)."""
    group = typer.main.get_command(app)
    if not args or "--help" in args:
        assert isinstance(group, TyperGroup)
        _describe_choices(group)
    group()
