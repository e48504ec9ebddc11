//! Windows `HANDLE`s: the one checked conversion from a raw value, the mapping between
//! Zircon-style [`Rights`] and Windows access masks, and (on Windows) `WinHandle`, an
//! owned handle whose rights are narrowed for real with `DuplicateHandle`.
//!
//! A raw handle value is a number, and several numbers look like handles without being
//! ones that can be owned: NULL, `INVALID_HANDLE_VALUE` (which is also the current-process
//! pseudo handle), the other pseudo handles, and values the kernel would silently round.
//! [`check_raw_handle`] rejects all of them with a typed [`RawHandleError`]; a
//! [`CheckedRawHandle`] is the only thing that can become an owned `WinHandle`. This part
//! is plain code, compiled and tested on every platform:
//!
//! ```
//! use handoff_codec::handle::windows::{check_raw_handle, CheckedRawHandle, RawHandleError};
//!
//! assert_eq!(check_raw_handle(0), Err(RawHandleError::Null));
//! assert_eq!(check_raw_handle(-1), Err(RawHandleError::InvalidHandleValue));
//! assert_eq!(check_raw_handle(-4), Err(RawHandleError::PseudoHandle(-4)));
//! assert_eq!(check_raw_handle(0x1_0000_0004), Err(RawHandleError::NotSignExtended32(0x1_0000_0004)));
//! assert_eq!(check_raw_handle(0x26), Err(RawHandleError::NotMultipleOf4(0x26)));
//!
//! let h = check_raw_handle(0x24)?;
//! assert_eq!(h.get(), 0x24);
//! // A 32-bit value from a message is sign-extended first, as 64-bit Windows does.
//! assert_eq!(CheckedRawHandle::from_u32(0xFFFF_FFFE), Err(RawHandleError::PseudoHandle(-2)));
//! assert_eq!(CheckedRawHandle::from_u32(h.to_u32()), Ok(h));
//! # Ok::<(), RawHandleError>(())
//! ```
//!
//! # Rights on Windows
//!
//! A Windows handle carries an access mask that the kernel enforces. [`rights_for_access`]
//! reads Zircon-style rights out of a mask and [`access_for_rights`] builds the mask for a
//! set of rights, per object type:
//!
//! | Right | Every type | Event | Semaphore | Mutex | Timer | Process | Thread | Job | Section | File, pipe, char device |
//! |---|---|---|---|---|---|---|---|---|---|---|
//! | `WAIT` | `SYNCHRONIZE` | | | | | | | | | |
//! | `SIGNAL` | | `EVENT_MODIFY_STATE` | `SEMAPHORE_MODIFY_STATE` | | | | | | | |
//! | `INSPECT` | | `EVENT_QUERY_STATE` | `SEMAPHORE_QUERY_STATE` | `MUTANT_QUERY_STATE` | `TIMER_QUERY_STATE` | `PROCESS_QUERY_LIMITED_INFORMATION` | `THREAD_QUERY_LIMITED_INFORMATION` | `JOB_OBJECT_QUERY` | `SECTION_QUERY` | `FILE_READ_ATTRIBUTES` |
//! | `READ` | | | | | | `PROCESS_VM_READ` | | | `SECTION_MAP_READ` | `FILE_READ_DATA` (+ `FILE_READ_EA`) |
//! | `WRITE` | | | | | `TIMER_MODIFY_STATE` | `PROCESS_VM_WRITE \| PROCESS_VM_OPERATION` | | | `SECTION_MAP_WRITE` | `FILE_WRITE_DATA` (+ `FILE_APPEND_DATA \| FILE_WRITE_EA \| FILE_WRITE_ATTRIBUTES`) |
//! | `EXECUTE` | | | | | | | | | `SECTION_MAP_EXECUTE` | |
//! | `DESTROY` | | | | | | `PROCESS_TERMINATE` | `THREAD_TERMINATE` | `JOB_OBJECT_TERMINATE` | | |
//!
//! A right is present when every bit of its entry is in the mask. Bits in parentheses are
//! companions: not needed for the right, kept by a reduction that keeps the right if the
//! handle had them, dropped with it otherwise. The entries of one type share no bits, so
//! building a mask and reading it back gives the same rights. Everything else in a mask
//! (`DELETE`, `READ_CONTROL`, `WRITE_DAC`, `WRITE_OWNER`, `PROCESS_DUP_HANDLE`, …) has no
//! Zircon counterpart and is dropped by every reduction that changes the mask: a narrowed
//! handle never keeps a power its rights do not name. `MUTEX_MODIFY_STATE` and
//! `MUTANT_QUERY_STATE` are the same bit; releasing a mutex needs ownership (from a wait),
//! not a right, so a mutex has no `SIGNAL`.
//!
//! Windows has no per-handle "may be duplicated" or "may be sent" bit: any handle can be
//! duplicated by a process that holds `PROCESS_DUP_HANDLE` on its owner.
//! [`Rights::DUPLICATE`] and [`Rights::TRANSFER`] ([`CRATE_ENFORCED_RIGHTS`]) are
//! therefore kept by `WinHandle` itself and enforced by its methods
//! (`WinHandle::duplicate` needs `DUPLICATE`, `WinHandle::send_to_process` needs
//! `TRANSFER`), not by the kernel.
//!
//! # Object types
//!
//! The kernel names each object's type ("Event", "Mutant", "File", …), which
//! [`object_type_for_kernel_name`] maps onto [`ObjectType`]; a "File" is refined by its
//! file type (`GetFileType`, [`object_type_for_file_type`]) into a disk file, a pipe or a
//! character device. Directories are disk files to `GetFileType` and are reported as
//! [`ObjectType::FILE`]; sockets are "File" objects that `GetFileType` calls pipes and are
//! reported as [`ObjectType::PIPE`].
//!
//! # Moving handles between processes
//!
//! A handle value means nothing outside its process. `WinHandle::send_to_process` pushes
//! a handle into another process's table (`DuplicateHandle` with `DUPLICATE_CLOSE_SOURCE`)
//! and returns its value there; `WinHandle::receive_from_process` pulls one out of another
//! process's table. Pulling is the safe direction for the receiver: the number it was sent
//! names a handle in the peer's table, never one of its own, so a lying peer cannot make
//! it own a handle twice. It needs `PROCESS_DUP_HANDLE` on the peer, which is full
//! control of the peer, so the side that pulls must be the one the other trusts (a
//! broker). A pushed value becomes owned only through the unsafe
//! `WinHandle::from_raw_checked`, whose caller vouches that the value was pushed to it.

use core::fmt;
use core::num::NonZeroU32;

use super::{ObjectType, Rights};

// ---------------------------------------------------------------------------------------
// The checked conversion.

/// Why a raw value is not a handle that can be owned.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, thiserror::Error)]
pub enum RawHandleError {
    /// 0: never a valid handle, yet what `GetStdHandle` returns when there is none.
    #[error("NULL (0) is not a handle")]
    Null,
    /// -1: `INVALID_HANDLE_VALUE`, and also the bits of the current-process pseudo handle
    /// (`GetCurrentProcess()`); which one it means depends on the API, and neither can be
    /// owned.
    #[error(
        "-1 is INVALID_HANDLE_VALUE or the current-process pseudo handle, never an owned handle"
    )]
    InvalidHandleValue,
    /// -2 through -12: pseudo handles (-2 the current thread, -3 the current session, -4,
    /// -5 and -6 the process, thread and effective tokens; the rest reserved). They cannot
    /// be closed, and one sent to another process names that process's own objects.
    #[error("{0} is a pseudo handle, which cannot be owned or sent")]
    PseudoHandle(isize),
    /// A value outside the `i32` range: handle values are 32-bit significant and
    /// sign-extended on 64-bit Windows, so the upper half must repeat bit 31.
    #[error("{0:#x} is not a 32-bit value sign-extended to the pointer width")]
    NotSignExtended32(isize),
    /// Another negative value (-13 and below, sign-extended). User-mode handle values are
    /// positive indices into the process's handle table; negative ones are pseudo handles
    /// or kernel-mode handles (`OBJ_KERNEL_HANDLE` sets the top bit), never valid here.
    #[error("{0} is negative; user-mode handle values are positive")]
    Negative(isize),
    /// A positive value that is not a multiple of 4. The kernel ignores the two low bits
    /// of a handle value (they are free for tagging), so 5 would name the same handle as 4:
    /// accepting it would let two different numbers own one handle.
    #[error("{0:#x} is not a multiple of 4")]
    NotMultipleOf4(isize),
}

/// The largest value a user-mode handle can have: `i32::MAX` rounded down to a multiple
/// of 4.
const MAX_HANDLE_VALUE: u32 = 0x7FFF_FFFC;

/// A raw handle value that passed [`check_raw_handle`]: positive, a multiple of 4, and at
/// most `0x7FFF_FFFC`. It is only a number (it owns nothing); it is what a transport puts
/// in a message and what becomes an owned handle on the other side.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CheckedRawHandle(
    // INVARIANTS: the value is a multiple of 4 in 4..=MAX_HANDLE_VALUE. Only
    // `check_raw_handle` builds this type.
    NonZeroU32,
);

/// Checks that `raw` can be the value of an owned handle. This is the only way a raw
/// value becomes a [`CheckedRawHandle`], and so (on Windows) a `WinHandle`.
///
/// The checks, in order: 0 is [`RawHandleError::Null`]; -1 is
/// [`RawHandleError::InvalidHandleValue`]; -2 through -12 are
/// [`RawHandleError::PseudoHandle`]; a value outside the `i32` range is
/// [`RawHandleError::NotSignExtended32`]; any other negative value is
/// [`RawHandleError::Negative`]; a value that is not a multiple of 4 is
/// [`RawHandleError::NotMultipleOf4`].
pub fn check_raw_handle(raw: isize) -> Result<CheckedRawHandle, RawHandleError> {
    match raw {
        0 => return Err(RawHandleError::Null),
        -1 => return Err(RawHandleError::InvalidHandleValue),
        -12..=-2 => return Err(RawHandleError::PseudoHandle(raw)),
        _ => {}
    }
    let Ok(value) = i32::try_from(raw) else {
        return Err(RawHandleError::NotSignExtended32(raw));
    };
    let Ok(value) = u32::try_from(value) else {
        return Err(RawHandleError::Negative(raw));
    };
    if value % 4 != 0 {
        return Err(RawHandleError::NotMultipleOf4(raw));
    }
    match NonZeroU32::new(value) {
        // INVARIANTS: `value` is non-zero (0 was rejected first, and `NonZeroU32::new`
        // agrees), a multiple of 4, and at most `i32::MAX` rounded down to a multiple of
        // 4, which is MAX_HANDLE_VALUE.
        Some(v) => Ok(CheckedRawHandle(v)),
        None => Err(RawHandleError::Null),
    }
}

