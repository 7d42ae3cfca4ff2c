; Label and path references (`&label`, `&{/path}`) wherever they appear, and label definitions.
(reference) @reference
(node label: (identifier) @label.def)
(property label: (identifier) @label.def)
