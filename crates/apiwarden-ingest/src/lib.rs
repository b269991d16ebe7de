//! Getting traffic into apiwarden from files: HAR 1.2 (plain or gzip, one file or a folder)
//! and apiwarden's own JSON-lines format, read as streams in bounded memory
//! ([`source`]), and the pipeline that parses, dedupes, analyses and commits them to a
//! [`Store`](apiwarden_store::Store) ([`pipeline`]).

pub mod pipeline;
pub mod source;

pub use pipeline::{
    CallsReport, FileReport, IngestConfig, IngestError, IngestReport, Ingestor, LiveBatch, NoProgress,
    Progress,
};
