; Document outline of a devicetree source file (raw text, before preprocessing).
; @node.def: a node body; @node.name / @node.address: its name parts; @node.label: each of its labels.
; A node whose name is a reference (`&label { }` or `&{/path} { }`) captures the reference as @node.ref.
(node
  name: (identifier) @node.name
  address: (unit_address)? @node.address) @node.def

(node
  name: (reference) @node.ref) @node.def

(node label: (identifier) @node.label)

(property
  name: (identifier) @property.name) @property.def

(property label: (identifier) @property.label)
