"""The shape of the code (README "Layout", ../STYLE): one direction between the apps and no import cycle.

reports/ and demo/ read both sides → parks → crm's domain packages → crm.notifications (the engine, which
knows no domain) → crm.models. Every import is read from the source, also the ones inside functions: an
import moved into a function to dodge a cycle is still a cycle.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APPS = ("config", "crm", "parks", "reports", "demo", "onboarding")

# The one documented exception to "crm never imports parks code": the read-only panels on the project and
# enterprise admin pages (policy matches, parcel candidates) — the admin is where staff look at both sides.
CRM_MAY_IMPORT_PARKS = {
    "crm.admin.parks_panels": ("parks.selectors.policies", "parks.selectors.parcels", "parks.mu"),
}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    found = {}
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" not in path.parts:
                found[_module_name(path)] = path
    return found


MODULES = _modules()


def _resolve(name: str) -> str | None:
    """The project module an imported name lives in (a submodule when it is one), or None if not ours."""
    while name:
        if name in MODULES:
            return name
        name = name.rpartition(".")[0]
    return None


def _imports(module: str, path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    targets = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            names = [f"{base}.{alias.name}" for alias in node.names]
        else:
            continue
        for name in names:
            target = _resolve(name)
            if target is not None and target != module:
                targets.add(target)
    return targets


GRAPH = {module: _imports(module, path) for module, path in MODULES.items()}


def _under(module: str, *prefixes: str) -> bool:
    return any(module == prefix or module.startswith(prefix + ".") for prefix in prefixes)


def test_the_graph_sees_the_apps():
    assert len(GRAPH) > 100
    assert "reports.selectors.common" in GRAPH["reports.selectors.pipeline"]


def _cycles() -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(GRAPH[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(GRAPH):
        if node not in index:
            visit(node)
    return found


def test_no_import_cycle_between_modules():
    assert _cycles() == []


def _forbidden(module: str, target: str) -> str | None:
    if _under(module, "crm", "parks") and _under(target, "reports", "demo", "onboarding"):
        return "crm and parks never import the model-less apps that read them (reports, demo, onboarding)"
    if _under(module, "crm") and _under(target, "parks") and target != "parks.models":
        if target in CRM_MAY_IMPORT_PARKS.get(module, ()):
            return None
        return "crm never imports parks code (its models are the data contract)"
    if _under(module, "crm.notifications") and _under(target, "crm", "parks") and not _under(
        target, "crm.notifications", "crm.models", "crm.errors"
    ):
        return "the notification engine knows no domain"
    if _under(module, "crm.models") and _under(target, "crm") and not _under(
        target, "crm.models", "crm.validators", "crm.crypto"
    ):
        return "the models import no services, selectors or interfaces"
    return None


def test_imports_go_one_direction():
    wrong = sorted(
        f"{module} → {target}: {reason}"
        for module, targets in GRAPH.items()
        for target in targets
        if (reason := _forbidden(module, target))
    )
    assert wrong == []


@pytest.mark.parametrize(
    ("module", "target", "allowed"),
    [
        ("parks.services.grants", "crm.models", True),
        ("crm.pipeline.services", "parks.services.parcels", False),
        ("crm.api.serializers", "parks.models", True),
        ("crm.notifications.sweep", "crm.service_requests.reminders", False),
        ("parks.selectors.policies", "reports.selectors.policy", False),
        ("crm.admin.parks_panels", "parks.selectors.policies", True),
    ],
)
def test_the_direction_rule_reads_as_documented(module, target, allowed):
    assert (_forbidden(module, target) is None) is allowed
