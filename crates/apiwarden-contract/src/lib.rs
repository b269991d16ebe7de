//! Positive security: requests checked against the API's contract.
