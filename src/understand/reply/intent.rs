//! Intent of a reply (stub, filled in below).

/// What the intent reader found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IntentReading {
    pub intent: Option<crate::understand::Intent>,
    pub phrases: Vec<String>,
    pub referral_email: Option<String>,
    pub referral_name: Option<String>,
    pub revisit: Option<String>,
}

/// Reads the intent of new reply text.
pub fn read(_text: &str, _date: Option<&str>) -> IntentReading {
    IntentReading::default()
}