impl CheckedRawHandle {
    /// The largest value a checked handle can have (`0x7FFF_FFFC`).
    pub const MAX: isize = MAX_HANDLE_VALUE as isize;

    /// Checks a 32-bit value, as a message carries it: it is sign-extended first, as
    /// 64-bit Windows does, so `0xFFFF_FFFF` is -1 and is rejected as
    /// [`RawHandleError::InvalidHandleValue`].
    pub fn from_u32(value: u32) -> Result<Self, RawHandleError> {
        // Reinterpreting the bits as `i32` and widening is exactly the sign extension.
        check_raw_handle(value as i32 as isize)
    }

    /// The value, as a pointer-sized integer.
    pub const fn get(self) -> isize {
        // By the invariant the value is at most 0x7FFF_FFFC, which fits `isize` on every
        // pointer width Rust supports for Windows (32 and 64 bits).
        self.0.get() as isize
    }

    /// The value as 32 bits (every checked value fits; [`CheckedRawHandle::from_u32`]
    /// reads it back).
    pub const fn to_u32(self) -> u32 {
        self.0.get()
    }

    /// The value as a `RawHandle` (a pointer without provenance: a handle is a key, not
    /// an address).
    #[cfg(windows)]
    pub fn as_raw_handle(self) -> std::os::windows::io::RawHandle {
        core::ptr::without_provenance_mut(self.0.get() as usize)
    }
}

impl TryFrom<isize> for CheckedRawHandle {
    type Error = RawHandleError;

    fn try_from(raw: isize) -> Result<Self, RawHandleError> {
        check_raw_handle(raw)
    }
}

impl fmt::Debug for CheckedRawHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CheckedRawHandle({:#x})", self.0)
    }
}

impl fmt::Display for CheckedRawHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:#x}", self.0)
    }
}

// ---------------------------------------------------------------------------------------
// Object types.

/// The object type for a kernel type name, as `NtQueryObject(ObjectTypeInformation)`
/// reports it. "File" gives [`ObjectType::FILE`], which a caller refines with
/// [`object_type_for_file_type`]; names without a counterpart give
/// [`ObjectType::UNKNOWN`].
pub fn object_type_for_kernel_name(name: &str) -> ObjectType {
    match name {
        "Process" => ObjectType::PROCESS,
        "Thread" => ObjectType::THREAD,
        "Event" => ObjectType::EVENT,
        "Mutant" => ObjectType::MUTEX,
        "Semaphore" => ObjectType::SEMAPHORE,
        "Section" => ObjectType::SECTION,
        "Job" => ObjectType::JOB,
        "Timer" => ObjectType::TIMER,
        "File" => ObjectType::FILE,
        _ => ObjectType::UNKNOWN,
    }
}

/// The object type for a `GetFileType` result: `FILE_TYPE_DISK` (1) is a
/// [`ObjectType::FILE`], `FILE_TYPE_CHAR` (2) a [`ObjectType::CHAR_DEVICE`],
/// `FILE_TYPE_PIPE` (3) a [`ObjectType::PIPE`]; anything else (`FILE_TYPE_UNKNOWN`,
/// `FILE_TYPE_REMOTE`) is [`ObjectType::UNKNOWN`].
pub fn object_type_for_file_type(file_type: u32) -> ObjectType {
    match file_type {
        1 => ObjectType::FILE,
        2 => ObjectType::CHAR_DEVICE,
        3 => ObjectType::PIPE,
        _ => ObjectType::UNKNOWN,
    }
}

// ---------------------------------------------------------------------------------------
// Rights and access masks.

/// Access mask bits (values from the Windows SDK's `winnt.h`).
mod mask {
    pub const SYNCHRONIZE: u32 = 0x0010_0000;

    pub const EVENT_QUERY_STATE: u32 = 0x0001;
    pub const EVENT_MODIFY_STATE: u32 = 0x0002;
    pub const MUTANT_QUERY_STATE: u32 = 0x0001;
    pub const SEMAPHORE_QUERY_STATE: u32 = 0x0001;
    pub const SEMAPHORE_MODIFY_STATE: u32 = 0x0002;
    pub const TIMER_QUERY_STATE: u32 = 0x0001;
    pub const TIMER_MODIFY_STATE: u32 = 0x0002;

    pub const PROCESS_TERMINATE: u32 = 0x0001;
    pub const PROCESS_VM_OPERATION: u32 = 0x0008;
    pub const PROCESS_VM_READ: u32 = 0x0010;
    pub const PROCESS_VM_WRITE: u32 = 0x0020;
    pub const PROCESS_QUERY_LIMITED_INFORMATION: u32 = 0x1000;

    pub const THREAD_TERMINATE: u32 = 0x0001;
    pub const THREAD_QUERY_LIMITED_INFORMATION: u32 = 0x0800;

    pub const JOB_OBJECT_QUERY: u32 = 0x0004;
    pub const JOB_OBJECT_TERMINATE: u32 = 0x0008;

    pub const SECTION_QUERY: u32 = 0x0001;
    pub const SECTION_MAP_WRITE: u32 = 0x0002;
    pub const SECTION_MAP_READ: u32 = 0x0004;
    pub const SECTION_MAP_EXECUTE: u32 = 0x0008;

    pub const FILE_READ_DATA: u32 = 0x0001;
    pub const FILE_WRITE_DATA: u32 = 0x0002;
    pub const FILE_APPEND_DATA: u32 = 0x0004;
    pub const FILE_READ_EA: u32 = 0x0008;
    pub const FILE_WRITE_EA: u32 = 0x0010;
    pub const FILE_READ_ATTRIBUTES: u32 = 0x0080;
    pub const FILE_WRITE_ATTRIBUTES: u32 = 0x0100;
}

/// One right of one object type: the access bits it needs, and companion bits kept with
/// it when the handle has them.
struct RightBits {
    right: Rights,
    required: u32,
    companions: u32,
}

const fn bits(right: Rights, required: u32, companions: u32) -> RightBits {
    RightBits {
        right,
        required,
        companions,
    }
}

const WAIT: RightBits = bits(Rights::WAIT, mask::SYNCHRONIZE, 0);

static OTHER_BITS: [RightBits; 1] = [WAIT];
static EVENT_BITS: [RightBits; 3] = [
    WAIT,
    bits(Rights::SIGNAL, mask::EVENT_MODIFY_STATE, 0),
    bits(Rights::INSPECT, mask::EVENT_QUERY_STATE, 0),
];
static MUTEX_BITS: [RightBits; 2] = [WAIT, bits(Rights::INSPECT, mask::MUTANT_QUERY_STATE, 0)];
static SEMAPHORE_BITS: [RightBits; 3] = [
    WAIT,
    bits(Rights::SIGNAL, mask::SEMAPHORE_MODIFY_STATE, 0),
    bits(Rights::INSPECT, mask::SEMAPHORE_QUERY_STATE, 0),
];
static TIMER_BITS: [RightBits; 3] = [
    WAIT,
    bits(Rights::WRITE, mask::TIMER_MODIFY_STATE, 0),
    bits(Rights::INSPECT, mask::TIMER_QUERY_STATE, 0),
];
static PROCESS_BITS: [RightBits; 5] = [
    WAIT,
    bits(Rights::DESTROY, mask::PROCESS_TERMINATE, 0),
    bits(Rights::READ, mask::PROCESS_VM_READ, 0),
    bits(
        Rights::WRITE,
        mask::PROCESS_VM_WRITE | mask::PROCESS_VM_OPERATION,
        0,
    ),
    bits(Rights::INSPECT, mask::PROCESS_QUERY_LIMITED_INFORMATION, 0),
];
static THREAD_BITS: [RightBits; 3] = [
    WAIT,
    bits(Rights::DESTROY, mask::THREAD_TERMINATE, 0),
    bits(Rights::INSPECT, mask::THREAD_QUERY_LIMITED_INFORMATION, 0),
];
static JOB_BITS: [RightBits; 3] = [
    WAIT,
    bits(Rights::DESTROY, mask::JOB_OBJECT_TERMINATE, 0),
    bits(Rights::INSPECT, mask::JOB_OBJECT_QUERY, 0),
];
static SECTION_BITS: [RightBits; 5] = [
    WAIT,
    bits(Rights::READ, mask::SECTION_MAP_READ, 0),
    bits(Rights::WRITE, mask::SECTION_MAP_WRITE, 0),
    bits(Rights::EXECUTE, mask::SECTION_MAP_EXECUTE, 0),
    bits(Rights::INSPECT, mask::SECTION_QUERY, 0),
];
static FILE_BITS: [RightBits; 4] = [
    WAIT,
    bits(Rights::READ, mask::FILE_READ_DATA, mask::FILE_READ_EA),
    bits(
        Rights::WRITE,
        mask::FILE_WRITE_DATA,
        mask::FILE_APPEND_DATA | mask::FILE_WRITE_EA | mask::FILE_WRITE_ATTRIBUTES,
    ),
    bits(Rights::INSPECT, mask::FILE_READ_ATTRIBUTES, 0),
];

