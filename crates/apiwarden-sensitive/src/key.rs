//! Field-name context: the last meaningful token of a field's path, normalised into
//! lowercase words (`billingAddress.line1` → `billing address line 1`), and what those
//! words suggest the value is.
//!
//! Matching is on whole words and on the compact form (words joined), never on arbitrary
//! substrings, so `passenger` is not `pass` and `tokenizer` is not `token`. A few words
//! veto a hint (`password_policy`, `token_type`, `secret_name`, `card_count`): they name
//! something *about* the secret, not the secret.

use apiwarden_core::Location;

/// The most words of a key that are looked at.
pub(crate) const MAX_KEY_WORDS: usize = 8;
/// Longest key (bytes) that is normalised; longer keys get no hint.
pub(crate) const MAX_KEY_BYTES: usize = 96;

/// What a field name says about its value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub(crate) enum KeyHint {
    #[default]
    None,
    Email,
    Phone,
    /// `first_name`, `surname`, `fullName`, `cardholder_name`...
    PersonName,
    /// Bare `name`: a person only under a person-like parent.
    BareName,
    /// `street`, `address_line1`, `street_address`.
    Street,
    /// Bare `address` / `line1` / `line2`: a street only when the value looks like one or
    /// the parent is an address.
    BareAddress,
    PostCode,
    DateOfBirth,
    Latitude,
    Longitude,
    /// `coordinates`, `latlng`, `geo`: a `lat,lon` pair in one value.
    LatLon,
    Ssn,
    Nino,
    Passport,
    Vin,
    Dni,
    Aadhaar,
    Cpf,
    CardNumber,
    /// Bare `number` / `pan`: a card number only under a card parent.
    BareNumber,
    Iban,
    Routing,
    Cvv,
    /// `security_code` / `cid` outside a card object: a CVV only beside card fields.
    SecurityCode,
    /// `card_expiry`, `cc_exp`: explicit card expiry.
    CardExpiry,
    /// `expiry`, `exp_month`, `exp_year`, `expiration`: card expiry only with card context.
    Expiry,
    /// `last4`, `brand`, `cardholder`: tells that siblings belong to a card.
    CardContext,
    Password,
    PasswordHash,
    /// `api_key`, `client_secret`, `access_token`, `x-api-key`...
    Secret,
    AwsSecret,
    AzureKey,
    Twilio,
    Session,
    Authorization,
    Ip,
    Health,
    Religion,
    Ethnicity,
    SexualOrientation,
    Political,
    Biometric,
    Genetic,
    TradeUnion,
    /// Identifiers, counters, money, versions, codes: numbers here are not phones, cards
    /// or SSNs unless their format says so on its own.
    NotPersonal,
    /// `version`, `app_version`: dotted numbers here are not IP addresses.
    Version,
}

/// The words of a normalised key.
#[derive(Debug, Default)]
pub(crate) struct KeyWords {
    compact: String,
    /// `(start, end)` of each word in `compact`.
    bounds: Vec<(usize, usize)>,
    /// Union of the [`word_flags`] of the words.
    flags: u8,
    /// Which [`SUBSTRINGS`] occur in `compact` (bit i for entry i).
    subs: u64,
}

