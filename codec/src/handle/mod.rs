//! Handles: the trait every backend implements, object types, rights, and the checks
//! the decoder applies to each handle it claims.
//!
//! A handle is an owned OS resource. Closing it is dropping it, so Rust's ownership
//! rules are what guarantee that each handle of a message is closed exactly once. The
//! backends are:
//!
//! * [`mem`]: an in-memory "kernel" of typed objects with rights, which records every
//!   close (for tests, fuzzing and simulating Zircon-style handles);
//! * [`fd`] (Unix): file descriptors (`std::os::fd::OwnedFd`);
//! * [`windows`]: Windows `HANDLE`s, with the checked conversion from raw values.

#[cfg(unix)]
pub mod fd;
pub mod mem;
pub mod windows;

use core::fmt;

/// The kind of kernel object a handle refers to. The numbers below 0x1000 are Zircon's
/// (`zx_obj_type_t`), as the FIDL wire format and its conformance suite use them; host
/// OS objects that have no Zircon counterpart use 0x1000 and up.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct ObjectType(pub u32);

impl ObjectType {
    /// No particular type: as an expectation, any object is accepted.
    pub const NONE: Self = Self(0);
    /// A process.
    pub const PROCESS: Self = Self(1);
    /// A thread.
    pub const THREAD: Self = Self(2);
    /// A virtual memory object (on Unix: a memfd).
    pub const VMO: Self = Self(3);
    /// A channel (one end of a message pipe that carries handles).
    pub const CHANNEL: Self = Self(4);
    /// An event (on Unix: an eventfd).
    pub const EVENT: Self = Self(5);
    /// A port.
    pub const PORT: Self = Self(6);
    /// A socket (on Unix: any socket, a Unix-domain one included).
    pub const SOCKET: Self = Self(14);
    /// An event pair.
    pub const EVENTPAIR: Self = Self(16);
    /// A job.
    pub const JOB: Self = Self(17);
    /// A timer (on Unix: a timerfd).
    pub const TIMER: Self = Self(22);
    /// A regular file.
    pub const FILE: Self = Self(0x1000);
    /// A directory.
    pub const DIRECTORY: Self = Self(0x1001);
    /// A pipe or FIFO (either end).
    pub const PIPE: Self = Self(0x1002);
    /// A character device.
    pub const CHAR_DEVICE: Self = Self(0x1003);
    /// A block device.
    pub const BLOCK_DEVICE: Self = Self(0x1004);
    /// A Linux pidfd.
    pub const PIDFD: Self = Self(0x1005);
    /// A Windows mutex.
    pub const MUTEX: Self = Self(0x1010);
    /// A Windows semaphore.
    pub const SEMAPHORE: Self = Self(0x1011);
    /// A Windows file mapping (section).
    pub const SECTION: Self = Self(0x1012);
    /// An object the backend cannot classify.
    pub const UNKNOWN: Self = Self(0xFFFF);

    /// A short name for the known types.
    pub fn name(self) -> Option<&'static str> {
        Some(match self {
            Self::NONE => "none",
            Self::PROCESS => "process",
            Self::THREAD => "thread",
            Self::VMO => "vmo",
            Self::CHANNEL => "channel",
            Self::EVENT => "event",
            Self::PORT => "port",
            Self::SOCKET => "socket",
            Self::EVENTPAIR => "eventpair",
            Self::JOB => "job",
            Self::TIMER => "timer",
            Self::FILE => "file",
            Self::DIRECTORY => "directory",
            Self::PIPE => "pipe",
            Self::CHAR_DEVICE => "char_device",
            Self::BLOCK_DEVICE => "block_device",
            Self::PIDFD => "pidfd",
            Self::MUTEX => "mutex",
            Self::SEMAPHORE => "semaphore",
            Self::SECTION => "section",
            Self::UNKNOWN => "unknown",
            _ => return None,
        })
    }
}

impl fmt::Debug for ObjectType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(n) => write!(f, "{n}"),
            None => write!(f, "ObjectType({})", self.0),
        }
    }
}

impl fmt::Display for ObjectType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self, f)
    }
}

/// Rights bits (`zx_rights_t`): what the holder of a handle may do with it.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Rights(pub u32);

