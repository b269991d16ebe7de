//! The sensitive data types: a stable id, a category, how sensitive they are and whether a
//! checksum or structural validator backs their detection.

use std::fmt;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

/// The broad class of a data type; posture findings and dashboards group by it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    /// Data about a person (contact details, identifiers, location).
    Personal,
    /// Payment and banking data (PCI DSS and friends).
    Financial,
    /// Anything that grants access: passwords, tokens, keys.
    Credential,
    /// GDPR article 9 special categories: health, religion, ethnicity, ...
    Special,
}

impl Category {
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Personal => "personal",
            Category::Financial => "financial",
            Category::Credential => "credential",
            Category::Special => "special",
        }
    }
}

/// How much harm exposure of one value does; a hint for severities downstream.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sensitivity {
    /// Public by design or low impact (a Stripe publishable key, an IP address).
    Low,
    /// Personal data that identifies or contacts someone.
    Medium,
    /// Grants access, moves money or falls in a special category.
    High,
}

macro_rules! builtins {
    ($( $variant:ident => ($id:literal, $cat:ident, $validated:literal, $sens:ident, $desc:literal), )*) => {
        /// The built-in data types. [`Builtin::id`] is the stable string used in config,
        /// stores and reports.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Builtin {
            $( $variant, )*
        }

        impl Builtin {
            /// Every built-in type, in a fixed order.
            pub const ALL: &'static [Builtin] = &[$( Builtin::$variant, )*];

            /// The stable id (`card_number`).
            pub fn id(self) -> &'static str {
                match self { $( Builtin::$variant => $id, )* }
            }

            pub fn category(self) -> Category {
                match self { $( Builtin::$variant => Category::$cat, )* }
            }

            /// True when detection rests on a checksum or on a structure specific enough
            /// to identify the type from the value alone (Luhn, mod-97, a token prefix
            /// and exact length, a decodable JWT). Other types rely on field-name context.
            pub fn validated(self) -> bool {
                match self { $( Builtin::$variant => $validated, )* }
            }

            pub fn sensitivity(self) -> Sensitivity {
                match self { $( Builtin::$variant => Sensitivity::$sens, )* }
            }

            /// One line for people (tables, docs).
            pub fn description(self) -> &'static str {
                match self { $( Builtin::$variant => $desc, )* }
            }

            /// The built-in type with this id.
            pub fn from_id(id: &str) -> Option<Builtin> {
                match id { $( $id => Some(Builtin::$variant), )* _ => None }
            }
        }
    };
}