/// Substrings of the compact key looked for by the rules, found in one Aho-Corasick pass.
const SUBSTRINGS: &[&str] = &[
    "accesskey",
    "accesstoken",
    "addressline",
    "apikey",
    "authtoken",
    "bearertoken",
    "bloodgroup",
    "bloodpressure",
    "bloodtype",
    "clientsecret",
    "clinicalnote",
    "encryptionkey",
    "faceembedding",
    "facetemplate",
    "facialgeometry",
    "fingerprintimage",
    "fingerprinttemplate",
    "healthcondition",
    "healthdata",
    "healthstatus",
    "heartrate",
    "laborunion",
    "labresult",
    "medicalcondition",
    "medicalhistory",
    "medicalrecord",
    "mentalhealth",
    "partyaffiliation",
    "password",
    "privatekey",
    "refreshtoken",
    "secretaccesskey",
    "secretkey",
    "sessionid",
    "sessiontoken",
    "sexlife",
    "sexualorientation",
    "signingkey",
    "socialsecurity",
    "tradeunion",
    "unionmember",
];
const S_ACCESSKEY: u64 = 1 << 0;
const S_ACCESSTOKEN: u64 = 1 << 1;
const S_ADDRESSLINE: u64 = 1 << 2;
const S_APIKEY: u64 = 1 << 3;
const S_AUTHTOKEN: u64 = 1 << 4;
const S_BEARERTOKEN: u64 = 1 << 5;
const S_BLOODGROUP: u64 = 1 << 6;
const S_BLOODPRESSURE: u64 = 1 << 7;
const S_BLOODTYPE: u64 = 1 << 8;
const S_CLIENTSECRET: u64 = 1 << 9;
const S_CLINICALNOTE: u64 = 1 << 10;
const S_ENCRYPTIONKEY: u64 = 1 << 11;
const S_FACEEMBEDDING: u64 = 1 << 12;
const S_FACETEMPLATE: u64 = 1 << 13;
const S_FACIALGEOMETRY: u64 = 1 << 14;
const S_FINGERPRINTIMAGE: u64 = 1 << 15;
const S_FINGERPRINTTEMPLATE: u64 = 1 << 16;
const S_HEALTHCONDITION: u64 = 1 << 17;
const S_HEALTHDATA: u64 = 1 << 18;
const S_HEALTHSTATUS: u64 = 1 << 19;
const S_HEARTRATE: u64 = 1 << 20;
const S_LABORUNION: u64 = 1 << 21;
const S_LABRESULT: u64 = 1 << 22;
const S_MEDICALCONDITION: u64 = 1 << 23;
const S_MEDICALHISTORY: u64 = 1 << 24;
const S_MEDICALRECORD: u64 = 1 << 25;
const S_MENTALHEALTH: u64 = 1 << 26;
const S_PARTYAFFILIATION: u64 = 1 << 27;
const S_PASSWORD: u64 = 1 << 28;
const S_PRIVATEKEY: u64 = 1 << 29;
const S_REFRESHTOKEN: u64 = 1 << 30;
const S_SECRETACCESSKEY: u64 = 1 << 31;
const S_SECRETKEY: u64 = 1 << 32;
const S_SESSIONID: u64 = 1 << 33;
const S_SESSIONTOKEN: u64 = 1 << 34;
const S_SEXLIFE: u64 = 1 << 35;
const S_SEXUALORIENTATION: u64 = 1 << 36;
const S_SIGNINGKEY: u64 = 1 << 37;
const S_SOCIALSECURITY: u64 = 1 << 38;
const S_TRADEUNION: u64 = 1 << 39;
const S_UNIONMEMBER: u64 = 1 << 40;

fn substring_automaton() -> Option<&'static aho_corasick::AhoCorasick> {
    static AUTOMATON: std::sync::OnceLock<Option<aho_corasick::AhoCorasick>> = std::sync::OnceLock::new();
    AUTOMATON.get_or_init(|| aho_corasick::AhoCorasick::new(SUBSTRINGS).ok()).as_ref()
}

const F_SECRET_VETO: u8 = 1;
const F_NOT_PERSONAL: u8 = 2;
const F_PERSON_PARENT: u8 = 4;

/// The big word lists as one lookup table: word → which lists hold it. Built once.
fn word_flags() -> &'static std::collections::HashMap<&'static str, u8> {
    static TABLE: std::sync::OnceLock<std::collections::HashMap<&'static str, u8>> =
        std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        let mut table = std::collections::HashMap::new();
        for (list, flag) in
            [(SECRET_VETO, F_SECRET_VETO), (NOT_PERSONAL, F_NOT_PERSONAL), (PERSON_PARENTS, F_PERSON_PARENT)]
        {
            for word in list {
                *table.entry(*word).or_insert(0) |= flag;
            }
        }
        table
    })
}

impl KeyWords {
    pub(crate) fn compact(&self) -> &str {
        &self.compact
    }