fn right_bits(object_type: ObjectType) -> &'static [RightBits] {
    match object_type {
        ObjectType::EVENT => &EVENT_BITS,
        ObjectType::MUTEX => &MUTEX_BITS,
        ObjectType::SEMAPHORE => &SEMAPHORE_BITS,
        ObjectType::TIMER => &TIMER_BITS,
        ObjectType::PROCESS => &PROCESS_BITS,
        ObjectType::THREAD => &THREAD_BITS,
        ObjectType::JOB => &JOB_BITS,
        ObjectType::SECTION => &SECTION_BITS,
        ObjectType::FILE | ObjectType::PIPE | ObjectType::CHAR_DEVICE => &FILE_BITS,
        _ => &OTHER_BITS,
    }
}

/// The rights that Windows does not enforce per handle and `WinHandle` keeps itself:
/// [`Rights::DUPLICATE`] and [`Rights::TRANSFER`].
pub const CRATE_ENFORCED_RIGHTS: Rights = Rights(Rights::DUPLICATE.0 | Rights::TRANSFER.0);

/// The rights an access mask grants on an object of `object_type`, by the table in the
/// [module docs](self). Never includes [`CRATE_ENFORCED_RIGHTS`].
pub fn rights_for_access(object_type: ObjectType, access: u32) -> Rights {
    right_bits(object_type)
        .iter()
        .filter(|b| access & b.required == b.required)
        .fold(Rights::NONE, |acc, b| acc | b.right)
}

/// The access mask for `rights` on an object of `object_type`, taking companion bits
/// only from `available` (the mask of the handle being narrowed). Rights without an entry
/// for the type (such as [`CRATE_ENFORCED_RIGHTS`]) add nothing; a caller that needs every
/// right honoured checks `rights_for_access` of the result.
pub fn access_for_rights(object_type: ObjectType, rights: Rights, available: u32) -> u32 {
    right_bits(object_type)
        .iter()
        .filter(|b| rights.contains(b.right))
        .fold(0, |acc, b| acc | b.required | (b.companions & available))
}

// ---------------------------------------------------------------------------------------
// Standard handles.

/// One of the three standard handles.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum StdStream {
    /// Standard input.
    Stdin,
    /// Standard output.
    Stdout,
    /// Standard error.
    Stderr,
}

impl fmt::Display for StdStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Stdin => "input",
            Self::Stdout => "output",
            Self::Stderr => "error",
        })
    }
}

/// Why a standard handle cannot be borrowed.
#[derive(Debug, thiserror::Error)]
pub enum StdioError {
    /// The process has no such handle (`GetStdHandle` returned NULL, as it does for a GUI
    /// program without a console).
    #[error("the process has no standard {0} handle")]
    Absent(StdStream),
    /// `GetStdHandle` failed (it returned `INVALID_HANDLE_VALUE`).
    #[error("GetStdHandle failed for standard {stream}: {source}")]
    Failed {
        /// The stream asked for.
        stream: StdStream,
        /// The error `GetStdHandle` left.
        source: std::io::Error,
    },
    /// The handle set for the stream is a pseudo handle or otherwise not a handle.
    #[error("the standard {stream} handle is not a handle: {source}")]
    Invalid {
        /// The stream asked for.
        stream: StdStream,
        /// Why the value is not a handle.
        source: RawHandleError,
    },
}

/// What a value returned by `GetStdHandle` is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum StdValue {
    Usable,
    Absent,
    Failed,
    Invalid(RawHandleError),
}

/// Classifies a `GetStdHandle` result. A positive value that is not a multiple of 4 is
/// usable: consoles before Windows 8 tagged their handles with the low bits (3, 7, 11),
/// and a borrowed handle is never owned, so the aliasing that rule prevents cannot arise.
#[cfg_attr(
    not(any(windows, test)),
    expect(dead_code, reason = "used on Windows, tested everywhere")
)]
fn classify_std_value(raw: isize) -> StdValue {
    match check_raw_handle(raw) {
        Ok(_) | Err(RawHandleError::NotMultipleOf4(_)) => StdValue::Usable,
        Err(RawHandleError::Null) => StdValue::Absent,
        Err(RawHandleError::InvalidHandleValue) => StdValue::Failed,
        Err(e) => StdValue::Invalid(e),
    }
}

// ---------------------------------------------------------------------------------------
// The owned handle (Windows only).

#[cfg(windows)]
pub use os::{WinHandle, WinHandleError, try_stderr, try_stdin, try_stdout};

// A `WinHandle` takes a 4-byte handle slot, so derived resource types can hold one.
#[cfg(windows)]
crate::impl_handle_codec!(os::WinHandle);

#[cfg(windows)]
mod os {
    use std::fmt;
    use std::io;
    use std::os::windows::io::{
        AsHandle, AsRawHandle, BorrowedHandle, FromRawHandle, IntoRawHandle, OwnedHandle, RawHandle,
    };

    use windows_sys::Wdk::Foundation::{
        NtQueryObject, ObjectBasicInformation, ObjectTypeInformation,
    };
    use windows_sys::Win32::Foundation::{
        DUPLICATE_CLOSE_SOURCE, DUPLICATE_SAME_ACCESS, DuplicateHandle, HANDLE, NTSTATUS,
        RtlNtStatusToDosError, UNICODE_STRING,
    };
    use windows_sys::Win32::Storage::FileSystem::GetFileType;
    use windows_sys::Win32::System::Console::{
        GetStdHandle, STD_ERROR_HANDLE, STD_HANDLE, STD_INPUT_HANDLE, STD_OUTPUT_HANDLE,
    };
    use windows_sys::Win32::System::Threading::{
        GetCurrentProcess, GetCurrentProcessId, GetProcessId,
    };
    use windows_sys::Win32::System::WindowsProgramming::PUBLIC_OBJECT_BASIC_INFORMATION;
    use zerocopy::IntoBytes;

    use super::{
        CRATE_ENFORCED_RIGHTS, CheckedRawHandle, RawHandleError, StdStream, StdValue, StdioError,
        access_for_rights, check_raw_handle, classify_std_value, object_type_for_file_type,
        object_type_for_kernel_name, rights_for_access,
    };
    use crate::handle::{Handle, ObjectType, Rights, RightsError};

    // The local mask constants are the SDK's.
    const _: () = {
        use super::mask;
        use windows_sys::Win32::Storage::FileSystem as fs;
        use windows_sys::Win32::System::Threading as th;
        assert!(mask::SYNCHRONIZE == fs::SYNCHRONIZE);
        assert!(mask::EVENT_MODIFY_STATE == th::EVENT_MODIFY_STATE);
        assert!(mask::SEMAPHORE_MODIFY_STATE == th::SEMAPHORE_MODIFY_STATE);
        assert!(mask::TIMER_MODIFY_STATE == th::TIMER_MODIFY_STATE);
        assert!(mask::TIMER_QUERY_STATE == th::TIMER_QUERY_STATE);
        assert!(mask::PROCESS_TERMINATE == th::PROCESS_TERMINATE);
        assert!(mask::PROCESS_VM_OPERATION == th::PROCESS_VM_OPERATION);
        assert!(mask::PROCESS_VM_READ == th::PROCESS_VM_READ);
        assert!(mask::PROCESS_VM_WRITE == th::PROCESS_VM_WRITE);
        assert!(mask::PROCESS_QUERY_LIMITED_INFORMATION == th::PROCESS_QUERY_LIMITED_INFORMATION);
        assert!(mask::THREAD_TERMINATE == th::THREAD_TERMINATE);
        assert!(mask::THREAD_QUERY_LIMITED_INFORMATION == th::THREAD_QUERY_LIMITED_INFORMATION);
        assert!(mask::FILE_READ_DATA == fs::FILE_READ_DATA);
        assert!(mask::FILE_WRITE_DATA == fs::FILE_WRITE_DATA);
        assert!(mask::FILE_APPEND_DATA == fs::FILE_APPEND_DATA);
        assert!(mask::FILE_READ_EA == fs::FILE_READ_EA);
        assert!(mask::FILE_WRITE_EA == fs::FILE_WRITE_EA);
        assert!(mask::FILE_READ_ATTRIBUTES == fs::FILE_READ_ATTRIBUTES);
        assert!(mask::FILE_WRITE_ATTRIBUTES == fs::FILE_WRITE_ATTRIBUTES);
    };

    /// What went wrong with a Windows handle operation.
    #[derive(Debug, thiserror::Error)]
    pub enum WinHandleError {
        /// The raw value is not a handle that can be owned.
        #[error(transparent)]
        Raw(#[from] RawHandleError),
        /// A system call failed.
        #[error("{call} failed: {source}")]
        Os {
            /// The function that failed.
            call: &'static str,
            /// What it reported.
            source: io::Error,
        },
        /// The handle lacks rights the operation needs.
        #[error("the handle lacks {missing:?} (it has {has:?})")]
        MissingRights {
            /// The rights that are missing.
            missing: Rights,
            /// The rights the handle has.
            has: Rights,
        },
        /// A process handle that must name another process names this one.
        #[error("the process handle refers to the current process")]
        SameProcess,
    }

    fn os_error(call: &'static str) -> WinHandleError {
        WinHandleError::Os {
            call,
            source: io::Error::last_os_error(),
        }
    }

    fn status_error(call: &'static str, status: NTSTATUS) -> WinHandleError {
        // SAFETY: RtlNtStatusToDosError only maps a number to a number; every NTSTATUS
        // value is a valid argument.
        let code = unsafe { RtlNtStatusToDosError(status) };
        WinHandleError::Os {
            call,
            source: io::Error::from_raw_os_error(code as i32),
        }
    }

    fn current_process() -> HANDLE {
        // SAFETY: GetCurrentProcess has no preconditions; it returns the constant
        // pseudo handle of the calling process.
        unsafe { GetCurrentProcess() }
    }

    fn raw_value(handle: RawHandle) -> isize {
        handle.addr() as isize
    }

    /// The access mask the kernel granted to `handle`.
    fn query_access(handle: BorrowedHandle<'_>) -> Result<u32, WinHandleError> {
        query_basic(handle).map(|info| info.GrantedAccess)
    }

