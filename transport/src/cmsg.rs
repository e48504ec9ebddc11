//! The control-data buffer a message is received with, and a walk over what the kernel
//! wrote into it.
//!
//! rustix's `RecvAncillaryBuffer::drain` hands out the fds of `SCM_RIGHTS` messages (and
//! credentials) but skips control messages it does not know. To reject a message that
//! carries any of those, the buffer starts zeroed and, after `recvmsg`, the headers the
//! kernel wrote are walked here directly (the kernel's `struct cmsghdr`: a `size_t`
//! length, then `int` level and type, each message aligned to `size_t`).

use core::mem::{MaybeUninit, size_of};

use rustix::net::RecvAncillaryBuffer;

use crate::limits::SCM_MAX_FD;

const WORD: usize = size_of::<usize>();
/// `sizeof(struct cmsghdr)`.
const HEADER: usize = WORD + 2 * size_of::<i32>();
/// `SOL_SOCKET`.
const SOL_SOCKET: i32 = 1;
/// `SCM_RIGHTS`.
const SCM_RIGHTS: i32 = 1;

/// `CMSG_ALIGN`.
const fn align(n: usize) -> usize {
    (n + WORD - 1) & !(WORD - 1)
}

/// `CMSG_SPACE(n * sizeof(int))`: the control buffer for exactly `n` fds (the kernel
/// fills it with as many whole fds as fit, which can be one more than `n` when
/// `n * 4` is not a multiple of the alignment).
pub(crate) const fn space_for_fds(n: usize) -> usize {
    align(HEADER) + align(n * size_of::<i32>())
}

/// Room for the largest `SCM_RIGHTS` message there can be.
const CAPACITY: usize = space_for_fds(SCM_MAX_FD);

/// A zeroed control buffer, aligned for `struct cmsghdr`.
#[repr(C, align(8))]
pub(crate) struct ControlSpace {
    // INVARIANTS: every byte is initialized. `zeroed` writes them all, and the only
    // mutable access, in `with_buffer`, goes to rustix's `RecvAncillaryBuffer`, which
    // lets only the kernel write (through `recvmsg`), and the kernel writes bytes.
    bytes: [MaybeUninit<u8>; CAPACITY],
}

/// What the control messages of one received message were.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct ControlSummary {
    /// How many `SCM_RIGHTS` messages.
    pub(crate) rights: usize,
    /// The first message of another level or type.
    pub(crate) foreign: Option<(i32, i32)>,
}

impl ControlSpace {
    pub(crate) fn zeroed() -> Self {
        Self {
            bytes: [MaybeUninit::new(0); CAPACITY],
        }
    }

    /// Runs `f` with a receive buffer of the space for `max_fds` fds.
    pub(crate) fn with_buffer<R>(
        &mut self,
        max_fds: usize,
        f: impl FnOnce(&mut RecvAncillaryBuffer<'_>) -> R,
    ) -> R {
        let len = space_for_fds(max_fds.min(SCM_MAX_FD));
        let mut buffer = RecvAncillaryBuffer::new(&mut self.bytes[..len]);
        f(&mut buffer)
    }

    fn as_bytes(&self) -> &[u8; CAPACITY] {
        let ptr: *const [MaybeUninit<u8>; CAPACITY] = &self.bytes;
        // SAFETY: `MaybeUninit<u8>` has the size, alignment and layout of `u8`, so the
        // array types match, and by the invariant on `bytes` every byte is initialized,
        // so reading them as `u8` is sound. The shared borrow of `self` keeps them from
        // changing while the result lives.
        unsafe { &*ptr.cast::<[u8; CAPACITY]>() }
    }

    /// Walks the control messages the kernel wrote. The buffer was zeroed, and the
    /// kernel never writes a header with a length below `sizeof(struct cmsghdr)`, so a
    /// zero length marks the end.
    pub(crate) fn summary(&self) -> ControlSummary {
        let bytes = self.as_bytes();
        let mut summary = ControlSummary::default();
        let mut offset = 0usize;
        while let Some(header) = offset
            .checked_add(HEADER)
            .and_then(|end| bytes.get(offset..end))
        {
            let (len, rest) = header.split_at(WORD);
            let (level, kind) = rest.split_at(size_of::<i32>());
            let len = usize::from_ne_bytes(len.try_into().unwrap_or([0; WORD]));
            let level = i32::from_ne_bytes(level.try_into().unwrap_or([0; 4]));
            let kind = i32::from_ne_bytes(kind.try_into().unwrap_or([0; 4]));
            if len < HEADER {
                break;
            }
            if (level, kind) == (SOL_SOCKET, SCM_RIGHTS) {
                summary.rights += 1;
            } else if summary.foreign.is_none() {
                summary.foreign = Some((level, kind));
            }
            match len
                .checked_add(WORD - 1)
                .and_then(|l| offset.checked_add(l & !(WORD - 1)))
            {
                Some(next) => offset = next,
                None => break,
            }
        }
        summary
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn space_matches_cmsg_space() {
        // CMSG_SPACE(4 * n) on 64-bit Linux: a 16-byte header, data rounded up to 8.
        if WORD == 8 {
            assert_eq!(space_for_fds(0), 16);
            assert_eq!(space_for_fds(1), 24);
            assert_eq!(space_for_fds(2), 24);
            assert_eq!(space_for_fds(3), 32);
            assert_eq!(space_for_fds(253), 16 + 1016);
        }
        // rustix's macro adds alignment slack on top of CMSG_SPACE.
        assert!(rustix::cmsg_space!(ScmRights(253)) >= CAPACITY);
    }

    #[test]
    fn zeroed_space_has_no_messages() {
        assert_eq!(ControlSpace::zeroed().summary(), ControlSummary::default());
    }
}
