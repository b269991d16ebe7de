//! Classification of path segments.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SegKind {
    Int,
    Uuid,
    Hex,
    ObjectId,
    Email,
    Token,
    Date,
    Version,
    FreeText,
}

impl SegKind {
    pub const ALL: [SegKind; 9] = [
        SegKind::Int,
        SegKind::Uuid,
        SegKind::Hex,
        SegKind::ObjectId,
        SegKind::Email,
        SegKind::Token,
        SegKind::Date,
        SegKind::Version,
        SegKind::FreeText,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SegKind::Int => "int",
            SegKind::Uuid => "uuid",
            SegKind::Hex => "hex",
            SegKind::ObjectId => "objectid",
            SegKind::Email => "email",
            SegKind::Token => "token",
            SegKind::Date => "date",
            SegKind::Version => "version",
            SegKind::FreeText => "text",
        }
    }

    pub fn from_str_opt(text: &str) -> Option<SegKind> {
        SegKind::ALL.into_iter().find(|kind| kind.as_str() == text)
    }
}