    pub(crate) fn words(&self) -> impl Iterator<Item = &str> + '_ {
        self.bounds.iter().filter_map(|&(start, end)| self.compact.get(start..end))
    }

    fn has_sub(&self, sub: u64) -> bool {
        self.subs & sub != 0
    }

    fn has_flag(&self, flag: u8) -> bool {
        self.flags & flag != 0
    }

    pub(crate) fn has(&self, word: &str) -> bool {
        self.words().any(|w| w == word)
    }

    pub(crate) fn has_any(&self, words: &[&str]) -> bool {
        self.words().any(|w| words.contains(&w))
    }

    /// Splits a key into lowercase words at `_ - . space [ ] :`, lower→upper case changes
    /// (`firstName`), acronym ends (`HTTPServer` → `http server`) and letter/digit changes
    /// (`line1` → `line 1`).
    pub(crate) fn parse(&mut self, key: &str) {
        self.compact.clear();
        self.bounds.clear();
        self.flags = 0;
        self.subs = 0;
        if key.len() > MAX_KEY_BYTES {
            return;
        }
        if key.is_ascii() {
            self.parse_ascii(key.as_bytes());
        } else {
            self.parse_unicode(key);
        }
        let table = word_flags();
        self.flags = self.words().fold(0, |flags, word| flags | table.get(word).copied().unwrap_or(0));
        self.find_substrings();
    }

    fn find_substrings(&mut self) {
        if let Some(automaton) = substring_automaton() {
            for m in automaton.find_overlapping_iter(self.compact.as_str()) {
                self.subs |= 1u64 << m.pattern().as_usize();
            }
        } else {
            // Cannot happen (the strings are constants); fall back to plain searches.
            for (i, sub) in SUBSTRINGS.iter().enumerate() {
                if self.compact.contains(sub) {
                    self.subs |= 1u64 << i;
                }
            }
        }
    }

    fn parse_ascii(&mut self, key: &[u8]) {
        let mut start = 0usize;
        let mut prev: Option<u8> = None;
        for (i, &c) in key.iter().enumerate() {
            if !c.is_ascii_alphanumeric() {
                self.close_word(&mut start);
                prev = None;
                continue;
            }
            if let Some(p) = prev {
                let next_lower = key.get(i + 1).is_some_and(u8::is_ascii_lowercase);
                let boundary = (p.is_ascii_lowercase() && c.is_ascii_uppercase())
                    || (p.is_ascii_uppercase() && c.is_ascii_uppercase() && next_lower)
                    || (p.is_ascii_digit() != c.is_ascii_digit());
                if boundary {
                    self.close_word(&mut start);
                }
            }
            if self.bounds.len() >= MAX_KEY_WORDS {
                break;
            }
            self.compact.push(char::from(c.to_ascii_lowercase()));
            prev = Some(c);
        }
        self.close_word(&mut start);
    }

    fn parse_unicode(&mut self, key: &str) {
        let mut chars = key.chars().peekable();
        let mut start = 0usize;
        let mut prev: Option<char> = None;
        while let Some(c) = chars.next() {
            if !c.is_alphanumeric() {
                self.close_word(&mut start);
                prev = None;
                continue;
            }
            if let Some(p) = prev {
                let next_lower = chars.peek().is_some_and(|n| n.is_lowercase());
                let boundary = (p.is_lowercase() && c.is_uppercase())
                    || (p.is_uppercase() && c.is_uppercase() && next_lower)
                    || (p.is_ascii_digit() != c.is_ascii_digit());
                if boundary {
                    self.close_word(&mut start);
                }
            }
            if self.bounds.len() >= MAX_KEY_WORDS {
                break;
            }
            self.compact.extend(c.to_lowercase());
            prev = Some(c);
        }
        self.close_word(&mut start);
    }

    fn close_word(&mut self, start: &mut usize) {
        if self.compact.len() > *start && self.bounds.len() < MAX_KEY_WORDS {
            self.bounds.push((*start, self.compact.len()));
        }
        *start = self.compact.len();
    }
}

/// The token that names a field: the last path token that is not an array index,
/// RFC 6901-unescaped; and the token before it (the parent's name).
pub(crate) fn name_tokens(path: &str) -> (&str, &str) {
    let mut found: [&str; 2] = ["", ""];
    let mut count = 0usize;
    let mut end = path.len();
    while count < 2 {
        let start = path.get(..end).and_then(|p| p.rfind('/')).map_or(0, |i| i + 1);
        let token = path.get(start..end).unwrap_or("");
        if !token.is_empty() && !token.bytes().all(|b| b.is_ascii_digit()) {
            if let Some(slot) = found.get_mut(count) {
                *slot = token;
            }
            count += 1;
        }
        if start == 0 {
            break;
        }
        end = start - 1;
    }
    let [name, parent] = found;
    (name, parent)
}

/// `~1` → `/`, `~0` → `~`.
pub(crate) fn unescape_token(token: &str) -> std::borrow::Cow<'_, str> {
    if token.contains('~') {
        std::borrow::Cow::Owned(token.replace("~1", "/").replace("~0", "~"))
    } else {
        std::borrow::Cow::Borrowed(token)
    }
}

