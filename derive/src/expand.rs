//! Code generation for each kind of type.

use proc_macro2::{Ident, Span, TokenStream, TokenTree};
use quote::{format_ident, quote};
use syn::{Data, DeriveInput, Error, Fields, Path, Result, Type};

use crate::attrs::{ConstraintAttr, Kind, MemberAttrs, TypeAttrs, member_attrs, type_attrs};

pub fn expand(input: &DeriveInput) -> Result<TokenStream> {
    if !input.generics.params.is_empty() {
        return Err(Error::new_spanned(
            &input.generics,
            "#[derive(Fidl)] does not support generic types; use a concrete handle type",
        ));
    }
    let attrs = type_attrs(&input.attrs)?;
    let kind = match (&attrs.kind, &input.data) {
        (Some(k), _) => *k,
        (None, Data::Struct(_)) => Kind::Struct,
        (None, Data::Enum(e)) => {
            if e.variants.iter().all(|v| matches!(v.fields, Fields::Unit)) {
                Kind::Enum
            } else {
                Kind::Union
            }
        }
        (None, Data::Union(_)) => {
            return Err(Error::new_spanned(
                &input.ident,
                "Rust unions cannot derive Fidl; use an enum",
            ));
        }
    };
    let ctx = Ctx {
        name: &input.ident,
        attrs: &attrs,
        c: &attrs.krate,
        vis: &input.vis,
    };
    match (kind, &input.data) {
        (Kind::Struct, Data::Struct(s)) => gen_struct(&ctx, &s.fields),
        (Kind::Table, Data::Struct(s)) => gen_table(&ctx, &s.fields),
        (Kind::Union, Data::Enum(e)) => gen_union(&ctx, e),
        (Kind::Enum, Data::Enum(e)) => gen_enum(&ctx, e),
        (Kind::Bits, Data::Struct(s)) => gen_bits(&ctx, &s.fields),
        (k, _) => Err(Error::new_spanned(
            &input.ident,
            format!(
                "a FIDL {k:?} derives on a {}",
                if k == Kind::Union || k == Kind::Enum {
                    "Rust enum"
                } else {
                    "Rust struct"
                }
            ),
        )),
    }
}

struct Ctx<'a> {
    name: &'a Ident,
    attrs: &'a TypeAttrs,
    c: &'a Path,
    vis: &'a syn::Visibility,
}

struct Member<'a> {
    ident: Ident,
    ty: &'a Type,
    attrs: MemberAttrs,
}

fn named_members(fields: &Fields) -> Result<Vec<Member<'_>>> {
    match fields {
        Fields::Named(named) => named
            .named
            .iter()
            .map(|f| {
                Ok(Member {
                    ident: f.ident.clone().expect("named"),
                    ty: &f.ty,
                    attrs: member_attrs(&f.attrs)?,
                })
            })
            .collect(),
        Fields::Unit => Ok(Vec::new()),
        Fields::Unnamed(_) => Err(Error::new_spanned(
            fields,
            "FIDL structs and tables need named fields",
        )),
    }
}

