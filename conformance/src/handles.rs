//! GIDL's handle model: subtypes (`event`, `channel`) and rights names.

/// The kind of kernel object a GIDL handle refers to. GIDL defines only these two.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum HandleSubtype {
    /// `event`: zircon object type 5.
    Event,
    /// `channel`: zircon object type 4.
    Channel,
}

impl HandleSubtype {
    /// Looks a subtype up by its GIDL name.
    pub fn from_name(name: &str) -> Option<HandleSubtype> {
        match name {
            "event" => Some(HandleSubtype::Event),
            "channel" => Some(HandleSubtype::Channel),
            _ => None,
        }
    }

    /// The GIDL name.
    pub fn name(self) -> &'static str {
        match self {
            HandleSubtype::Event => "event",
            HandleSubtype::Channel => "channel",
        }
    }

    /// The zircon object type number (`ZX_OBJ_TYPE_*`), as `obj_type` in
    /// `handles.test.fidl` numbers it.
    pub fn obj_type(self) -> u32 {
        match self {
            HandleSubtype::Event => 5,
            HandleSubtype::Channel => 4,
        }
    }

    /// The rights a freshly created object of this type has (`ZX_DEFAULT_*_RIGHTS`):
    /// what a handle definition without `rights:` gets.
    pub fn default_rights(self) -> u32 {
        match self {
            HandleSubtype::Event => rights::EVENT_DEFAULT,
            HandleSubtype::Channel => rights::CHANNEL_DEFAULT,
        }
    }
}

/// Zircon handle-rights bits under their GIDL names.
pub mod rights {
    /// `none`: no rights.
    pub const NONE: u32 = 0;
    /// `duplicate`.
    pub const DUPLICATE: u32 = 1 << 0;
    /// `transfer`.
    pub const TRANSFER: u32 = 1 << 1;
    /// `read`.
    pub const READ: u32 = 1 << 2;
    /// `write`.
    pub const WRITE: u32 = 1 << 3;
    /// `execute`.
    pub const EXECUTE: u32 = 1 << 4;
    /// `map`.
    pub const MAP: u32 = 1 << 5;
    /// `get_property`.
    pub const GET_PROPERTY: u32 = 1 << 6;
    /// `set_property`.
    pub const SET_PROPERTY: u32 = 1 << 7;
    /// `enumerate`.
    pub const ENUMERATE: u32 = 1 << 8;
    /// `destroy`.
    pub const DESTROY: u32 = 1 << 9;
    /// `set_policy`.
    pub const SET_POLICY: u32 = 1 << 10;
    /// `get_policy`.
    pub const GET_POLICY: u32 = 1 << 11;
    /// `signal`.
    pub const SIGNAL: u32 = 1 << 12;
    /// `signal_peer`.
    pub const SIGNAL_PEER: u32 = 1 << 13;
    /// `wait`.
    pub const WAIT: u32 = 1 << 14;
    /// `inspect`.
    pub const INSPECT: u32 = 1 << 15;
    /// `same_rights`: keep the rights the handle already has.
    pub const SAME_RIGHTS: u32 = 1 << 31;
    /// `basic` = transfer | duplicate | wait | inspect (0xC003).
    pub const BASIC: u32 = TRANSFER | DUPLICATE | WAIT | INSPECT;
    /// `io` = read | write.
    pub const IO: u32 = READ | WRITE;
    /// `channel_default` = transfer | wait | inspect | io | signal | signal_peer.
    pub const CHANNEL_DEFAULT: u32 = TRANSFER | WAIT | INSPECT | IO | SIGNAL | SIGNAL_PEER;
    /// `event_default` = basic | signal (0xD003).
    pub const EVENT_DEFAULT: u32 = BASIC | SIGNAL;

    /// Every rights name GIDL accepts, with its bits.
    pub const NAMES: [(&str, u32); 22] = [
        ("none", NONE),
        ("same_rights", SAME_RIGHTS),
        ("duplicate", DUPLICATE),
        ("transfer", TRANSFER),
        ("read", READ),
        ("write", WRITE),
        ("execute", EXECUTE),
        ("map", MAP),
        ("get_property", GET_PROPERTY),
        ("set_property", SET_PROPERTY),
        ("enumerate", ENUMERATE),
        ("destroy", DESTROY),
        ("set_policy", SET_POLICY),
        ("get_policy", GET_POLICY),
        ("signal", SIGNAL),
        ("signal_peer", SIGNAL_PEER),
        ("wait", WAIT),
        ("inspect", INSPECT),
        ("basic", BASIC),
        ("io", IO),
        ("channel_default", CHANNEL_DEFAULT),
        ("event_default", EVENT_DEFAULT),
    ];

    /// The bits of one rights name.
    pub fn from_name(name: &str) -> Option<u32> {
        NAMES
            .iter()
            .find(|(n, _)| *n == name)
            .map(|&(_, bits)| bits)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rights_values_match_zircon() {
        assert_eq!(rights::BASIC, 0xC003);
        assert_eq!(rights::EVENT_DEFAULT, 0xD003);
        assert_eq!(rights::CHANNEL_DEFAULT, 0xF00E);
        assert_eq!(rights::from_name("signal_peer"), Some(0x2000));
        assert_eq!(rights::from_name("same_rights"), Some(0x8000_0000));
        assert_eq!(rights::from_name("Basic"), None);
        let mut names: Vec<_> = rights::NAMES.iter().map(|(n, _)| *n).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), rights::NAMES.len());
    }

    #[test]
    fn subtypes() {
        for s in [HandleSubtype::Event, HandleSubtype::Channel] {
            assert_eq!(HandleSubtype::from_name(s.name()), Some(s));
        }
        assert_eq!(HandleSubtype::from_name("vmo"), None);
        assert_eq!(HandleSubtype::Event.default_rights(), rights::EVENT_DEFAULT);
        assert_eq!(HandleSubtype::Channel.obj_type(), 4);
    }
}
