"""The READMEs name only make targets and variables that exist, and deploy/example.env
lists every variable the code reads, each under a comment (issue 19)."""

from __future__ import annotations

import ast
import functools
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
READMES = ("README.md", "deploy/README.md")
EXAMPLE_ENV = ROOT / "deploy" / "example.env"
# Where the deployed processes read their settings (bench/ and tests/ have their own).
PRODUCTION_CODE = ("shared", "services", "deploy")
# read_common() reads <SERVICE>_DATABASE_URL under a prefix made from the service's name.
SERVICES_WITH_A_DATABASE = ("registry", "messaging", "consent")
# Names the READMEs mention that are not our variables.
NOT_OURS = {
    "COMPOSE_PROFILES": "docker compose's own variable",
    "QUIET_PERIOD": "a constant in tests/support/waiting.py",
}
ENV_READERS = {"str", "int", "float", "bool", "list", "path", "url", "json", "decimal"}
VARIABLE = re.compile(r"\b[A-Z][A-Z0-9]+(?:_[A-Z0-9]+)+\b(?!\*)")


def makefile_targets() -> set[str]:
    text = (ROOT / "Makefile").read_text(encoding="utf-8")
    return set(re.findall(r"^([a-z][a-z0-9-]*):", text, flags=re.MULTILINE))


def make_commands(text: str) -> set[str]:
    """`make x` in prose, and `make x` starting a line of a code block."""
    inline = re.findall(r"`make ([a-z][a-z0-9-]*)", text)
    blocks = "\n".join(re.findall(r"^```[a-z]*\n(.*?)^```", text, flags=re.MULTILINE | re.DOTALL))
    in_blocks = re.findall(r"^\s*make ([a-z][a-z0-9-]*)", blocks, flags=re.MULTILINE)
    return set(inline) | set(in_blocks)


def variables_read_by(roots: tuple[str, ...]) -> set[str]:
    """Every environment variable read by the Python files under roots: env.<type>("X")
    (environs, with its prefixed() blocks), os.environ.get("X"), os.environ["X"],
    os.getenv("X") and gunicorn.conf.py's _env_int("X")."""
    return set().union(*(_read_under(root) for root in roots))


@functools.cache
def _read_under(root: str) -> frozenset[str]:
    names: set[str] = set()
    for path in sorted((ROOT / root).rglob("*.py")):
        _collect(ast.parse(path.read_text(encoding="utf-8")), ("",), names)
    return frozenset(names)


def _collect(node: ast.AST, prefixes: tuple[str, ...], names: set[str]) -> None:
    if isinstance(node, ast.With):
        prefixes = _prefixes_of(node) or prefixes
    elif isinstance(node, ast.Call) and (name := _variable_of(node)):
        names.update(prefix + name for prefix in prefixes)
    elif (
        isinstance(node, ast.Subscript)
        and ast.unparse(node.value) == "os.environ"
        and isinstance(node.slice, ast.Constant)
        and isinstance(node.slice.value, str)
    ):
        names.add(node.slice.value)
    for child in ast.iter_child_nodes(node):
        _collect(child, prefixes, names)


def _prefixes_of(node: ast.With) -> tuple[str, ...] | None:
    for item in node.items:
        call = item.context_expr
        if isinstance(call, ast.Call) and ast.unparse(call.func) == "env.prefixed":
            argument = call.args[0]
            if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
                return (argument.value,)
            return tuple(service.upper() + "_" for service in SERVICES_WITH_A_DATABASE)
    return None


def _variable_of(call: ast.Call) -> str | None:
    if not call.args or not isinstance(call.args[0], ast.Constant):
        return None
    name = call.args[0].value
    if not isinstance(name, str) or not re.fullmatch(r"[A-Z][A-Z0-9_]+", name):
        return None
    function = ast.unparse(call.func)
    reads = function in {"os.environ.get", "os.getenv", "_env_int"} or (
        function.startswith("env.") and function.removeprefix("env.") in ENV_READERS
    )
    return name if reads else None


def quoted_names_in(roots: tuple[str, ...]) -> set[str]:
    """Names kept as string constants: a retired variable the code refuses, or one a test
    reads (a plain search: parsing every test would be slow)."""
    names: set[str] = set()
    for root in roots:
        for path in (ROOT / root).rglob("*.py"):
            names |= set(re.findall(r"\"([A-Z][A-Z0-9]+(?:_[A-Z0-9]+)+)\"", path.read_text()))
    return names


def compose_variables() -> set[str]:
    return set(re.findall(r"\$\{([A-Z][A-Z0-9_]+)", (ROOT / "docker-compose.yml").read_text()))


def example_env_lines() -> list[str]:
    return EXAMPLE_ENV.read_text(encoding="utf-8").splitlines()


def _assigned(line: str) -> str | None:
    match = re.fullmatch(r"(?:# ?)?([A-Z][A-Z0-9_]+)=.*", line.strip())
    return match.group(1) if match else None


def documented_in_example_env() -> set[str]:
    """Each NAME= (or commented-out # NAME=) line under a comment: a comment line, possibly
    above a run of assignments that it explains together."""
    lines = example_env_lines()
    documented = set()
    for number, line in enumerate(lines):
        name = _assigned(line)
        if name is None:
            continue
        above = number - 1
        while above >= 0 and _assigned(lines[above]) is not None:
            above -= 1
        if above >= 0 and lines[above].startswith("#"):
            documented.add(name)
    return documented


def test_every_make_target_the_readmes_name_exists() -> None:
    named = set().union(*(make_commands((ROOT / doc).read_text()) for doc in READMES))

    assert named, "the READMEs name no make target: the pattern no longer matches them"
    assert named - makefile_targets() == set()


def test_every_variable_the_readmes_name_is_one_the_code_reads() -> None:
    known = (
        variables_read_by((*PRODUCTION_CODE, "bench"))
        | quoted_names_in((*PRODUCTION_CODE, "tests"))
        | compose_variables()
        | set(NOT_OURS)
    )
    named = {name: doc for doc in READMES for name in VARIABLE.findall((ROOT / doc).read_text())}

    assert "SEND_READ_TIMEOUT" in named, "the pattern no longer finds the READMEs' variables"
    assert {name: doc for name, doc in named.items() if name not in known} == {}


def test_every_variable_the_code_reads_is_in_example_env_under_a_comment() -> None:
    read = variables_read_by(PRODUCTION_CODE)

    assert {"BROKER_URL", "CONSENT_DATABASE_URL", "FAKE_TWILIO_PORT", "PORT"} <= read
    assert sorted(read - documented_in_example_env()) == []


def test_example_env_names_no_variable_the_code_does_not_read() -> None:
    listed = {name for line in example_env_lines() if (name := _assigned(line))}

    assert sorted(listed - variables_read_by((*PRODUCTION_CODE, "bench"))) == []


def test_every_process_of_the_local_run_also_runs_under_docker_compose() -> None:
    """The compose file is the production shape: a process only the local run starts (as
    consent's expiry once was) is a job nobody does in production."""
    procfile = (ROOT / "deploy" / "local" / "Procfile").read_text(encoding="utf-8")
    local = {line.split(":", 1)[0] for line in procfile.splitlines() if ":" in line}
    compose = (ROOT / "docker-compose.yml").read_text(encoding="utf-8")
    services = set(re.findall(r"^  ([a-z][a-z0-9-]*):", compose, flags=re.M))
    assert local - {"welcome"} <= services, sorted(local - {"welcome"} - services)
