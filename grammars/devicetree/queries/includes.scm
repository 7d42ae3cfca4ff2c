; Include directives of a devicetree source file, for the include graph and document links.
; #include "x" / #include <x> (cpp) and /include/ "x" (dtc).
(preproc_include path: (_) @include.path) @include
(dtsi_include path: (string_literal) @include.path) @include