    /// What the kernel says about `handle` and its object: granted access, handle count.
    pub(super) fn query_basic(
        handle: BorrowedHandle<'_>,
    ) -> Result<PUBLIC_OBJECT_BASIC_INFORMATION, WinHandleError> {
        let mut info = PUBLIC_OBJECT_BASIC_INFORMATION::default();
        let size = size_of::<PUBLIC_OBJECT_BASIC_INFORMATION>() as u32;
        let out: *mut PUBLIC_OBJECT_BASIC_INFORMATION = &mut info;
        // SAFETY: `handle` is open for the duration of the call (it is borrowed); `out`
        // points to a writable PUBLIC_OBJECT_BASIC_INFORMATION of `size` bytes, the
        // structure ObjectBasicInformation fills; the return length may be NULL.
        let status = unsafe {
            NtQueryObject(
                handle.as_raw_handle(),
                ObjectBasicInformation,
                out.cast(),
                size,
                core::ptr::null_mut(),
            )
        };
        if status < 0 {
            return Err(status_error(
                "NtQueryObject(ObjectBasicInformation)",
                status,
            ));
        }
        Ok(info)
    }

    /// The kernel's type name for `handle`'s object, mapped onto an [`ObjectType`];
    /// `None` if the kernel would not say or the answer does not fit.
    fn query_type_name(handle: BorrowedHandle<'_>) -> Option<ObjectType> {
        // The answer is an OBJECT_TYPE_INFORMATION whose UNICODE_STRING points into the
        // same buffer. Type names are short; 1 KiB (8-aligned) holds every one we know.
        let mut buf = [0u64; 128];
        let size = size_of_val(&buf) as u32;
        // SAFETY: `handle` is open for the duration of the call; the buffer is writable,
        // 8-aligned and `size` bytes long; the return length may be NULL.
        let status = unsafe {
            NtQueryObject(
                handle.as_raw_handle(),
                ObjectTypeInformation,
                buf.as_mut_ptr().cast(),
                size,
                core::ptr::null_mut(),
            )
        };
        if status < 0 {
            return None;
        }
        // Read the header and the name as bytes (no pointer is followed): the name must
        // lie inside the buffer.
        let bytes = buf.as_bytes();
        let start = bytes.as_ptr().addr();
        let length_at = core::mem::offset_of!(UNICODE_STRING, Length);
        let buffer_at = core::mem::offset_of!(UNICODE_STRING, Buffer);
        let length = u16::from_ne_bytes(bytes.get(length_at..length_at + 2)?.try_into().ok()?);
        let ptr_bytes = bytes.get(buffer_at..buffer_at + size_of::<usize>())?;
        let name_addr = usize::from_ne_bytes(ptr_bytes.try_into().ok()?);
        let offset = name_addr.checked_sub(start)?;
        let name = bytes.get(offset..offset.checked_add(usize::from(length))?)?;
        let units: Vec<u16> = name
            .chunks_exact(2)
            .map(|c| u16::from_ne_bytes([c[0], c[1]]))
            .collect();
        Some(object_type_for_kernel_name(
            &String::from_utf16(&units).ok()?,
        ))
    }

    /// The object type of `handle`: the kernel's type name, a "File" refined by its file
    /// type; if the kernel gives no name, the file type alone.
    fn query_object_type(handle: BorrowedHandle<'_>) -> ObjectType {
        match query_type_name(handle) {
            Some(ObjectType::FILE) | None => {
                // SAFETY: `handle` is open for the duration of the call; GetFileType
                // only reads the device type of a file object (and fails otherwise).
                let file_type = unsafe { GetFileType(handle.as_raw_handle()) };
                object_type_for_file_type(file_type)
            }
            Some(t) => t,
        }
    }

    /// `DuplicateHandle` within this process with exactly `access`, closing the source
    /// (which is gone afterwards whatever the outcome).
    fn replace_access(handle: OwnedHandle, access: u32) -> Result<OwnedHandle, WinHandleError> {
        let me = current_process();
        let source = handle.into_raw_handle();
        let mut out: HANDLE = core::ptr::null_mut();
        // SAFETY: `source` is a handle this process owned (taken out of an OwnedHandle,
        // so nothing else closes it) and ownership ends here: DUPLICATE_CLOSE_SOURCE
        // closes it whether or not the call succeeds. `me` is the current-process pseudo
        // handle, valid as source and target process. `out` is a writable local.
        let ok =
            unsafe { DuplicateHandle(me, source, me, &mut out, access, 0, DUPLICATE_CLOSE_SOURCE) };
        if ok == 0 {
            return Err(os_error("DuplicateHandle"));
        }
        // SAFETY: DuplicateHandle succeeded, so `out` is a new handle in this process's
        // table that nothing else knows about: it is ours to own and close.
        Ok(unsafe { OwnedHandle::from_raw_handle(out) })
    }

    /// An owned Windows handle, with its object type and access mask as the kernel
    /// reports them. Dropping it closes it.
    ///
    /// It implements [`Handle`]: [`Handle::rights`] reads the access mask through the
    /// table in the [module docs](super), plus the [`CRATE_ENFORCED_RIGHTS`] this value
    /// still carries; [`Handle::reduce_rights`] replaces the handle by a duplicate with
    /// the narrower access mask (`DuplicateHandle` with `DUPLICATE_CLOSE_SOURCE`).
    pub struct WinHandle {
        // INVARIANTS: `value` is the raw value of `handle`, which passed
        // `check_raw_handle`; `object_type` and `access` are what the kernel reported for
        // this handle when it was wrapped (neither changes for the life of a handle
        // value); `soft` is a subset of CRATE_ENFORCED_RIGHTS.
        handle: OwnedHandle,
        value: CheckedRawHandle,
        object_type: ObjectType,
        access: u32,
        soft: Rights,
    }

    impl WinHandle {
        /// Wraps an owned handle, asking the kernel for its object type and access mask.
        /// It starts with both [`CRATE_ENFORCED_RIGHTS`].
        ///
        /// An `OwnedHandle` may hold a pseudo handle (std allows the current-process
        /// one); such a handle, or one the kernel will not describe, is dropped (closing
        /// a pseudo handle does nothing) and the error says why.
        pub fn new(handle: OwnedHandle) -> Result<Self, WinHandleError> {
            let value = check_raw_handle(raw_value(handle.as_raw_handle()))?;
            let access = query_access(handle.as_handle())?;
            let object_type = query_object_type(handle.as_handle());
            Ok(Self {
                handle,
                value,
                object_type,
                access,
                soft: CRATE_ENFORCED_RIGHTS,
            })
        }

        /// Takes ownership of the handle with value `raw`, after [`check_raw_handle`].
        ///
        /// A value that fails the check is left alone (nothing is closed) and reported
        /// as [`WinHandleError::Raw`]. A value that passes is owned from here on, and is
        /// closed if the kernel will not describe it.
        ///
        /// # Safety
        ///
        /// If `raw` passes the check, it must be an open handle of this process that the
        /// caller owns and hands over: nothing else may use or close it afterwards. (A
        /// value received from another process qualifies only if that process pushed the
        /// handle into this one for this caller; see the [module docs](super).)
        pub unsafe fn from_raw_checked(raw: isize) -> Result<Self, WinHandleError> {
            let checked = check_raw_handle(raw)?;
            // SAFETY: the caller guarantees that a value that passes the check is an open
            // handle it owns and gives up; the check guarantees it is not NULL or a
            // pseudo handle.
            let owned = unsafe { OwnedHandle::from_raw_handle(checked.as_raw_handle()) };
            Self::new(owned)
        }

        /// Pulls the handle with value `raw` out of another process (`source`, which
        /// needs `PROCESS_DUP_HANDLE` and `PROCESS_QUERY_LIMITED_INFORMATION`), closing it
        /// there (`DUPLICATE_CLOSE_SOURCE`), and owns the copy. The value names a handle in
        /// the source's table, so whatever the peer wrote, the result is a fresh handle of
        /// this process.
        ///
        /// `source` must be another process: for this one, closing the source could close
        /// a handle something here owns, so that is [`WinHandleError::SameProcess`].
        pub fn receive_from_process(
            source: BorrowedHandle<'_>,
            raw: CheckedRawHandle,
        ) -> Result<Self, WinHandleError> {
            // SAFETY: `source` is an open handle for the duration of the call (borrowed);
            // GetProcessId only reads the id of the process it names (0 on failure).
            let pid = unsafe { GetProcessId(source.as_raw_handle()) };
            if pid == 0 {
                return Err(os_error("GetProcessId"));
            }
            // SAFETY: GetCurrentProcessId has no preconditions.
            if pid == unsafe { GetCurrentProcessId() } {
                return Err(WinHandleError::SameProcess);
            }
            let mut out: HANDLE = core::ptr::null_mut();
            // SAFETY: `source` names another process (checked above), so closing the
            // source handle cannot close anything this process owns; `raw` is only a
            // value in that process's table. The target is this process (pseudo handle)
            // and `out` a writable local.
            let ok = unsafe {
                DuplicateHandle(
                    source.as_raw_handle(),
                    raw.as_raw_handle(),
                    current_process(),
                    &mut out,
                    0,
                    0,
                    DUPLICATE_SAME_ACCESS | DUPLICATE_CLOSE_SOURCE,
                )
            };
            if ok == 0 {
                return Err(os_error("DuplicateHandle"));
            }
            // SAFETY: DuplicateHandle succeeded, so `out` is a new handle in this
            // process's table that nothing else knows about: ours to own.
            Self::new(unsafe { OwnedHandle::from_raw_handle(out) })
        }

