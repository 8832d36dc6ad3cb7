"""Final names and modules: of every emitted type, and of every resource.

Type names are unique across the package (``types/__init__.py`` exports them all):
models first, ``components.schemas`` in document order, then the others in the order
they were found; then the TypedDicts (``PetParam``; a type only requests use keeps its
own name). Mutually recursive types share a module; every other type has its own,
named after it (``OpenAIFile`` in ``types/open_ai_file.py``).

Resources get their class names and modules: a resource with sub-resources is a
package (``resources/chat/chat.py`` beside ``resources/chat/completions.py``); each
also gets the module its async twin moves to when its module would be too long
(``resources/files_async.py``), a name no sibling takes.

Example::

    name_types(api_defs, components)
    root = build_resources(operations)
"""

from __future__ import annotations

from .finalize import model_refs, param_refs
from .graphs import strongly_connected
from .model import AliasDef, Def, Operation, Resource
from .naming import Namer, module_name, pascal_case
from .resources import ResourceNode, class_name, resource_tree

__all__ = ["TYPE_RESERVED", "build_resources", "name_types"]

#: Names the emitted modules import, which no type may take.
TYPE_RESERVED = frozenset(
    {
        "BaseModel", "Field", "Literal", "Union", "Annotated", "TypeAlias", "TypedDict",
        "Required", "NotRequired", "PropertyInfo", "FileTypes", "Sequence", "Mapping", "Any",
        "Optional", "TYPE_CHECKING", "TypeAliasType", "None", "True", "False", "Iterable",
    }
)  # fmt: skip


def name_types(defs: dict[str, Def], components: list[str]) -> None:
    """Give every emitted type its final class name, TypedDict name and modules."""
    seen = set(components)
    order = [*components, *(key for key in defs if key not in seen)]
    namer = Namer(TYPE_RESERVED, sep="")
    for key in order:
        found = defs[key]
        if found.needs_model:
            found.name = namer.claim(pascal_case(found.name))
    for key in order:
        found = defs[key]
        if found.needs_param:
            base = f"{found.name}Param" if found.needs_model else pascal_case(found.name)
            found.param_name = namer.claim(base)
        elif isinstance(found, AliasDef) and found.needs_model:
            found.param_name = found.name
    _modules(defs, order)


def _modules(defs: dict[str, Def], order: list[str]) -> None:
    namer = Namer({"__init__"})
    models = [key for key in order if defs[key].needs_model]
    model_edges = {key: list(model_refs(defs[key])) for key in models}
    for group in strongly_connected(models, model_edges):
        module = namer.claim(module_name(min(defs[key].name for key in group)))
        for key in group:
            defs[key].module = module
    params = [key for key in order if defs[key].needs_param]
    param_edges = {key: list(param_refs(defs[key])) for key in params}
    for group in strongly_connected(params, param_edges):
        module = namer.claim(module_name(min(defs[key].param_name for key in group)))
        for key in group:
            defs[key].param_module = module
    for key in order:
        found = defs[key]
        if isinstance(found, AliasDef) and found.needs_model and not found.needs_param:
            found.param_module = found.module


def build_resources(operations: list[Operation], tag_docs: dict[str, str]) -> Resource:
    """The resource tree of ``operations`` (the root stands for the client).

    A resource whose operations share one tag takes that tag's description as its doc.
    """
    places = {index: (op.resource, op.name) for index, op in enumerate(operations)}
    by_path: dict[tuple[str, ...], Resource] = {}
    root = _resource(resource_tree(places), "", "", "resources", by_path)
    for operation in operations:
        by_path[operation.resource].operations.append(operation)
    for resource in by_path.values():
        tags = {tag for op in resource.operations for tag in op.tags[:1]}
        if len(tags) == 1 and all(op.tags for op in resource.operations):
            resource.doc = tag_docs.get(tags.pop(), "")
    _inherit_docs(root)
    return root


def _inherit_docs(resource: Resource) -> str:
    """A resource with no operations of its own takes the doc its sub-resources agree on."""
    docs = {_inherit_docs(child) for child in resource.children}
    if not resource.operations and not resource.doc and len(docs) == 1:
        resource.doc = docs.pop()
    return resource.doc


def _resource(
    node: ResourceNode,
    attr: str,
    stem: str,
    directory: str,
    by_path: dict[tuple[str, ...], Resource],
) -> Resource:
    """``node`` as a `Resource` whose module is ``directory.stem`` (a package when it has
    sub-resources: ``directory/stem/stem.py``, its sub-resources beside it)."""
    found = Resource(node.path, attr, class_name(attr) if attr else "", directory)
    by_path[node.path] = found
    inner = directory
    if attr and node.children:
        inner = f"{directory}.{stem}"
        found.module = f"{inner}.{stem}"
        found.async_module = f"{inner}.{stem}_async"
    elif attr:
        found.module = f"{directory}.{stem}"
    namer = Namer({"__init__", stem, f"{stem}_async"} if attr else {"__init__"})
    for child_attr in sorted(node.children):
        child_stem = namer.claim(child_attr)
        child = _resource(node.children[child_attr], child_attr, child_stem, inner, by_path)
        if not child.children:
            # Where the async twin goes if the module is split: no sibling may take it.
            child.async_module = f"{inner}.{namer.claim(f'{child_stem}_async')}"
        found.children.append(child)
    return found
