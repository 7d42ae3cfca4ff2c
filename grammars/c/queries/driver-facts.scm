; Driver facts (server/src/drivers/c/extract.ts): the outer nodes only; the extractor reads their
; fields itself. Function definitions, calls (also the file-scope macro "calls" such as
; module_platform_driver(x); and IOMMU_OF_DECLARE(...);), initialized structure variables,
; initialized plain variables (module parameters' defaults), field assignments (dev->dma_ops = ...),
; and ERROR nodes (parts the grammar could not read: pattern-scanned).
(function_definition body: (compound_statement)) @function
(call_expression function: (identifier) arguments: (argument_list)) @call
(declaration
  type: (struct_specifier name: (type_identifier))
  declarator: (init_declarator value: (initializer_list))) @struct
(translation_unit
  (declaration
    declarator: (init_declarator declarator: (identifier) value: (_)) @var))
(assignment_expression left: (field_expression field: (field_identifier))) @assign
(ERROR) @error
