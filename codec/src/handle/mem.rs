//! An in-memory handle backend: typed objects with rights, and a record of every close.
//!
//! A [`MemSpace`] plays the kernel. It hands out [`MemHandle`]s, each with a unique raw
//! value, a kernel object id (koid) shared by every handle to the same object, an object
//! type and rights. Dropping a handle closes it and the space records the close, so a
//! test can assert that every handle of a message was closed exactly once:
//!
//! ```
//! use handoff_codec::handle::mem::MemSpace;
//! use handoff_codec::handle::{Handle, ObjectType, Rights};
//!
//! let space = MemSpace::new();
//! let event = space.event();
//! let raw = event.raw();
//! assert_eq!(event.object_type(), ObjectType::EVENT);
//! drop(event);
//! assert_eq!(space.close_count(raw), 1);
//! assert_eq!(space.open_count(), 0);
//! ```

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard};

use super::{Handle, ObjectType, Rights, RightsError};

#[derive(Default)]
struct State {
    next_raw: u32,
    next_koid: u64,
    /// Closes recorded per raw handle value.
    closes: HashMap<u32, u32>,
    /// Raw values handed out and not yet closed.
    open: HashMap<u32, u64>,
}

/// The in-memory "kernel": creates handles and records their closes. Cheap to clone
/// (the clones share one record).
#[derive(Clone, Default)]
pub struct MemSpace {
    state: Arc<Mutex<State>>,
}

impl fmt::Debug for MemSpace {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = self.lock();
        f.debug_struct("MemSpace")
            .field("open", &s.open.len())
            .finish()
    }
}

impl MemSpace {
    /// A new, empty space.
    pub fn new() -> Self {
        Self::default()
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // A panic while holding the lock cannot leave the record half-written (each
        // update is a single map operation), so a poisoned lock is still usable.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn mint(&self, koid: Option<u64>, object_type: ObjectType, rights: Rights) -> MemHandle {
        let mut s = self.lock();
        s.next_raw += 4;
        let raw = s.next_raw;
        let koid = koid.unwrap_or_else(|| {
            s.next_koid += 1;
            s.next_koid
        });
        s.open.insert(raw, koid);
        MemHandle {
            raw,
            koid,
            object_type,
            rights,
            space: self.clone(),
        }
    }

    /// A handle to a new object of `object_type` with `rights`.
    pub fn create(&self, object_type: ObjectType, rights: Rights) -> MemHandle {
        self.mint(None, object_type, rights)
    }

    /// A new event with the default event rights.
    pub fn event(&self) -> MemHandle {
        self.create(ObjectType::EVENT, Rights::EVENT_DEFAULT)
    }

    /// A new channel end with the default channel rights.
    pub fn channel(&self) -> MemHandle {
        self.create(ObjectType::CHANNEL, Rights::CHANNEL_DEFAULT)
    }

    /// How many times the handle with this raw value was closed (exactly 1 for a handle
    /// that was handed out and dropped; never more, by construction).
    pub fn close_count(&self, raw: u32) -> u32 {
        self.lock().closes.get(&raw).copied().unwrap_or(0)
    }

    /// Whether the handle with this raw value is still open.
    pub fn is_open(&self, raw: u32) -> bool {
        self.lock().open.contains_key(&raw)
    }

    /// How many handles of this space are open.
    pub fn open_count(&self) -> usize {
        self.lock().open.len()
    }

    /// The total number of closes recorded.
    pub fn total_closes(&self) -> u64 {
        self.lock().closes.values().map(|&c| u64::from(c)).sum()
    }
}

/// A handle of a [`MemSpace`]. Not `Clone`: it is an owned resource; dropping it closes
/// it and records the close.
pub struct MemHandle {
    raw: u32,
    koid: u64,
    object_type: ObjectType,
    rights: Rights,
    space: MemSpace,
}

impl MemHandle {
    /// The raw handle value, unique among every handle the space ever handed out.
    pub fn raw(&self) -> u32 {
        self.raw
    }

    /// The id of the object this handle refers to; handles made from one another by
    /// rights reduction or duplication share it.
    pub fn koid(&self) -> u64 {
        self.koid
    }

    /// The space this handle lives in.
    pub fn space(&self) -> &MemSpace {
        &self.space
    }

    /// A second handle to the same object with `rights` (a subset of this one's), if
    /// this handle has [`Rights::DUPLICATE`].
    pub fn duplicate(&self, rights: Rights) -> Result<Self, RightsError> {
        let rights = if rights == Rights::SAME_RIGHTS {
            self.rights
        } else {
            rights
        };
        if !self.rights.contains(Rights::DUPLICATE) || !self.rights.contains(rights) {
            return Err(RightsError {
                object_type: self.object_type,
                wanted: rights,
                reason: "the handle lacks DUPLICATE or the asked-for rights",
            });
        }
        Ok(self.space.mint(Some(self.koid), self.object_type, rights))
    }
}

impl fmt::Debug for MemHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MemHandle")
            .field("raw", &self.raw)
            .field("koid", &self.koid)
            .field("type", &self.object_type)
            .field("rights", &self.rights)
            .finish()
    }
}

impl Drop for MemHandle {
    fn drop(&mut self) {
        let mut s = self.space.lock();
        s.open.remove(&self.raw);
        *s.closes.entry(self.raw).or_insert(0) += 1;
    }
}

impl Handle for MemHandle {
    fn object_type(&self) -> ObjectType {
        self.object_type
    }

    fn rights(&self) -> Rights {
        self.rights
    }

    fn reduce_rights(self, rights: Rights) -> Result<Self, RightsError> {
        if !self.rights.contains(rights) {
            return Err(RightsError {
                object_type: self.object_type,
                wanted: rights,
                reason: "rights can only be reduced",
            });
        }
        // Like zx_handle_replace: a new handle value; the old one is closed.
        let new = self.space.mint(Some(self.koid), self.object_type, rights);
        drop(self);
        Ok(new)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn closes_are_recorded_once_per_handle() {
        let space = MemSpace::new();
        let a = space.event();
        let b = space.channel();
        let (ra, rb) = (a.raw(), b.raw());
        assert_ne!(ra, rb);
        assert_eq!(space.open_count(), 2);
        drop(a);
        assert_eq!(space.close_count(ra), 1);
        assert_eq!(space.close_count(rb), 0);
        assert!(space.is_open(rb));
        drop(b);
        assert_eq!(space.open_count(), 0);
        assert_eq!(space.total_closes(), 2);
    }

    #[test]
    fn reduce_rights_replaces_the_handle() {
        let space = MemSpace::new();
        let e = space.event();
        let (raw, koid) = (e.raw(), e.koid());
        let r = e.reduce_rights(Rights::BASIC).unwrap();
        assert_eq!(r.rights(), Rights::BASIC);
        assert_eq!(r.koid(), koid);
        assert_ne!(r.raw(), raw);
        assert_eq!(space.close_count(raw), 1);
        assert_eq!(space.open_count(), 1);
        let err = r.reduce_rights(Rights::EVENT_DEFAULT).unwrap_err();
        assert_eq!(err.object_type, ObjectType::EVENT);
        assert_eq!(
            space.open_count(),
            0,
            "a failed reduction closes the handle"
        );
    }

    #[test]
    fn duplicate_needs_the_right() {
        let space = MemSpace::new();
        let e = space.create(ObjectType::EVENT, Rights::TRANSFER);
        assert!(e.duplicate(Rights::SAME_RIGHTS).is_err());
        let d = space.event();
        let d2 = d.duplicate(Rights::BASIC).unwrap();
        assert_eq!(d2.koid(), d.koid());
    }
}