        /// Pushes this handle into another process (`target`, which needs
        /// `PROCESS_DUP_HANDLE`) and returns its value there, with the same access. The
        /// handle here is closed whatever the outcome (`DUPLICATE_CLOSE_SOURCE`); the new
        /// one belongs to the target, which must be told its value. Needs
        /// [`Rights::TRANSFER`] (the handle is closed without it too).
        pub fn send_to_process(
            self,
            target: BorrowedHandle<'_>,
        ) -> Result<CheckedRawHandle, WinHandleError> {
            if !self.soft.contains(Rights::TRANSFER) {
                return Err(WinHandleError::MissingRights {
                    missing: Rights::TRANSFER,
                    has: self.rights(),
                });
            }
            let source = self.handle.into_raw_handle();
            let mut out: HANDLE = core::ptr::null_mut();
            // SAFETY: `source` is a handle this process owned (taken out of an
            // OwnedHandle) and ownership ends here: DUPLICATE_CLOSE_SOURCE closes it
            // whether or not the call succeeds. `target` is open for the call (borrowed);
            // `out` is a writable local. The new handle lives in the target's table.
            let ok = unsafe {
                DuplicateHandle(
                    current_process(),
                    source,
                    target.as_raw_handle(),
                    &mut out,
                    0,
                    0,
                    DUPLICATE_SAME_ACCESS | DUPLICATE_CLOSE_SOURCE,
                )
            };
            if ok == 0 {
                return Err(os_error("DuplicateHandle"));
            }
            match check_raw_handle(raw_value(out)) {
                Ok(value) => Ok(value),
                Err(e) => {
                    // A conforming kernel never hands out such a value; if one did, close
                    // it in the target rather than leak it there.
                    if raw_value(out) > 0 {
                        // SAFETY: `out` is the handle just created in the target, which
                        // nobody there knows about yet; closing it in the target (no
                        // target process, DUPLICATE_CLOSE_SOURCE) touches nothing here.
                        unsafe {
                            DuplicateHandle(
                                target.as_raw_handle(),
                                out,
                                core::ptr::null_mut(),
                                core::ptr::null_mut(),
                                0,
                                0,
                                DUPLICATE_CLOSE_SOURCE,
                            )
                        };
                    }
                    Err(e.into())
                }
            }
        }

        /// A second handle to the same object with `rights` (a subset of this one's, or
        /// [`Rights::SAME_RIGHTS`]). Needs [`Rights::DUPLICATE`].
        pub fn duplicate(&self, rights: Rights) -> Result<Self, WinHandleError> {
            let has = self.rights();
            let rights = if rights == Rights::SAME_RIGHTS {
                has
            } else {
                rights
            };
            let missing = Rights((rights.0 | Rights::DUPLICATE.0) & !has.0);
            if missing != Rights::NONE {
                return Err(WinHandleError::MissingRights { missing, has });
            }
            let access = access_for_rights(self.object_type, rights, self.access);
            let me = current_process();
            let mut out: HANDLE = core::ptr::null_mut();
            // SAFETY: the source handle is open and stays owned by `self` (no
            // DUPLICATE_CLOSE_SOURCE); `me` is the current-process pseudo handle; `out`
            // is a writable local.
            let ok = unsafe {
                DuplicateHandle(me, self.handle.as_raw_handle(), me, &mut out, access, 0, 0)
            };
            if ok == 0 {
                return Err(os_error("DuplicateHandle"));
            }
            // SAFETY: DuplicateHandle succeeded, so `out` is a new handle in this
            // process's table that nothing else knows about: ours to own.
            let handle = unsafe { OwnedHandle::from_raw_handle(out) };
            let value = check_raw_handle(raw_value(out))?;
            let access = query_access(handle.as_handle())?;
            Ok(Self {
                handle,
                value,
                object_type: self.object_type,
                access,
                soft: rights.intersection(CRATE_ENFORCED_RIGHTS),
            })
        }

        /// The handle's value (checked when the handle was wrapped).
        pub fn raw_value(&self) -> CheckedRawHandle {
            self.value
        }

        /// The access mask the kernel granted.
        pub fn access_mask(&self) -> u32 {
            self.access
        }

        /// Gives up the wrapper, keeping the handle open.
        pub fn into_owned(self) -> OwnedHandle {
            self.handle
        }
    }

    impl Handle for WinHandle {
        fn object_type(&self) -> ObjectType {
            self.object_type
        }

        fn rights(&self) -> Rights {
            rights_for_access(self.object_type, self.access) | self.soft
        }

        fn reduce_rights(self, rights: Rights) -> Result<Self, RightsError> {
            let object_type = self.object_type;
            let error = |reason| RightsError {
                object_type,
                wanted: rights,
                reason,
            };
            if !self.rights().contains(rights) {
                return Err(error("rights can only be reduced"));
            }
            let soft = rights.intersection(CRATE_ENFORCED_RIGHTS);
            let kernel_rights = Rights(rights.0 & !CRATE_ENFORCED_RIGHTS.0);
            let access = access_for_rights(object_type, rights, self.access);
            if access == self.access {
                return Ok(Self { soft, ..self });
            }
            let handle = replace_access(self.handle, access)
                .map_err(|_| error("DuplicateHandle failed (the handle is closed)"))?;
            let value = check_raw_handle(raw_value(handle.as_raw_handle()))
                .map_err(|_| error("the kernel returned a value that is not a handle"))?;
            let access = query_access(handle.as_handle())
                .map_err(|_| error("the kernel would not describe the new handle"))?;
            if rights_for_access(object_type, access) != kernel_rights {
                return Err(error("the kernel granted other access than asked for"));
            }
            Ok(Self {
                handle,
                value,
                object_type,
                access,
                soft,
            })
        }
    }

    impl fmt::Debug for WinHandle {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.debug_struct("WinHandle")
                .field("raw", &self.value)
                .field("type", &self.object_type)
                .field("access", &format_args!("{:#x}", self.access))
                .field("rights", &self.rights())
                .finish()
        }
    }