/// The constraint value of a member of type `ty`.
fn constraint_expr(c: &Path, ty: &TokenStream, attr: &ConstraintAttr) -> TokenStream {
    apply_constraint(c, quote!(<#ty as #c::Layout>::DEFAULT_CONSTRAINT), attr)
}

fn apply_constraint(c: &Path, base: TokenStream, attr: &ConstraintAttr) -> TokenStream {
    let mut e = base;
    if let Some(n) = &attr.max_len {
        e = quote!(#c::layout::MaxLen::max_len(#e, (#n) as u32));
    }
    if let Some((o, r)) = &attr.handle {
        e = quote!(#c::layout::HandleConstraintExt::handle(#e, (#o) as u32, (#r) as u32));
    }
    if let Some(elem) = &attr.elem {
        let inner = apply_constraint(c, quote!(__e), elem);
        e = quote!(#c::layout::ElemConstraint::elem(#e, |__e| #inner));
    }
    e
}

fn mentions(tokens: TokenStream, name: &Ident) -> bool {
    tokens.into_iter().any(|t| match t {
        TokenTree::Ident(i) => i == *name || i == "Self",
        TokenTree::Group(g) => mentions(g.stream(), name),
        _ => false,
    })
}

/// The static handle bound of a member, from its type's syntax and its constraint.
fn max_handles_expr(
    c: &Path,
    ty: &Type,
    attr: Option<&ConstraintAttr>,
    name: &Ident,
) -> TokenStream {
    if mentions(quote!(#ty), name) {
        // Recursion through this type: each level may add handles.
        return quote!(#c::UNBOUNDED);
    }
    let elem_attr = attr.and_then(|a| a.elem.as_deref());
    match ty {
        Type::Array(arr) => {
            let inner = max_handles_expr(c, &arr.elem, elem_attr, name);
            let len = &arr.len;
            quote!(#c::layout::handles_mul((#len) as u32, #inner))
        }
        Type::Path(p) if p.qself.is_none() => {
            let seg = p.path.segments.last().expect("path has a segment");
            let arg = match &seg.arguments {
                syn::PathArguments::AngleBracketed(a) if a.args.len() == 1 => match &a.args[0] {
                    syn::GenericArgument::Type(t) => Some(t),
                    _ => None,
                },
                _ => None,
            };
            match (seg.ident.to_string().as_str(), arg) {
                ("Option" | "Box", Some(inner)) => max_handles_expr(c, inner, attr, name),
                ("Vec", Some(inner)) => {
                    let inner = max_handles_expr(c, inner, elem_attr, name);
                    match attr.and_then(|a| a.max_len.as_ref()) {
                        Some(n) => quote!(#c::layout::handles_mul((#n) as u32, #inner)),
                        None => quote!(if #inner == 0 { 0 } else { #c::UNBOUNDED }),
                    }
                }
                _ => quote!(<#ty as #c::Layout>::MAX_HANDLES),
            }
        }
        _ => quote!(<#ty as #c::Layout>::MAX_HANDLES),
    }
}

/// The static bound of a member's out-of-line bytes, from its type's syntax and its
/// constraint (bounded strings and vectors are bounded; everything else defers to the
/// type's own `MAX_OUT_OF_LINE`).
fn max_ool_expr(c: &Path, ty: &Type, attr: Option<&ConstraintAttr>, name: &Ident) -> TokenStream {
    if mentions(quote!(#ty), name) {
        return quote!(#c::UNBOUNDED);
    }
    let elem_attr = attr.and_then(|a| a.elem.as_deref());
    let max_len = attr.and_then(|a| a.max_len.as_ref());
    match ty {
        Type::Array(arr) => {
            let inner = max_ool_expr(c, &arr.elem, elem_attr, name);
            let len = &arr.len;
            quote!(#c::layout::handles_mul((#len) as u32, #inner))
        }
        Type::Path(p) if p.qself.is_none() => {
            let seg = p.path.segments.last().expect("path has a segment");
            let arg = match &seg.arguments {
                syn::PathArguments::AngleBracketed(a) if a.args.len() == 1 => match &a.args[0] {
                    syn::GenericArgument::Type(t) => Some(t),
                    _ => None,
                },
                _ => None,
            };
            let is_container = |t: &Type| match t {
                Type::Path(p) => p
                    .path
                    .segments
                    .last()
                    .is_some_and(|s| matches!(s.ident.to_string().as_str(), "Vec" | "String")),
                _ => false,
            };
            match (seg.ident.to_string().as_str(), arg, max_len) {
                ("String", None, Some(n)) => quote!(#c::layout::bound_align8((#n) as u32)),
                ("Vec", Some(inner), Some(n)) => {
                    let elem = max_ool_expr(c, inner, elem_attr, name);
                    quote!(#c::layout::handles_add(
                        #c::layout::bound_align8(#c::layout::handles_mul((#n) as u32, <#inner as #c::Layout>::INLINE_SIZE as u32)),
                        #c::layout::handles_mul((#n) as u32, #elem)
                    ))
                }
                ("Box", Some(inner), _) => max_ool_expr(c, inner, attr, name),
                ("Option", Some(inner), _) if is_container(inner) => {
                    max_ool_expr(c, inner, attr, name)
                }
                _ => quote!(<#ty as #c::Layout>::MAX_OUT_OF_LINE),
            }
        }
        _ => quote!(<#ty as #c::Layout>::MAX_OUT_OF_LINE),
    }
}

/// Compile-time checks that a value type holds no resource type (RFC-0057).
fn value_type_checks(ctx: &Ctx<'_>, members: &[(String, &Type)]) -> TokenStream {
    if ctx.attrs.resource {
        return quote!();
    }
    let c = ctx.c;
    let checks = members
        .iter()
        .filter(|(_, ty)| !mentions(quote!(#ty), ctx.name))
        .map(|(m, ty)| {
            let msg = format!(
                "member `{m}` of value type `{}` carries a handle (its type is a resource type); \
             mark `{}` with #[fidl(resource)]",
                ctx.name, ctx.name
            );
            quote!(assert!(!<#ty as #c::Layout>::IS_RESOURCE, #msg);)
        });
    quote!(const _: () = { #(#checks)* };)
}

/// The inline (size, alignment) of a member. A member that names the type itself gets
/// it from its syntax: asking the type's own layout constant would be a cycle.
fn size_align(c: &Path, ty: &Type, name: &Ident) -> TokenStream {
    if !mentions(quote!(#ty), name) {
        return quote!((<#ty as #c::Layout>::INLINE_SIZE, <#ty as #c::Layout>::ALIGN));
    }
    match ty {
        Type::Array(arr) => {
            let elem = size_align(c, &arr.elem, name);
            let len = &arr.len;
            quote!({ let (s, a) = #elem; (s * (#len), a) })
        }
        Type::Path(p) => {
            let outer = p
                .path
                .segments
                .last()
                .map(|s| s.ident.to_string())
                .unwrap_or_default();
            let inner_is_vec = quote!(#ty)
                .to_string()
                .replace(' ', "")
                .starts_with("Option<Vec<");
            if outer == "Vec" || outer == "String" || inner_is_vec {
                quote!((16usize, 8usize))
            } else {
                // `Option<Box<Self>>`: a presence marker, the struct out of line.
                quote!((8usize, 8usize))
            }
        }
        _ => quote!((8usize, 8usize)),
    }
}

/// The member types an impl must bound on the handle type. None for a value type: its
/// members are value types, which encode with any handle type. For a resource type, the
/// members that do not name the type itself (bounding those would ask for the impl
/// being defined).
fn bound_types<'t>(resource: bool, name: &Ident, tys: &[&'t Type]) -> Vec<&'t Type> {
    if !resource {
        return Vec::new();
    }
    tys.iter()
        .copied()
        .filter(|t| !mentions(quote!(#t), name))
        .collect()
}

fn view_ident(name: &Ident) -> Ident {
    format_ident!("{}View", name)
}

// ---------------------------------------------------------------------------------------

fn gen_struct(ctx: &Ctx<'_>, fields: &Fields) -> Result<TokenStream> {
    let (name, c, vis) = (ctx.name, ctx.c, ctx.vis);
    let members = named_members(fields)?;
    for m in &members {
        if m.attrs.ordinal.is_some() || m.attrs.value.is_some() || m.attrs.unknown {
            return Err(Error::new_spanned(
                &m.ident,
                "struct members take no ordinal, value or unknown",
            ));
        }
    }
    let view = view_ident(name);
    let n = members.len();
    let idx: Vec<usize> = (0..n).collect();
    let tys: Vec<&Type> = members.iter().map(|m| m.ty).collect();
    // Members that recurse into this type get no where-bound (it would ask for the impl
    // being defined) and add nothing to the flags the other members decide.
    let nrtys: Vec<&Type> = tys
        .iter()
        .copied()
        .filter(|t| !mentions(quote!(#t), name))
        .collect();
    let recursive = nrtys.len() != tys.len();
    let btys = bound_types(ctx.attrs.resource, name, &tys);
    let sizes: Vec<TokenStream> = tys.iter().map(|t| size_align(c, t, name)).collect();
    let fnames: Vec<&Ident> = members.iter().map(|m| &m.ident).collect();
    let cexprs: Vec<TokenStream> = members
        .iter()
        .map(|m| {
            let ty = m.ty;
            constraint_expr(c, &quote!(#ty), &m.attrs.constraint)
        })
        .collect();
    let resource = ctx.attrs.resource;
    let max_handles = if let Some(mh) = &ctx.attrs.max_handles {
        quote!(#mh)
    } else if !resource {
        quote!(0)
    } else {
        let parts = members
            .iter()
            .map(|m| max_handles_expr(c, m.ty, Some(&m.attrs.constraint), name));
        quote!({ let mut __n: u32 = 0; #( __n = #c::layout::handles_add(__n, #parts); )* __n })
    };
    let max_ool = match &ctx.attrs.max_out_of_line {
        Some(e) => quote!(#e),
        None => {
            let ool_parts = members
                .iter()
                .map(|m| max_ool_expr(c, m.ty, Some(&m.attrs.constraint), name));
            quote!({ let mut __n: u32 = 0; #( __n = #c::layout::handles_add(__n, #ool_parts); )* __n })
        }
    };
    let has_flexible_envelope = match &ctx.attrs.has_flexible_envelope {
        Some(e) => quote!(#e),
        None => quote!(false #(|| <#nrtys as #c::Layout>::HAS_FLEXIBLE_ENVELOPE)*),
    };
    let checks = value_type_checks(
        ctx,
        &members
            .iter()
            .map(|m| (m.ident.to_string(), m.ty))
            .collect::<Vec<_>>(),
    );
    let by_ref = if resource {
        quote!()
    } else {
        quote! {
            impl<'__a, __H: #c::handle::Handle> #c::Encode<__H> for &'__a #name

            {
                #[inline]
                fn encode(self, enc: &mut #c::Encoder<'_, __H>, at: usize, _: (), depth: u32) -> ::core::result::Result<(), #c::Error> {
                    let _ = (&enc, depth);
                    #( #c::Encode::<__H>::encode(&self.#fnames, enc, at + #name::__FIDL_LAYOUT.offsets[#idx], #cexprs, depth)?; )*
                    Ok(())
                }
            }
        }
    };
    let empty_check = if n == 0 {
        quote! {
            let found = dec.read_u8(at);
            if found != 0 {
                return Err(#c::Error::InvalidEmptyStruct { offset: at, found });
            }
        }
    } else {
        quote!()
    };
    let accessor_docs = fnames.iter().map(|f| {
        format!(
            "The view of member `{f}`, read in place. (Its unsafe read is sound because a view \
             exists only for a validated message, whose decode validated this member at this offset.)"
        )
    });
    let view_doc = format!("The borrowed view of a validated [`{name}`].");
    Ok(quote! {
        impl #name {
            #[doc(hidden)]
            pub const __FIDL_LAYOUT: #c::layout::StructLayout<#n> = #c::layout::struct_layout([
                #( #sizes ),*
            ]);
        }

        #checks

        impl #c::Layout for #name {
            const INLINE_SIZE: usize = #name::__FIDL_LAYOUT.size;
            const ALIGN: usize = #name::__FIDL_LAYOUT.align;
            const MAX_HANDLES: u32 = #max_handles;
            const MAX_OUT_OF_LINE: u32 = #max_ool;
            const IS_RESOURCE: bool = #resource;
            const HAS_FLEXIBLE_ENVELOPE: bool = #has_flexible_envelope;
            const TRIVIAL: bool = #n > 0 && !#recursive && #name::__FIDL_LAYOUT.packed #(&& <#nrtys as #c::Layout>::TRIVIAL)*;
            const WIRE_IS_MEMORY: bool = #n > 0 && !#recursive && #name::__FIDL_LAYOUT.packed
                && ::core::mem::size_of::<#name>() == #name::__FIDL_LAYOUT.size
                #(&& ::core::mem::offset_of!(#name, #fnames) == #name::__FIDL_LAYOUT.offsets[#idx])*
                #(&& <#nrtys as #c::Layout>::WIRE_IS_MEMORY)*;
            type Constraint = ();
            const DEFAULT_CONSTRAINT: () = ();
            type View<'de> = #view<'de>;

            #[inline]
            unsafe fn view(msg: &[u8], at: usize) -> #view<'_> {
                #view { msg, at }
            }

            #[inline]
            fn slice_as_wire(items: &[Self]) -> ::core::option::Option<&[u8]> {
                if <Self as #c::Layout>::WIRE_IS_MEMORY {
                    // SAFETY: WIRE_IS_MEMORY says the struct has no padding (its size is the
                    // packed wire size) and each field sits at its wire offset with memory
                    // that is its wire form: every byte is initialized and is the wire.
                    ::core::option::Option::Some(unsafe {
                        ::core::slice::from_raw_parts(items.as_ptr().cast::<u8>(), ::core::mem::size_of_val(items))
                    })
                } else {
                    ::core::option::Option::None
                }
            }
        }

        impl #c::Nullable for #name {
            const BOXED: bool = true;
        }

        impl<__H: #c::handle::Handle> #c::Encode<__H> for #name
        where #(#btys: #c::Encode<__H>,)*
        {
            #[inline]
            fn encode(self, enc: &mut #c::Encoder<'_, __H>, at: usize, _: (), depth: u32) -> ::core::result::Result<(), #c::Error> {
                let _ = (&enc, depth);
                let #name { #(#fnames),* } = self;
                #( #c::Encode::<__H>::encode(#fnames, enc, at + #name::__FIDL_LAYOUT.offsets[#idx], #cexprs, depth)?; )*
                Ok(())
            }
        }

        #by_ref

        impl<__H: #c::handle::Handle> #c::Decode<__H> for #name
        where #(#btys: #c::Decode<__H>,)*
        {
            #[inline]
            fn decode(dec: &mut #c::Decoder<'_, __H>, at: usize, _: (), depth: u32) -> ::core::result::Result<(), #c::Error> {
                let _ = (&dec, depth);
                #empty_check
                #(
                    let (__pad_at, __pad_len) = #name::__FIDL_LAYOUT.padding[#idx];
                    if __pad_len != 0 {
                        dec.check_padding(at + __pad_at, __pad_len)?;
                    }
                )*
                #( <#tys as #c::Decode<__H>>::decode(dec, at + #name::__FIDL_LAYOUT.offsets[#idx], #cexprs, depth)?; )*
                Ok(())
            }

            #[inline]
            fn from_view(view: #view<'_>, handles: &mut #c::HandleTable<__H>) -> Self {
                let _ = (&view, &handles);
                #name { #( #fnames: <#tys as #c::Decode<__H>>::from_view(view.#fnames(), handles), )* }
            }
        }

        impl<__H: #c::handle::Handle> #c::DecodeNullable<__H> for #name where #name: #c::Decode<__H> {}

        #[doc = #view_doc]
        #[derive(Clone, Copy)]
        #vis struct #view<'de> {
            msg: &'de [u8],
            at: usize,
        }

        impl<'de> #view<'de> {
            #(
                #[doc = #accessor_docs]
                #[inline]
                #vis fn #fnames(&self) -> <#tys as #c::Layout>::View<'de> {
                    unsafe { <#tys as #c::Layout>::view(self.msg, self.at + #name::__FIDL_LAYOUT.offsets[#idx]) }
                }
            )*
        }

        impl ::core::fmt::Debug for #view<'_> {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.debug_struct(::core::stringify!(#name))
                    #( .field(::core::stringify!(#fnames), &self.#fnames()) )*
                    .finish()
            }
        }
    })
}

// ---------------------------------------------------------------------------------------

/// The `X` of an `Option<X>` member type.
fn option_inner(ty: &Type) -> Option<&Type> {
    let Type::Path(p) = ty else { return None };
    let seg = p.path.segments.last()?;
    if seg.ident != "Option" {
        return None;
    }
    let syn::PathArguments::AngleBracketed(a) = &seg.arguments else {
        return None;
    };
    match a.args.first()? {
        syn::GenericArgument::Type(t) if a.args.len() == 1 => Some(t),
        _ => None,
    }
}

fn gen_table(ctx: &Ctx<'_>, fields: &Fields) -> Result<TokenStream> {
    let (name, c, vis) = (ctx.name, ctx.c, ctx.vis);
    let mut members = named_members(fields)?;
    let mut inners = Vec::new();
    for m in &members {
        if m.attrs.ordinal.is_none() {
            return Err(Error::new_spanned(
                &m.ident,
                "table members need #[fidl(ordinal = N)]",
            ));
        }
        if option_inner(m.ty).is_none() {
            return Err(Error::new_spanned(
                m.ty,
                "table members are optional: use Option<T>",
            ));
        }
    }
    members.sort_by_key(|m| m.attrs.ordinal);
    for w in members.windows(2) {
        if w[0].attrs.ordinal == w[1].attrs.ordinal {
            return Err(Error::new_spanned(&w[1].ident, "duplicate table ordinal"));
        }
    }
    for m in &members {
        inners.push(option_inner(m.ty).expect("checked"));
    }
    let view = view_ident(name);
    let binners = bound_types(ctx.attrs.resource, name, &inners);
    let resource = ctx.attrs.resource;
    let fnames: Vec<&Ident> = members.iter().map(|m| &m.ident).collect();
    let ords: Vec<u64> = members
        .iter()
        .map(|m| m.attrs.ordinal.expect("checked"))
        .collect();
    let env_off: Vec<usize> = ords.iter().map(|o| 8 * (*o as usize - 1)).collect();
    let cexprs: Vec<TokenStream> = members
        .iter()
        .zip(&inners)
        .map(|(m, t)| constraint_expr(c, &quote!(#t), &m.attrs.constraint))
        .collect();
    let max_handles = match &ctx.attrs.max_handles {
        Some(mh) => quote!(#mh),
        // Unknown members of a resource table may carry any number of handles.
        None if resource => quote!(#c::UNBOUNDED),
        None => quote!(0),
    };
    let checks = value_type_checks(
        ctx,
        &members
            .iter()
            .zip(&inners)
            .map(|(m, t)| (m.ident.to_string(), *t))
            .collect::<Vec<_>>(),
    );
    let encode_body = |by_ref: bool| {
        let vals = fnames.iter().map(|f| {
            if by_ref {
                quote!(&self.#f)
            } else {
                quote!(self.#f)
            }
        });
        let vals2 = vals.clone();
        quote! {
            let mut __count: u64 = 0;
            #( if (#vals).is_some() { __count = #ords; } )*
            let (__body, __depth) = #c::envelope::encode_table_header(enc, at, __count, depth)?;
            #(
                if let Some(__v) = #vals2 {
                    #c::envelope::encode_envelope::<__H, _>(enc, __body + #env_off, __v, #cexprs, __depth)?;
                }
            )*
            Ok(())
        }
    };
    let by_value_body = encode_body(false);
    let by_ref = if resource {
        quote!()
    } else {
        let body = encode_body(true);
        quote! {
            impl<'__a, __H: #c::handle::Handle> #c::Encode<__H> for &'__a #name

            {
                #[inline]
                fn encode(self, enc: &mut #c::Encoder<'_, __H>, at: usize, _: (), depth: u32) -> ::core::result::Result<(), #c::Error> {
                    #body
                }
            }
        }
    };
    let view_doc = format!("The borrowed view of a validated [`{name}`] table.");
    let accessor_docs = fnames.iter().map(|f| format!("Member `{f}`, if the message set it (read in place; sound because a view exists only for a validated message)."));
    Ok(quote! {
        #checks

        impl #c::Layout for #name {
            const INLINE_SIZE: usize = 16;
            const ALIGN: usize = 8;
            const MAX_HANDLES: u32 = #max_handles;
            const IS_RESOURCE: bool = #resource;
            const HAS_FLEXIBLE_ENVELOPE: bool = true;
            type Constraint = ();
            const DEFAULT_CONSTRAINT: () = ();
            type View<'de> = #view<'de>;

            #[inline]
            unsafe fn view(msg: &[u8], at: usize) -> #view<'_> {
                #view(unsafe { #c::envelope::TableView::new(msg, at) })
            }
        }

        impl<__H: #c::handle::Handle> #c::Encode<__H> for #name
        where #(#binners: #c::Encode<__H>,)*
        {
            #[inline]
            fn encode(self, enc: &mut #c::Encoder<'_, __H>, at: usize, _: (), depth: u32) -> ::core::result::Result<(), #c::Error> {
                #by_value_body
            }
        }

        #by_ref

        impl<__H: #c::handle::Handle> #c::Decode<__H> for #name
        where #(#binners: #c::Decode<__H>,)*
        {
            fn decode(dec: &mut #c::Decoder<'_, __H>, at: usize, _: (), depth: u32) -> ::core::result::Result<(), #c::Error> {
                #c::envelope::decode_table(dec, at, depth, #resource, |dec, ordinal, env_at, depth| {
                    let _ = (&dec, env_at, depth);
                    match ordinal {
                        #( #ords => #c::envelope::decode_envelope::<__H, #inners>(dec, env_at, #cexprs, depth, #resource).map(|_| true), )*
                        _ => Ok(false),
                    }
                })
            }

            fn from_view(view: #view<'_>, handles: &mut #c::HandleTable<__H>) -> Self {
                let _ = (&view, &handles);
                #name { #( #fnames: view.#fnames().map(|v| <#inners as #c::Decode<__H>>::from_view(v, handles)), )* }
            }
        }

        #[doc = #view_doc]
        #[derive(Clone, Copy)]
        #vis struct #view<'de>(#c::envelope::TableView<'de>);

        impl<'de> #view<'de> {
            #(
                #[doc = #accessor_docs]
                #[inline]
                #vis fn #fnames(&self) -> ::core::option::Option<<#inners as #c::Layout>::View<'de>> {
                    unsafe { self.0.member::<#inners>(#ords) }
                }
            )*
        }

        impl ::core::fmt::Debug for #view<'_> {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.debug_struct(::core::stringify!(#name))
                    #( .field(::core::stringify!(#fnames), &self.#fnames()) )*
                    .finish()
            }
        }
    })
}

// ---------------------------------------------------------------------------------------

fn gen_union(ctx: &Ctx<'_>, data: &syn::DataEnum) -> Result<TokenStream> {
    let (name, c, vis) = (ctx.name, ctx.c, ctx.vis);
    let flexible = match ctx.attrs.strict {
        Some(s) => !s,
        None => {
            return Err(Error::new_spanned(
                name,
                "a union is #[fidl(strict)] or #[fidl(flexible)]",
            ));
        }
    };
    let resource = ctx.attrs.resource;
    let mut known = Vec::new();
    let mut unknown: Option<Ident> = None;
    for v in &data.variants {
        let attrs = member_attrs(&v.attrs)?;
        let ty = match &v.fields {
            Fields::Unnamed(u) if u.unnamed.len() == 1 => &u.unnamed[0].ty,
            _ => {
                return Err(Error::new_spanned(
                    v,
                    "union variants hold exactly one value: `Name(T)`",
                ));
            }
        };
        if attrs.unknown {
            if !flexible {
                return Err(Error::new_spanned(
                    v,
                    "a strict union has no unknown variant",
                ));
            }
            if unknown.replace(v.ident.clone()).is_some() {
                return Err(Error::new_spanned(v, "more than one unknown variant"));
            }
            continue;
        }
        if attrs.ordinal.is_none() {
            return Err(Error::new_spanned(
                v,
                "union variants need #[fidl(ordinal = N)]",
            ));
        }
        known.push((v.ident.clone(), ty, attrs));
    }
    if flexible && unknown.is_none() {
        return Err(Error::new_spanned(
            name,
            "a flexible union needs a variant `#[fidl(unknown)] UnknownOrdinal(u64)` for members it does not know",
        ));
    }
    for (i, a) in known.iter().enumerate() {
        if known[..i].iter().any(|b| b.2.ordinal == a.2.ordinal) {
            return Err(Error::new_spanned(&a.0, "duplicate union ordinal"));
        }
    }
    let view = view_ident(name);
    let vnames: Vec<&Ident> = known.iter().map(|k| &k.0).collect();
    let tys: Vec<&Type> = known.iter().map(|k| k.1).collect();
    let nrtys: Vec<&Type> = tys
        .iter()
        .copied()
        .filter(|t| !mentions(quote!(#t), name))
        .collect();
    let btys = bound_types(ctx.attrs.resource, name, &tys);
    let ords: Vec<u64> = known
        .iter()
        .map(|k| k.2.ordinal.expect("checked"))
        .collect();
    let cexprs: Vec<TokenStream> = known
        .iter()
        .map(|k| {
            let ty = k.1;
            constraint_expr(c, &quote!(#ty), &k.2.constraint)
        })
        .collect();
    let max_handles = match &ctx.attrs.max_handles {
        Some(mh) => quote!(#mh),
        None if !resource => quote!(0),
        None if flexible => quote!(#c::UNBOUNDED),
        None => {
            let parts = known
                .iter()
                .map(|k| max_handles_expr(c, k.1, Some(&k.2.constraint), name));
            quote!({ let mut __n: u32 = 0; #( __n = #c::layout::handles_max(__n, #parts); )* __n })
        }
    };
    let max_ool = if let Some(e) = &ctx.attrs.max_out_of_line {
        quote!(#e)
    } else if flexible {
        quote!(#c::UNBOUNDED)
    } else {
        let parts = known.iter().map(|k| {
            let ty = k.1;
            let ool = max_ool_expr(c, ty, Some(&k.2.constraint), name);
            quote!(#c::layout::envelope_bound(<#ty as #c::Layout>::INLINE_SIZE, #ool))
        });
        quote!({ let mut __n: u32 = 0; #( __n = #c::layout::handles_max(__n, #parts); )* __n })
    };
    // A flexible union may hold unknown members whatever its variants are; asking them
    // anyway would make mutually recursive types a cycle.
    let has_flexible_envelope = match &ctx.attrs.has_flexible_envelope {
        Some(e) => quote!(#e),
        None if flexible => quote!(true),
        None => quote!(false #(|| <#nrtys as #c::Layout>::HAS_FLEXIBLE_ENVELOPE)*),
    };
    let checks = value_type_checks(
        ctx,
        &known
            .iter()
            .map(|k| (k.0.to_string(), k.1))
            .collect::<Vec<_>>(),
    );
    let (
        unknown_encode,
        unknown_encode_ref,
        unknown_view_variant,
        unknown_view_arm,
        unknown_from_view,
    ) = match &unknown {
        Some(u) => (
            // Ordinal 0 is no variant at all (a value that was never set), not an unknown one.
            quote!(
                #name::#u(0) => Err(#c::Error::UnionFieldNotSet { offset: at }),
                #name::#u(ordinal) => Err(#c::Error::FlexibleUnionUnknownField { ordinal }),
            ),
            quote!(
                #name::#u(0) => Err(#c::Error::UnionFieldNotSet { offset: at }),
                #name::#u(ordinal) => Err(#c::Error::FlexibleUnionUnknownField { ordinal: *ordinal }),
            ),
            quote!(
                /// A variant this type does not know, with its ordinal.
                #u(u64),
            ),
            quote!(ordinal => #view::#u(ordinal),),
            quote!(#view::#u(ordinal) => #name::#u(ordinal),),
        ),
        None => (
            quote!(),
            quote!(),
            quote!(),
            quote!(_ => unreachable!("a validated strict union has a known ordinal"),),
            quote!(),
        ),
    };
    let by_ref = if resource {
        quote!()
    } else {
        quote! {
            impl<'__a, __H: #c::handle::Handle> #c::Encode<__H> for &'__a #name

            {
                #[inline]
                fn encode(self, enc: &mut #c::Encoder<'_, __H>, at: usize, _: (), depth: u32) -> ::core::result::Result<(), #c::Error> {
                    let _ = (&enc, at, depth);
                    match self {
                        #( #name::#vnames(v) => #c::envelope::encode_union_variant::<__H, _>(enc, at, #ords, v, #cexprs, depth), )*
                        #unknown_encode_ref
                    }
                }
            }
        }
    };
    let decode_variant = quote! {
        |dec: &mut #c::Decoder<'_, __H>, ordinal: u64, env_at: usize, depth: u32| {
            let _ = (&dec, env_at, depth);
            match ordinal {
                #( #ords => #c::envelope::decode_envelope::<__H, #tys>(dec, env_at, #cexprs, depth, #resource).map(Some), )*
                _ => Ok(None),
            }
        }
    };
    // A union without known variants still borrows the message in its view's type.
    let (never_variant, never_arm) = if known.is_empty() {
        (
            quote!(
                #[doc(hidden)]
                __Never(::core::convert::Infallible, ::core::marker::PhantomData<&'de ()>),
            ),
            quote!(#view::__Never(never, _) => match never {},),
        )
    } else {
        (quote!(), quote!())
    };
    let view_doc =
        format!("The borrowed view of a validated [`{name}`] union: the variant that is set.");
    Ok(quote! {
        #checks

        impl #c::Layout for #name {
            const INLINE_SIZE: usize = 16;
            const ALIGN: usize = 8;
            const MAX_HANDLES: u32 = #max_handles;
            const MAX_OUT_OF_LINE: u32 = #max_ool;
            const IS_RESOURCE: bool = #resource;
            const HAS_FLEXIBLE_ENVELOPE: bool = #has_flexible_envelope;
            type Constraint = ();
            const DEFAULT_CONSTRAINT: () = ();
            type View<'de> = #view<'de>;

            #[inline]
            unsafe fn view(msg: &[u8], at: usize) -> #view<'_> {
                match #c::envelope::union_ordinal(msg, at) {
                    #(
                        #ords => match unsafe { #c::envelope::envelope_view::<#tys>(msg, at + 8) } {
                            Some(v) => #view::#vnames(v),
                            None => unreachable!("a validated union variant is present"),
                        },
                    )*
                    #unknown_view_arm
                }
            }
        }

        impl #c::Nullable for #name {
            const BOXED: bool = false;

            #[inline]
            fn is_absent(msg: &[u8], at: usize) -> bool {
                #c::envelope::union_ordinal(msg, at) == 0
            }
        }

        impl<__H: #c::handle::Handle> #c::Encode<__H> for #name
        where #(#btys: #c::Encode<__H>,)*
        {
            #[inline]
            fn encode(self, enc: &mut #c::Encoder<'_, __H>, at: usize, _: (), depth: u32) -> ::core::result::Result<(), #c::Error> {
                let _ = (&enc, at, depth);
                match self {
                    #( #name::#vnames(v) => #c::envelope::encode_union_variant::<__H, _>(enc, at, #ords, v, #cexprs, depth), )*
                    #unknown_encode
                }
            }
        }

        #by_ref

        impl<__H: #c::handle::Handle> #c::Decode<__H> for #name
        where #(#btys: #c::Decode<__H>,)*
        {
            fn decode(dec: &mut #c::Decoder<'_, __H>, at: usize, _: (), depth: u32) -> ::core::result::Result<(), #c::Error> {
                #c::envelope::decode_union(dec, at, depth, false, #flexible, #resource, #decode_variant)
            }

            fn from_view(view: #view<'_>, handles: &mut #c::HandleTable<__H>) -> Self {
                let _ = &handles;
                match view {
                    #( #view::#vnames(v) => #name::#vnames(<#tys as #c::Decode<__H>>::from_view(v, handles)), )*
                    #unknown_from_view
                    #never_arm
                }
            }
        }

        impl<__H: #c::handle::Handle> #c::DecodeNullable<__H> for #name
        where #(#btys: #c::Decode<__H>,)*
        {
            fn decode_nullable(dec: &mut #c::Decoder<'_, __H>, at: usize, _: (), depth: u32) -> ::core::result::Result<(), #c::Error> {
                #c::envelope::decode_union(dec, at, depth, true, #flexible, #resource, #decode_variant)
            }
        }

        #[doc = #view_doc]
        #[derive(Clone, Copy, Debug)]
        #vis enum #view<'de> {
            #(
                #[allow(missing_docs)]
                #vnames(<#tys as #c::Layout>::View<'de>),
            )*
            #unknown_view_variant
            #never_variant
        }
    })
}

// ---------------------------------------------------------------------------------------

fn repr_of(ctx: &Ctx<'_>) -> Result<Ident> {
    let repr = ctx.attrs.repr.clone().ok_or_else(|| {
        Error::new_spanned(
            ctx.name,
            "needs #[fidl(repr = u8|u16|u32|u64|i8|i16|i32|i64)]",
        )
    })?;
    if !["u8", "u16", "u32", "u64", "i8", "i16", "i32", "i64"].contains(&repr.to_string().as_str())
    {
        return Err(Error::new_spanned(
            &repr,
            "repr must be one of u8, u16, u32, u64, i8, i16, i32, i64",
        ));
    }
    Ok(repr)
}

/// Layout, by-value/by-reference encode and decode of a type that is one integer on the
/// wire (enums and bits): `to_raw` and `check` are expressions over `self`/`raw`.
fn gen_integer_like(
    ctx: &Ctx<'_>,
    repr: &Ident,
    strict: bool,
    to_raw: TokenStream,
    from_raw: TokenStream,
    check: TokenStream,
) -> TokenStream {
    let (name, c) = (ctx.name, ctx.c);
    quote! {
        impl #c::Layout for #name {
            const INLINE_SIZE: usize = ::core::mem::size_of::<#repr>();
            const ALIGN: usize = ::core::mem::size_of::<#repr>();
            const MAX_HANDLES: u32 = 0;
            const MAX_OUT_OF_LINE: u32 = 0;
            const IS_RESOURCE: bool = false;
            const TRIVIAL: bool = !#strict;
            type Constraint = ();
            const DEFAULT_CONSTRAINT: () = ();
            type View<'de> = #name;

            #[inline]
            unsafe fn view(msg: &[u8], at: usize) -> #name {
                let raw: #repr = unsafe { <#repr as #c::Layout>::view(msg, at) };
                #from_raw
            }
        }

        impl<__H: #c::handle::Handle> #c::Encode<__H> for #name {
            #[inline]
            fn encode(self, enc: &mut #c::Encoder<'_, __H>, at: usize, _: (), _: u32) -> ::core::result::Result<(), #c::Error> {
                let raw: #repr = #to_raw;
                #check
                enc.write(at, raw.to_le_bytes());
                Ok(())
            }
        }

        impl<__H: #c::handle::Handle> #c::Encode<__H> for &#name {
            #[inline]
            fn encode(self, enc: &mut #c::Encoder<'_, __H>, at: usize, c: (), depth: u32) -> ::core::result::Result<(), #c::Error> {
                #c::Encode::<__H>::encode(*self, enc, at, c, depth)
            }
        }

        impl<__H: #c::handle::Handle> #c::Decode<__H> for #name {
            #[inline]
            fn decode(dec: &mut #c::Decoder<'_, __H>, at: usize, _: (), _: u32) -> ::core::result::Result<(), #c::Error> {
                let raw = <#repr>::from_le_bytes(dec.read(at));
                let _ = raw;
                #check
                Ok(())
            }

            #[inline]
            fn from_view(view: #name, _: &mut #c::HandleTable<__H>) -> Self {
                view
            }
        }
    }
}

fn gen_enum(ctx: &Ctx<'_>, data: &syn::DataEnum) -> Result<TokenStream> {
    let name = ctx.name;
    let c = ctx.c;
    let repr = repr_of(ctx)?;
    let strict = ctx.attrs.strict.ok_or_else(|| {
        Error::new_spanned(name, "an enum is #[fidl(strict)] or #[fidl(flexible)]")
    })?;
    let mut names = Vec::new();
    let mut values = Vec::new();
    let mut unknown = None;
    for v in &data.variants {
        let attrs = member_attrs(&v.attrs)?;
        if attrs.unknown {
            if strict {
                return Err(Error::new_spanned(
                    v,
                    "a strict enum has no unknown variant",
                ));
            }
            match &v.fields {
                Fields::Unnamed(u) if u.unnamed.len() == 1 => {}
                _ => {
                    return Err(Error::new_spanned(
                        v,
                        "the unknown variant holds the raw value: `UnknownValue(repr)`",
                    ));
                }
            }
            unknown = Some(v.ident.clone());
            continue;
        }
        if !matches!(v.fields, Fields::Unit) {
            return Err(Error::new_spanned(v, "enum members are unit variants"));
        }
        let value = match (&attrs.value, &v.discriminant) {
            (Some(e), _) => quote!(#e),
            (None, Some((_, e))) => quote!(#e),
            (None, None) => {
                return Err(Error::new_spanned(
                    v,
                    "enum members need #[fidl(value = N)] or `= N`",
                ));
            }
        };
        names.push(v.ident.clone());
        values.push(value);
    }
    if !strict && unknown.is_none() {
        return Err(Error::new_spanned(
            name,
            "a flexible enum needs a variant `#[fidl(unknown)] UnknownValue(repr)`",
        ));
    }
    let consts: Vec<Ident> = names
        .iter()
        .map(|n| format_ident!("__FIDL_VALUE_{}", n))
        .collect();
    let (to_raw_unknown, from_raw_unknown, check) = match &unknown {
        Some(u) => (
            quote!(#name::#u(v) => v,),
            quote!(raw => #name::#u(raw),),
            quote!(),
        ),
        None => (
            quote!(),
            quote!(_ => unreachable!("a validated strict enum holds a known value"),),
            quote! {
                #[allow(unreachable_patterns)]
                match raw {
                    #( #name::#consts => {} )*
                    _ => return Err(#c::Error::StrictEnumUnknownValue { offset: at, value: raw as i128 }),
                }
            },
        ),
    };
    let to_raw = quote!(match self { #( #name::#names => #name::#consts, )* #to_raw_unknown });
    let from_raw = quote!(#[allow(unreachable_patterns)] match raw { #( #name::#consts => #name::#names, )* #from_raw_unknown });
    let body = gen_integer_like(ctx, &repr, strict, to_raw.clone(), from_raw.clone(), check);
    let vis = ctx.vis;
    Ok(quote! {
        impl #name {
            #( #[doc(hidden)] #[allow(non_upper_case_globals)] pub const #consts: #repr = #values; )*

            /// The value as its underlying integer.
            #[inline]
            #vis fn into_primitive(self) -> #repr {
                #to_raw
            }
        }

        #body
    })
}

fn gen_bits(ctx: &Ctx<'_>, fields: &Fields) -> Result<TokenStream> {
    let name = ctx.name;
    let c = ctx.c;
    let repr = repr_of(ctx)?;
    let strict = ctx
        .attrs
        .strict
        .ok_or_else(|| Error::new_spanned(name, "bits are #[fidl(strict)] or #[fidl(flexible)]"))?;
    match fields {
        Fields::Unnamed(u) if u.unnamed.len() == 1 => {}
        _ => {
            return Err(Error::new_spanned(
                name,
                "bits derive on a newtype: `struct B(pub repr);`",
            ));
        }
    }
    let mask = ctx.attrs.mask.clone().ok_or_else(|| {
        Error::new_spanned(name, "bits need #[fidl(mask = ...)], the OR of all members")
    })?;
    let check = if strict {
        quote! {
            let unknown = raw & !#name::MASK;
            if unknown != 0 {
                return Err(#c::Error::StrictBitsUnknownBit { offset: at, bits: unknown as u64 });
            }
        }
    } else {
        quote!()
    };
    let body = gen_integer_like(
        ctx,
        &repr,
        strict,
        quote!(self.0),
        quote!(#name(raw)),
        check,
    );
    let vis = ctx.vis;
    let _ = Span::call_site();
    Ok(quote! {
        impl #name {
            /// Every bit a member of this type declares.
            #vis const MASK: #repr = #mask;

            /// The bits that no member declares.
            #[inline]
            #vis fn unknown_bits(self) -> #repr {
                self.0 & !Self::MASK
            }
        }

        #body
    })
}

#[cfg(test)]
mod tests {
    use super::expand;

    /// The expansion with all whitespace removed, for substring checks.
    fn expansion(input: syn::DeriveInput) -> String {
        let tokens = expand(&input).unwrap_or_else(|e| panic!("{e}"));
        tokens.to_string().replace(char::is_whitespace, "")
    }

    #[test]
    fn overrides_replace_the_facts_a_cycle_would_compute() {
        let code = expansion(syn::parse_quote! {
            #[fidl(max_out_of_line = 4294967295, has_flexible_envelope = false)]
            pub struct A { pub b: Option<Box<B>> }
        });
        assert!(
            code.contains("constMAX_OUT_OF_LINE:u32=4294967295;"),
            "{code}"
        );
        assert!(
            code.contains("constHAS_FLEXIBLE_ENVELOPE:bool=false;"),
            "{code}"
        );
        assert!(!code.contains("<Option<Box<B>>as::handoff::codec::Layout>::MAX_OUT_OF_LINE"));
        let code = expansion(syn::parse_quote! {
            #[fidl(union, strict, max_out_of_line = 4294967295, has_flexible_envelope = true)]
            pub enum U { #[fidl(ordinal = 1)] A(A) }
        });
        assert!(
            code.contains("constMAX_OUT_OF_LINE:u32=4294967295;"),
            "{code}"
        );
        assert!(
            code.contains("constHAS_FLEXIBLE_ENVELOPE:bool=true;"),
            "{code}"
        );
        // Without overrides, the members decide.
        let code = expansion(syn::parse_quote! {
            pub struct S { pub b: Option<Box<B>> }
        });
        assert!(code.contains(
            "constHAS_FLEXIBLE_ENVELOPE:bool=false||<Option<Box<B>>as::handoff::codec::Layout>::HAS_FLEXIBLE_ENVELOPE;"
        ));
    }

    #[test]
    fn flexible_unions_ask_no_member_about_unknown_envelopes() {
        let code = expansion(syn::parse_quote! {
            #[fidl(union, flexible)]
            pub enum U {
                #[fidl(ordinal = 1)]
                A(A),
                #[fidl(unknown)]
                UnknownOrdinal(u64),
            }
        });
        assert!(
            code.contains("constHAS_FLEXIBLE_ENVELOPE:bool=true;"),
            "{code}"
        );
        // Ordinal 0 is a union that was never set, not an unknown variant.
        assert!(code.contains(
            "U::UnknownOrdinal(0)=>Err(::handoff::codec::Error::UnionFieldNotSet{offset:at}),"
        ));
    }

    #[test]
    fn a_union_without_known_variants_has_a_view_that_borrows() {
        let code = expansion(syn::parse_quote! {
            #[fidl(union, flexible)]
            pub enum Empty {
                #[fidl(unknown)]
                UnknownOrdinal(u64),
            }
        });
        assert!(
            code.contains(
                "__Never(::core::convert::Infallible,::core::marker::PhantomData<&'de()>),"
            )
        );
        assert!(code.contains("EmptyView::__Never(never,_)=>matchnever{},"));
    }
}
