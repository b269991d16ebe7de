//! SQLite backend (being written by the store helper).
pub struct SqliteStore;