/// Words that turn a secret-like name into a name *about* a secret.
const SECRET_VETO: &[&str] = &[
    "id",
    "ids",
    "policy",
    "policies",
    "length",
    "len",
    "strength",
    "reset",
    "expires",
    "expiry",
    "expiration",
    "expired",
    "exp",
    "changed",
    "updated",
    "created",
    "required",
    "enabled",
    "disabled",
    "hint",
    "min",
    "max",
    "rule",
    "rules",
    "count",
    "attempts",
    "type",
    "types",
    "url",
    "uri",
    "endpoint",
    "format",
    "name",
    "names",
    "version",
    "ttl",
    "status",
    "is",
    "has",
    "path",
    "file",
    "at",
    "date",
    "time",
    "lifetime",
    "duration",
    "age",
    "usage",
    "limit",
    "scope",
    "scopes",
    "label",
    "description",
    "prefix",
    "last",
    "rotated",
    "location",
    "storage",
    "mode",
    "method",
    "algorithm",
    "alg",
    "kind",
    "page",
    "next",
    "pagination",
    "continuation",
    "cursor",
    "csrf",
    "xsrf",
    "idempotency",
    "tokens",
    "total",
    "prompt",
    "completion",
    "input",
    "output",
    "fingerprint",
    "public",
    "field",
    "param",
    "header",
    "valid",
    "verified",
    "confirmed",
    "manager",
    "store",
    "vault",
    "arn",
];

/// Words that make a field an identifier, counter or code rather than personal data.
const NOT_PERSONAL: &[&str] = &[
    "id",
    "ids",
    "uuid",
    "guid",
    "order",
    "invoice",
    "tracking",
    "shipment",
    "reference",
    "ref",
    "sku",
    "part",
    "model",
    "serial",
    "product",
    "item",
    "code",
    "count",
    "total",
    "amount",
    "price",
    "quantity",
    "qty",
    "timestamp",
    "ts",
    "epoch",
    "created",
    "updated",
    "time",
    "duration",
    "size",
    "bytes",
    "offset",
    "limit",
    "page",
    "seq",
    "sequence",
    "nonce",
    "hash",
    "checksum",
    "sha",
    "commit",
    "revision",
    "build",
    "batch",
    "transaction",
    "txn",
    "request",
    "trace",
    "span",
    "correlation",
    "ticket",
    "case",
    "confirmation",
    "booking",
    "barcode",
    "ean",
    "upc",
    "isbn",
    "gtin",
    "version",
    "port",
    "pid",
    "index",
    "rank",
    "score",
    "balance",
    "cents",
];

/// Parents whose bare `name` child is a person's name.
const PERSON_PARENTS: &[&str] = &[
    "user",
    "customer",
    "contact",
    "owner",
    "author",
    "holder",
    "cardholder",
    "patient",
    "employee",
    "member",
    "recipient",
    "sender",
    "person",
    "profile",
    "beneficiary",
    "payer",
    "payee",
    "guest",
    "passenger",
    "traveler",
    "traveller",
    "applicant",
    "driver",
    "student",
    "client",
    "buyer",
    "spouse",
    "assignee",
    "reporter",
    "requester",
    "attendee",
    "subscriber",
    "emergency",
    "signer",
    "billing",
    "shipping",
    "people",
    "users",
    "subject",
    "customers",
    "contacts",
    "employees",
    "members",
    "patients",
];

fn person_parent(words: &KeyWords) -> bool {
    words.has_flag(F_PERSON_PARENT)
}

pub(crate) fn address_parent(words: &KeyWords) -> bool {
    words.has_any(&[
        "address",
        "addresses",
        "billing",
        "shipping",
        "residence",
        "mailing",
        "postal",
        "delivery",
    ]) && !words.has_any(&["email", "ip", "mac", "wallet", "server", "remote"])
}

pub(crate) fn card_parent(words: &KeyWords) -> bool {
    matches!(
        words.compact(),
        "card" | "cc" | "creditcard" | "debitcard" | "paymentcard" | "carddetails" | "cards"
    ) || (words.has("card") && !words.has_any(&["gift", "loyalty", "business", "sim", "id", "report"]))
}

/// The hint of a field name, given its parent's words and its location.
pub(crate) fn classify_key(words: &KeyWords, parent: &KeyWords, location: Location) -> KeyHint {
    let compact = words.compact();
    if compact.is_empty() {
        return KeyHint::None;
    }
    if location == Location::Header {
        match compact {
            "authorization" | "proxyauthorization" => return KeyHint::Authorization,
            "xforwardedfor" | "xrealip" | "forwarded" | "trueclientip" | "cfconnectingip" | "xclientip"
            | "xoriginatingip" => return KeyHint::Ip,
            _ => {}
        }
    }
    if location == Location::Cookie && is_session_cookie(words) {
        return KeyHint::Session;
    }
    if let Some(hint) = exact(compact, parent) {
        return hint;
    }
    if let Some(hint) = by_words(words, parent) {
        return hint;
    }
    KeyHint::None
}

