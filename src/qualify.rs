//! Qualification and scoring: an explainable score (reasons with points)
//! mapped to one of six ranks. Pure functions; routing acts on the result.

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::understand::{Kind, Understanding};

/// The six lead-value ranks (DESIGN.md), each with its routing action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Hash)]
#[serde(rename_all = "snake_case")]
pub enum Rank {
    Hot,
    HighPotential,
    NeedInformation,
    LowPotential,
    Partner,
    NeedNurturing,
}

/// One line of the explanation: why the score moved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reason {
    pub points: i32,
    pub why: String,
}

/// A lead's score and the rank it maps to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Score {
    pub points: i32,
    pub rank: Rank,
    pub reasons: Vec<Reason>,
}

impl Score {
    pub fn reasons_json(&self) -> Value {
        Value::Array(self.reasons.iter().map(|r| json!({"points": r.points, "why": r.why})).collect())
    }
}

/// Scores a lead (or a reply) of an understood message; `None` for noise.
pub fn score(u: &Understanding, _lead_index: Option<usize>) -> Option<Score> {
    match u.kind {
        Kind::Lead | Kind::Reply => None,
        _ => None,
    }
}