builtins! {
    Email => ("email", Personal, true, Medium, "e-mail address (RFC 5321 shape, dotted domain, alphabetic TLD)"),
    Phone => ("phone", Personal, false, Medium, "phone number: E.164 (+CC), NANP with area/exchange rules, national formats with field-name context"),
    PersonName => ("person_name", Personal, false, Medium, "a person's name, by field name (first_name, lastName, fullName, ...) and a name-like value"),
    PostalAddress => ("postal_address", Personal, false, Medium, "street address or postcode, by field name and a plausible value"),
    DateOfBirth => ("date_of_birth", Personal, false, Medium, "date of birth, by field name and a plausible past date"),
    IpAddress => ("ip_address", Personal, true, Low, "IPv4 or IPv6 address (parsed)"),
    Geolocation => ("geolocation", Personal, false, Medium, "latitude/longitude pair, by field names and ranges"),
    Ssn => ("ssn", Personal, true, High, "US Social Security number (area/group/serial rules)"),
    UkNino => ("uk_nino", Personal, true, High, "UK National Insurance number (prefix rules)"),
    Passport => ("passport", Personal, false, High, "passport number, by field name"),
    Vin => ("vin", Personal, true, Medium, "vehicle identification number (ISO 3779, check digit)"),
    EsDni => ("es_dni", Personal, true, High, "Spanish DNI/NIE (check letter)"),
    InAadhaar => ("in_aadhaar", Personal, true, High, "Indian Aadhaar number (Verhoeff check digit)"),
    BrCpf => ("br_cpf", Personal, true, High, "Brazilian CPF (two mod-11 check digits)"),
    CardNumber => ("card_number", Financial, true, High, "payment card number (Luhn, issuer ranges and lengths)"),
    Iban => ("iban", Financial, true, High, "IBAN (country length and mod-97)"),
    RoutingNumber => ("routing_number", Financial, true, Medium, "US ABA routing number (checksum), by field name"),
    CardCvv => ("card_cvv", Financial, false, High, "card security code, by field name"),
    CardExpiry => ("card_expiry", Financial, false, Medium, "card expiry date, by field name and card context"),
    Password => ("password", Credential, false, High, "password, by field name (or in URL user info / Basic auth)"),
    PasswordHash => ("password_hash", Credential, true, High, "password hash: bcrypt, argon2, scrypt, PBKDF2, sha-crypt, yescrypt"),
    Jwt => ("jwt", Credential, true, High, "JSON Web Token (decoded header with alg)"),
    BearerToken => ("bearer_token", Credential, true, High, "bearer token in an Authorization header"),
    BasicAuth => ("basic_auth", Credential, true, High, "HTTP Basic credentials (decoded user:password)"),
    SessionId => ("session_id", Credential, false, High, "session identifier: session cookies and keys, with entropy"),
    PrivateKey => ("private_key", Credential, true, High, "PEM private key block"),
    AwsAccessKey => ("aws_access_key", Credential, true, High, "AWS access key id (AKIA/ASIA + 16)"),
    AwsSecretKey => ("aws_secret_key", Credential, false, High, "AWS secret access key (40 chars), by field name"),
    GcpApiKey => ("gcp_api_key", Credential, true, High, "Google Cloud API key (AIza + 35)"),
    GcpServiceAccount => ("gcp_service_account", Credential, true, High, "Google Cloud service-account key (JSON with private_key)"),
    AzureStorageKey => ("azure_storage_key", Credential, true, High, "Azure storage connection string or account key"),
    GithubToken => ("github_token", Credential, true, High, "GitHub token (ghp_, gho_, ghu_, ghs_, ghr_, github_pat_)"),
    GitlabToken => ("gitlab_token", Credential, true, High, "GitLab personal access token (glpat-)"),
    SlackToken => ("slack_token", Credential, true, High, "Slack token (xoxb-, xoxp-, ...)"),
    SlackWebhook => ("slack_webhook", Credential, true, Medium, "Slack incoming-webhook URL"),
    StripeSecretKey => ("stripe_secret_key", Credential, true, High, "Stripe secret or restricted key (sk_/rk_)"),
    StripePublishableKey => ("stripe_publishable_key", Credential, true, Low, "Stripe publishable key (pk_), public by design"),
    TwilioKey => ("twilio_key", Credential, true, Medium, "Twilio account or API key SID (AC/SK + 32 hex)"),
    SendgridKey => ("sendgrid_key", Credential, true, High, "SendGrid API key (SG.x.y)"),
    OpenaiKey => ("openai_key", Credential, true, High, "OpenAI-style API key (sk-, sk-proj-)"),
    GenericSecret => ("generic_secret", Credential, false, High, "high-entropy value under a secret-like name (api_key, client_secret, token, ...)"),
    Health => ("health", Special, false, High, "health data, by field name (diagnosis, medication, blood_type, ...)"),
    Religion => ("religion", Special, false, High, "religion or belief, by field name"),
    Ethnicity => ("ethnicity", Special, false, High, "racial or ethnic origin, by field name"),
    SexualOrientation => ("sexual_orientation", Special, false, High, "sexual orientation, by field name"),
    PoliticalOpinion => ("political_opinion", Special, false, High, "political opinion or affiliation, by field name"),
    Biometric => ("biometric", Special, false, High, "biometric template (fingerprint, face, voice), by field name"),
    Genetic => ("genetic", Special, false, High, "genetic data, by field name"),
    TradeUnion => ("trade_union", Special, false, High, "trade-union membership, by field name"),
}

impl fmt::Display for Builtin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// The id of a detected type: a built-in, or a user-defined type from the config.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DataTypeId {
    Builtin(Builtin),
    Custom(Arc<str>),
}

impl DataTypeId {
    pub fn as_str(&self) -> &str {
        match self {
            DataTypeId::Builtin(builtin) => builtin.id(),
            DataTypeId::Custom(id) => id,
        }
    }

    pub fn builtin(&self) -> Option<Builtin> {
        match self {
            DataTypeId::Builtin(builtin) => Some(*builtin),
            DataTypeId::Custom(_) => None,
        }
    }
}

impl fmt::Display for DataTypeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl From<Builtin> for DataTypeId {
    fn from(builtin: Builtin) -> Self {
        DataTypeId::Builtin(builtin)
    }
}

impl Serialize for DataTypeId {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for DataTypeId {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let id = String::deserialize(deserializer)?;
        Ok(match Builtin::from_id(&id) {
            Some(builtin) => DataTypeId::Builtin(builtin),
            None => DataTypeId::Custom(id.into()),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_round_trip() {
        let mut seen = std::collections::HashSet::new();
        for builtin in Builtin::ALL {
            assert!(seen.insert(builtin.id()), "duplicate id {}", builtin.id());
            assert_eq!(Builtin::from_id(builtin.id()), Some(*builtin));
            let json = serde_json::to_string(&DataTypeId::from(*builtin)).unwrap();
            assert_eq!(serde_json::from_str::<DataTypeId>(&json).unwrap(), DataTypeId::Builtin(*builtin));
        }
        assert_eq!(
            serde_json::from_str::<DataTypeId>("\"employee_id\"").unwrap(),
            DataTypeId::Custom("employee_id".into())
        );
    }

    /// The README's type table lists every built-in type with its category and validation.
    #[test]
    fn readme_table_is_complete() {
        let readme = include_str!("../README.md");
        for builtin in Builtin::ALL {
            let row = format!(
                "| `{}` | {} | {} |",
                builtin.id(),
                builtin.category().as_str(),
                if builtin.validated() { "yes" } else { "no" }
            );
            assert!(readme.contains(&row), "README lacks {row}");
        }
    }
}
