//! The JSON IR: the resolved model serialized with `serde_json`.
//!
//! # Schema (`"schema": "handoff-idl-ir/1"`)
//!
//! ```text
//! {
//!   "schema": "handoff-idl-ir/1",
//!   "library": "test.conformance",               // the target library
//!   "libraries": [ LIBRARY, ... ]                 // dependencies first, target last
//! }
//! LIBRARY = { "name": "zx", "files": ["deps/zx.fidl"], "dependencies": ["..."],
//!             "declarations": [ DECL, ... ] }     // source order; inline layouts after their parent
//! DECL = { "name": "lib/Name", "location": LOC, "doc"?: "...", "attributes"?: [ATTR],
//!          "naming_context": ["Outer", "member"],  // one element for top-level declarations
//!          "kind": KIND, ...kind-specific fields... }
//! LOC  = { "file": "a.fidl", "line": 1, "column": 6 }
//! ATTR = { "name": "bindings_denylist", "args": [ { "name": null, "value": "rust_next" } ] }
//! SHAPE fields (on struct, table, union, enum, bits):
//!        "inline_size", "alignment", "depth", "max_handles", "max_out_of_line": u32
//!        (u32::MAX = 4294967295 means unbounded), "has_padding", "has_flexible_envelope": bool
//! kind "struct": "resource": bool, "recursive": bool, SHAPE,
//!        "members": [ { "name", "type": TYPE, "alias"?: "lib/A", "offset", "padding",
//!                       "location", "doc"?, "attributes"? } ]
//! kind "table": "resource", "recursive", SHAPE, "members": [ ORDINAL_MEMBER ] (by ordinal)
//! kind "union": "strict": bool, "resource", "recursive", SHAPE, "members": [ ORDINAL_MEMBER ]
//! ORDINAL_MEMBER = { "ordinal": n, "reserved": bool, "name"?, "type"?: TYPE, "alias"?,
//!                    "location", "doc"?, "attributes"? }   // name/type absent when reserved
//! kind "enum": "strict", "subtype": "uint32", SHAPE, "members": [ VALUE_MEMBER ]
//! kind "bits": "strict", "subtype", "mask": n, SHAPE, "members": [ VALUE_MEMBER ]
//! VALUE_MEMBER = { "name", "value": integer, "location", "doc"?, "attributes"? }
//! kind "const": "type": TYPE, "value": bool | integer | float | string
//! kind "alias": "type": TYPE                                  // constraints included
//! kind "protocol": "openness": "open"|"ajar"|"closed", "composed": ["lib/P"],
//!        "methods": [ { "name", "strict", "has_request", "request"?: TYPE, "has_response",
//!                       "response"?: TYPE, "error"?: TYPE, "location", ... } ]
//! kind "resource_definition": "subtype": "uint32", "object_types": "lib/Enum"|null,
//!        "rights": "lib/Bits"|null
//! TYPE = { "kind": "primitive", "subtype": "uint8" }
//!      | { "kind": "string", "max_len": n|null, "optional": bool }
//!      | { "kind": "vector", "element": TYPE, "max_len": n|null, "optional": bool }
//!      | { "kind": "array", "element": TYPE, "len": n }
//!      | { "kind": "handle", "resource": "lib/handle", "object_type": n, "subtype": "EVENT"|null,
//!          "rights": n|null, "optional": bool }     // null rights = any (same rights)
//!      | { "kind": "endpoint", "role": "client"|"server", "protocol": "lib/P", "optional": bool }
//!      | { "kind": "identifier", "name": "lib/Name",
//!          "decl_kind": "struct"|"table"|"union"|"enum"|"bits", "optional": bool }
//!                                                   // box<S> = optional struct identifier
//! ```
//!
//! ```
//! let root = handoff_idl::Loader::new()
//!     .add_source("a.fidl", "library a; type S = resource struct { v vector<uint64>:2; };")
//!     .load()
//!     .unwrap();
//! let ir = handoff_idl::ir::to_json(&root);
//! let s = &ir["libraries"][0]["declarations"][0];
//! assert_eq!(s["kind"], "struct");
//! assert_eq!(s["resource"], true);
//! assert_eq!(s["max_out_of_line"], 16);
//! assert_eq!(s["members"][0]["type"]["element"]["subtype"], "uint64");
//! ```

use crate::root::Root;
use serde_json::{Value, json};

/// The value of the IR's `"schema"` field.
pub const SCHEMA: &str = "handoff-idl-ir/1";

/// The IR of `root` as a JSON value.
pub fn to_json(root: &Root) -> Value {
    json!({
        "schema": SCHEMA,
        "library": root.target().name,
        "libraries": root.libraries(),
    })
}

/// The IR of `root`, pretty-printed.
pub fn to_string_pretty(root: &Root) -> String {
    // Serializing plain data with string keys cannot fail.
    serde_json::to_string_pretty(&to_json(root)).unwrap_or_default()
}