fn is_session_cookie(words: &KeyWords) -> bool {
    words.has_any(&[
        "session",
        "sess",
        "sid",
        "sessid",
        "sessionid",
        "jsessionid",
        "phpsessid",
        "auth",
        "token",
    ]) || matches!(
        words.compact(),
        "aspnetsessionid" | "connectsid" | "ghsess" | "rememberme" | "remembertoken"
    ) || words.compact().ends_with("sessionid")
        || words.compact().ends_with("session")
}

fn exact(compact: &str, parent: &KeyWords) -> Option<KeyHint> {
    Some(match compact {
        "email" | "emailaddress" | "mail" | "emailid" | "useremail" | "contactemail" | "billingemail"
        | "recipientemail" | "customeremail" | "workemail" | "personalemail" | "emails" => KeyHint::Email,
        "phone" | "phonenumber" | "phoneno" | "mobile" | "mobilenumber" | "mobilephone" | "cell"
        | "cellphone" | "cellnumber" | "tel" | "telephone" | "telephonenumber" | "msisdn" | "fax"
        | "homephone" | "workphone" | "contactnumber" | "contactphone" | "phones" | "whatsapp" => {
            KeyHint::Phone
        }
        "firstname" | "lastname" | "surname" | "givenname" | "familyname" | "fullname" | "middlename"
        | "maidenname" | "fname" | "lname" | "forename" | "cardholdername" | "nameoncard" | "holdername"
        | "accountholdername" | "customername" | "contactname" | "recipientname" | "billingname"
        | "shippingname" | "beneficiaryname" | "patientname" | "employeename" | "legalname"
        | "sendername" | "mothersmaidenname" | "personname" | "ownername" => KeyHint::PersonName,
        "name" => KeyHint::BareName,
        "street" | "streetaddress" | "addressline1" | "addressline2" | "address1" | "address2"
        | "streetname" | "homeaddress" | "billingaddress" | "shippingaddress" | "mailingaddress"
        | "postaladdress" | "residentialaddress" | "streetline1" | "streetline2" => KeyHint::Street,
        "address" | "line1" | "line2" | "addr" => KeyHint::BareAddress,
        "zip" | "zipcode" | "postcode" | "postalcode" | "postal" | "zip5" | "billingzip"
        | "billingpostcode" | "billingpostalcode" | "shippingzip" | "shippingpostcode" | "plz" | "cap" => {
            KeyHint::PostCode
        }
        "dob" | "dateofbirth" | "birthdate" | "birthday" | "bornon" | "birthdateutc" | "dateofbirthutc"
        | "bdate" | "bday" => KeyHint::DateOfBirth,
        "lat" | "latitude" => KeyHint::Latitude,
        "lon" | "lng" | "long" | "longitude" => KeyHint::Longitude,
        "coordinates" | "coords" | "latlng" | "latlon" | "latlong" | "geo" | "gps" | "geolocation"
        | "location" | "position" | "point" => KeyHint::LatLon,
        "ssn" | "socialsecuritynumber" | "socialsecurityno" | "ssnumber" | "taxpayerid" | "ssnlast9" => {
            KeyHint::Ssn
        }
        "nino" | "nationalinsurancenumber" | "nationalinsuranceno" | "ninumber" | "nino2" => KeyHint::Nino,
        "passport"
        | "passportnumber"
        | "passportno"
        | "passportid"
        | "passportnum"
        | "traveldocumentnumber"
        | "passportnr" => KeyHint::Passport,
        "vin"
        | "vehicleidentificationnumber"
        | "vinnumber"
        | "chassisnumber"
        | "vehiclevin"
        | "vehicleidnumber"
        | "vinno"
        | "chassisno" => KeyHint::Vin,
        "dni" | "nie" | "nif" | "documentonacional" | "dninumber" | "nienumber" => KeyHint::Dni,
        "aadhaar" | "aadhar" | "aadhaarnumber" | "aadharnumber" | "aadhaarno" | "uidai" => KeyHint::Aadhaar,
        "cpf" | "cpfnumber" | "cpfcnpj" | "numerocpf" => KeyHint::Cpf,
        "cardnumber"
        | "cardno"
        | "creditcard"
        | "creditcardnumber"
        | "ccnumber"
        | "ccnum"
        | "cardnum"
        | "pan"
        | "primaryaccountnumber"
        | "debitcardnumber"
        | "paymentcardnumber"
        | "cc" => KeyHint::CardNumber,
        "number" | "num" | "no" => KeyHint::BareNumber,
        "iban" | "ibannumber" | "bankiban" | "accountiban" => KeyHint::Iban,
        "routing"
        | "routingnumber"
        | "aba"
        | "abanumber"
        | "rtn"
        | "bankrouting"
        | "routingtransitnumber"
        | "abaroutingnumber"
        | "routingno" => KeyHint::Routing,
        "cvv"
        | "cvc"
        | "cvv2"
        | "cvc2"
        | "csc"
        | "cid"
        | "cardcvv"
        | "cardcvc"
        | "securitycode"
        | "cardsecuritycode"
        | "cardverificationvalue"
        | "cardverificationcode"
        | "cvn"
        | "cardcode" => {
            if matches!(compact, "cid" | "securitycode") && !card_parent(parent) {
                return Some(KeyHint::SecurityCode);
            }
            KeyHint::Cvv
        }
        "cardexpiry" | "cardexpiration" | "ccexp" | "ccexpiry" | "cardexp" | "cardexpirydate"
        | "cardexpirationdate" | "ccexpdate" | "ccexpiration" | "cardexpdate" => KeyHint::CardExpiry,
        "exp" | "expiry" | "expiration" | "expmonth" | "expyear" | "expirymonth" | "expiryyear"
        | "expirationmonth" | "expirationyear" | "expirydate" | "expirationdate" | "expdate" => {
            KeyHint::Expiry
        }
        "last4" | "lastfour" | "brand" | "cardbrand" | "cardtype" | "funding" | "cardholder" | "bin"
        | "issuer" | "network" => KeyHint::CardContext,
        "ip" | "ipaddress" | "ipaddr" | "remoteaddr" | "remoteip" | "clientip" | "sourceip" | "srcip"
        | "userip" | "ipv4" | "ipv6" | "lastloginip" | "registrationip" | "originip" => KeyHint::Ip,
        "version" | "appversion" | "apiversion" | "sdkversion" | "osversion" | "clientversion" | "ver" => {
            KeyHint::Version
        }
        "awssecretaccesskey" | "secretaccesskey" | "awssecretkey" | "awssecret" | "awssecretaccess" => {
            KeyHint::AwsSecret
        }
        "accountkey"
        | "storagekey"
        | "azurestoragekey"
        | "storageaccountkey"
        | "azureaccountkey"
        | "azurestorageaccountkey" => KeyHint::AzureKey,
        "accountsid" | "twilioaccountsid" | "twiliosid" | "apikeysid" | "twilioapikey" | "twilioaccount" => {
            KeyHint::Twilio
        }
        "sessionid" | "sessiontoken" | "sessionkey" | "sid" | "session" | "sessid" | "jsessionid"
        | "phpsessid" => KeyHint::Session,
        _ => return None,
    })
}