impl Rights {
    /// No rights.
    pub const NONE: Self = Self(0);
    /// May be duplicated.
    pub const DUPLICATE: Self = Self(1 << 0);
    /// May be sent in a message.
    pub const TRANSFER: Self = Self(1 << 1);
    /// May be read from.
    pub const READ: Self = Self(1 << 2);
    /// May be written to.
    pub const WRITE: Self = Self(1 << 3);
    /// May be executed / mapped executable.
    pub const EXECUTE: Self = Self(1 << 4);
    /// May be mapped.
    pub const MAP: Self = Self(1 << 5);
    /// Properties may be read.
    pub const GET_PROPERTY: Self = Self(1 << 6);
    /// Properties may be set.
    pub const SET_PROPERTY: Self = Self(1 << 7);
    /// Children may be enumerated.
    pub const ENUMERATE: Self = Self(1 << 8);
    /// May be destroyed.
    pub const DESTROY: Self = Self(1 << 9);
    /// Policy may be set.
    pub const SET_POLICY: Self = Self(1 << 10);
    /// Policy may be read.
    pub const GET_POLICY: Self = Self(1 << 11);
    /// The object may be signaled.
    pub const SIGNAL: Self = Self(1 << 12);
    /// The peer may be signaled.
    pub const SIGNAL_PEER: Self = Self(1 << 13);
    /// May be waited on.
    pub const WAIT: Self = Self(1 << 14);
    /// May be inspected.
    pub const INSPECT: Self = Self(1 << 15);
    /// As an expectation: keep whatever rights the handle has (no check, no reduction).
    pub const SAME_RIGHTS: Self = Self(1 << 31);
    /// `TRANSFER | DUPLICATE | WAIT | INSPECT`.
    pub const BASIC: Self = Self(0xC003);
    /// `READ | WRITE`.
    pub const IO: Self = Self(0x000C);
    /// The rights of a new channel end.
    pub const CHANNEL_DEFAULT: Self = Self(0xF00E);
    /// The rights of a new event.
    pub const EVENT_DEFAULT: Self = Self(0xD003);

    /// The raw bits.
    pub const fn bits(self) -> u32 {
        self.0
    }

    /// Whether every right in `other` is in `self`.
    pub const fn contains(self, other: Self) -> bool {
        self.0 & other.0 == other.0
    }

    /// The rights in both.
    pub const fn intersection(self, other: Self) -> Self {
        Self(self.0 & other.0)
    }

    /// The rights in either.
    pub const fn union(self, other: Self) -> Self {
        Self(self.0 | other.0)
    }
}

impl core::ops::BitOr for Rights {
    type Output = Self;
    fn bitor(self, rhs: Self) -> Self {
        self.union(rhs)
    }
}

impl core::ops::BitAnd for Rights {
    type Output = Self;
    fn bitand(self, rhs: Self) -> Self {
        self.intersection(rhs)
    }
}

impl fmt::Debug for Rights {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Rights({:#x})", self.0)
    }
}

/// Why a backend could not reduce a handle's rights.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("cannot reduce the rights of a {object_type} handle to {wanted:?}: {reason}")]
pub struct RightsError {
    /// The object type of the handle.
    pub object_type: ObjectType,
    /// The rights that were asked for.
    pub wanted: Rights,
    /// What the backend said.
    pub reason: &'static str,
}

/// An owned handle of some backend. Dropping it closes it.
///
/// The decoder checks each handle it claims against the type's declared object type and
/// rights ([`HandleConstraint`]): a handle of another object type or without a required
/// right is an error, and a handle with more rights than declared is narrowed with
/// [`Handle::reduce_rights`] (FIDL's rights reduction).
pub trait Handle: Sized {
    /// The kind of object, as far as the backend can tell ([`ObjectType::UNKNOWN`] if it
    /// cannot).
    fn object_type(&self) -> ObjectType;

    /// The rights this handle carries.
    fn rights(&self) -> Rights;

    /// Replaces this handle by one to the same object with exactly `rights`, which is a
    /// subset of [`Handle::rights`]. On failure the handle is closed (dropped) and the
    /// error says why.
    fn reduce_rights(self, rights: Rights) -> Result<Self, RightsError>;
}

/// What a handle slot of a type declares: the object type (or [`ObjectType::NONE`] for
/// any) and the rights (or [`Rights::SAME_RIGHTS`] for whatever the handle has).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct HandleConstraint {
    /// The object type the slot takes.
    pub object_type: ObjectType,
    /// The rights the slot takes.
    pub rights: Rights,
}

impl HandleConstraint {
    /// Any object, with whatever rights it has.
    pub const ANY: Self = Self {
        object_type: ObjectType::NONE,
        rights: Rights::SAME_RIGHTS,
    };

    /// A slot for objects of `object_type` with exactly `rights`.
    pub const fn new(object_type: ObjectType, rights: Rights) -> Self {
        Self {
            object_type,
            rights,
        }
    }
}

impl Default for HandleConstraint {
    fn default() -> Self {
        Self::ANY
    }
}

/// How a handle leaves on encode: the type and rights the schema declares for its slot,
/// which a transport applies when it sends it (`zx_channel_write_etc`'s dispositions).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct HandleDisposition {
    /// The declared object type.
    pub object_type: ObjectType,
    /// The declared rights.
    pub rights: Rights,
}

/// The handle type of messages that carry no handles: it has no values, so a
/// `MessageBuf<NoHandle>` can only hold value types.
#[derive(Debug)]
pub enum NoHandle {}

impl Handle for NoHandle {
    fn object_type(&self) -> ObjectType {
        match *self {}
    }

    fn rights(&self) -> Rights {
        match *self {}
    }

    fn reduce_rights(self, _rights: Rights) -> Result<Self, RightsError> {
        match self {}
    }
}