    impl AsHandle for WinHandle {
        fn as_handle(&self) -> BorrowedHandle<'_> {
            self.handle.as_handle()
        }
    }

    impl AsRawHandle for WinHandle {
        fn as_raw_handle(&self) -> RawHandle {
            self.handle.as_raw_handle()
        }
    }

    impl IntoRawHandle for WinHandle {
        fn into_raw_handle(self) -> RawHandle {
            self.handle.into_raw_handle()
        }
    }

    impl From<WinHandle> for OwnedHandle {
        fn from(handle: WinHandle) -> Self {
            handle.handle
        }
    }

    impl TryFrom<OwnedHandle> for WinHandle {
        type Error = WinHandleError;

        fn try_from(handle: OwnedHandle) -> Result<Self, WinHandleError> {
            Self::new(handle)
        }
    }

    fn std_handle(
        stream: StdStream,
        which: STD_HANDLE,
    ) -> Result<BorrowedHandle<'static>, StdioError> {
        // SAFETY: GetStdHandle only reads the process parameters; any STD_* id is valid.
        let raw = unsafe { GetStdHandle(which) };
        match classify_std_value(raw_value(raw)) {
            StdValue::Usable => {
                // SAFETY: the value is neither NULL nor INVALID_HANDLE_VALUE nor a pseudo
                // handle, so it is the handle the process set for this stream. Standard
                // handles belong to the process and by convention stay open while it runs
                // (std's own `Stdin::as_handle` relies on the same), which is what the
                // 'static borrow asserts.
                Ok(unsafe { BorrowedHandle::borrow_raw(raw) })
            }
            StdValue::Absent => Err(StdioError::Absent(stream)),
            StdValue::Failed => Err(StdioError::Failed {
                stream,
                source: io::Error::last_os_error(),
            }),
            StdValue::Invalid(source) => Err(StdioError::Invalid { stream, source }),
        }
    }

    /// The standard input handle, or why there is none (never a fake handle).
    pub fn try_stdin() -> Result<BorrowedHandle<'static>, StdioError> {
        std_handle(StdStream::Stdin, STD_INPUT_HANDLE)
    }

    /// The standard output handle, or why there is none (never a fake handle).
    pub fn try_stdout() -> Result<BorrowedHandle<'static>, StdioError> {
        std_handle(StdStream::Stdout, STD_OUTPUT_HANDLE)
    }

    /// The standard error handle, or why there is none (never a fake handle).
    pub fn try_stderr() -> Result<BorrowedHandle<'static>, StdioError> {
        std_handle(StdStream::Stderr, STD_ERROR_HANDLE)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_raw_value_class() {
        use RawHandleError::*;
        let cases: &[(isize, Result<isize, RawHandleError>)] = &[
            (0, Err(Null)),
            (-1, Err(InvalidHandleValue)),
            (-2, Err(PseudoHandle(-2))),
            (-3, Err(PseudoHandle(-3))),
            (-4, Err(PseudoHandle(-4))),
            (-5, Err(PseudoHandle(-5))),
            (-6, Err(PseudoHandle(-6))),
            (-12, Err(PseudoHandle(-12))),
            // Past the pseudo range every negative value is rejected, multiple of 4 or not.
            (-13, Err(Negative(-13))),
            (-16, Err(Negative(-16))),
            (i32::MIN as isize, Err(Negative(i32::MIN as isize))),
            (1, Err(NotMultipleOf4(1))),
            (2, Err(NotMultipleOf4(2))),
            (3, Err(NotMultipleOf4(3))),
            (5, Err(NotMultipleOf4(5))),
            (6, Err(NotMultipleOf4(6))),
            (0x7FFF_FFFF, Err(NotMultipleOf4(0x7FFF_FFFF))),
            (4, Ok(4)),
            (8, Ok(8)),
            (0x7FFF_FFFC, Ok(0x7FFF_FFFC)),
        ];
        for &(raw, expected) in cases {
            assert_eq!(
                check_raw_handle(raw).map(CheckedRawHandle::get),
                expected,
                "{raw:#x}"
            );
            assert_eq!(CheckedRawHandle::try_from(raw).map(|h| h.get()), expected);
        }
    }

    #[cfg(target_pointer_width = "64")]
    #[test]
    fn values_beyond_32_bits_are_rejected() {
        use RawHandleError::NotSignExtended32;
        for raw in [
            0x8000_0000_isize, // i32::MAX + 1: bit 31 set but not sign-extended
            0x8000_0004,
            0xFFFF_FFFC,
            0xFFFF_FFFF, // -1 truncated to 32 bits without sign extension
            0x1_0000_0004,
            0x1_0000_0000,
            isize::MAX,
            i32::MIN as isize - 4,
            isize::MIN,
        ] {
            assert_eq!(
                check_raw_handle(raw),
                Err(NotSignExtended32(raw)),
                "{raw:#x}"
            );
        }
    }

    #[test]
    fn thirty_two_bit_values_are_sign_extended() {
        use RawHandleError::*;
        assert_eq!(CheckedRawHandle::from_u32(0), Err(Null));
        assert_eq!(
            CheckedRawHandle::from_u32(u32::MAX),
            Err(InvalidHandleValue)
        );
        assert_eq!(
            CheckedRawHandle::from_u32(0xFFFF_FFFA),
            Err(PseudoHandle(-6))
        );
        assert_eq!(
            CheckedRawHandle::from_u32(0xFFFF_FFF4),
            Err(PseudoHandle(-12))
        );
        assert_eq!(CheckedRawHandle::from_u32(0xFFFF_FFF0), Err(Negative(-16)));
        assert_eq!(
            CheckedRawHandle::from_u32(0x8000_0000),
            Err(Negative(i32::MIN as isize))
        );
        assert_eq!(
            CheckedRawHandle::from_u32(0x7FFF_FFFE),
            Err(NotMultipleOf4(0x7FFF_FFFE))
        );
        for v in [4u32, 8, 0x1234, 0x7FFF_FFFC] {
            let h = CheckedRawHandle::from_u32(v).unwrap();
            assert_eq!(h.to_u32(), v);
            assert_eq!(h.get(), v as isize);
        }
        assert_eq!(CheckedRawHandle::MAX, 0x7FFF_FFFC);
    }

    #[test]
    fn errors_and_values_print_usefully() {
        assert_eq!(
            RawHandleError::PseudoHandle(-2).to_string(),
            "-2 is a pseudo handle, which cannot be owned or sent"
        );
        assert_eq!(
            RawHandleError::NotMultipleOf4(6).to_string(),
            "0x6 is not a multiple of 4"
        );
        let h = check_raw_handle(0x40).unwrap();
        assert_eq!(format!("{h} {h:?}"), "0x40 CheckedRawHandle(0x40)");
    }

    #[test]
    fn kernel_type_names() {
        for (name, t) in [
            ("Process", ObjectType::PROCESS),
            ("Thread", ObjectType::THREAD),
            ("Event", ObjectType::EVENT),
            ("Mutant", ObjectType::MUTEX),
            ("Semaphore", ObjectType::SEMAPHORE),
            ("Section", ObjectType::SECTION),
            ("Job", ObjectType::JOB),
            ("Timer", ObjectType::TIMER),
            ("File", ObjectType::FILE),
            ("Key", ObjectType::UNKNOWN),
            ("event", ObjectType::UNKNOWN),
            ("", ObjectType::UNKNOWN),
        ] {
            assert_eq!(object_type_for_kernel_name(name), t, "{name}");
        }
        assert_eq!(object_type_for_file_type(0), ObjectType::UNKNOWN);
        assert_eq!(object_type_for_file_type(1), ObjectType::FILE);
        assert_eq!(object_type_for_file_type(2), ObjectType::CHAR_DEVICE);
        assert_eq!(object_type_for_file_type(3), ObjectType::PIPE);
        assert_eq!(object_type_for_file_type(0x8000), ObjectType::UNKNOWN);
    }

    const ALL_TYPES: [ObjectType; 12] = [
        ObjectType::EVENT,
        ObjectType::MUTEX,
        ObjectType::SEMAPHORE,
        ObjectType::TIMER,
        ObjectType::PROCESS,
        ObjectType::THREAD,
        ObjectType::JOB,
        ObjectType::SECTION,
        ObjectType::FILE,
        ObjectType::PIPE,
        ObjectType::CHAR_DEVICE,
        ObjectType::UNKNOWN,
    ];

    #[test]
    fn entries_of_one_type_share_no_bits() {
        for t in ALL_TYPES {
            let mut seen = 0u32;
            for b in right_bits(t) {
                let all = b.required | b.companions;
                assert_ne!(b.required, 0, "{t}: {:?}", b.right);
                assert_eq!(seen & all, 0, "{t}: {:?} overlaps", b.right);
                assert_eq!(b.right & CRATE_ENFORCED_RIGHTS, Rights::NONE);
                seen |= all;
            }
        }
    }

    #[test]
    fn every_subset_of_rights_round_trips() {
        for t in ALL_TYPES {
            let entries = right_bits(t);
            let full = entries.iter().fold(0, |a, b| a | b.required | b.companions);
            let everything = rights_for_access(t, full);
            for subset in 0u32..(1 << entries.len()) {
                let rights = entries
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| subset & (1 << i) != 0)
                    .fold(Rights::NONE, |a, (_, b)| a | b.right);
                let access = access_for_rights(t, rights, full);
                assert_eq!(access & !full, 0);
                assert_eq!(rights_for_access(t, access), rights, "{t}: {rights:?}");
                // Extra rights that have no entry (or are crate-enforced) add no bits.
                let with_soft = rights | CRATE_ENFORCED_RIGHTS | Rights::SIGNAL_PEER;
                assert_eq!(access_for_rights(t, with_soft, full), access);
                assert!(everything.contains(rights));
            }
        }
    }

    #[test]
    fn known_masks() {
        // EVENT_ALL_ACCESS, as CreateEventW grants it: exactly a new Zircon event's rights.
        let event_all = 0x001F_0003;
        assert_eq!(
            rights_for_access(ObjectType::EVENT, event_all) | CRATE_ENFORCED_RIGHTS,
            Rights::EVENT_DEFAULT
        );
        assert_eq!(
            access_for_rights(ObjectType::EVENT, Rights::WAIT, event_all),
            mask::SYNCHRONIZE
        );
        assert_eq!(
            access_for_rights(
                ObjectType::EVENT,
                Rights::SIGNAL | Rights::TRANSFER,
                event_all
            ),
            mask::EVENT_MODIFY_STATE
        );
        // FILE_GENERIC_READ | FILE_GENERIC_WRITE.
        let file_rw = 0x0012_019F;
        assert_eq!(
            rights_for_access(ObjectType::FILE, file_rw),
            Rights::READ | Rights::WRITE | Rights::INSPECT | Rights::WAIT
        );
        assert_eq!(
            rights_for_access(ObjectType::PIPE, file_rw),
            rights_for_access(ObjectType::FILE, file_rw)
        );
        // Companions come along only if the handle had them.
        assert_eq!(
            access_for_rights(ObjectType::FILE, Rights::WRITE, file_rw),
            mask::FILE_WRITE_DATA
                | mask::FILE_APPEND_DATA
                | mask::FILE_WRITE_EA
                | mask::FILE_WRITE_ATTRIBUTES
        );
        assert_eq!(
            access_for_rights(ObjectType::FILE, Rights::WRITE, mask::FILE_WRITE_DATA),
            mask::FILE_WRITE_DATA
        );
        // A companion alone is not the right.
        assert_eq!(
            rights_for_access(ObjectType::FILE, mask::FILE_APPEND_DATA),
            Rights::NONE
        );
        // PROCESS_ALL_ACCESS.
        assert_eq!(
            rights_for_access(ObjectType::PROCESS, 0x001F_FFFF),
            Rights::WAIT | Rights::DESTROY | Rights::READ | Rights::WRITE | Rights::INSPECT
        );
        // WRITE on a process needs both bits.
        assert_eq!(
            rights_for_access(ObjectType::PROCESS, mask::PROCESS_VM_WRITE),
            Rights::NONE
        );
        // Objects of unknown type: only WAIT.
        assert_eq!(
            rights_for_access(ObjectType::UNKNOWN, u32::MAX),
            Rights::WAIT
        );
        assert_eq!(rights_for_access(ObjectType::EVENT, 0), Rights::NONE);
    }

    #[test]
    fn standard_handle_values() {
        assert_eq!(classify_std_value(0), StdValue::Absent);
        assert_eq!(classify_std_value(-1), StdValue::Failed);
        assert_eq!(
            classify_std_value(-2),
            StdValue::Invalid(RawHandleError::PseudoHandle(-2))
        );
        assert_eq!(
            classify_std_value(-16),
            StdValue::Invalid(RawHandleError::Negative(-16))
        );
        assert_eq!(classify_std_value(0x40), StdValue::Usable);
        // Pre-Windows 8 console handles carry tag bits.
        assert_eq!(classify_std_value(7), StdValue::Usable);
        assert_eq!(
            StdioError::Absent(StdStream::Stdin).to_string(),
            "the process has no standard input handle"
        );
    }
}

#[cfg(all(test, windows))]
mod windows_tests {
    use std::io::{BufRead, BufReader, Read, Seek, Write};
    use std::os::windows::io::{
        AsHandle, AsRawHandle, BorrowedHandle, FromRawHandle, IntoRawHandle, OwnedHandle,
    };
    use std::process::{Command, Stdio};
    use std::sync::atomic::{AtomicU32, Ordering};

    use windows_sys::Win32::Foundation::{
        DUPLICATE_SAME_ACCESS, DuplicateHandle, ERROR_ACCESS_DENIED, GetHandleInformation,
        GetLastError, HANDLE, INVALID_HANDLE_VALUE, WAIT_OBJECT_0, WAIT_TIMEOUT,
    };
    use windows_sys::Win32::System::Console::{GetStdHandle, STD_INPUT_HANDLE, SetStdHandle};
    use windows_sys::Win32::System::Memory::{CreateFileMappingW, PAGE_READWRITE};
    use windows_sys::Win32::System::Threading::{
        CreateEventW, CreateMutexW, CreateSemaphoreW, GetCurrentProcess, GetCurrentThread,
        GetProcessId, ReleaseSemaphore, SetEvent, WaitForSingleObject,
    };

    use super::*;
    use crate::handle::Handle;

    /// Owns a handle a create call just returned.
    fn owned(raw: HANDLE) -> OwnedHandle {
        assert!(
            !raw.is_null() && raw != INVALID_HANDLE_VALUE,
            "create call failed: {}",
            last_error()
        );
        // SAFETY: `raw` was just returned by a create/duplicate call of this test, so it
        // is an open handle nothing else owns.
        unsafe { OwnedHandle::from_raw_handle(raw) }
    }

    fn last_error() -> u32 {
        // SAFETY: GetLastError only reads the thread's last-error value.
        unsafe { GetLastError() }
    }

