//! The attack classes apiwarden detects.

use serde::{Deserialize, Serialize};

/// One class of attack. `as_str` names are stable: rule ids, findings, corpus labels and
/// configuration use them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AttackClass {
    Sqli,
    Xss,
    Cmdi,
    PathTraversal,
    Ssrf,
    Xxe,
    Nosqli,
    Ldapi,
    Ssti,
    Jndi,
    Crlf,
    PrototypePollution,
    MassAssignment,
}

impl AttackClass {
    pub const ALL: [AttackClass; 13] = [
        AttackClass::Sqli,
        AttackClass::Xss,
        AttackClass::Cmdi,
        AttackClass::PathTraversal,
        AttackClass::Ssrf,
        AttackClass::Xxe,
        AttackClass::Nosqli,
        AttackClass::Ldapi,
        AttackClass::Ssti,
        AttackClass::Jndi,
        AttackClass::Crlf,
        AttackClass::PrototypePollution,
        AttackClass::MassAssignment,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AttackClass::Sqli => "sqli",
            AttackClass::Xss => "xss",
            AttackClass::Cmdi => "cmdi",
            AttackClass::PathTraversal => "path_traversal",
            AttackClass::Ssrf => "ssrf",
            AttackClass::Xxe => "xxe",
            AttackClass::Nosqli => "nosqli",
            AttackClass::Ldapi => "ldapi",
            AttackClass::Ssti => "ssti",
            AttackClass::Jndi => "jndi",
            AttackClass::Crlf => "crlf",
            AttackClass::PrototypePollution => "prototype_pollution",
            AttackClass::MassAssignment => "mass_assignment",
        }
    }

    pub fn parse(name: &str) -> Option<AttackClass> {
        AttackClass::ALL.into_iter().find(|class| class.as_str() == name)
    }
}

impl std::fmt::Display for AttackClass {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}
