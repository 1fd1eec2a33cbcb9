"""The portal adds no logic the CLI lacks: every page action calls an operation of the application layer, and
every portal operation that writes to the record does it through the operation the CLI calls."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

from tests.portal import ROOT

SERVER = ROOT / "drafting" / "portal" / "server.py"
CLI = ROOT / "drafting" / "cli.py"
APP_MODULES = {"ops": "drafting.app.negotiation", "accounts": "drafting.app.accounts",
               "delegations": "drafting.app.delegations"}
# What each page action may do to the negotiation record, and the CLI command doing the same.
RECORD_WRITES = {
    "submit": ("delegations.submit_return", "submit"),
    "publish": ("delegations.publish", "compile"),
    "decide": ("ops.decide", "decide"),
    "mark": ("ops.mark", "mark"),
    "revise": ("ops.revise", "revise"),
    "withdraw": ("delegations.withdraw", "decide"),
    "support": ("delegations.support", "support"),
    "break_silence": ("delegations.break_silence", "break_silence"),
    "silence": ("ops.silence", "silence"),
    "propose": ("ops.propose", "propose"),
}


def handler_name(route: ast.Call) -> str:
    """`login` in `Route("/w/{ws}/login", guarded(p.login), …)`."""
    wrapped = route.args[1]
    assert isinstance(wrapped, ast.Call) and isinstance(wrapped.args[0], ast.Attribute), ast.dump(route)
    return wrapped.args[0].attr


def handlers() -> dict[str, ast.AsyncFunctionDef]:
    """The Portal methods the routes name, by name."""
    tree = ast.parse(SERVER.read_text(encoding="utf-8"))
    portal = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == "Portal")
    methods = {n.name: n for n in portal.body if isinstance(n, ast.AsyncFunctionDef)}
    routed = {handler_name(node) for node in ast.walk(tree)
              if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "Route"}
    assert routed and routed <= set(methods), routed - set(methods)
    return {name: methods[name] for name in sorted(routed)}


def app_calls(function: ast.AST) -> set[str]:
    """`module.operation` for each operation of the application layer the function calls (or hands to the
    thread pool), whatever the argument form."""
    found = set()
    for node in ast.walk(function):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in APP_MODULES:
            found.add(f"{node.value.id}.{node.attr}")
    return found


def public_operations() -> dict[str, object]:
    out = {}
    for alias, module in APP_MODULES.items():
        loaded = importlib.import_module(module)
        for name in dir(loaded):
            value = getattr(loaded, name)
            if callable(value) and not name.startswith("_") and getattr(value, "__module__", "") == module:
                out[f"{alias}.{name}"] = value
    return out


def test_every_page_action_calls_an_application_operation() -> None:
    operations = public_operations()
    # A redirect to the one document, the stylesheet, and two empty forms: no data, no operation.
    static = {"index", "css", "login_page", "upload_page"}
    report = {}
    for name, handler in handlers().items():
        calls = {c for c in app_calls(handler) if c in operations}
        report[name] = calls
        if name not in static:
            assert calls, f"page action {name} calls no operation of the application layer"
    # The portal's whole vocabulary of operations, as it stands: new page actions extend this list knowingly.
    used = set().union(*report.values())
    assert used <= set(operations)
    for action, (operation, _) in RECORD_WRITES.items():
        assert operation in report[action], (action, report[action])


def test_record_writes_go_through_the_clis_operations() -> None:
    """Each page action that changes the negotiation calls the same app-layer operation as a CLI command."""
    cli = ast.parse(CLI.read_text(encoding="utf-8"))
    cli_uses = {node.id for node in ast.walk(cli) if isinstance(node, ast.Name)} | {
        alias.name for node in ast.walk(cli) if isinstance(node, ast.ImportFrom) for alias in node.names}
    delegations = ast.parse((ROOT / "drafting" / "app" / "delegations.py").read_text(encoding="utf-8"))
    functions = {n.name: n for n in delegations.body if isinstance(n, ast.FunctionDef)}

    def names_called(function: ast.FunctionDef) -> set[str]:
        return {n.func.id for n in ast.walk(function) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)}

    # `drafting submit` calls submit_many, which runs the same Workspace.submit per file as `submit`.
    assert "submit" in names_called(functions["submit_return"]) and {"submit", "submit_many"} & cli_uses
    assert "compile_outputs" in names_called(functions["publish"]) and "compile_outputs" in cli_uses
    assert "decide" in names_called(functions["withdraw"])
    assert "record_support" in names_called(functions["support"]) and "support" in cli_uses
    assert "record_break" in names_called(functions["break_silence"]) and "break_silence" in cli_uses
    for operation in ("silence", "propose"):
        assert operation in cli_uses, operation
    for operation in ("decide", "mark", "revise"):
        assert operation in cli_uses or f"{operation}_batch" in cli_uses, operation


def test_the_portal_imports_only_the_application_layer() -> None:
    for path in (ROOT / "drafting" / "portal").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            module = node.module or "" if isinstance(node, ast.ImportFrom) else ""
            if module.startswith("drafting."):
                top = ".".join(module.split(".")[:2])
                assert top in ("drafting.app", "drafting.errors", "drafting.model", "drafting.portal") or \
                    module == "drafting.support.factories", (path.name, module)


def test_the_record_writes_are_listed_for_every_writing_route() -> None:
    """Every POST route but the account ones (login, logout, invitation, upload staging) writes the record
    through one of RECORD_WRITES."""
    tree = ast.parse(SERVER.read_text(encoding="utf-8"))
    posts = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "Route":
            methods = next((k.value for k in node.keywords if k.arg == "methods"), None)
            if isinstance(methods, ast.List) and any(getattr(e, "value", "") == "POST" for e in methods.elts):
                posts.add(handler_name(node))
    assert posts - set(RECORD_WRITES) == {"login", "logout", "accept", "upload"}
    assert Path(SERVER).exists()
