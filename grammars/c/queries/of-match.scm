; `of_device_id` tables: each `.compatible = "..."` inside an initializer list of an array
; declared with the struct type `of_device_id`.
(declaration
  type: (struct_specifier name: (type_identifier) @table.type (#eq? @table.type "of_device_id"))
  declarator: (init_declarator
    declarator: (array_declarator declarator: (identifier) @table.name)
    value: (initializer_list
      (initializer_list
        (initializer_pair
          designator: (field_designator (field_identifier) @field (#eq? @field "compatible"))
          value: (string_literal (string_content) @compatible)))))) @table