    /// How many handles the object of `h` has, in every process. Unlike a handle value,
    /// which another test thread may reuse as soon as it is closed, this shows a close
    /// without a race.
    fn handle_count(h: &impl AsHandle) -> u32 {
        super::os::query_basic(h.as_handle()).unwrap().HandleCount
    }

    /// Whether `raw` is an open handle of this process.
    fn is_open(raw: CheckedRawHandle) -> bool {
        let mut flags = 0;
        // SAFETY: GetHandleInformation only looks the value up in the handle table (it
        // fails for a closed one) and writes a local.
        unsafe { GetHandleInformation(raw.as_raw_handle(), &mut flags) != 0 }
    }

    /// A real handle for a pseudo handle (the current process or thread).
    fn real_handle(pseudo: HANDLE, access: u32, options: u32) -> OwnedHandle {
        let mut out: HANDLE = core::ptr::null_mut();
        // SAFETY: GetCurrentProcess has no preconditions.
        let me = unsafe { GetCurrentProcess() };
        // SAFETY: `pseudo` is a pseudo handle (never closed) and `out` a writable local.
        let ok = unsafe { DuplicateHandle(me, pseudo, me, &mut out, access, 0, options) };
        assert_ne!(ok, 0, "DuplicateHandle: {}", last_error());
        owned(out)
    }

    fn current_process(access: u32) -> OwnedHandle {
        // SAFETY: GetCurrentProcess has no preconditions.
        let pseudo = unsafe { GetCurrentProcess() };
        if access == u32::MAX {
            real_handle(pseudo, 0, DUPLICATE_SAME_ACCESS)
        } else {
            real_handle(pseudo, access, 0)
        }
    }

    fn event() -> WinHandle {
        // SAFETY: no security attributes or name; a manual-reset, unsignaled event.
        let raw = unsafe { CreateEventW(core::ptr::null(), 1, 0, core::ptr::null()) };
        WinHandle::new(owned(raw)).unwrap()
    }

    fn set_event(h: &impl AsRawHandle) -> Result<(), u32> {
        // SAFETY: `h` is open for the call.
        if unsafe { SetEvent(h.as_raw_handle()) } != 0 {
            Ok(())
        } else {
            Err(last_error())
        }
    }

    fn wait(h: &impl AsRawHandle, ms: u32) -> u32 {
        // SAFETY: `h` is open for the call.
        unsafe { WaitForSingleObject(h.as_raw_handle(), ms) }
    }

    fn temp_path() -> std::path::PathBuf {
        static N: AtomicU32 = AtomicU32::new(0);
        let n = N.fetch_add(1, Ordering::Relaxed);
        std::env::temp_dir().join(format!("handoff-windows-{}-{n}", std::process::id()))
    }

    #[test]
    fn a_new_event_has_the_rights_of_a_zircon_event() {
        let e = event();
        assert_eq!(e.object_type(), ObjectType::EVENT);
        assert_eq!(e.rights(), Rights::EVENT_DEFAULT, "{e:?}");
        assert!(is_open(e.raw_value()));
    }

    #[test]
    fn reducing_an_event_to_wait_takes_signal_away() {
        let e = event();
        let keep = e.duplicate(Rights::SAME_RIGHTS).unwrap();
        assert_eq!(handle_count(&keep), 2);
        let r = e.reduce_rights(Rights::WAIT | Rights::TRANSFER).unwrap();
        assert_eq!(r.rights(), Rights::WAIT | Rights::TRANSFER);
        assert_eq!(r.access_mask(), mask::SYNCHRONIZE);
        assert_eq!(r.object_type(), ObjectType::EVENT);
        assert_eq!(
            handle_count(&keep),
            2,
            "DUPLICATE_CLOSE_SOURCE closed the old handle"
        );
        assert_eq!(set_event(&r), Err(ERROR_ACCESS_DENIED));
        assert_eq!(wait(&r, 0), WAIT_TIMEOUT);
        set_event(&keep).unwrap();
        assert_eq!(wait(&r, 0), WAIT_OBJECT_0, "both handles name one event");
        // DUPLICATE is gone with the reduction.
        let err = r.duplicate(Rights::WAIT).unwrap_err();
        assert!(
            matches!(
                err,
                WinHandleError::MissingRights {
                    missing: Rights::DUPLICATE,
                    ..
                }
            ),
            "{err}"
        );
    }

    #[test]
    fn growing_rights_fails_and_closes_the_handle() {
        let e = event();
        let keep = e.duplicate(Rights::WAIT).unwrap();
        let e = e.reduce_rights(Rights::WAIT | Rights::DUPLICATE).unwrap();
        assert_eq!(handle_count(&keep), 2);
        let err = e.reduce_rights(Rights::WAIT | Rights::SIGNAL).unwrap_err();
        assert_eq!(err.object_type, ObjectType::EVENT);
        assert_eq!(
            handle_count(&keep),
            1,
            "the failed reduction closed the handle"
        );
        // Keeping the kernel rights and dropping only crate-enforced ones makes no call.
        let e = event();
        let raw = e.raw_value();
        let r = e
            .reduce_rights(Rights::WAIT | Rights::SIGNAL | Rights::INSPECT)
            .unwrap();
        assert_eq!(r.raw_value(), raw);
        assert_eq!(r.rights(), Rights::WAIT | Rights::SIGNAL | Rights::INSPECT);
        let err = r.duplicate(Rights::WAIT).unwrap_err();
        assert!(matches!(err, WinHandleError::MissingRights { .. }));
    }

    #[test]
    fn a_file_reduced_to_read_cannot_be_written() {
        let path = temp_path();
        let mut file = std::fs::File::options()
            .read(true)
            .write(true)
            .create_new(true)
            .open(&path)
            .unwrap();
        file.write_all(b"handoff").unwrap();
        let h = WinHandle::new(OwnedHandle::from(file)).unwrap();
        assert_eq!(h.object_type(), ObjectType::FILE);
        let full =
            Rights::READ | Rights::WRITE | Rights::INSPECT | Rights::WAIT | CRATE_ENFORCED_RIGHTS;
        assert!(h.rights().contains(full), "{h:?}");
        let r = h.reduce_rights(Rights::READ | Rights::INSPECT).unwrap();
        assert_eq!(r.rights(), Rights::READ | Rights::INSPECT);
        assert_eq!(r.object_type(), ObjectType::FILE);
        let mut file = std::fs::File::from(OwnedHandle::from(r));
        let err = file.write_all(b"more").unwrap_err();
        assert_eq!(
            err.raw_os_error(),
            Some(ERROR_ACCESS_DENIED as i32),
            "{err}"
        );
        file.rewind().unwrap();
        let mut text = String::new();
        file.read_to_string(&mut text).unwrap();
        assert_eq!(text, "handoff");
        drop(file);
        std::fs::remove_file(&path).unwrap();
    }

    #[test]
    fn pipe_ends_are_pipes_and_reduction_is_enforced() {
        let (reader, writer) = std::io::pipe().unwrap();
        let r = WinHandle::new(OwnedHandle::from(reader)).unwrap();
        let w = WinHandle::new(OwnedHandle::from(writer)).unwrap();
        assert_eq!(r.object_type(), ObjectType::PIPE);
        assert_eq!(w.object_type(), ObjectType::PIPE);
        assert!(r.rights().contains(Rights::READ | Rights::WAIT), "{r:?}");
        assert!(w.rights().contains(Rights::WRITE), "{w:?}");
        let w = w.reduce_rights(Rights::WRITE).unwrap();
        assert_eq!(w.rights(), Rights::WRITE);
        let mut w = std::fs::File::from(OwnedHandle::from(w));
        w.write_all(b"hi").unwrap();
        let keep = r.duplicate(Rights::READ).unwrap();
        let r = r.reduce_rights(Rights::WAIT).unwrap();
        let mut r = std::fs::File::from(OwnedHandle::from(r));
        let err = r.read(&mut [0; 2]).unwrap_err();
        assert_eq!(
            err.raw_os_error(),
            Some(ERROR_ACCESS_DENIED as i32),
            "{err}"
        );
        let mut buf = [0; 2];
        std::fs::File::from(OwnedHandle::from(keep))
            .read_exact(&mut buf)
            .unwrap();
        assert_eq!(&buf, b"hi");
    }

    #[test]
    fn other_kernel_objects_are_classified() {
        // SAFETY: no security attributes or name.
        let mutex = owned(unsafe { CreateMutexW(core::ptr::null(), 0, core::ptr::null()) });
        let mutex = WinHandle::new(mutex).unwrap();
        assert_eq!(mutex.object_type(), ObjectType::MUTEX);
        assert_eq!(
            mutex.rights(),
            Rights::WAIT | Rights::INSPECT | CRATE_ENFORCED_RIGHTS
        );

        // SAFETY: no security attributes or name; count 0 of at most 4.
        let sem = owned(unsafe { CreateSemaphoreW(core::ptr::null(), 0, 4, core::ptr::null()) });
        let sem = WinHandle::new(sem).unwrap();
        assert_eq!(sem.object_type(), ObjectType::SEMAPHORE);
        assert!(
            sem.rights()
                .contains(Rights::SIGNAL | Rights::WAIT | Rights::INSPECT)
        );
        let sem = sem.reduce_rights(Rights::WAIT).unwrap();
        // SAFETY: `sem` is open; the previous count may be NULL.
        let released = unsafe { ReleaseSemaphore(sem.as_raw_handle(), 1, core::ptr::null_mut()) };
        assert_eq!((released, last_error()), (0, ERROR_ACCESS_DENIED));

        // SAFETY: a 4 KiB pagefile-backed section, no attributes or name.
        let section = unsafe {
            CreateFileMappingW(
                INVALID_HANDLE_VALUE,
                core::ptr::null(),
                PAGE_READWRITE,
                0,
                4096,
                core::ptr::null(),
            )
        };
        let section = WinHandle::new(owned(section)).unwrap();
        assert_eq!(section.object_type(), ObjectType::SECTION);
        assert!(
            section
                .rights()
                .contains(Rights::READ | Rights::WRITE | Rights::INSPECT),
            "{section:?}"
        );

        let process = WinHandle::new(current_process(u32::MAX)).unwrap();
        assert_eq!(process.object_type(), ObjectType::PROCESS);
        let all = Rights::WAIT | Rights::DESTROY | Rights::READ | Rights::WRITE | Rights::INSPECT;
        assert_eq!(process.rights(), all | CRATE_ENFORCED_RIGHTS, "{process:?}");
        let inspect = process.duplicate(Rights::INSPECT).unwrap();
        let process_id = |h: &WinHandle| {
            // SAFETY: `h` is open for the call; GetProcessId only reads the process id.
            unsafe { GetProcessId(h.as_raw_handle()) }
        };
        assert_eq!(process_id(&inspect), std::process::id());
        let process = process.reduce_rights(Rights::WAIT).unwrap();
        assert_eq!(process_id(&process), 0, "QUERY_LIMITED_INFORMATION is gone");

        // SAFETY: GetCurrentThread has no preconditions.
        let thread = real_handle(unsafe { GetCurrentThread() }, 0, DUPLICATE_SAME_ACCESS);
        let thread = WinHandle::new(thread).unwrap();
        assert_eq!(thread.object_type(), ObjectType::THREAD);
        assert!(
            thread
                .rights()
                .contains(Rights::WAIT | Rights::DESTROY | Rights::INSPECT),
            "{thread:?}"
        );
    }