fn by_words(words: &KeyWords, parent: &KeyWords) -> Option<KeyHint> {
    let compact = words.compact();
    let veto = words.has_flag(F_SECRET_VETO);
    // Password hashes before passwords: `password_hash`, `hashed_password`, `pwdDigest`.
    let password_word = words.has_any(&["password", "passwd", "pwd", "passphrase", "passcode"])
        || words.has_sub(S_PASSWORD)
        || (words.has("pass")
            && words.bounds.len() <= 2
            && !words.has_any(&["boarding", "bus", "day", "season"]));
    if password_word && words.has_any(&["hash", "hashed", "digest", "crypt", "encrypted", "bcrypt"]) {
        return Some(KeyHint::PasswordHash);
    }
    if password_word && !veto && !words.has("salt") {
        return Some(KeyHint::Password);
    }
    if words.has_sub(S_SECRETACCESSKEY) || (words.has("aws") && words.has("secret")) {
        return Some(KeyHint::AwsSecret);
    }
    if words.has_sub(S_SESSIONID) || words.has_sub(S_SESSIONTOKEN) || compact.ends_with("sessionkey") {
        return Some(KeyHint::Session);
    }
    let secret_word = words.has_any(&[
        "secret",
        "token",
        "apikey",
        "credential",
        "credentials",
        "passkey",
        "privatekey",
        "accesskey",
        "signingkey",
        "encryptionkey",
        "masterkey",
        "authkey",
        "webhooksecret",
    ]) || words.has_sub(S_APIKEY)
        || words.has_sub(S_ACCESSKEY)
        || words.has_sub(S_SECRETKEY)
        || words.has_sub(S_PRIVATEKEY)
        || words.has_sub(S_SIGNINGKEY)
        || words.has_sub(S_ENCRYPTIONKEY)
        || words.has_sub(S_CLIENTSECRET)
        || words.has_sub(S_AUTHTOKEN)
        || words.has_sub(S_ACCESSTOKEN)
        || words.has_sub(S_REFRESHTOKEN)
        || words.has_sub(S_BEARERTOKEN)
        || (words.has("key")
            && words.has_any(&["api", "access", "auth", "private", "secret", "license", "app"]));
    if secret_word && !veto {
        return Some(KeyHint::Secret);
    }
    if words.has("email")
        && !words.has_any(&["verified", "confirmed", "enabled", "type", "opt", "status", "template"])
    {
        return Some(KeyHint::Email);
    }
    if words.has_any(&["phone", "mobile", "telephone", "msisdn"])
        && !words.has_any(&["verified", "confirmed", "type", "model", "os", "enabled", "brand", "make"])
    {
        return Some(KeyHint::Phone);
    }
    if (words.has("name") || words.has("surname"))
        && words.has_any(&["first", "last", "given", "family", "full", "middle", "maiden", "legal"])
    {
        return Some(KeyHint::PersonName);
    }
    if (words.has("name") || words.has("names"))
        && person_parent(words)
        && !words.has_any(&["user", "display", "screen", "nick", "company", "business", "file", "host"])
    {
        return Some(KeyHint::PersonName);
    }
    if words.has_any(&["birth", "dob"])
        && !words.has_any(&["place", "country", "city", "weight", "certificate"])
    {
        return Some(KeyHint::DateOfBirth);
    }
    if words.has_any(&["zip", "postcode", "zipcode"]) || compact.ends_with("postalcode") {
        return Some(KeyHint::PostCode);
    }
    if words.has("street") || words.has_sub(S_ADDRESSLINE) || compact.ends_with("streetaddress") {
        return Some(KeyHint::Street);
    }
    if words.has("ssn") || words.has_sub(S_SOCIALSECURITY) {
        return Some(KeyHint::Ssn);
    }
    if words.has("passport")
        && !words.has_any(&["country", "expiry", "expiration", "issued", "type", "photo"])
    {
        return Some(KeyHint::Passport);
    }
    if words.has("iban") {
        return Some(KeyHint::Iban);
    }
    if words.has("routing") || words.has("aba") {
        return Some(KeyHint::Routing);
    }
    if words.has_any(&["cvv", "cvc", "cvv2", "cvc2"]) {
        return Some(KeyHint::Cvv);
    }
    if (words.has("card") || words.has("cc")) && words.has_any(&["number", "num", "no", "pan"]) {
        return Some(KeyHint::CardNumber);
    }
    if (words.has("card") || words.has("cc")) && words.has_any(&["expiry", "expiration", "exp"]) {
        return Some(KeyHint::CardExpiry);
    }
    if words.has("ip") && !words.has_any(&["count", "range", "version", "allowlist", "policy"]) {
        return Some(KeyHint::Ip);
    }
    if words.has_any(&["latitude", "lat"]) {
        return Some(KeyHint::Latitude);
    }
    if words.has_any(&["longitude", "lng", "lon"]) {
        return Some(KeyHint::Longitude);
    }
    if let Some(special) = special_category(words) {
        return Some(special);
    }
    if compact == "name" && person_parent(parent) {
        return Some(KeyHint::PersonName);
    }
    if words.has_any(&["version", "firmware", "release", "kernel"]) {
        return Some(KeyHint::Version);
    }
    if words.has_flag(F_NOT_PERSONAL) {
        return Some(KeyHint::NotPersonal);
    }
    None
}

