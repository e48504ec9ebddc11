//! Arbitrary natural values: encode, decode, compare, re-encode.
#![no_main]

use arbitrary::{Arbitrary, Unstructured};
use handoff::handle::mem::MemSpace;
use handoff_fuzz::check::{check_roundtrip, check_roundtrip_value};
use handoff_fuzz::types::arb::opt_any;
use handoff_fuzz::types::{COUNT, with_arbitrary_space};

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let selector = selector % COUNT;
    let space = MemSpace::new();
    let mut u = Unstructured::new(rest);
    macro_rules! arm {
        ($i:expr, value, $t:ty) => {
            if selector == $i {
                if let Ok(v) = with_arbitrary_space(&space, || <$t>::arbitrary(&mut u)) {
                    check_roundtrip_value::<$t>(v, &space);
                }
                return;
            }
        };
        ($i:expr, owned, $t:ty) => {
            if selector == $i {
                match with_arbitrary_space(&space, || <$t>::arbitrary(&mut u)) {
                    Ok(v) => check_roundtrip::<$t>(v, &space),
                    // A half-built value dropped its handles.
                    Err(_) => assert_eq!(space.open_count(), 0),
                }
                return;
            }
        };
        ($i:expr, handles, $t:ty) => {
            if selector == $i {
                let array = with_arbitrary_space(&space, || {
                    Ok::<_, arbitrary::Error>([
                        opt_any(&mut u)?,
                        opt_any(&mut u)?,
                        opt_any(&mut u)?,
                    ])
                });
                match array {
                    Ok(v) => check_roundtrip::<$t>(v, &space),
                    Err(_) => assert_eq!(space.open_count(), 0),
                }
                return;
            }
        };
    }
    handoff_fuzz::for_each_type!(arm);
});