    #[test]
    fn raw_values_that_are_not_handles_are_left_alone() {
        for raw in [0, -1, -2, -4, -6, -12, -16, 6] {
            // SAFETY: every one of these values fails the check, so nothing is owned.
            let err = unsafe { WinHandle::from_raw_checked(raw) }.unwrap_err();
            assert!(matches!(err, WinHandleError::Raw(_)), "{raw}: {err}");
        }
        // A real handle's value with a tag bit names the same handle: rejected, and the
        // handle stays open.
        let e = event();
        let v = e.raw_value();
        // SAFETY: the value fails the check (not a multiple of 4), so nothing is owned.
        let err = unsafe { WinHandle::from_raw_checked(v.get() + 1) }.unwrap_err();
        assert!(matches!(
            err,
            WinHandleError::Raw(RawHandleError::NotMultipleOf4(_))
        ));
        assert!(is_open(v));
        // The same value, handed over, is taken back.
        let raw = e.into_raw_handle();
        // SAFETY: `raw` came out of a WinHandle just now and nothing else owns it.
        let e = unsafe { WinHandle::from_raw_checked(raw.addr() as isize) }.unwrap();
        assert_eq!((e.raw_value(), e.object_type()), (v, ObjectType::EVENT));
        // std lets an OwnedHandle hold the current-process pseudo handle; it is refused.
        // SAFETY: -1 is the current-process pseudo handle, which std allows an OwnedHandle
        // to hold; closing it does nothing.
        let pseudo = unsafe { OwnedHandle::from_raw_handle(INVALID_HANDLE_VALUE) };
        let err = WinHandle::new(pseudo).unwrap_err();
        assert!(matches!(
            err,
            WinHandleError::Raw(RawHandleError::InvalidHandleValue)
        ));
    }

    #[test]
    fn sending_closes_the_source_even_when_it_fails() {
        // A process handle without PROCESS_DUP_HANDLE: the duplication fails.
        let weak = current_process(mask::SYNCHRONIZE);
        let e = event();
        let keep = e.duplicate(Rights::WAIT).unwrap();
        let err = e.send_to_process(weak.as_handle()).unwrap_err();
        assert!(
            matches!(
                err,
                WinHandleError::Os {
                    call: "DuplicateHandle",
                    ..
                }
            ),
            "{err}"
        );
        assert_eq!(
            handle_count(&keep),
            1,
            "the source is closed although the call failed"
        );
        // Without TRANSFER the handle is not sent, and is closed too.
        let process = current_process(u32::MAX);
        let e = event();
        let keep = e.duplicate(Rights::WAIT).unwrap();
        let e = e.reduce_rights(Rights::WAIT).unwrap();
        let err = e.send_to_process(process.as_handle()).unwrap_err();
        let missing = Rights::TRANSFER;
        assert!(matches!(err, WinHandleError::MissingRights { missing: m, .. } if m == missing));
        assert_eq!(handle_count(&keep), 1);
        // Sending to this very process works, and the value is then ours to take.
        let e = event();
        let keep = e.duplicate(Rights::WAIT).unwrap();
        let v = e.send_to_process(process.as_handle()).unwrap();
        assert_eq!(
            handle_count(&keep),
            2,
            "the source is closed, the copy open"
        );
        // SAFETY: `v` was pushed into this process by the call above, for this test.
        let e = unsafe { WinHandle::from_raw_checked(v.get()) }.unwrap();
        assert_eq!(e.rights(), Rights::EVENT_DEFAULT);
        drop(e);
        assert_eq!(handle_count(&keep), 1);
    }

    #[test]
    fn pulling_from_this_process_is_refused() {
        let e = event();
        let process = current_process(u32::MAX);
        let err = WinHandle::receive_from_process(process.as_handle(), e.raw_value()).unwrap_err();
        assert!(matches!(err, WinHandleError::SameProcess), "{err}");
        // SAFETY: -1 is the current-process pseudo handle, valid for the whole process
        // lifetime and never closed through a borrow.
        let pseudo = unsafe { BorrowedHandle::borrow_raw(INVALID_HANDLE_VALUE) };
        let err = WinHandle::receive_from_process(pseudo, e.raw_value()).unwrap_err();
        assert!(matches!(err, WinHandleError::SameProcess), "{err}");
        assert!(is_open(e.raw_value()));
    }

    #[test]
    fn standard_handles_are_real_or_an_error() {
        for h in [try_stdout(), try_stderr()] {
            let h = h.unwrap();
            let h = WinHandle::new(h.try_clone_to_owned().unwrap()).unwrap();
            assert_ne!(h.object_type(), ObjectType::UNKNOWN, "{h:?}");
        }
        // Only this test touches the standard input of the test process.
        // SAFETY: GetStdHandle only reads the process parameters.
        let saved = unsafe { GetStdHandle(STD_INPUT_HANDLE) };
        let set = |raw: HANDLE| {
            // SAFETY: SetStdHandle stores the value in the process parameters; nothing
            // here closes either the old or the new value.
            assert_ne!(unsafe { SetStdHandle(STD_INPUT_HANDLE, raw) }, 0);
        };
        set(core::ptr::null_mut());
        let absent = try_stdin();
        set(core::ptr::without_provenance_mut(-2isize as usize));
        let pseudo = try_stdin();
        set(INVALID_HANDLE_VALUE);
        let invalid = try_stdin();
        set(saved);
        assert!(
            matches!(absent, Err(StdioError::Absent(StdStream::Stdin))),
            "{absent:?}"
        );
        assert!(
            matches!(
                pseudo,
                Err(StdioError::Invalid {
                    source: RawHandleError::PseudoHandle(-2),
                    ..
                })
            ),
            "{pseudo:?}"
        );
        assert!(
            matches!(
                invalid,
                Err(StdioError::Failed {
                    stream: StdStream::Stdin,
                    ..
                })
            ),
            "{invalid:?}"
        );
    }

    const CHILD_ENV: &str = "HANDOFF_WINDOWS_CHILD";

    /// The parent pulls an event out of a child and pushes another one into it; the
    /// child signals the one it got.
    #[test]
    fn handles_cross_into_and_out_of_a_child_process() {
        let mut child = Command::new(std::env::current_exe().unwrap())
            .args([
                "--exact",
                "handle::windows::windows_tests::child_side",
                "--ignored",
                "--nocapture",
            ])
            .args(["--test-threads=1"])
            .env(CHILD_ENV, "1")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let mut to_child = child.stdin.take().unwrap();
        let mut from_child = BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        let pulled_value = loop {
            line.clear();
            assert_ne!(
                from_child.read_line(&mut line).unwrap(),
                0,
                "the child ended early"
            );
            // The harness may have printed the test name on the same line.
            if let Some((_, v)) = line.trim().rsplit_once("E2=") {
                break CheckedRawHandle::from_u32(v.parse().unwrap()).unwrap();
            }
        };
        let pulled = WinHandle::receive_from_process(child.as_handle(), pulled_value).unwrap();
        assert_eq!(pulled.object_type(), ObjectType::EVENT);
        set_event(&pulled).unwrap();
        assert_eq!(
            handle_count(&pulled),
            1,
            "the pull closed the handle in the child"
        );
        writeln!(to_child, "PULLED").unwrap();

        let pushed = event();
        let keep = pushed.duplicate(Rights::WAIT).unwrap();
        let value = pushed.send_to_process(child.as_handle()).unwrap();
        writeln!(to_child, "E1={}", value.to_u32()).unwrap();
        assert_eq!(
            wait(&keep, 30_000),
            WAIT_OBJECT_0,
            "the child signals the pushed event"
        );
        drop(to_child);
        let mut rest = String::new();
        from_child.read_to_string(&mut rest).unwrap();
        assert!(child.wait().unwrap().success(), "child output: {rest}");
    }

    #[test]
    #[ignore = "the child side of handles_cross_into_and_out_of_a_child_process"]
    fn child_side() {
        if std::env::var_os(CHILD_ENV).is_none() {
            return;
        }
        let e2 = event();
        println!("E2={}", e2.raw_value().to_u32());
        std::io::stdout().flush().unwrap();
        // The value is published: the parent pulls (and closes) it, so give it up here.
        // (Whether it is closed cannot be checked from here: its value may be reused by
        // the time the parent says so; the parent checks the event's handle count.)
        let _ = e2.into_owned().into_raw_handle();
        let mut lines = std::io::stdin().lines();
        assert_eq!(lines.next().unwrap().unwrap(), "PULLED");
        let line = lines.next().unwrap().unwrap();
        let value: isize = line.strip_prefix("E1=").unwrap().parse().unwrap();
        // SAFETY: the parent pushed this handle into this process for this test.
        let e1 = unsafe { WinHandle::from_raw_checked(value) }.unwrap();
        assert_eq!(e1.object_type(), ObjectType::EVENT);
        set_event(&e1).unwrap();
    }
}
