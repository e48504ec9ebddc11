//! Per-channel limits on what one message may carry.

use super::Error;

/// The most handles one frame can carry, whatever the limits: the same number as
/// the Unix transport's `SCM_MAX_FD`, so limits carry over between the two.
pub const MAX_HANDLES: usize = 253;

/// What one message may carry, checked on send (before any system call) and on
/// receive (the message is rejected and its handles closed).
///
/// * `max_bytes` bounds the bytes of one message, and so the receive buffer: a peer
///   cannot make the receiver allocate more than this. Default 64 KiB, a Zircon
///   channel's limit.
/// * `max_handles` bounds the handles of one message, and so how many handles a peer
///   can make the receiver hold at once. Default 64, a Zircon channel's limit; at most
///   [`MAX_HANDLES`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Limits {
    max_bytes: usize,
    max_handles: usize,
}

impl Limits {
    /// 64 KiB and 64 handles per message.
    pub const DEFAULT: Self = Self {
        max_bytes: 64 * 1024,
        max_handles: 64,
    };

    /// Limits of `max_bytes` (at least 1, at most `u32::MAX`: a frame counts its bytes
    /// in 32 bits) and `max_handles` (at most [`MAX_HANDLES`]).
    pub const fn new(max_bytes: usize, max_handles: usize) -> Result<Self, Error> {
        if max_bytes == 0 {
            return Err(Error::InvalidLimits("max_bytes must be at least 1"));
        }
        if max_bytes > u32::MAX as usize {
            return Err(Error::InvalidLimits("max_bytes must fit in 32 bits"));
        }
        if max_handles > MAX_HANDLES {
            return Err(Error::InvalidLimits(
                "max_handles must be at most MAX_HANDLES (253)",
            ));
        }
        Ok(Self {
            max_bytes,
            max_handles,
        })
    }

    /// The most bytes one message may have.
    pub const fn max_bytes(&self) -> usize {
        self.max_bytes
    }

    /// The most handles one message may carry.
    pub const fn max_handles(&self) -> usize {
        self.max_handles
    }
}

impl Default for Limits {
    fn default() -> Self {
        Self::DEFAULT
    }
}