fn special_category(words: &KeyWords) -> Option<KeyHint> {
    let health = words.has_any(&[
        "diagnosis",
        "diagnoses",
        "medication",
        "medications",
        "prescription",
        "prescriptions",
        "allergy",
        "allergies",
        "symptom",
        "symptoms",
        "disability",
        "disabilities",
        "illness",
        "disease",
        "icd",
        "icd10",
        "mrn",
        "pregnancy",
        "pregnant",
        "hiv",
        "vaccination",
        "vaccine",
        "treatment",
        "therapy",
        "prognosis",
        "comorbidities",
        "bmi",
    ]) || words.has_sub(S_MEDICALRECORD)
        || words.has_sub(S_MEDICALHISTORY)
        || words.has_sub(S_MEDICALCONDITION)
        || words.has_sub(S_HEALTHCONDITION)
        || words.has_sub(S_HEALTHSTATUS)
        || words.has_sub(S_BLOODTYPE)
        || words.has_sub(S_BLOODGROUP)
        || words.has_sub(S_BLOODPRESSURE)
        || words.has_sub(S_HEARTRATE)
        || words.has_sub(S_MENTALHEALTH)
        || words.has_sub(S_LABRESULT)
        || words.has_sub(S_HEALTHDATA)
        || words.has_sub(S_CLINICALNOTE);
    if health && !words.has_any(&["id", "count", "url", "enabled", "date", "at"]) {
        return Some(KeyHint::Health);
    }
    if words.has_any(&["religion", "religious", "faith", "denomination"]) {
        return Some(KeyHint::Religion);
    }
    if words.has_any(&["ethnicity", "ethnic", "racial"]) || words.compact() == "race" {
        return Some(KeyHint::Ethnicity);
    }
    if words.has_any(&["sexuality"]) || words.has_sub(S_SEXUALORIENTATION) || words.has_sub(S_SEXLIFE) {
        return Some(KeyHint::SexualOrientation);
    }
    if words.has("political") || words.has_sub(S_PARTYAFFILIATION) {
        return Some(KeyHint::Political);
    }
    if words.has_any(&["biometric", "biometrics", "faceprint", "voiceprint", "iris", "retina", "palmprint"])
        || words.has_sub(S_FINGERPRINTTEMPLATE)
        || words.has_sub(S_FACETEMPLATE)
        || words.has_sub(S_FACEEMBEDDING)
        || words.has_sub(S_FACIALGEOMETRY)
        || words.has_sub(S_FINGERPRINTIMAGE)
    {
        return Some(KeyHint::Biometric);
    }
    if words.has_any(&["genetic", "genome", "genotype", "dna"]) {
        return Some(KeyHint::Genetic);
    }
    if words.has_sub(S_TRADEUNION) || words.has_sub(S_UNIONMEMBER) || words.has_sub(S_LABORUNION) {
        return Some(KeyHint::TradeUnion);
    }
    None
}

