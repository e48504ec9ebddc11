//! Per-channel limits on what one message may carry.

use crate::Error;

/// The most fds one `sendmsg` may carry on Linux (`SCM_MAX_FD`).
pub const SCM_MAX_FD: usize = 253;

/// What one message may carry, checked on send (before any system call) and on
/// receive (the message is rejected and its fds closed).
///
/// * `max_bytes` bounds the bytes of one message, and so the receive buffer: a peer
///   cannot make the receiver allocate more than this. Default 64 KiB, a Zircon
///   channel's limit.
/// * `max_fds` bounds the fds of one message, and so how many fds a peer can make the
///   receiver hold at once (each one counts against `RLIMIT_NOFILE`). Default 64, a
///   Zircon channel's limit; at most [`SCM_MAX_FD`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Limits {
    max_bytes: usize,
    max_fds: usize,
}

impl Limits {
    /// 64 KiB and 64 fds per message.
    pub const DEFAULT: Self = Self {
        max_bytes: 64 * 1024,
        max_fds: 64,
    };

    /// Limits of `max_bytes` (at least 1) and `max_fds` (at most [`SCM_MAX_FD`]).
    pub const fn new(max_bytes: usize, max_fds: usize) -> Result<Self, Error> {
        if max_bytes == 0 {
            return Err(Error::InvalidLimits("max_bytes must be at least 1"));
        }
        if max_fds > SCM_MAX_FD {
            return Err(Error::InvalidLimits(
                "max_fds must be at most SCM_MAX_FD (253)",
            ));
        }
        Ok(Self { max_bytes, max_fds })
    }

    /// The most bytes one message may have.
    pub const fn max_bytes(&self) -> usize {
        self.max_bytes
    }

    /// The most fds one message may carry.
    pub const fn max_fds(&self) -> usize {
        self.max_fds
    }
}

impl Default for Limits {
    fn default() -> Self {
        Self::DEFAULT
    }
}
