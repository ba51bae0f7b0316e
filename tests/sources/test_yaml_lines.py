"""The line tables findings are located with (cxgov/sources/yaml_lines.py) give the lines PyYAML's
composed nodes give (line_in below, a walk over the composed nodes, is the reference), on the shapes
where a flat table could go wrong: dotted keys beside nested ones, aliases and merge keys, collection
keys, Kubernetes Lists, several documents."""

from __future__ import annotations

from collections.abc import Sequence

import yaml

from cxgov.sources.locate import Locator
from cxgov.sources.yaml_lines import line_index

TEXT = """\
apiVersion: v1
kind: List
items:
  - kind: A
    metadata: {name: a, annotations: {nginx.ingress.kubernetes.io/ssl-redirect: "false"}}
    spec: {x: 1}
  -
    kind: B
    spec:
      y: [1, 2]
  - &item
    kind: C
    spec: {tls: [{hosts: [a]}]}
  - *item
---
provider_config:
  aws: {expressions: {region: 1}}
  aws.dr: {name: x}
base: &b {x: 1, y: {z: 2}}
use: *b
m: {<<: *b, w: 3}
seq: [*b, &s scalar, *s]
? [complex, key]
: value
*s : aliaskey
---
- top
- level: [1]
--- plain scalar
"""


def line_in(node, path: Sequence[str | int]) -> int:
    """The 1-based line of `path` below `node`, or of the deepest part of it that exists: a mapping
    entry's key line, a list item's first line."""
    line = node.start_mark.line + 1
    parts = [str(p) for p in path]
    i = 0
    while i < len(parts):
        if isinstance(node, yaml.MappingNode):
            keys = {k.value: (k, v) for k, v in node.value if isinstance(k, yaml.ScalarNode)}
            # a key may hold dots itself (an annotation, a node-selector label, a provider alias):
            # a dotted path reaches it through the shortest run of parts that names a key
            n = next((n for n in range(1, len(parts) - i + 1) if ".".join(parts[i:i + n]) in keys), None)
            if n is None:
                return line
            key, node = keys[".".join(parts[i:i + n])]
            line, i = key.start_mark.line + 1, i + n
        elif isinstance(node, yaml.SequenceNode) and parts[i].isdigit() and int(parts[i]) < len(node.value):
            node = node.value[int(parts[i])]
            line, i = node.start_mark.line + 1, i + 1
        else:
            return line
    return line


def all_paths(node, prefix=()):
    yield prefix
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode):
                yield from all_paths(value, (*prefix, *key.value.split(".")))
    elif isinstance(node, yaml.SequenceNode):
        for i, value in enumerate(node.value):
            yield from all_paths(value, (*prefix, str(i)))


def test_every_path_and_every_path_past_the_end_has_the_composed_line():
    nodes = list(yaml.compose_all(TEXT, Loader=yaml.SafeLoader))
    tables = line_index(TEXT)
    assert [t.line for t in tables] == [n.start_mark.line + 1 for n in nodes]
    asked = 0
    for node, table in zip(nodes, tables):
        for path in all_paths(node):
            for parts in (list(path), [*path, "missing"], [*path, "0", "deeper"]):
                assert table.line_of(parts) == line_in(node, parts), parts
                asked += 1
    assert asked > 150


def test_a_dotted_key_beside_a_nested_one_resolves_as_the_composed_node_does():
    node = list(yaml.compose_all(TEXT, Loader=yaml.SafeLoader))[1]
    table = line_index(TEXT)[1]
    parts = ["provider_config", "aws", "dr", "name"]
    assert table.line_of(parts) == line_in(node, parts) == 17  # `aws` is matched first, as line_in does


def test_a_finding_in_a_list_item_points_into_that_item(tmp_path):
    (tmp_path / "list.yaml").write_text(TEXT)
    locator = Locator(tmp_path)
    assert locator.line("list.yaml", 4, "spec.x") == 6
    assert locator.line("list.yaml", 8, "spec.y.1") == 10
    assert locator.line("list.yaml", 11, "spec.tls.0.hosts") == 13  # the item starts at its anchor
    assert locator.line("list.yaml", 4, "metadata.annotations.nginx.ingress.kubernetes.io/ssl-redirect") == 5
    assert locator.line("list.yaml", 16, "use.y.z") == 19  # through the alias, at the anchored lines