/// True when the words name an identifier, counter or code (`order`, `ticket`, `id`).
pub(crate) fn is_identifier(words: &KeyWords) -> bool {
    words.has_flag(F_NOT_PERSONAL)
}

/// True when the parent names a person (for a bare `name` child).
pub(crate) fn is_person_parent(parent: &KeyWords) -> bool {
    person_parent(parent)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(key: &str) -> Vec<String> {
        let mut w = KeyWords::default();
        w.parse(key);
        w.words().map(str::to_owned).collect()
    }

    fn hint(key: &str, parent: &str) -> KeyHint {
        let (mut w, mut p) = (KeyWords::default(), KeyWords::default());
        w.parse(key);
        p.parse(parent);
        classify_key(&w, &p, Location::Body)
    }

    #[test]
    fn splits_case_and_separators() {
        assert_eq!(words("firstName"), ["first", "name"]);
        assert_eq!(words("first_name"), ["first", "name"]);
        assert_eq!(words("First-Name"), ["first", "name"]);
        assert_eq!(words("HTTPServerURL"), ["http", "server", "url"]);
        assert_eq!(words("address.line1"), ["address", "line", "1"]);
        assert_eq!(words("cvv2"), ["cvv", "2"]);
        assert_eq!(words(&"a_".repeat(100)), Vec::<String>::new());
    }

    #[test]
    fn tokens_skip_indexes() {
        assert_eq!(name_tokens("/user/emails/0"), ("emails", "user"));
        assert_eq!(name_tokens("/card/number"), ("number", "card"));
        assert_eq!(name_tokens(""), ("", ""));
        assert_eq!(name_tokens("/a/0/1/b"), ("b", "a"));
        assert_eq!(name_tokens("noslash"), ("noslash", ""));
        assert_eq!(name_tokens("/x//"), ("x", ""));
    }

    #[test]
    fn hints() {
        assert_eq!(hint("newPassword", ""), KeyHint::Password);
        assert_eq!(hint("password_policy", ""), KeyHint::None);
        assert_eq!(hint("passwordHash", ""), KeyHint::PasswordHash);
        assert_eq!(hint("passenger", ""), KeyHint::None);
        assert_eq!(hint("client_secret", ""), KeyHint::Secret);
        assert_eq!(hint("x-api-key", ""), KeyHint::Secret);
        assert_eq!(hint("token_type", ""), KeyHint::None);
        assert_eq!(hint("next_page_token", ""), KeyHint::NotPersonal);
        assert_eq!(hint("tokenizer", ""), KeyHint::None);
        assert_eq!(hint("name", "customer"), KeyHint::BareName);
        assert_eq!(hint("product_name", ""), KeyHint::NotPersonal);
        assert_eq!(hint("fileName", ""), KeyHint::None);
        assert_eq!(hint("exp_month", "card"), KeyHint::Expiry);
        assert_eq!(hint("order_id", ""), KeyHint::NotPersonal);
        assert_eq!(hint("blood_type", ""), KeyHint::Health);
        assert_eq!(hint("app_version", ""), KeyHint::Version);
    }
}
